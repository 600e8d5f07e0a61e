/* Request envelopes for every WS-Man operation the client sends, built with
 * the libxml2 tree API so that every text and attribute value is escaped by
 * the serialiser rather than by hand.
 *
 * Prefixes are fixed (s, a, w, n, p, xsi, cim, wsmid) only to make traces
 * readable; nothing depends on them. Every caller-supplied string is checked
 * (hvs_wsman_text_ok, NCName for element and selector names) before it goes into
 * the tree, because libxml2 would write control characters or broken UTF-8
 * straight through and the host would answer with an unhelpful fault. A
 * builder returns NULL for an invalid argument or when memory runs out:
 *  - opts, To or (except Identify) the resource URI NULL or empty;
 *  - a selector name that is not an NCName, or a NULL selector value;
 *  - a locale that is not a language tag;
 *  - an Invoke method that is not an NCName, an Enumerate WQL filter that is
 *    empty or aimed at a resource URI that is not a "*" URI, an empty
 *    enumeration context, a Put property name that is not an NCName. */
#include "wsman/envelope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/tree.h>

#include "util/uuid.h"
#include "wsman/ns.h"
#include "wsman/params.h"
#include "wsman/xmltext.h"

/* Microsoft's own WS-Man extension namespace (DataLocale); not in ns.h
 * because only requests use it. */
#define NS_MSWSMAN "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd"
#define ENUM_MODE_EPR "EnumerateEPR"

typedef struct env {
	xmlDocPtr doc;
	xmlNodePtr header;
	xmlNodePtr body;
	xmlNsPtr s, a, w, n;
} env;

/* Adds <ns:name>text</ns:name> under parent (no text node for NULL or "");
 * NULL when text is not valid XML text or memory runs out. The node is
 * owned by the document even on later failure, so callers never free it. */
static xmlNodePtr el(xmlNodePtr parent, xmlNsPtr ns, const char *name,
                     const char *text)
{
	if (!parent || (text && !hvs_wsman_text_ok(text)))
		return NULL;
	xmlNodePtr e = xmlNewChild(parent, ns, BAD_CAST name, NULL);
	if (!e)
		return NULL;
	if (text && *text) {
		xmlNodePtr t = xmlNewDocText(parent->doc, BAD_CAST text);
		if (!t)
			return NULL;
		xmlAddChild(e, t);
	}
	return e;
}

static int must_understand(xmlNodePtr node, xmlNsPtr s, int value)
{
	return node && xmlNewNsProp(node, s, BAD_CAST "mustUnderstand",
	                            BAD_CAST (value ? "true" : "false")) ? 0 : -1;
}

static int set_lang(xmlNodePtr node, const char *lang)
{
	/* xmlSearchNs hands back the document's predeclared xml namespace. */
	xmlNsPtr xns = node ? xmlSearchNs(node->doc, node, BAD_CAST "xml") : NULL;
	return xns && xmlNewNsProp(node, xns, BAD_CAST "lang", BAD_CAST lang) ? 0 : -1;
}

/* A BCP 47-shaped tag as xs:language allows: 1-8 letters, then any number
 * of "-" and 1-8 letters or digits. */
static int language_ok(const char *s)
{
	size_t run = 0;
	int first = 1;
	for (; *s; s++) {
		char c = *s;
		int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
		int digit = c >= '0' && c <= '9';
		if (c == '-') {
			if (run == 0)
				return 0;
			run = 0;
			first = 0;
		} else if (alpha || (digit && !first)) {
			if (++run > 8)
				return 0;
		} else {
			return 0;
		}
	}
	return run > 0;
}

static int nonempty_text(const char *s)
{
	return s && *s && hvs_wsman_text_ok(s);
}

static int add_selector_set(xmlNodePtr parent, xmlNsPtr w,
                            const hvsnap_selector *sel, size_t n)
{
	xmlNodePtr set = el(parent, w, "SelectorSet", NULL);
	if (!set)
		return -1;
	for (size_t i = 0; i < n; i++) {
		xmlNodePtr s = el(set, w, "Selector", sel[i].value);
		if (!s || !xmlNewProp(s, BAD_CAST "Name", BAD_CAST sel[i].name))
			return -1;
	}
	return 0;
}

/* The content of an EPR-valued element: a:Address then
 * a:ReferenceParameters, with no a:EndpointReference wrapper and no
 * __cimnamespace selector (Windows rejects the wrapper, and the namespace
 * is already in the resource URI). */
static int add_epr_content(xmlNodePtr parent, const env *e, const hvsnap_epr *epr)
{
	if (!hvs_wsman_epr_ok(epr))
		return -1;
	const char *addr = epr->address && *epr->address ? epr->address : WSA_ANONYMOUS;
	if (!el(parent, e->a, "Address", addr))
		return -1;
	xmlNodePtr rp = el(parent, e->a, "ReferenceParameters", NULL);
	if (!el(rp, e->w, "ResourceURI", epr->resource_uri))
		return -1;
	if (epr->n_selectors &&
	    add_selector_set(rp, e->w, epr->selectors, epr->n_selectors) != 0)
		return -1;
	return 0;
}

static int opts_ok(const wsman_request_opts *o)
{
	if (!o || !nonempty_text(o->to) || !nonempty_text(o->resource_uri))
		return 0;
	if (o->n_selectors && !o->selectors)
		return 0;
	for (size_t i = 0; i < o->n_selectors; i++)
		if (!hvs_wsman_ncname_ok(o->selectors[i].name) ||
		    !hvs_wsman_text_ok(o->selectors[i].value))
			return 0;
	if (o->locale && !language_ok(o->locale))
		return 0;
	if (o->message_id && !nonempty_text(o->message_id))
		return 0;
	return 1;
}

/* Starts an envelope with the common headers and an empty Body. On failure
 * everything is freed and -1 returned. */
static int env_start(env *e, const wsman_request_opts *o, const char *action,
                     int enumeration)
{
	memset(e, 0, sizeof(*e));
	if (!opts_ok(o) || !nonempty_text(action))
		return -1;
	char msgid[5 + UUID_STR_LEN] = "uuid:";
	if (!o->message_id && hvs_uuid_random(msgid + 5) != 0)
		return -1;

	e->doc = xmlNewDoc(BAD_CAST "1.0");
	if (!e->doc)
		return -1;
	xmlNodePtr root = xmlNewDocNode(e->doc, NULL, BAD_CAST "Envelope", NULL);
	if (!root)
		goto fail;
	xmlDocSetRootElement(e->doc, root);
	e->s = xmlNewNs(root, BAD_CAST NS_SOAP, BAD_CAST "s");
	e->a = xmlNewNs(root, BAD_CAST NS_WSA, BAD_CAST "a");
	e->w = xmlNewNs(root, BAD_CAST NS_WSMAN, BAD_CAST "w");
	if (!e->s || !e->a || !e->w)
		goto fail;
	if (enumeration && !(e->n = xmlNewNs(root, BAD_CAST NS_WSEN, BAD_CAST "n")))
		goto fail;
	xmlSetNs(root, e->s);

	xmlNodePtr h = e->header = el(root, e->s, "Header", NULL);
	if (!el(h, e->a, "To", o->to))
		goto fail;
	if (must_understand(el(h, e->w, "ResourceURI", o->resource_uri), e->s, 1))
		goto fail;
	xmlNodePtr reply = el(h, e->a, "ReplyTo", NULL);
	if (must_understand(el(reply, e->a, "Address", WSA_ANONYMOUS), e->s, 1))
		goto fail;
	if (must_understand(el(h, e->a, "Action", action), e->s, 1))
		goto fail;
	if (!el(h, e->a, "MessageID", o->message_id ? o->message_id : msgid))
		goto fail;
	if (o->max_envelope_size) {
		char num[16];
		snprintf(num, sizeof(num), "%u", o->max_envelope_size);
		if (must_understand(el(h, e->w, "MaxEnvelopeSize", num), e->s, 1))
			goto fail;
	}
	if (o->locale) {
		/* Locale asks for messages in that language; DataLocale for
		 * numbers and dates. Neither is worth a fault when the host
		 * cannot honour it, hence mustUnderstand="false". */
		xmlNodePtr loc = el(h, e->w, "Locale", NULL);
		if (set_lang(loc, o->locale) || must_understand(loc, e->s, 0))
			goto fail;
		xmlNodePtr dl = el(h, NULL, "DataLocale", NULL);
		xmlNsPtr msp = dl ? xmlNewNs(dl, BAD_CAST NS_MSWSMAN, BAD_CAST "p") : NULL;
		if (!msp)
			goto fail;
		xmlSetNs(dl, msp);
		if (set_lang(dl, o->locale) || must_understand(dl, e->s, 0))
			goto fail;
	}
	if (o->operation_timeout_ms) {
		char dur[32];
		hvs_wsman_format_duration(o->operation_timeout_ms, dur);
		if (!el(h, e->w, "OperationTimeout", dur))
			goto fail;
	}
	if (o->n_selectors &&
	    add_selector_set(h, e->w, o->selectors, o->n_selectors) != 0)
		goto fail;
	e->body = el(root, e->s, "Body", NULL);
	if (!e->body)
		goto fail;
	return 0;
fail:
	xmlFreeDoc(e->doc);
	e->doc = NULL;
	return -1;
}

/* Returns the finished document, or frees it and returns NULL when a body
 * step failed (ok == 0). */
static xmlDocPtr env_finish(env *e, int ok)
{
	if (ok)
		return e->doc;
	xmlFreeDoc(e->doc);
	e->doc = NULL;
	return NULL;
}

void hvs_wsman_format_duration(unsigned ms, char out[32])
{
	/* Milliseconds zero-padded: 1050 ms is PT1.050S, not PT1.50S. */
	snprintf(out, 32, "PT%u.%03uS", ms / 1000u, ms % 1000u);
}

xmlDocPtr hvs_wsman_build_identify(void)
{
	/* Identify carries no addressing headers at all (DSP0226 Identify): an
	 * empty Header and a wsmid:Identify body. */
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	if (!doc)
		return NULL;
	xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "Envelope", NULL);
	if (!root)
		goto fail;
	xmlDocSetRootElement(doc, root);
	xmlNsPtr s = xmlNewNs(root, BAD_CAST NS_SOAP, BAD_CAST "s");
	xmlNsPtr id = xmlNewNs(root, BAD_CAST NS_WSMID, BAD_CAST "wsmid");
	if (!s || !id)
		goto fail;
	xmlSetNs(root, s);
	if (!el(root, s, "Header", NULL) ||
	    !el(el(root, s, "Body", NULL), id, "Identify", NULL))
		goto fail;
	return doc;
fail:
	xmlFreeDoc(doc);
	return NULL;
}

xmlDocPtr hvs_wsman_build_get(const wsman_request_opts *o)
{
	env e;
	if (env_start(&e, o, ACTION_GET, 0) != 0)
		return NULL;
	return e.doc; /* WS-Transfer Get: the body stays empty */
}

xmlDocPtr hvs_wsman_build_empty(const wsman_request_opts *o, const char *action)
{
	env e;
	if (env_start(&e, o, action, 0) != 0)
		return NULL;
	return e.doc;
}

/* Writes one Put property (or one item of an array property). */
static int put_value(xmlNodePtr cls, xmlNsPtr p, xmlNsPtr xsi, xmlNsPtr cim,
                     const env *e, const char *name, const hvsnap_cim_value *v)
{
	xmlNodePtr x;
	switch (v->kind) {
	case HVSNAP_CIM_NIL:
		x = el(cls, p, name, NULL);
		return x && xmlNewNsProp(x, xsi, BAD_CAST "nil", BAD_CAST "true") ? 0 : -1;
	case HVSNAP_CIM_VALUE:
		return v->text && el(cls, p, name, v->text) ? 0 : -1;
	case HVSNAP_CIM_DATETIME:
		return v->text && el(el(cls, p, name, NULL), cim, "Datetime", v->text)
		       ? 0 : -1;
	case HVSNAP_CIM_INTERVAL:
		return v->text && el(el(cls, p, name, NULL), cim, "Interval", v->text)
		       ? 0 : -1;
	case HVSNAP_CIM_EPR:
		x = el(cls, p, name, NULL);
		return x ? add_epr_content(x, e, v->epr) : -1;
	case HVSNAP_CIM_ARRAY:
		/* Repeated elements, as Windows writes arrays; an empty array
		 * therefore writes nothing. */
		for (size_t i = 0; i < v->n_items; i++) {
			if (v->items[i].kind == HVSNAP_CIM_ARRAY ||
			    put_value(cls, p, xsi, cim, e, name, &v->items[i]) != 0)
				return -1;
		}
		return 0;
	}
	return -1;
}

xmlDocPtr hvs_wsman_build_put(const wsman_request_opts *o,
                          const hvsnap_cim_instance *inst)
{
	const char *cls_name = hvsnap_cim_instance_class(inst);
	if (!hvs_wsman_ncname_ok(cls_name))
		return NULL;
	env e;
	if (env_start(&e, o, ACTION_PUT, 0) != 0)
		return NULL;
	/* The body's namespace is the request's resource URI, which is the
	 * class the host will check the instance against. */
	xmlNodePtr cls = el(e.body, NULL, cls_name, NULL);
	xmlNsPtr p = cls ? xmlNewNs(cls, BAD_CAST o->resource_uri, BAD_CAST "p") : NULL;
	xmlNsPtr xsi = cls ? xmlNewNs(cls, BAD_CAST NS_XSI, BAD_CAST "xsi") : NULL;
	xmlNsPtr cim = cls ? xmlNewNs(cls, BAD_CAST NS_CIM, BAD_CAST "cim") : NULL;
	if (!p || !xsi || !cim)
		return env_finish(&e, 0);
	xmlSetNs(cls, p);
	size_t n = hvsnap_cim_instance_count(inst);
	for (size_t i = 0; i < n; i++) {
		const char *name = hvsnap_cim_instance_name_at(inst, i);
		const hvsnap_cim_value *v = hvsnap_cim_instance_value_at(inst, i);
		if (!hvs_wsman_ncname_ok(name) || !v ||
		    put_value(cls, p, xsi, cim, &e, name, v) != 0)
			return env_finish(&e, 0);
	}
	return env_finish(&e, 1);
}

static int ends_with_star(const char *uri)
{
	size_t n = strlen(uri);
	return n >= 2 && strcmp(uri + n - 2, "/*") == 0;
}

xmlDocPtr hvs_wsman_build_enumerate(const wsman_request_opts *o,
                                const hvsnap_enum_options *eo)
{
	if (!o || !eo)
		return NULL;
	if (eo->mode != HVSNAP_ENUM_OBJECTS && eo->mode != HVSNAP_ENUM_EPRS)
		return NULL;
	/* The request's resource URI wins; the enumeration's own is the
	 * fallback, then the v2 "*" URI when a WQL filter needs one. */
	wsman_request_opts oo = *o;
	if (!oo.resource_uri)
		oo.resource_uri = eo->resource_uri;
	if (!oo.resource_uri && eo->wql)
		oo.resource_uri = WMI_V2_ALL;
	/* Windows faults a WQL filter on a class URI ("the class name must be
	 * '*'"); refusing here gives a clearer error. */
	if (eo->wql && (!nonempty_text(eo->wql) || !oo.resource_uri ||
	                !ends_with_star(oo.resource_uri)))
		return NULL;
	env e;
	if (env_start(&e, &oo, ACTION_ENUMERATE, 1) != 0)
		return NULL;
	xmlNodePtr en = el(e.body, e.n, "Enumerate", NULL);
	if (!en)
		return env_finish(&e, 0);
	if (eo->wql) {
		xmlNodePtr f = el(en, e.w, "Filter", eo->wql);
		if (!f || !xmlNewProp(f, BAD_CAST "Dialect", BAD_CAST WQL_DIALECT))
			return env_finish(&e, 0);
	}
	if (eo->mode == HVSNAP_ENUM_EPRS && !el(en, e.w, "EnumerationMode", ENUM_MODE_EPR))
		return env_finish(&e, 0);
	/* MaxElements in an Enumerate only means something together with
	 * OptimizeEnumeration (DSP0226); without it the limit applies
	 * to the Pulls alone. */
	if (eo->optimize) {
		if (!el(en, e.w, "OptimizeEnumeration", NULL))
			return env_finish(&e, 0);
		if (eo->max_elements) {
			char num[16];
			snprintf(num, sizeof(num), "%u", eo->max_elements);
			if (!el(en, e.w, "MaxElements", num))
				return env_finish(&e, 0);
		}
	}
	return env_finish(&e, 1);
}

xmlDocPtr hvs_wsman_build_pull(const wsman_request_opts *o, const char *context,
                           unsigned max_elements)
{
	if (!nonempty_text(context))
		return NULL;
	env e;
	if (env_start(&e, o, ACTION_PULL, 1) != 0)
		return NULL;
	xmlNodePtr pull = el(e.body, e.n, "Pull", NULL);
	if (!el(pull, e.n, "EnumerationContext", context))
		return env_finish(&e, 0);
	if (max_elements) {
		char num[16];
		snprintf(num, sizeof(num), "%u", max_elements);
		if (!el(pull, e.n, "MaxElements", num))
			return env_finish(&e, 0);
	}
	return env_finish(&e, 1);
}

xmlDocPtr hvs_wsman_build_release(const wsman_request_opts *o, const char *context)
{
	if (!nonempty_text(context))
		return NULL;
	env e;
	if (env_start(&e, o, ACTION_RELEASE, 1) != 0)
		return NULL;
	xmlNodePtr rel = el(e.body, e.n, "Release", NULL);
	return env_finish(&e, el(rel, e.n, "EnumerationContext", context) != NULL);
}

static int add_param(xmlNodePtr in, xmlNsPtr p, const env *e, const wsman_param *w)
{
	switch (w->kind) {
	case WSMAN_PARAM_VALUE:
	case WSMAN_PARAM_INSTANCE:
		/* An embedded instance is a string parameter: its markup is
		 * escaped text here, which the host reads back exactly as it
		 * would a CDATA section. */
		return el(in, p, w->name, w->text ? w->text : "") ? 0 : -1;
	case WSMAN_PARAM_ARRAY:
		for (size_t i = 0; i < w->n_items; i++)
			if (!el(in, p, w->name, w->items[i]))
				return -1;
		return 0;
	case WSMAN_PARAM_EPR: {
		xmlNodePtr x = el(in, p, w->name, NULL);
		return x ? add_epr_content(x, e, w->epr) : -1;
	}
	}
	return -1;
}

xmlDocPtr hvs_wsman_build_invoke(const wsman_request_opts *o, const char *method,
                             const hvsnap_params *params)
{
	if (!o || !hvs_wsman_ncname_ok(method) || !nonempty_text(o->resource_uri))
		return NULL;
	size_t ulen = strlen(o->resource_uri), mlen = strlen(method);
	char *action = malloc(ulen + 1 + mlen + 1);
	char *input = malloc(mlen + sizeof("_INPUT"));
	xmlDocPtr doc = NULL;
	if (!action || !input)
		goto out;
	memcpy(action, o->resource_uri, ulen);
	action[ulen] = '/';
	memcpy(action + ulen + 1, method, mlen + 1);
	memcpy(input, method, mlen);
	memcpy(input + mlen, "_INPUT", sizeof("_INPUT"));

	env e;
	if (env_start(&e, o, action, 0) != 0)
		goto out;
	xmlNodePtr in = el(e.body, NULL, input, NULL);
	xmlNsPtr p = in ? xmlNewNs(in, BAD_CAST o->resource_uri, BAD_CAST "p") : NULL;
	int ok = p != NULL;
	if (ok)
		xmlSetNs(in, p);
	for (size_t i = 0; ok && i < hvs_wsman_params_count(params); i++)
		ok = add_param(in, p, &e, hvs_wsman_params_at(params, i)) == 0;
	doc = env_finish(&e, ok);
out:
	free(action);
	free(input);
	return doc;
}

char *hvs_wsman_doc_to_bytes(xmlDocPtr doc, size_t *len)
{
	if (!doc)
		return NULL;
	xmlChar *mem = NULL;
	int size = 0;
	xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
	if (!mem || size < 0) {
		xmlFree(mem);
		return NULL;
	}
	/* Copied so callers free() it like every other library string,
	 * whatever allocator libxml2 was set up with. */
	char *out = malloc((size_t)size + 1);
	if (out) {
		memcpy(out, mem, (size_t)size);
		out[size] = '\0';
		if (len)
			*len = (size_t)size;
	}
	xmlFree(mem);
	return out;
}
