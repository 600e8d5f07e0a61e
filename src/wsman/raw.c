/* Raw WS-Man operations (raw.h): the request envelopes of envelope.c with
 * a caller-given Body, one round trip through the session, and the answer's
 * Body content serialised back to indented XML text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/tree.h>

#include "hvsnap/raw.h"
#include "util/err.h"
#include "util/strutil.h"
#include "wsman/envelope.h"
#include "wsman/ns.h"
#include "wsman/pager.h"
#include "wsman/response.h"
#include "wsman/session_int.h"
#include "wsman/xmlutil.h"

/* Blank text between elements would defeat the indenting: drop it where an
 * element also has element children (mixed content is left alone). */
static void strip_blanks(xmlNodePtr n)
{
	if (!hvs_xu_first_elem(n))
		return;
	xmlNodePtr c = n->children;
	while (c) {
		xmlNodePtr next = c->next;
		if (c->type == XML_TEXT_NODE && xmlIsBlankNode(c)) {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
		} else if (c->type == XML_ELEMENT_NODE) {
			strip_blanks(c);
		}
		c = next;
	}
}

/* Appends a self-contained, indented copy of element n to b. */
static int dump_element(xmlBufferPtr b, xmlNodePtr n)
{
	xmlDocPtr d = xmlNewDoc(BAD_CAST "1.0");
	/* Copied unattached, the element declares every namespace it uses. */
	xmlNodePtr copy = d ? xmlDocCopyNode(n, d, 1) : NULL;
	if (!copy) {
		xmlFreeDoc(d);
		return -1;
	}
	xmlDocSetRootElement(d, copy);
	strip_blanks(copy);
	int rc = xmlNodeDump(b, d, copy, 0, 1) < 0 ? -1 : 0;
	if (rc == 0 && xmlBufferAdd(b, BAD_CAST "\n", 1) != 0)
		rc = -1;
	xmlFreeDoc(d);
	return rc;
}

static hvsnap_status take_buffer(xmlBufferPtr b, char **body, hvsnap_error *err)
{
	const char *content = (const char *)xmlBufferContent(b);
	*body = hvs_str_dup(content ? content : "");
	xmlBufferFree(b);
	return *body ? HVSNAP_OK : hvs_err_nomem(err);
}

/* The Body's element children as text. */
static hvsnap_status body_text(xmlDocPtr resp, char **body, hvsnap_error *err)
{
	xmlBufferPtr b = xmlBufferCreate();
	if (!b)
		return hvs_err_nomem(err);
	for (xmlNodePtr c = hvs_xu_first_elem(hvs_wsman_body(resp)); c; c = hvs_xu_next_elem(c))
		if (dump_element(b, c) != 0) {
			xmlBufferFree(b);
			return hvs_err_nomem(err);
		}
	return take_buffer(b, body, err);
}

/* Replaces the request's (empty) Body content with the caller's element. */
static hvsnap_status set_body(xmlDocPtr req, const char *xml, size_t len, const char *what,
                              hvsnap_error *err)
{
	xmlDocPtr in = NULL;
	hvsnap_status st = hvs_xu_load(xml, len, 0, what, &in, err);
	if (st != HVSNAP_OK) {
		if (err && err->kind == HVSNAP_ERR_PROTOCOL)
			err->kind = HVSNAP_ERR_USAGE; /* the caller's input, not the host's */
		return HVSNAP_ERR_USAGE;
	}
	xmlNodePtr body = hvs_wsman_body(req);
	xmlNodePtr copy = body ? xmlDocCopyNode(xmlDocGetRootElement(in), req, 1) : NULL;
	xmlFreeDoc(in);
	if (!copy)
		return hvs_err_nomem(err);
	xmlAddChild(body, copy);
	return HVSNAP_OK;
}

static hvsnap_status round_trip(hvsnap_session *s, xmlDocPtr req, const char *label,
                                winrm_resend retry, char **body, hvsnap_error *err)
{
	xmlDocPtr resp = NULL;
	hvsnap_status st = hvs_wsman_session_call(s, req, label, retry, &resp, err);
	xmlFreeDoc(req);
	if (st == HVSNAP_OK && body)
		st = body_text(resp, body, err);
	xmlFreeDoc(resp);
	return st;
}

hvsnap_status hvsnap_raw_identify(hvsnap_session *s, char **body, hvsnap_error *err)
{
	hvsnap_error_clear(err);
	*body = NULL;
	xmlDocPtr req = hvs_wsman_build_identify();
	if (!req)
		return hvs_err_nomem(err);
	return round_trip(s, req, "Identify", WINRM_RESEND_ON_RECONNECT, body, err);
}

hvsnap_status hvsnap_raw_get(hvsnap_session *s, const hvsnap_epr *target, char **body,
                             hvsnap_error *err)
{
	hvsnap_error_clear(err);
	*body = NULL;
	wsman_request_opts o;
	hvsnap_status st = hvs_wsman_target_opts(s, target, &o, err);
	if (st != HVSNAP_OK)
		return st;
	xmlDocPtr req = hvs_wsman_build_get(&o);
	if (!req)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "cannot build a Get request for %s",
		                   target->resource_uri);
	return round_trip(s, req, "Get", WINRM_RESEND_ON_RECONNECT, body, err);
}

hvsnap_status hvsnap_raw_put(hvsnap_session *s, const hvsnap_epr *target, const char *xml,
                             size_t len, char **body, hvsnap_error *err)
{
	hvsnap_error_clear(err);
	if (body)
		*body = NULL;
	wsman_request_opts o;
	hvsnap_status st = hvs_wsman_target_opts(s, target, &o, err);
	if (st != HVSNAP_OK)
		return st;
	xmlDocPtr req = hvs_wsman_build_empty(&o, ACTION_PUT);
	if (!req)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "cannot build a Put request for %s",
		                   target->resource_uri);
	st = set_body(req, xml, len, "the Put input", err);
	if (st != HVSNAP_OK) {
		xmlFreeDoc(req);
		return st;
	}
	/* Put replaces the whole representation: sending it twice is harmless. */
	return round_trip(s, req, "Put", WINRM_RESEND_ON_RECONNECT, body, err);
}

hvsnap_status hvsnap_raw_invoke(hvsnap_session *s, const hvsnap_epr *target,
                                const char *method, const hvsnap_params *params,
                                const char *input_xml, size_t input_len, char **body,
                                hvsnap_error *err)
{
	hvsnap_error_clear(err);
	*body = NULL;
	if (!method || !*method)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "no method name given");
	wsman_request_opts o;
	hvsnap_status st = hvs_wsman_target_opts(s, target, &o, err);
	if (st != HVSNAP_OK)
		return st;
	xmlDocPtr req = NULL;
	if (input_xml) {
		size_t n = strlen(target->resource_uri) + 1 + strlen(method) + 1;
		char *action = malloc(n);
		if (!action)
			return hvs_err_nomem(err);
		snprintf(action, n, "%s/%s", target->resource_uri, method);
		req = hvs_wsman_build_empty(&o, action);
		free(action);
		if (req && (st = set_body(req, input_xml, input_len, "the Invoke input", err)) != HVSNAP_OK) {
			xmlFreeDoc(req);
			return st;
		}
	} else {
		req = hvs_wsman_build_invoke(&o, method, params);
	}
	if (!req)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "cannot build an Invoke of %s", method);
	xmlDocPtr resp = NULL;
	st = hvs_wsman_session_invoke(s, req, method, &resp, err);
	xmlFreeDoc(req);
	if (st == HVSNAP_OK)
		st = body_text(resp, body, err);
	xmlFreeDoc(resp);
	return st;
}

/* Moves one page's items (at most limit) into out and returns its context
 * (or NULL) and whether it ended the sequence. */
static hvsnap_status take_page(const wsman_pager *p, xmlDocPtr resp, const char *element,
                               xmlNodePtr out, char **context, int *end, size_t *n_items,
                               hvsnap_error *err)
{
	*context = NULL;
	*end = 0;
	*n_items = 0;
	xmlNodePtr r = hvs_xu_child(hvs_wsman_body(resp), NS_WSEN, element);
	if (!r)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0, "expected %s in the answer", element);
	for (xmlNodePtr c = hvs_xu_first_elem(r); c; c = hvs_xu_next_elem(c)) {
		if (hvs_xu_is(c, NS_WSEN, "EnumerationContext")) {
			free(*context);
			*context = hvs_xu_text_trim(c);
		} else if (hvs_xu_is(c, NS_WSEN, "EndOfSequence") ||
		           hvs_xu_is(c, NS_WSMAN, "EndOfSequence")) {
			*end = 1;
		} else if (hvs_xu_is(c, NS_WSEN, "Items") || hvs_xu_is(c, NS_WSMAN, "Items")) {
			for (xmlNodePtr it = hvs_xu_first_elem(c); it; it = hvs_xu_next_elem(it)) {
				/* Refused before copying the excess, as the decoder does. */
				if (*n_items == hvs_pager_page_limit(p))
					return hvs_wsman_page_overflow(hvs_pager_page_limit(p), err);
				xmlNodePtr copy = xmlDocCopyNode(it, out->doc, 1);
				if (!copy)
					return hvs_err_nomem(err);
				strip_blanks(copy);
				xmlAddChild(out, copy);
				(*n_items)++;
			}
		}
	}
	return HVSNAP_OK;
}

hvsnap_status hvsnap_raw_enumerate(hvsnap_session *s, const hvsnap_enum_options *opts,
                                   char **body, hvsnap_error *err)
{
	hvsnap_error_clear(err);
	*body = NULL;
	if (!opts || opts->version != HVSNAP_ENUM_OPTIONS_VERSION || !opts->resource_uri ||
	    !*opts->resource_uri)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		                   "enumeration options without a resource URI or of an unknown version");
	xmlDocPtr out = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr items = out ? xmlNewDocNode(out, NULL, BAD_CAST "Items", NULL) : NULL;
	xmlNsPtr w = items ? xmlNewNs(items, BAD_CAST NS_WSMAN, BAD_CAST "w") : NULL;
	if (!w) {
		xmlFreeNode(items);
		xmlFreeDoc(out);
		return hvs_err_nomem(err);
	}
	xmlSetNs(items, w);
	xmlDocSetRootElement(out, items);

	wsman_pager p;
	xmlDocPtr resp = NULL;
	hvsnap_status st = hvs_pager_start(&p, s, opts, &resp, err);
	const char *element = "EnumerateResponse";
	while (st == HVSNAP_OK) {
		char *context = NULL;
		int end = 0;
		size_t n = 0;
		st = take_page(&p, resp, element, items, &context, &end, &n, err);
		xmlFreeDoc(resp);
		resp = NULL;
		if (st == HVSNAP_OK)
			st = hvs_pager_took(&p, context, end, n, err);
		else
			free(context);
		if (st != HVSNAP_OK || !hvs_pager_more(&p))
			break;
		element = "PullResponse";
		st = hvs_pager_pull(&p, &resp, err);
	}
	xmlFreeDoc(resp);
	hvs_pager_close(&p);
	if (st == HVSNAP_OK) {
		xmlBufferPtr b = xmlBufferCreate();
		if (!b || xmlNodeDump(b, out, items, 0, 1) < 0 || xmlBufferAdd(b, BAD_CAST "\n", 1) != 0) {
			if (b)
				xmlBufferFree(b);
			st = hvs_err_nomem(err);
		} else {
			st = take_buffer(b, body, err);
		}
	}
	xmlFreeDoc(out);
	return st;
}

void hvsnap_raw_free(char *body)
{
	free(body);
}
