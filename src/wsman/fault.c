/* Turns a SOAP 1.2 fault into an hvsnap_error: Code and Subcode (QNames
 * resolved against the fault's own namespace declarations), Reason, and
 * Windows' f:WSManFault detail with its provider fault and WMI extended
 * status flattened into one readable line. */
#include "wsman/response.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/strutil.h"
#include "wsman/ns.h"
#include "wsman/xmlutil.h"

/* Depth guard for the recursive flattening of nested provider faults;
 * libxml2 already caps depth, this keeps the output readable. */
#define MAX_FLATTEN_DEPTH 8

typedef struct qname {
	char local[128];
	const char *ns; /* namespace URI from the document, or NULL */
} qname;

/* Resolves "prefix:local" text against the namespaces in scope at node:
 * the prefix is the server's choice, the URI is what identifies it. */
static void resolve_qname(xmlNodePtr node, qname *q)
{
	q->local[0] = '\0';
	q->ns = NULL;
	char *text = hvs_xu_text_trim(node);
	if (!text)
		return;
	char *colon = strchr(text, ':');
	const char *local = text;
	xmlNsPtr ns;
	if (colon) {
		*colon = '\0';
		local = colon + 1;
		ns = xmlSearchNs(node->doc, node, (const xmlChar *)text);
	} else {
		ns = xmlSearchNs(node->doc, node, NULL);
	}
	if (ns && ns->href)
		q->ns = (const char *)ns->href;
	hvs_str_copy(q->local, sizeof(q->local), local);
	free(text);
}

/* The conventional prefix for a namespace, so details read the same
 * whatever prefixes the server used. */
static const char *ns_label(const char *ns)
{
	if (!ns)
		return NULL;
	if (strcmp(ns, NS_WSMAN) == 0)
		return "w";
	if (strcmp(ns, NS_WSA) == 0)
		return "a";
	if (strcmp(ns, NS_SOAP) == 0)
		return "s";
	if (strcmp(ns, NS_WSEN) == 0)
		return "n";
	if (strcmp(ns, NS_WXF) == 0)
		return "t";
	return NULL;
}

/* Prefers the English reason when the host sent several languages: the
 * error text is read by operators and matched by scripts. */
static xmlNodePtr pick_reason(xmlNodePtr reason)
{
	xmlNodePtr first = NULL;
	for (xmlNodePtr t = hvs_xu_first_elem(reason); t; t = hvs_xu_next_elem(t)) {
		if (!hvs_xu_is(t, NS_SOAP, "Text"))
			continue;
		if (!first)
			first = t;
		char *lang = hvs_xu_attr_ns(t, NS_XML, "lang");
		int en = lang && (strncmp(lang, "en", 2) == 0) &&
		         (lang[2] == '\0' || lang[2] == '-');
		free(lang);
		if (en)
			return t;
	}
	return first;
}

/* Appends text with runs of whitespace collapsed to one space, separated
 * from what is already in b by sep. */
static int append_collapsed(buf *b, const char *text, const char *sep)
{
	int started = 0, pending_space = 0;
	for (const char *p = text; p && *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
			pending_space = started;
			continue;
		}
		if (!started) {
			if (b->len && hvs_buf_append_str(b, sep) != 0)
				return -1;
			started = 1;
		} else if (pending_space && hvs_buf_append(b, " ", 1) != 0) {
			return -1;
		}
		pending_space = 0;
		if (hvs_buf_append(b, p, 1) != 0)
			return -1;
	}
	return 0;
}

/* Only the element's own text nodes: nested provider details are rendered
 * separately, with labels. */
static int append_direct_text(buf *b, const xmlNode *n, const char *sep)
{
	buf raw = BUF_INIT;
	for (xmlNodePtr c = n->children; c; c = c->next) {
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
		    c->content && hvs_buf_append_str(&raw, (const char *)c->content) != 0) {
			hvs_buf_free(&raw);
			return -1;
		}
	}
	int rc = raw.data ? append_collapsed(b, raw.data, sep) : 0;
	hvs_buf_free(&raw);
	return rc;
}

static int flatten_message(buf *text, buf *provider, const xmlNode *msg, int depth);

/* A WMI status object such as __ExtendedStatus: "Class: Name=value, ...",
 * skipping Null and empty properties. */
static int flatten_status_object(buf *out, const xmlNode *obj)
{
	if (out->len && hvs_buf_append_str(out, "; ") != 0)
		return -1;
	if (hvs_buf_printf(out, "%s:", hvs_xu_name(obj)) != 0)
		return -1;
	int any = 0;
	for (xmlNodePtr p = hvs_xu_first_elem(obj); p; p = hvs_xu_next_elem(p)) {
		if (hvs_xu_is_nil(p))
			continue;
		char *v = hvs_xu_text_trim(p);
		if (!v)
			return -1;
		int rc = 0;
		if (*v) {
			rc = hvs_buf_printf(out, "%s %s=", any ? "," : "", hvs_xu_name(p));
			if (rc == 0)
				rc = append_collapsed(out, v, "");
			any = 1;
		}
		free(v);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int flatten_provider(buf *provider, const xmlNode *pf, int depth)
{
	char *name = hvs_xu_attr(pf, "provider");
	if (provider->len && hvs_buf_append_str(provider, "; ") != 0) {
		free(name);
		return -1;
	}
	int rc = hvs_buf_printf(provider, "provider %s:", name && *name ? name : "fault");
	free(name);
	if (rc != 0)
		return -1;
	if (append_direct_text(provider, pf, " ") != 0)
		return -1;
	for (xmlNodePtr c = hvs_xu_first_elem(pf); c; c = hvs_xu_next_elem(c)) {
		if (hvs_xu_is(c, NS_WSMANFAULT, "WSManFault")) {
			buf inner = BUF_INIT, nested = BUF_INIT;
			xmlNodePtr m = hvs_xu_child(c, NS_WSMANFAULT, "Message");
			char *code = hvs_xu_attr(c, "Code");
			rc = m ? flatten_message(&inner, &nested, m, depth + 1) : 0;
			if (rc == 0 && inner.len)
				rc = hvs_buf_printf(provider, " %s", inner.data);
			if (rc == 0 && code && *code)
				rc = hvs_buf_printf(provider, " (code %s)", code);
			if (rc == 0 && nested.len)
				rc = hvs_buf_printf(provider, "; %s", nested.data);
			free(code);
			hvs_buf_free(&inner);
			hvs_buf_free(&nested);
		} else if (hvs_xu_is(c, NS_WSMANFAULT, "ExtendedError")) {
			for (xmlNodePtr o = hvs_xu_first_elem(c); o && rc == 0; o = hvs_xu_next_elem(o)) {
				buf obj = BUF_INIT;
				rc = flatten_status_object(&obj, o);
				if (rc == 0 && obj.len)
					rc = hvs_buf_printf(provider, "; %s", obj.data);
				hvs_buf_free(&obj);
			}
		} else if (hvs_xu_first_elem(c)) {
			buf obj = BUF_INIT;
			rc = flatten_status_object(&obj, c);
			if (rc == 0 && obj.len)
				rc = hvs_buf_printf(provider, "; %s", obj.data);
			hvs_buf_free(&obj);
		} else {
			char *t = hvs_xu_text(c);
			rc = t ? append_collapsed(provider, t, " ") : -1;
			free(t);
		}
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* f:Message holds readable text and, for WMI failures, f:ProviderFault
 * with a nested WSManFault and WMI's __ExtendedStatus. The text goes to
 * text, everything the provider said goes to provider. */
static int flatten_message(buf *text, buf *provider, const xmlNode *msg, int depth)
{
	if (depth > MAX_FLATTEN_DEPTH)
		return 0;
	if (append_direct_text(text, msg, " ") != 0)
		return -1;
	for (xmlNodePtr c = hvs_xu_first_elem(msg); c; c = hvs_xu_next_elem(c)) {
		int rc;
		if (hvs_xu_is(c, NS_WSMANFAULT, "ProviderFault")) {
			rc = flatten_provider(provider, c, depth);
		} else if (hvs_xu_first_elem(c)) {
			buf obj = BUF_INIT;
			rc = flatten_status_object(&obj, c);
			if (rc == 0 && obj.len)
				rc = hvs_buf_printf(provider, "%s%s", provider->len ? "; " : "", obj.data);
			hvs_buf_free(&obj);
		} else {
			char *t = hvs_xu_text(c);
			rc = t ? append_collapsed(text, t, " ") : -1;
			free(t);
		}
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* ERROR_WSMAN_QUOTA_MAX_OPERATIONS (0x803381A6): the WMI provider's limit
 * of concurrent operations per user. Hosts send it as the WSManFault Code
 * with or without a QuotaLimit subcode. */
#define WSMAN_QUOTA_MAX_OPERATIONS 2150859174L

static hvsnap_status fault_kind(const char *subcode, long code)
{
	if (strcmp(subcode, "QuotaLimit") == 0 || code == WSMAN_QUOTA_MAX_OPERATIONS)
		return HVSNAP_ERR_BUSY;
	if (strcmp(subcode, "DestinationUnreachable") == 0)
		return HVSNAP_ERR_NOT_FOUND;
	/* Windows error 5 is ERROR_ACCESS_DENIED. */
	if (strcmp(subcode, "AccessDenied") == 0 || (code == 5 && !*subcode))
		return HVSNAP_ERR_AUTH;
	return HVSNAP_ERR_FAULT;
}

hvsnap_status hvs_wsman_check_fault(xmlDocPtr doc, hvsnap_error *err)
{
	xmlNodePtr body = hvs_wsman_body(doc);
	if (!body)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0, "response SOAP envelope has no Body");
	xmlNodePtr fault = hvs_xu_child(body, NS_SOAP, "Fault");
	if (!fault)
		return HVSNAP_OK;

	qname code = { "", NULL }, sub = { "", NULL };
	xmlNodePtr c = hvs_xu_child(fault, NS_SOAP, "Code");
	xmlNodePtr v = hvs_xu_child(c, NS_SOAP, "Value");
	if (v)
		resolve_qname(v, &code);
	/* SOAP subcodes refine from general to specific: keep the deepest. */
	for (xmlNodePtr s = hvs_xu_child(c, NS_SOAP, "Subcode"); s;
	     s = hvs_xu_child(s, NS_SOAP, "Subcode")) {
		xmlNodePtr sv = hvs_xu_child(s, NS_SOAP, "Value");
		if (sv)
			resolve_qname(sv, &sub);
	}

	xmlNodePtr reason_node = pick_reason(hvs_xu_child(fault, NS_SOAP, "Reason"));
	char *reason = reason_node ? hvs_xu_text_trim(reason_node) : hvs_str_dup("");

	xmlNodePtr detail = hvs_xu_child(fault, NS_SOAP, "Detail");
	xmlNodePtr wf = hvs_xu_child(detail, NS_WSMANFAULT, "WSManFault");
	char *wf_code = wf ? hvs_xu_attr(wf, "Code") : NULL;
	char *machine = wf ? hvs_xu_attr(wf, "Machine") : NULL;
	buf text = BUF_INIT, provider = BUF_INIT, reason_flat = BUF_INIT;
	int rc = 0;
	xmlNodePtr msg = hvs_xu_child(wf, NS_WSMANFAULT, "Message");
	if (msg)
		rc = flatten_message(&text, &provider, msg, 0);
	if (rc == 0 && reason)
		rc = append_collapsed(&reason_flat, reason, " ");
	int nomem = rc != 0 || !reason;
	char *fault_detail = nomem ? NULL
	                           : hvs_xu_child_text(detail, NS_WSMAN, "FaultDetail", &nomem);

	long numeric = 0;
	uint64_t parsed;
	if (wf_code) {
		hvs_xu_trim(wf_code);
		if (hvs_str_to_u64(wf_code, (uint64_t)LONG_MAX, &parsed) == 0)
			numeric = (long)parsed;
	}

	hvsnap_status kind = fault_kind(sub.local, numeric);
	const char *message = reason_flat.len ? reason_flat.data
	                      : text.len ? text.data : NULL;
	if (nomem)
		hvs_err_nomem(err);
	else if (message)
		hvs_err_set(err, kind, numeric, "%s", message);
	else
		hvs_err_set(err, kind, numeric, "the host returned a SOAP fault%s%s",
		        sub.local[0] ? ": " : "", sub.local);
	if (!nomem)
		hvs_err_set_code_kind(err, HVSNAP_CODE_WSMAN);
	if (err && !nomem) {
		hvs_str_copy(err->fault_code, sizeof(err->fault_code), code.local);
		hvs_str_copy(err->fault_subcode, sizeof(err->fault_subcode), sub.local);
		if (sub.local[0]) {
			const char *label = ns_label(sub.ns);
			hvs_err_add_detail(err, "subcode %s%s%s", label ? label : "",
			               label ? ":" : "", sub.local);
		}
		if (wf) {
			int same = text.len && reason_flat.len &&
			           strcmp(text.data, reason_flat.data) == 0;
			hvs_err_add_detail(err, "WSManFault code %s%s%s%s%s",
			               wf_code && *wf_code ? wf_code : "?",
			               machine && *machine ? " on " : "",
			               machine && *machine ? machine : "",
			               text.len && !same ? ": " : "",
			               text.len && !same ? text.data : "");
		}
		if (provider.len)
			hvs_err_add_detail(err, "%s", provider.data);
		if (fault_detail && *fault_detail)
			hvs_err_add_detail(err, "fault detail %s", fault_detail);
	}
	free(reason);
	free(wf_code);
	free(machine);
	free(fault_detail);
	hvs_buf_free(&text);
	hvs_buf_free(&provider);
	hvs_buf_free(&reason_flat);
	return nomem ? HVSNAP_ERR_NOMEM : kind;
}
