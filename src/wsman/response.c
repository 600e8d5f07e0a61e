/* Decoders for each response body the client understands: Identify,
 * Get/Put instances, Enumerate/Pull pages and Invoke output. Each first
 * turns an s:Fault into an error, so callers cannot mistake a fault for an
 * empty answer. */
#include "wsman/response.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/strutil.h"
#include "wsman/decode.h"
#include "wsman/ns.h"
#include "wsman/xmlutil.h"

void hvsnap_identity_free(hvsnap_identity *id)
{
	if (!id)
		return;
	free(id->protocol_version);
	free(id->product_vendor);
	free(id->product_version);
	free(id->security_profiles);
	free(id);
}

void hvsnap_invoke_result_free(hvsnap_invoke_result *r)
{
	if (!r)
		return;
	hvsnap_epr_free(r->job);
	hvsnap_cim_instance_free(r->output);
	free(r);
}

void hvs_wsman_enum_page_clear(wsman_enum_page *page)
{
	if (!page)
		return;
	free(page->context);
	for (size_t i = 0; i < page->n_items; i++)
		hvsnap_cim_instance_free(page->items[i]);
	free(page->items);
	memset(page, 0, sizeof(*page));
}

/* Names the unexpected element in an error, with its namespace so a
 * wrong-namespace answer is recognisable. */
static void element_label(const xmlNode *n, char *out, size_t size)
{
	if (!n)
		snprintf(out, size, "an empty body");
	else if (hvs_xu_ns(n))
		snprintf(out, size, "%s (namespace %s)", hvs_xu_name(n), hvs_xu_ns(n));
	else
		snprintf(out, size, "%s", hvs_xu_name(n));
}

/* The body after the fault check; NULL with err set when there is a fault
 * or no body. */
static xmlNodePtr checked_body(xmlDocPtr doc, hvsnap_status *st, hvsnap_error *err)
{
	*st = hvs_wsman_check_fault(doc, err);
	if (*st != HVSNAP_OK)
		return NULL;
	xmlNodePtr body = hvs_wsman_body(doc);
	if (!body)
		*st = hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0, "response SOAP envelope has no Body");
	return body;
}

/* --- Identify -------------------------------------------------------- */

hvsnap_status hvs_wsman_parse_identify(xmlDocPtr doc, hvsnap_identity **out,
                                   hvsnap_error *err)
{
	*out = NULL;
	hvsnap_status st;
	xmlNodePtr body = checked_body(doc, &st, err);
	if (!body)
		return st;
	xmlNodePtr r = hvs_xu_child(body, NS_WSMID, "IdentifyResponse");
	if (!r) {
		char got[300];
		element_label(hvs_xu_first_elem(body), got, sizeof(got));
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		               "expected an IdentifyResponse, got %s", got);
	}
	hvsnap_identity *id = calloc(1, sizeof(*id));
	if (!id)
		return hvs_err_nomem(err);
	int nomem = 0;
	id->protocol_version = hvs_xu_child_text(r, NS_WSMID, "ProtocolVersion", &nomem);
	id->product_vendor = hvs_xu_child_text(r, NS_WSMID, "ProductVendor", &nomem);
	id->product_version = hvs_xu_child_text(r, NS_WSMID, "ProductVersion", &nomem);
	xmlNodePtr profiles = hvs_xu_child(r, NS_WSMID, "SecurityProfiles");
	buf joined = BUF_INIT;
	for (xmlNodePtr p = hvs_xu_first_elem(profiles); p && !nomem; p = hvs_xu_next_elem(p)) {
		if (!hvs_xu_is(p, NS_WSMID, "SecurityProfileName"))
			continue;
		char *t = hvs_xu_text_trim(p);
		if (!t || (*t && hvs_buf_printf(&joined, "%s%s", joined.len ? " " : "", t) != 0))
			nomem = 1;
		free(t);
	}
	if (joined.len)
		id->security_profiles = hvs_buf_detach(&joined);
	hvs_buf_free(&joined);
	if (nomem) {
		hvsnap_identity_free(id);
		return hvs_err_nomem(err);
	}
	if (!id->protocol_version || !*id->protocol_version) {
		hvsnap_identity_free(id);
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		               "IdentifyResponse has no ProtocolVersion");
	}
	*out = id;
	return HVSNAP_OK;
}

/* --- Get / Put ------------------------------------------------------- */

hvsnap_status hvs_wsman_parse_instance_body(xmlDocPtr doc,
                                        hvsnap_cim_instance **out,
                                        hvsnap_error *err)
{
	*out = NULL;
	hvsnap_status st;
	xmlNodePtr body = checked_body(doc, &st, err);
	if (!body)
		return st;
	xmlNodePtr item = hvs_xu_first_elem(body);
	if (!item)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		               "the response body holds no instance");
	return hvs_wsman_decode_instance(item, out, err);
}

/* --- Enumerate / Pull ------------------------------------------------ */

typedef struct item_list {
	wsman_enum_page *page;
	size_t cap;
	size_t max;  /* 0: no limit */
} item_list;

hvsnap_status hvs_wsman_page_overflow(size_t max_items, hvsnap_error *err)
{
	return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
	                   "the host sent more items in one page than the %zu asked for "
	                   "(MaxElements)", max_items);
}

static hvsnap_status push_item(item_list *l, hvsnap_cim_instance *inst,
                               hvsnap_error *err)
{
	wsman_enum_page *page = l->page;
	if (l->max && page->n_items == l->max) {
		hvsnap_cim_instance_free(inst);
		return hvs_wsman_page_overflow(l->max, err);
	}
	if (page->n_items == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		hvsnap_cim_instance **items = realloc(page->items, cap * sizeof(*items));
		if (!items) {
			hvsnap_cim_instance_free(inst);
			return hvs_err_nomem(err);
		}
		page->items = items;
		l->cap = cap;
	}
	page->items[page->n_items++] = inst;
	return HVSNAP_OK;
}

static hvsnap_status push_epr(item_list *l, const xmlNode *address,
                              const xmlNode *refp, hvsnap_error *err)
{
	hvsnap_epr *epr;
	hvsnap_status st = hvs_wsman_decode_epr_parts(address, refp, &epr, err);
	if (st != HVSNAP_OK)
		return st;
	hvsnap_cim_instance *inst;
	st = hvs_wsman_epr_instance(epr, &inst, err);
	return st == HVSNAP_OK ? push_item(l, inst, err) : st;
}

static hvsnap_status decode_items(item_list *l, xmlNodePtr items, hvsnap_error *err)
{
	hvsnap_status st = HVSNAP_OK;
	for (xmlNodePtr c = hvs_xu_first_elem(items); c && st == HVSNAP_OK; c = hvs_xu_next_elem(c)) {
		if (hvs_xu_is(c, NS_WSA, "EndpointReference")) {
			/* EnumerateEPR mode: each item is a wrapped EPR. */
			st = push_epr(l, hvs_xu_child(c, NS_WSA, "Address"),
			              hvs_xu_child(c, NS_WSA, "ReferenceParameters"), err);
		} else if (hvs_xu_is(c, NS_WSA, "Address")) {
			/* A bare EPR: an Address, usually followed by its
			 * ReferenceParameters. */
			xmlNodePtr next = hvs_xu_next_elem(c);
			if (hvs_xu_is(next, NS_WSA, "ReferenceParameters")) {
				st = push_epr(l, c, next, err);
				c = next;
			} else {
				st = push_epr(l, c, NULL, err);
			}
		} else if (hvs_xu_is(c, NS_WSA, "ReferenceParameters")) {
			st = push_epr(l, NULL, c, err);
		} else if (hvs_xu_is(c, NS_WSMAN, "Item")) {
			/* EnumerateObjectAndEPR wraps object and EPR; the object is
			 * what callers of this mode-less API want. */
			xmlNodePtr obj = hvs_xu_first_elem(c);
			while (obj && hvs_xu_is(obj, NS_WSA, "EndpointReference"))
				obj = hvs_xu_next_elem(obj);
			if (obj) {
				hvsnap_cim_instance *inst;
				st = hvs_wsman_decode_instance(obj, &inst, err);
				if (st == HVSNAP_OK)
					st = push_item(l, inst, err);
			}
		} else {
			hvsnap_cim_instance *inst;
			st = hvs_wsman_decode_instance(c, &inst, err);
			if (st == HVSNAP_OK)
				st = push_item(l, inst, err);
		}
	}
	return st;
}

static hvsnap_status parse_enum_response(xmlDocPtr doc, const char *element,
                                         size_t max_items, wsman_enum_page *page,
                                         hvsnap_error *err)
{
	memset(page, 0, sizeof(*page));
	hvsnap_status st;
	xmlNodePtr body = checked_body(doc, &st, err);
	if (!body)
		return st;
	xmlNodePtr resp = hvs_xu_child(body, NS_WSEN, element);
	if (!resp) {
		char got[300];
		element_label(hvs_xu_first_elem(body), got, sizeof(got));
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0, "expected %s, got %s", element, got);
	}
	int nomem = 0;
	page->context = hvs_xu_child_text(resp, NS_WSEN, "EnumerationContext", &nomem);
	if (nomem)
		return hvs_err_nomem(err);
	if (page->context && !*page->context) {
		/* An empty context cannot be pulled from: treat it as none. */
		free(page->context);
		page->context = NULL;
	}
	item_list l = { page, 0, max_items };
	/* Pull puts items in n:Items; OptimizeEnumeration puts them in w:Items
	 * inside the EnumerateResponse. Accept either in both. */
	for (xmlNodePtr c = hvs_xu_first_elem(resp); c; c = hvs_xu_next_elem(c)) {
		if (hvs_xu_is(c, NS_WSEN, "Items") || hvs_xu_is(c, NS_WSMAN, "Items")) {
			st = decode_items(&l, c, err);
			if (st != HVSNAP_OK) {
				hvs_wsman_enum_page_clear(page);
				return st;
			}
		} else if (hvs_xu_is(c, NS_WSEN, "EndOfSequence") ||
		           hvs_xu_is(c, NS_WSMAN, "EndOfSequence")) {
			page->end_of_sequence = 1;
		}
	}
	return HVSNAP_OK;
}

hvsnap_status hvs_wsman_parse_enumerate(xmlDocPtr doc, size_t max_items,
                                    wsman_enum_page *page, hvsnap_error *err)
{
	return parse_enum_response(doc, "EnumerateResponse", max_items, page, err);
}

hvsnap_status hvs_wsman_parse_pull(xmlDocPtr doc, size_t max_items,
                               wsman_enum_page *page, hvsnap_error *err)
{
	return parse_enum_response(doc, "PullResponse", max_items, page, err);
}

/* --- Invoke ---------------------------------------------------------- */

/* Strict uint32 as xs:unsignedInt allows it: digits only, surrounding
 * whitespace collapsed away by the schema's whiteSpace facet. */
static hvsnap_status parse_return_value(const hvsnap_cim_instance *output,
                                        const char *element, uint32_t *out,
                                        hvsnap_error *err)
{
	const hvsnap_cim_value *v = hvsnap_cim_get(output, "ReturnValue");
	if (!v)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0, "%s has no ReturnValue", element);
	if (v->kind == HVSNAP_CIM_NIL)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0, "%s has a Null ReturnValue", element);
	if (v->kind != HVSNAP_CIM_VALUE)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		               "%s has a ReturnValue that is not a number", element);
	char *t = hvs_str_dup(v->text);
	if (!t)
		return hvs_err_nomem(err);
	hvs_xu_trim(t);
	uint64_t n;
	hvsnap_status st = HVSNAP_OK;
	if (hvs_str_to_u64(t, UINT32_MAX, &n) != 0)
		st = hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		             "%s has ReturnValue \"%.64s\", which is not a uint32", element, t);
	else
		*out = (uint32_t)n;
	free(t);
	return st;
}

hvsnap_status hvs_wsman_parse_invoke(xmlDocPtr doc, const char *method,
                                 hvsnap_invoke_result **out,
                                 hvsnap_error *err)
{
	*out = NULL;
	if (!method || !*method)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "no method name given");
	hvsnap_status st;
	xmlNodePtr body = checked_body(doc, &st, err);
	if (!body)
		return st;
	char expected[256];
	int n = snprintf(expected, sizeof(expected), "%s_OUTPUT", method);
	if (n < 0 || (size_t)n >= sizeof(expected))
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "method name is too long");
	xmlNodePtr item = hvs_xu_first_elem(body);
	if (!item || strcmp(hvs_xu_name(item), expected) != 0) {
		char got[300];
		element_label(item, got, sizeof(got));
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0, "expected %s, got %s", expected, got);
	}
	hvsnap_invoke_result *r = calloc(1, sizeof(*r));
	if (!r)
		return hvs_err_nomem(err);
	st = hvs_wsman_decode_instance(item, &r->output, err);
	if (st == HVSNAP_OK)
		st = parse_return_value(r->output, expected, &r->return_value, err);
	if (st == HVSNAP_OK) {
		r->has_return_value = 1;
		const hvsnap_cim_value *job = hvsnap_cim_get(r->output, "Job");
		if (job && job->kind == HVSNAP_CIM_EPR) {
			r->job = hvsnap_epr_dup(job->epr);
			if (!r->job)
				st = hvs_err_nomem(err);
		}
	}
	if (st != HVSNAP_OK) {
		hvsnap_invoke_result_free(r);
		return st;
	}
	*out = r;
	return HVSNAP_OK;
}
