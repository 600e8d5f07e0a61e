/* libmicrohttpd glue: one thread per connection (so injected latency on
 * one connection does not stall others), HTTP/1.1 keep-alive, POST /wsman
 * only, http or https, a per-TCP-connection sim_conn for connection-bound
 * auth (the Negotiate handshake legs and WinRM message sealing hang off
 * it), fault injection at the HTTP level, and the request log. Over https
 * with auth.client_ca, the TLS handshake asks for (but does not demand) a
 * client certificate, so Basic and Negotiate clients without one still get
 * in and certificate auth can be refused with a 401 rather than a failed
 * handshake. */
#include <arpa/inet.h>
#include <stdatomic.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "model.h"
#include "platform/platform.h"
#include "util/base64.h"
#include "util/strutil.h"

#define SERVER_HEADER "Microsoft-HTTPAPI/2.0"

typedef struct req_state {
	buf body;
	int too_big;
} req_state;

/* Connection numbers are unique across every host hvsim serves, so one
 * --log can be counted per connection. */
static atomic_ulong next_conn_id;

static void notify_conn(void *cls, struct MHD_Connection *c, void **socket_ctx,
                        enum MHD_ConnectionNotificationCode toe)
{
	sim_ctx *ctx = cls;
	(void)c;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		sim_conn *conn = calloc(1, sizeof(*conn));
		if (!conn)
			abort();
		conn->id = atomic_fetch_add(&next_conn_id, 1) + 1;
		conn->tls = ctx->https;
		*socket_ctx = conn;
	} else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		sim_conn *conn = *socket_ctx;
		if (conn) {
			auth_conn_reset(conn);
			free(conn);
		}
		*socket_ctx = NULL;
	}
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
	req_state *st = *con_cls;
	(void)cls;
	(void)c;
	(void)toe;
	if (st) {
		hvs_buf_free(&st->body);
		free(st);
	}
	*con_cls = NULL;
}

/* quirks.clock_skew_s: a host whose clock is off, as its HTTP Date header
 * shows (what breaks Kerberos). Set once before the daemon starts. */
static long long date_skew_s;

/* Every answer carries a Date (MHD's own would be the true time). */
static void add_date(struct MHD_Response *r)
{
	char date[64];
	struct tm tm;
	time_t t = time(NULL) + (time_t)date_skew_s;
	if (gmtime_r(&t, &tm) && strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm))
		MHD_add_response_header(r, "Date", date);
}

static enum MHD_Result queue(struct MHD_Connection *c, int status,
                             const char *ctype, const char *data, size_t len,
                             const char *const *auth, size_t nauth)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t i;
	r = MHD_create_response_from_buffer(len, (void *)data,
	                                    MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Server", SERVER_HEADER);
	add_date(r);
	if (ctype)
		MHD_add_response_header(r, "Content-Type", ctype);
	for (i = 0; i < nauth; i++)
		MHD_add_response_header(r, "WWW-Authenticate", auth[i]);
	if (status == 405)
		MHD_add_response_header(r, "Allow", "POST");
	if (status == 503)
		MHD_add_response_header(r, "Retry-After", "1");
	ret = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

/* A body that stops halfway: MHD then closes the connection, so the client
 * sees fewer bytes than Content-Length promised. */
struct trunc {
	char *data;
	size_t len, half;
};

static ssize_t trunc_reader(void *cls, uint64_t pos, char *out, size_t max)
{
	struct trunc *t = cls;
	size_t n;
	if (pos >= t->half)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	n = t->half - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(out, t->data + pos, n);
	return (ssize_t)n;
}

static void trunc_free(void *cls)
{
	struct trunc *t = cls;
	free(t->data);
	free(t);
}

static enum MHD_Result queue_truncated(struct MHD_Connection *c,
                                       sim_resp *resp)
{
	struct trunc *t = calloc(1, sizeof(*t));
	struct MHD_Response *r;
	enum MHD_Result ret;
	if (!t)
		return MHD_NO;
	t->len = resp->body.len;
	t->half = t->len / 2;
	t->data = hvs_buf_detach(&resp->body);
	r = MHD_create_response_from_callback(t->len, 4096, trunc_reader, t,
	                                      trunc_free);
	if (!r) {
		trunc_free(t);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Server", SERVER_HEADER);
	add_date(r);
	MHD_add_response_header(r, "Content-Type", resp->content_type);
	ret = MHD_queue_response(c, (unsigned)resp->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Which injected fault, if any, applies to this request. A rule counts
 * the requests it matches (all, or those whose body contains its text) and
 * fires on the Nth, or on every one when on_request is 0. Latency adds up;
 * of the other kinds the first rule that fires wins. */
static enum sim_inject pick_fault(sim_ctx *ctx, const char *body,
                                  unsigned *latency, int *slow)
{
	size_t i;
	enum sim_inject inj = INJ_NONE;
	*latency = 0;
	*slow = 0;
	for (i = 0; i < ctx->sc->nrules; i++) {
		sim_inject_rule *r = &ctx->sc->rules[i];
		if (r->kind == FK_QUOTA)
			continue; /* decided at dispatch: quota_refused */
		if (r->action_contains && (!body || !strstr(body, r->action_contains)))
			continue;
		r->seen++;
		if (r->on_request && r->seen != r->on_request)
			continue;
		if (r->first && r->seen > r->first)
			continue;
		if (r->kind == FK_LATENCY) {
			*latency += r->latency_ms;
			*slow = 1;
			continue;
		}
		if (inj != INJ_NONE)
			continue;
		inj = r->kind == FK_DROP ? INJ_DROP
		    : r->kind == FK_GARBAGE ? INJ_GARBAGE
		    : r->kind == FK_TRUNCATE ? INJ_TRUNCATE
		    : r->kind == FK_TAMPER ? INJ_TAMPER : INJ_503;
	}
	return inj;
}

/* tamper_reply on a plaintext answer: nothing protects it, so the change
 * only has to be real. The first letter or digit of character data inside
 * s:Body changes case (or digit), which keeps the XML well-formed and the
 * UTF-8 valid: the client gets a plausible but altered answer. 0, or -1
 * when the body holds no such character. */
static int tamper_soap(buf *b)
{
	const char *body;
	size_t i;
	int in_tag = 0, in_ref = 0;
	if (!b->data)
		return -1;
	/* buf keeps a NUL after the data; writer.c's fixed prefix */
	body = strstr(b->data, "<s:Body>");
	if (!body)
		return -1;
	for (i = (size_t)(body - b->data); i < b->len; i++) {
		unsigned char c = (unsigned char)b->data[i];
		if (c == '<')
			in_tag = 1;
		else if (c == '>')
			in_tag = 0;
		else if (!in_tag && c == '&')
			in_ref = 1; /* "&amp;" must stay a valid reference */
		else if (in_ref)
			in_ref = c != ';';
		else if (!in_tag && c < 0x80 && (c | 0x20) >= 'a' &&
		         (c | 0x20) <= 'z') {
			b->data[i] = (char)(c ^ 0x20);
			return 0;
		} else if (!in_tag && c >= '0' && c <= '9') {
			b->data[i] = (char)(c ^ 0x01); /* 0<->1, 2<->3, ... */
			return 0;
		}
	}
	return -1;
}

/* One --log line. A request an injected fault stopped before dispatch has
 * no parsed action, so its body is read best-effort (the plaintext of a
 * sealed one, when it could be opened) to name what was hit. */
static void log_line(sim_ctx *ctx, const sim_conn *conn, const char *body,
                     size_t len, const char *la, const char *lu,
                     const char *lm, int status, const char *fault,
                     const char *params)
{
	char *pa = NULL, *pu = NULL, *pm = NULL;
	if (fault && !la) {
		req_peek(body, len, &pa, &pu, &pm);
		la = pa;
		lu = pu;
		lm = pm;
	}
	log_request(ctx, conn, la, lu, lm, status, fault, params);
	free(pa);
	free(pu);
	free(pm);
}

/* A quota_limit rule that fires for this authenticated request (counted
 * only for requests that got past authentication, as WinRM counts
 * operations), or the user's concurrent requests over the enforced cap.
 * Otherwise the request is counted in flight (quota_leave undoes it).
 * Returns the fault name for the log, or NULL. */
static const char *quota_refused(sim_ctx *ctx, const sim_conn *conn,
                                 const char *body)
{
	const char *fault = NULL;
	const char *user = conn->user ? conn->user : "";
	sim_inflight *in = NULL;
	size_t i;
	pthread_mutex_lock(&ctx->lock);
	for (i = 0; i < ctx->sc->nrules && !fault; i++) {
		sim_inject_rule *r = &ctx->sc->rules[i];
		if (r->kind != FK_QUOTA)
			continue;
		if (r->action_contains && (!body || !strstr(body, r->action_contains)))
			continue;
		r->seen++;
		if ((r->first && r->seen <= r->first) ||
		    (!r->first && (!r->on_request || r->seen == r->on_request)))
			fault = "quota_limit";
	}
	for (i = 0; i < ctx->ninflight; i++)
		if (strcmp(ctx->inflight[i].user, user) == 0)
			in = &ctx->inflight[i];
	if (!fault && ctx->sc->enforce_ops_per_user) {
		if (!in) {
			sim_inflight *g = realloc(ctx->inflight, (ctx->ninflight + 1) *
			                          sizeof(*g));
			if (!g)
				abort();
			ctx->inflight = g;
			in = &g[ctx->ninflight++];
			in->user = hvs_str_dup(user);
			in->n = 0;
		}
		if (in->n >= ctx->sc->enforce_ops_per_user)
			fault = "quota_max_operations";
		else
			in->n++;
	}
	pthread_mutex_unlock(&ctx->lock);
	return fault;
}

static void quota_leave(sim_ctx *ctx, const sim_conn *conn)
{
	const char *user = conn->user ? conn->user : "";
	size_t i;
	if (!ctx->sc->enforce_ops_per_user)
		return;
	pthread_mutex_lock(&ctx->lock);
	for (i = 0; i < ctx->ninflight; i++)
		if (strcmp(ctx->inflight[i].user, user) == 0 && ctx->inflight[i].n)
			ctx->inflight[i].n--;
	pthread_mutex_unlock(&ctx->lock);
}

/* The QuotaLimit fault, relating to the refused request when its
 * MessageID can be read. */
static void quota_fault(sim_ctx *ctx, const char *body, size_t len,
                        sim_resp *resp)
{
	sim_req req;
	const char *detail = NULL;
	int parsed = req_parse(body, len, &req, &detail) == F_NONE;
	pthread_mutex_lock(&ctx->lock);
	fault_write(resp, F_QUOTA, ctx->model->locale, ctx->model->host,
	            parsed ? req.message_id : NULL, NULL);
	pthread_mutex_unlock(&ctx->lock);
	req_free(&req);
}

/* "Negotiate <base64 token>" for a WWW-Authenticate header, or NULL. */
static char *negotiate_header(const buf *tok)
{
	char *b64, *h;
	size_t n;
	if (!tok->len)
		return NULL;
	b64 = hvs_base64_encode(tok->data, tok->len);
	if (!b64)
		return NULL;
	n = strlen(b64) + 11;
	h = malloc(n);
	if (h)
		snprintf(h, n, "Negotiate %s", b64);
	free(b64);
	return h;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c,
                               const char *url, const char *method,
                               const char *version, const char *upload,
                               size_t *upload_size, void **con_cls)
{
	sim_ctx *ctx = cls;
	req_state *st = *con_cls;
	const union MHD_ConnectionInfo *ci;
	sim_conn *conn;
	sim_resp resp;
	enum sim_inject inj;
	enum sim_auth_result ar;
	const char *ctype, *authz, *ident, *orig_type = NULL;
	const char *body;
	char *la = NULL, *lu = NULL, *lm = NULL, *www = NULL;
	unsigned latency;
	int slow;
	const char *fault = NULL; /* the injected fault applied, for the log */
	const char *quota = NULL; /* why a QuotaLimit fault refused it */
	int late_latency;
	enum MHD_Result ret;
	const char *offers[2];
	size_t noffers, body_len;
	buf plain = BUF_INIT, token = BUF_INIT, sealed = BUF_INIT;
	int opened = 0, bad_seal = 0;
	(void)version;

	if (!st) {
		st = calloc(1, sizeof(*st));
		if (!st)
			return MHD_NO;
		*con_cls = st;
		return MHD_YES;
	}
	if (*upload_size) {
		if (st->body.len + *upload_size > SIM_MAX_BODY)
			st->too_big = 1;
		else if (hvs_buf_append(&st->body, upload, *upload_size) != 0)
			return MHD_NO;
		*upload_size = 0;
		return MHD_YES;
	}
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	conn = ci ? ci->socket_context : NULL;
	if (!conn)
		return MHD_NO;
	if (conn->tls) {
		ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
		conn->tls_session = ci ? ci->tls_session : NULL;
	}

	ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	authz = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	ident = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "WSMANIDENTIFY");
	/* An encrypted body is opened first, on the connection's context, so
	 * fault rules (action_contains) see the SOAP text and the log can
	 * name the action. Unwrapping consumes a sequence number either way. */
	conn->encrypted = seal_is_encrypted(ctype);
	if (!authz && !st->too_big && conn->encrypted && nego_established(conn)) {
		int r = seal_open(conn, ctype, st->body.data ? st->body.data : "",
		                  st->body.len, &plain, &orig_type);
		if (r == 0)
			opened = 1;
		else
			bad_seal = 1;
	}
	body = opened ? (plain.data ? plain.data : "") : st->body.data;
	body_len = opened ? plain.len : st->body.len;

	pthread_mutex_lock(&ctx->lock);
	++ctx->requests;
	conn->requests++;
	inj = pick_fault(ctx, body, &latency, &slow);
	pthread_mutex_unlock(&ctx->lock);

	if (strcmp(url, "/wsman") != 0 && strcmp(url, "/wsman/") != 0) {
		log_request(ctx, conn, NULL, NULL, NULL, 404, NULL, NULL);
		ret = queue(c, 404, "text/html", "", 0, NULL, 0);
		goto out;
	}
	if (strcmp(method, "POST") != 0) {
		log_request(ctx, conn, NULL, NULL, NULL, 405, NULL, NULL);
		ret = queue(c, 405, "text/html", "", 0, NULL, 0);
		goto out;
	}
	/* With a per-user cap the latency is spent while the request counts
	 * as in flight (below), so slow operations really pile up. */
	late_latency = ctx->sc->enforce_ops_per_user != 0;
	if (slow) {
		fault = "latency";
		if (latency && !late_latency)
			hvs_platform_sleep_ms(latency);
	}
	if (inj == INJ_DROP) {
		log_line(ctx, conn, body, body_len, NULL, NULL, NULL, 0,
		         "drop_connection", NULL);
		ret = MHD_NO; /* MHD closes the socket without an answer */
		goto out;
	}
	if (inj == INJ_503) {
		static const char msg[] = "Service Unavailable";
		log_line(ctx, conn, body, body_len, NULL, NULL, NULL, 503,
		         "http_503", NULL);
		ret = queue(c, 503, "text/html", msg, sizeof(msg) - 1, NULL, 0);
		goto out;
	}
	if (inj == INJ_GARBAGE) {
		static const char junk[] = "\x01<s:Envelope><<garbage>>\xff\xfe";
		log_line(ctx, conn, body, body_len, NULL, NULL, NULL, 500,
		         "http_500_garbage", NULL);
		ret = queue(c, 500, "application/soap+xml;charset=UTF-8", junk,
		            sizeof(junk) - 1, NULL, 0);
		goto out;
	}
	if (st->too_big) {
		log_line(ctx, conn, body, body_len, NULL, NULL, NULL, 413, fault,
		         NULL);
		ret = queue(c, 413, "text/html", "", 0, NULL, 0);
		goto out;
	}
	if (bad_seal) {
		/* A frame that does not open (bad signature, wrong Length,
		 * broken framing) ends the security context, as an SSPI
		 * failure does: the next request must authenticate again. */
		auth_conn_reset(conn);
		log_line(ctx, conn, body, body_len, NULL, NULL, NULL, 400, fault,
		         NULL);
		ret = queue(c, 400, "text/html", "", 0, NULL, 0);
		goto out;
	}

	noffers = auth_offers(ctx, offers);
	ar = auth_check(ctx, conn, authz, conn->encrypted, st->body.len, &token);
	www = negotiate_header(&token);
	if (ar == AUTH_CONTINUE) {
		const char *h[1] = { www };
		log_line(ctx, conn, body, body_len, NULL, NULL, NULL, 401, fault,
		         NULL);
		ret = queue(c, 401, NULL, "", 0, h, www ? 1 : 0);
		goto out;
	}
	if (ar == AUTH_CHALLENGE &&
	    !(ident && hvs_str_case_eq(ident, "unauthenticated"))) {
		log_line(ctx, conn, body, body_len, NULL, NULL, NULL, 401, fault,
		         NULL);
		ret = queue(c, 401, NULL, "", 0, offers, noffers);
		goto out;
	}
	/* The last handshake leg comes with an empty body (clients cannot
	 * seal before the context exists): 200, nothing to dispatch. */
	if (ar == AUTH_OK && authz && st->body.len == 0 &&
	    strncmp(conn->scheme, "negotiate", 9) == 0) {
		const char *h[1] = { www };
		log_line(ctx, conn, body, body_len, NULL, NULL, NULL, 200, fault,
		         NULL);
		ret = queue(c, 200, NULL, "", 0, h, www ? 1 : 0);
		goto out;
	}
	/* A sealed body riding on the last handshake leg (a client retrying
	 * its request after the 401) opens with the context just made; a
	 * sealed body on a connection without one cannot open at all. */
	if (ar == AUTH_OK && !opened && conn->encrypted) {
		if (!nego_established(conn) ||
		    seal_open(conn, ctype, st->body.data ? st->body.data : "",
		              st->body.len, &plain, &orig_type) != 0) {
			auth_conn_reset(conn);
			log_line(ctx, conn, body, body_len, NULL, NULL, NULL, 400, fault,
			         NULL);
			ret = queue(c, 400, "text/html", "", 0, NULL, 0);
			goto out;
		}
		opened = 1;
		body = plain.data ? plain.data : "";
		body_len = plain.len;
	}
	memset(&resp, 0, sizeof(resp));
	if (ar == AUTH_REFUSE_PLAINTEXT) {
		pthread_mutex_lock(&ctx->lock);
		fault_write(&resp, F_ENCRYPTION, ctx->model->locale,
		            ctx->model->host, NULL,
		            "Unencrypted traffic is currently disabled in the "
		            "service configuration.");
		pthread_mutex_unlock(&ctx->lock);
	} else if (body_len > 0 &&
	           (opened ? !orig_type
	                   : (!ctype ||
	                      strncmp(ctype, "application/soap+xml", 20) != 0))) {
		log_line(ctx, conn, body, body_len, NULL, NULL, NULL, 415, fault,
		         NULL);
		ret = queue(c, 415, NULL, "", 0, NULL, 0);
		goto out;
	} else if (ar == AUTH_OK &&
	           (quota = quota_refused(ctx, conn, body)) != NULL) {
		fault = quota;
		quota_fault(ctx, body ? body : "", body_len, &resp);
	} else {
		const sim_user *u = conn->user ? auth_find_user(ctx, conn->user) : NULL;
		conn->uac_filtered = u && u->uac_filtered;
		if (slow && latency && late_latency)
			hvs_platform_sleep_ms(latency);
		sim_dispatch(ctx, conn, body ? body : "", body_len,
		             ar == AUTH_CHALLENGE, &resp, &la, &lu, &lm);
		if (ar == AUTH_OK)
			quota_leave(ctx, conn);
	}
	if (resp.status != 401 && opened) {
		/* a sealed request gets a sealed answer, faults included */
		if (seal_close(conn, resp.body.data ? resp.body.data : "",
		               resp.body.len, &sealed) != 0) {
			auth_conn_reset(conn);
			hvs_buf_free(&resp.body);
			resp.status = 500;
			resp.content_type = "text/html";
		} else {
			hvs_buf_free(&resp.body);
			resp.body = sealed;
			sealed = (buf)BUF_INIT;
			resp.content_type = SEAL_CONTENT_TYPE;
		}
	}
	/* after sealing, so the ciphertext is what changes and the client's
	 * integrity check is what has to catch it */
	if (inj == INJ_TAMPER && resp.status != 401 && resp.body.len &&
	    (opened ? seal_tamper(&resp.body) : tamper_soap(&resp.body)) == 0)
		fault = "tamper_reply";
	if (resp.status == 401) {
		ret = queue(c, 401, NULL, "", 0, offers, noffers);
	} else if (inj == INJ_TRUNCATE && resp.body.len > 1) {
		fault = "truncated_body";
		ret = queue_truncated(c, &resp);
	} else {
		const char *h[1] = { www };
		ret = queue(c, resp.status, resp.content_type,
		            resp.body.data ? resp.body.data : "", resp.body.len,
		            h, www ? 1 : 0);
	}
	log_line(ctx, conn, body, body_len, la, lu, lm, resp.status, fault,
	         resp.log_params);
	hvs_buf_free(&resp.body);
	free(resp.log_params);
	free(la);
	free(lu);
	free(lm);
out:
	free(www);
	hvs_buf_free(&token);
	hvs_buf_free(&sealed);
	hvs_buf_wipe(&plain);
	return ret;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	buf b = BUF_INIT;
	char tmp[4096];
	size_t n;
	if (!f)
		return NULL;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		hvs_buf_append(&b, tmp, n);
	fclose(f);
	return hvs_buf_detach(&b);
}

static int parse_listen(const char *s, struct sockaddr_storage *ss,
                        int *v6, char *host, size_t hostlen)
{
	char addr[128];
	const char *colon;
	uint64_t port;
	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || end[1] != ':' || (size_t)(end - s - 1) >= sizeof(addr))
			return -1;
		memcpy(addr, s + 1, (size_t)(end - s - 1));
		addr[end - s - 1] = '\0';
		colon = end + 1;
		*v6 = 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= sizeof(addr))
			return -1;
		memcpy(addr, s, (size_t)(colon - s));
		addr[colon - s] = '\0';
		*v6 = strchr(addr, ':') != NULL;
	}
	if (hvs_str_to_u64(colon + 1, 65535, &port) != 0)
		return -1;
	if (*v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, addr, &a->sin6_addr) != 1)
			return -1;
		snprintf(host, hostlen, "[%s]", addr);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, addr, &a->sin_addr) != 1)
			return -1;
		snprintf(host, hostlen, "%s", addr);
	}
	return 0;
}

/* One host: "PORT"; several: "NAME PORT" per line. Written whole to a
 * temporary name and renamed, so readers never see half a file. */
static int write_port_file(const char *path, sim_ctx *ctxs,
                           const unsigned *ports, size_t n)
{
	char tmp[4096];
	FILE *f;
	size_t i;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	for (i = 0; i < n; i++) {
		if (n == 1)
			fprintf(f, "%u\n", ports[i]);
		else
			fprintf(f, "%s %u\n", ctxs[i].model->host, ports[i]);
	}
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, path);
}

/* Serves every host on its own port until SIGTERM/SIGINT. With several
 * hosts, a host's scenario "port" wins; else a non-zero --listen port is
 * the first of consecutive ports; else each gets a free one. */
int server_run(sim_ctx *ctxs, size_t n, const struct sim_options *o)
{
	struct sockaddr_storage ss;
	struct MHD_Daemon **d;
	unsigned *ports;
	struct MHD_OptionItem tls[4];
	size_t ntls = 0, i;
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION |
	                 MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	char host[160], *cert = NULL, *key = NULL;
	const char *listen = o->listen;
	int v6 = 0, sig = 0, rc = 0;
	uint16_t base_port;
	sigset_t set;

	if (!listen)
		listen = o->https ? "127.0.0.1:5986" : "127.0.0.1:5985";
	if (parse_listen(listen, &ss, &v6, host, sizeof(host)) != 0) {
		fprintf(stderr, "hvsim: --listen %s: expected ADDR:PORT\n", listen);
		return 2;
	}
	if (n > 1 && !o->listen) /* no fixed default port for a fleet */
		((struct sockaddr_in *)&ss)->sin_port = 0;
	base_port = v6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
	               : ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (v6)
		flags |= MHD_USE_IPv6;
	if (o->https) {
		if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
			fprintf(stderr, "hvsim: libmicrohttpd lacks TLS support\n");
			return 2;
		}
		cert = read_file(o->cert);
		key = read_file(o->key);
		if (!cert || !key) {
			fprintf(stderr, "hvsim: cannot read %s\n",
			        !cert ? o->cert : o->key);
			free(cert);
			free(key);
			return 2;
		}
		flags |= MHD_USE_TLS;
	}
	d = calloc(n, sizeof(*d));
	ports = calloc(n, sizeof(*ports));
	if (!d || !ports)
		abort();
	/* quirks.clock_skew_s: the first host's applies to every one */
	date_skew_s = ctxs[0].sc->clock_skew_s;
	for (i = 0; i < n && rc == 0; i++) {
		sim_ctx *ctx = &ctxs[i];
		const union MHD_DaemonInfo *di;
		unsigned port = ctx->port ? ctx->port
		              : base_port ? (unsigned)base_port + (unsigned)i : 0;
		if (v6)
			((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
		else
			((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
		ctx->https = o->https;
		ntls = 0;
		if (o->https) {
			tls[ntls++] = (struct MHD_OptionItem){
				MHD_OPTION_HTTPS_MEM_CERT, 0, cert };
			tls[ntls++] = (struct MHD_OptionItem){
				MHD_OPTION_HTTPS_MEM_KEY, 0, key };
			/* MHD then sets GNUTLS_CERT_REQUEST: a certificate is
			 * asked for, checked later by certauth.c, and may be
			 * absent. */
			if (ctx->sc->client_ca_pem)
				tls[ntls++] = (struct MHD_OptionItem){
					MHD_OPTION_HTTPS_MEM_TRUST, 0,
					ctx->sc->client_ca_pem };
		}
		tls[ntls] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
		d[i] = MHD_start_daemon(flags, 0, NULL, NULL, handler, ctx,
		                        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		                        MHD_OPTION_NOTIFY_CONNECTION, notify_conn, ctx,
		                        MHD_OPTION_NOTIFY_COMPLETED, completed, ctx,
		                        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
		                        MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
		if (!d[i]) {
			fprintf(stderr, "hvsim: cannot listen on %s port %u%s%s: %s\n",
			        host, port, n > 1 ? " for " : "",
			        n > 1 ? ctx->model->host : "", strerror(errno));
			rc = 3;
			break;
		}
		di = MHD_get_daemon_info(d[i], MHD_DAEMON_INFO_BIND_PORT);
		ports[i] = di ? di->port : 0;
	}
	if (rc == 0) {
		for (i = 0; i < n; i++) {
			printf("listening on %s://%s:%u/wsman", o->https ? "https" : "http",
			       host, ports[i]);
			if (n > 1)
				printf(" as %s", ctxs[i].model->host);
			putchar('\n');
		}
		fflush(stdout);
		if (o->port_file && write_port_file(o->port_file, ctxs, ports, n) != 0)
			fprintf(stderr, "hvsim: cannot write %s\n", o->port_file);

		/* the signals were blocked before any thread started (main.c) */
		sigemptyset(&set);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGINT);
		sigwait(&set, &sig);
	}
	for (i = 0; i < n; i++)
		if (d[i])
			MHD_stop_daemon(d[i]);
	free(d);
	free(ports);
	free(cert);
	free(key);
	return rc;
}
