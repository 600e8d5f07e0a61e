/* The session: validated options, its channel to the host, and the single
 * request/response path every WS-Man operation goes through (tracing, HTTP
 * status interpretation, hardened parse, fault check, retries while the
 * host is busy). Authentication, sealing and the resend policy for 401s
 * and dropped connections are the channel's (src/winrm). */
#include "wsman/session_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/mech.h"
#include "platform/platform.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/strutil.h"
#include "wsman/global_int.h"
#include "wsman/ns.h"
#include "wsman/response.h"
#include "wsman/xmlutil.h"

#define DEFAULT_TIMEOUT_MS 60000L
#define DEFAULT_CONNECT_TIMEOUT_MS 30000L
#define DEFAULT_MAX_ENVELOPE 512000u
#define DEFAULT_OPERATION_TIMEOUT_MS 60000u
#define DEFAULT_BUSY_TIMEOUT_MS 60000u
/* Backoff between tries of a request the host refused as busy. */
#define BUSY_FIRST_DELAY_MS 250u
#define BUSY_MAX_DELAY_MS 4000u


hvsnap_status hvsnap_session_options_init(hvsnap_session_options *opts, unsigned int version)
{
	HVS_INIT_FROM_TEMPLATE(opts, version, HVSNAP_SESSION_OPTIONS_VERSION, hvsnap_session_options,
	                       HVSNAP_SESSION_OPTIONS_INIT);
}

int hvsnap_kerberos_has_credential(const char *user)
{
	return hvs_auth_kerberos_has_credential(user);
}

void hvsnap_session_interrupt(hvsnap_session *s)
{
	if (!s)
		return;
	atomic_store(&s->interrupted, 1);
	hvs_wakeup_give(&s->wakeup);
}

void hvsnap_session_resume(hvsnap_session *s)
{
	if (!s)
		return;
	/* Flag first: an interrupt landing in between keeps its flag, and a
	 * pause checks the flag before it waits. */
	atomic_store(&s->interrupted, 0);
	hvs_wakeup_clear(&s->wakeup);
}

int hvsnap_session_interrupted(const hvsnap_session *s)
{
	return s ? atomic_load(&((hvsnap_session *)s)->interrupted) : 0;
}

void hvsnap_session_free(hvsnap_session *s)
{
	if (!s)
		return;
	hvs_winrm_channel_free(s->channel);
	hvs_wakeup_close(&s->wakeup);
	free(s->host);
	free(s->user);
	free(s->cacert);
	free(s->pin);
	free(s->client_cert);
	free(s->client_key);
	free(s->locale);
	free(s->spn_service);
	free(s->spn_host);
	free(s->url);
	free(s);
}

/* Copies an optional string option; returns -1 only on allocation failure. */
static int copy_opt(char **dst, const char *src)
{
	if (!src)
		return 0;
	*dst = hvs_str_dup(src);
	return *dst ? 0 : -1;
}

static void emit_info(const hvsnap_session *s, const char *line)
{
	if (s->opts.trace)
		s->opts.trace(s->opts.trace_ctx, HVSNAP_TRACE_INFO, line, strlen(line));
}

/* The channel's -v lines go out as the session's. */
static void channel_info(void *ctx, const char *line)
{
	emit_info(ctx, line);
}

static hvsnap_status check_options(const hvsnap_session_options *o,
                                   hvsnap_error *err)
{
	if (!o->host || !*o->host)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "no host given");
	if (o->port > 65535)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "port %u is out of range", o->port);
	int https = o->transport == HVSNAP_TRANSPORT_HTTPS;
	switch (o->auth) {
	case HVSNAP_AUTH_NONE:
		break;
	case HVSNAP_AUTH_BASIC:
		if (!o->user || !*o->user)
			return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "Basic authentication needs a user name");
		if (!o->password)
			return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "Basic authentication needs a password");
		if (strchr(o->user, ':'))
			return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "a user name for Basic authentication cannot contain ':'");
		if (!https && !o->allow_insecure_basic)
			return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
			               "Basic authentication over plain http would send the password in clear text; "
			               "it needs https, or allow_insecure_basic set to accept that");
		if (o->encryption == HVSNAP_ENCRYPTION_ALWAYS)
			return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
			               "message encryption needs NTLM or Kerberos; Basic cannot encrypt");
		break;
	case HVSNAP_AUTH_CERTIFICATE:
		if (!https)
			return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "certificate authentication needs https");
		if (!o->client_cert || !o->client_key)
			return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "certificate authentication needs a client certificate and its key");
		break;
	case HVSNAP_AUTH_NTLM:
		if (!o->user || !*o->user)
			return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "NTLM authentication needs a user name");
		if (!o->password)
			return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "NTLM authentication needs a password");
		break;
	case HVSNAP_AUTH_NEGOTIATE:
	case HVSNAP_AUTH_KERBEROS:
		/* Without a password, Kerberos uses the ticket cache. */
		if (!o->password && !hvs_auth_kerberos_available())
			return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "%s authentication needs a password",
			               o->auth == HVSNAP_AUTH_KERBEROS ? "Kerberos" : "NTLM");
		if (o->password && (!o->user || !*o->user))
			return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "authentication needs a user name");
		break;
	}
	if (o->encryption == HVSNAP_ENCRYPTION_ALWAYS &&
	    (o->auth == HVSNAP_AUTH_NONE || o->auth == HVSNAP_AUTH_CERTIFICATE))
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		               "message encryption needs NTLM or Kerberos authentication");
	return HVSNAP_OK;
}

hvsnap_status hvsnap_session_new(hvsnap_session **out,
                                 const hvsnap_session_options *opts,
                                 hvsnap_error *err)
{
	hvsnap_error_clear(err);
	*out = NULL;
	if (!opts)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "no session options given");
	if (hvs_check_version(err, "session options", opts, HVSNAP_SESSION_OPTIONS_VERSION))
		return HVSNAP_ERR_USAGE;
	if (hvs_global_ensure() != HVSNAP_OK)
		return hvs_err_set(err, HVSNAP_ERR_INTERNAL, 0,
		                   "libcurl, libxml2 or OpenSSL could not be initialised");
	hvsnap_status st = check_options(opts, err);
	if (st != HVSNAP_OK)
		return st;

	hvsnap_session *s = calloc(1, sizeof(*s));
	if (!s)
		return hvs_err_nomem(err);
	/* Without an eventfd (descriptors exhausted) pauses fall back to
	 * short slices: slower to end, nothing else changes. */
	(void)hvs_wakeup_open(&s->wakeup);
	s->opts = *opts;
	if (copy_opt(&s->host, opts->host) || copy_opt(&s->user, opts->user) ||
	    copy_opt(&s->cacert, opts->cacert) ||
	    copy_opt(&s->pin, opts->pin) || copy_opt(&s->client_cert, opts->client_cert) ||
	    copy_opt(&s->client_key, opts->client_key) ||
	    copy_opt(&s->spn_service, opts->spn_service) ||
	    copy_opt(&s->spn_host, opts->spn_host) ||
	    copy_opt(&s->locale, opts->locale ? opts->locale : "en-US")) {
		hvsnap_session_free(s);
		return hvs_err_nomem(err);
	}
	s->opts.host = s->host;
	s->opts.user = s->user;
	s->opts.password = NULL;
	s->opts.cacert = s->cacert;
	s->opts.pin = s->pin;
	s->opts.client_cert = s->client_cert;
	s->opts.client_key = s->client_key;
	s->opts.locale = s->locale;
	s->opts.spn_service = s->spn_service;
	s->opts.spn_host = s->spn_host;
	if (!s->opts.timeout_ms)
		s->opts.timeout_ms = DEFAULT_TIMEOUT_MS;
	if (!s->opts.connect_timeout_ms)
		s->opts.connect_timeout_ms = DEFAULT_CONNECT_TIMEOUT_MS;
	if (!s->opts.busy_timeout_ms)
		s->opts.busy_timeout_ms = DEFAULT_BUSY_TIMEOUT_MS;
	if (!s->opts.max_envelope_size)
		s->opts.max_envelope_size = DEFAULT_MAX_ENVELOPE;
	/* The host should give up (with a fault we can show) before we do,
	 * and our budget also pays for connecting: ask for 80% of it. */
	if (!s->opts.operation_timeout_ms) {
		unsigned long host_ms = (unsigned long)s->opts.timeout_ms / 5 * 4;
		s->opts.operation_timeout_ms = host_ms < DEFAULT_OPERATION_TIMEOUT_MS
		                               ? (unsigned)host_ms : DEFAULT_OPERATION_TIMEOUT_MS;
	}
	/* A host sends no envelope bigger than we ask for: anything much
	 * larger is hostile, and even a body full of empty elements costs
	 * memory in proportion to its size. */
	if (!s->opts.max_response_bytes)
		s->opts.max_response_bytes = (size_t)s->opts.max_envelope_size + WSMAN_ENVELOPE_SLACK;

	int https = opts->transport == HVSNAP_TRANSPORT_HTTPS;
	unsigned port = opts->port ? opts->port : (https ? 5986u : 5985u);
	s->url = hvs_http_make_url(https, opts->host, port);
	if (!s->url) {
		hvsnap_session_free(s);
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "'%s' is not a valid host name or address",
		               opts->host);
	}
	http_conn_options ho = {
		.url = s->url,
		.cacert = s->cacert,
		/* A pinned key identifies the host by itself: self-signed listener
		 * certificates then need no CA file. */
		.insecure = opts->insecure || (opts->pin && !opts->cacert),
		.pin = s->pin,
		.client_cert = s->client_cert,
		.client_key = s->client_key,
		.connect_timeout_ms = s->opts.connect_timeout_ms,
		.timeout_ms = s->opts.timeout_ms,
		.max_response_bytes = s->opts.max_response_bytes,
	};
	winrm_channel_options co = {
		.auth = opts->auth,
		.encryption = opts->encryption,
		.https = https,
		.host = s->host,
		.user = s->user,
		.password = opts->password,
		.spn_service = s->spn_service,
		.spn_host = s->spn_host,
		.client_cert = s->client_cert,
		.info = channel_info,
		.info_ctx = s,
	};
	st = hvs_winrm_channel_open(&s->channel, &co, &ho, err);
	if (st != HVSNAP_OK) {
		hvsnap_session_free(s);
		return st;
	}
	*out = s;
	return HVSNAP_OK;
}

const char *hvsnap_session_url(const hvsnap_session *s)
{
	return s ? s->url : NULL;
}

uint64_t hvsnap_session_request_count(const hvsnap_session *s)
{
	return s ? hvs_winrm_channel_requests(s->channel) : 0;
}

void hvs_wsman_session_request_opts(const hvsnap_session *s, wsman_request_opts *o,
                                const char *resource_uri,
                                const hvsnap_selector *selectors, size_t n)
{
	memset(o, 0, sizeof(*o));
	o->to = s->url;
	o->resource_uri = resource_uri;
	o->selectors = selectors;
	o->n_selectors = n;
	o->operation_timeout_ms = s->opts.operation_timeout_ms;
	o->max_envelope_size = s->opts.max_envelope_size;
	o->locale = s->opts.locale;
}

hvsnap_status hvs_wsman_target_opts(const hvsnap_session *s, const hvsnap_epr *target,
                                    wsman_request_opts *o, hvsnap_error *err)
{
	if (!target || !target->resource_uri || !*target->resource_uri)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "no resource URI given");
	hvs_wsman_session_request_opts(s, o, target->resource_uri, target->selectors,
	                               target->n_selectors);
	return HVSNAP_OK;
}

__attribute__((format(printf, 2, 3)))
static void session_info(const hvsnap_session *s, const char *fmt, ...)
{
	if (!s->opts.trace)
		return;
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n >= 0)
		emit_info(s, line);
}

static void trace_soap(const hvsnap_session *s, hvsnap_trace_kind kind,
                       const char *data, size_t len)
{
	if (s->opts.trace && s->opts.trace_soap)
		s->opts.trace(s->opts.trace_ctx, kind, data, len);
}

/* The trimmed text of a:NAME in the envelope's header; NULL if absent. */
static char *header_text(xmlDocPtr doc, const char *name)
{
	xmlNodePtr header = hvs_xu_child(xmlDocGetRootElement(doc), NS_SOAP, "Header");
	xmlNodePtr n = header ? hvs_xu_child(header, NS_WSA, name) : NULL;
	return n ? hvs_xu_text_trim(n) : NULL;
}

static char *message_id(xmlDocPtr req)
{
	return header_text(req, "MessageID");
}

/* An answer must relate to the request it answers: on a kept-alive
 * connection a late or unrequested answer would otherwise be taken for
 * this one's. A fault without RelatesTo is let through (a host may fault
 * before it has read the MessageID); anything else must carry it. */
static hvsnap_status check_relates_to(xmlDocPtr doc, const char *label,
                                      const char *want, hvsnap_error *err)
{
	if (!want)
		return HVSNAP_OK; /* Identify carries no MessageID */
	char *got = header_text(doc, "RelatesTo");
	hvsnap_status st = HVSNAP_OK;
	if (got && !hvs_str_case_eq(got, want)) {
		st = hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		             "%s: the host's answer relates to another message (%.80s), "
		             "not to this request (%s)", label, got, want);
		hvs_err_add_detail(err, "a stray or late answer on the connection; it was not used");
	} else if (!got && !hvs_xu_child(hvs_wsman_body(doc), NS_SOAP, "Fault")) {
		st = hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		             "%s: the host's answer does not say which request it answers "
		             "(no RelatesTo)", label);
	}
	free(got);
	return st;
}

/* Interprets an HTTP answer: SOAP on 200/400/500, otherwise an error. */
static hvsnap_status interpret(hvsnap_session *s, const winrm_reply *r,
                               const char *label, const char *want_id,
                               xmlDocPtr *resp, hvsnap_error *err)
{
	int soap_status = r->status == 200 || r->status == 400 || r->status == 500;
	if (!soap_status || r->body.len == 0) {
		if (r->status == 200)
			return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 200,
			               "%s: the host answered HTTP 200 with an empty body", label);
		hvs_err_set(err, HVSNAP_ERR_PROTOCOL, r->status,
		        "%s: the host answered HTTP %ld%s", label, r->status,
		        r->body.len ? " with no SOAP envelope" : " with an empty body");
		if (r->status == 413)
			hvs_err_add_detail(err, "the request exceeded the host's MaxEnvelopeSize");
		return HVSNAP_ERR_PROTOCOL;
	}
	xmlDocPtr doc = NULL;
	hvsnap_status st = hvs_wsman_parse_document(r->body.data, r->body.len,
	                                        s->opts.max_response_bytes, &doc, err);
	if (st != HVSNAP_OK) {
		hvs_err_add_detail(err, "%s: HTTP %ld, %zu bytes", label, r->status, r->body.len);
		return st;
	}
	st = check_relates_to(doc, label, want_id, err);
	if (st == HVSNAP_OK)
		st = hvs_wsman_check_fault(doc, err);
	if (st != HVSNAP_OK) {
		xmlFreeDoc(doc);
		return st;
	}
	if (r->status != 200) {
		xmlFreeDoc(doc);
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, r->status,
		               "%s: the host answered HTTP %ld without a SOAP fault", label, r->status);
	}
	*resp = doc;
	return HVSNAP_OK;
}

/* Sends body through the channel and interprets the answer. */
static hvsnap_status send_once(hvsnap_session *s, const char *body, size_t len,
                               const char *label, const char *want_id, winrm_resend retry,
                               xmlDocPtr *resp, hvsnap_error *err)
{
	winrm_reply r;
	hvsnap_status st = hvs_winrm_channel_exchange(s->channel, body, len, label, retry, &r, err);
	s->reply_bytes = r.body.len;
	if (st == HVSNAP_OK) {
		trace_soap(s, HVSNAP_TRACE_RESPONSE, r.body.data ? r.body.data : "", r.body.len);
		st = interpret(s, &r, label, want_id, resp, err);
	}
	hvs_winrm_reply_clear(&r);
	return st;
}

int hvsnap_session_pause(const hvsnap_session *s, uint32_t ms)
{
	if (!s) {
		hvs_platform_sleep_ms(ms);
		return 0;
	}
	uint64_t end = hvs_platform_monotonic_ms() + ms;
	for (;;) {
		if (hvsnap_session_interrupted(s))
			return 1;
		uint64_t now = hvs_platform_monotonic_ms();
		if (now >= end)
			return 0;
		hvs_wakeup_wait(&s->wakeup, (unsigned)(end - now));
	}
}

hvsnap_status hvs_wsman_session_call(hvsnap_session *s, xmlDocPtr req,
                                 const char *label, winrm_resend retry,
                                 xmlDocPtr *resp, hvsnap_error *err)
{
	*resp = NULL;
	/* Interrupted: nothing new leaves (an answer already on its way was
	 * read by the call that sent its request). */
	if (hvsnap_session_interrupted(s))
		return hvs_err_set(err, HVSNAP_ERR_CANCELLED, 0, "%s not sent: interrupted", label);
	size_t len = 0;
	char *body = hvs_wsman_doc_to_bytes(req, &len);
	if (!body)
		return hvs_err_nomem(err);
	trace_soap(s, HVSNAP_TRACE_REQUEST, body, len);
	char *want_id = message_id(req);

	uint64_t start = hvs_platform_monotonic_ms();
	unsigned delay = BUSY_FIRST_DELAY_MS;
	hvsnap_status st;
	for (;;) {
		st = send_once(s, body, len, label, want_id, retry, resp, err);
		if (st != HVSNAP_ERR_BUSY)
			break;
		/* QuotaLimit: the host refused the request without running it
		 * (too many operations of this user at once), so even an Invoke
		 * may go again, after a pause, until the busy budget is spent. */
		uint64_t spent = hvs_platform_monotonic_ms() - start;
		if (spent + delay > s->opts.busy_timeout_ms)
			break;
		session_info(s, "%s: host busy (QuotaLimit), trying again in %u ms", label, delay);
		if (hvsnap_session_pause(s, delay)) {
			hvs_err_set(err, HVSNAP_ERR_CANCELLED, 0,
			            "%s not sent again after the host was busy: interrupted", label);
			st = HVSNAP_ERR_CANCELLED;
			break;
		}
		delay = delay * 2 > BUSY_MAX_DELAY_MS ? BUSY_MAX_DELAY_MS : delay * 2;
	}
	free(want_id);
	free(body);
	return st;
}

hvsnap_status hvs_wsman_session_invoke(hvsnap_session *s, xmlDocPtr req, const char *method,
                                       xmlDocPtr *resp, hvsnap_error *err)
{
	char label[160];
	snprintf(label, sizeof(label), "Invoke %s", method);
	/* Never resent: the method may already have run on the host. */
	hvsnap_status st = hvs_wsman_session_call(s, req, label, WINRM_NEVER_RESEND, resp, err);
	if ((st == HVSNAP_ERR_CONNECT || st == HVSNAP_ERR_PROTOCOL) &&
	    hvs_winrm_channel_body_sent(s->channel))
		/* With no readable answer to a request that did go out, the user
		 * must learn that the method may have run. */
		hvs_err_note_may_have_run(err, method, "its answer was lost");
	return st;
}
