/* Decodes WS-CIM item elements into generic CIM instances: one child
 * element per property, repeated elements for arrays, xsi:nil for Null,
 * cim:Datetime / cim:Interval wrappers, and EPR-typed properties. */
#include "wsman/response.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/hash.h>

#include "util/err.h"
#include "util/strutil.h"
#include "wsman/decode.h"
#include "wsman/ns.h"
#include "wsman/xmlutil.h"

int hvs_wsman_holds_epr(const xmlNode *element)
{
	return hvs_xu_child(element, NS_WSA, "Address") ||
	       hvs_xu_child(element, NS_WSA, "ReferenceParameters") ||
	       hvs_xu_child(element, NS_WSA, "EndpointReference");
}

static hvsnap_status decode_selectors(hvsnap_epr *epr, const xmlNode *set,
                                      hvsnap_error *err)
{
	for (xmlNodePtr s = hvs_xu_first_elem(set); s; s = hvs_xu_next_elem(s)) {
		if (!hvs_xu_is(s, NS_WSMAN, "Selector"))
			continue;
		if (epr->n_selectors == WSMAN_MAX_SELECTORS)
			return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
			               "an EPR has more than %d selectors", WSMAN_MAX_SELECTORS);
		char *name = hvs_xu_attr(s, "Name");
		if (!name || !*name) {
			free(name);
			return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
			               "an EPR selector has no Name attribute");
		}
		/* A selector may itself hold an EPR (references to references);
		 * no Hyper-V object is named that way, so its text stands in. */
		char *value = hvs_xu_text_trim(s);
		hvsnap_status st = value ? hvsnap_epr_add_selector(epr, name, value)
		                         : HVSNAP_ERR_NOMEM;
		free(name);
		free(value);
		if (st != HVSNAP_OK)
			return hvs_err_nomem(err);
	}
	return HVSNAP_OK;
}

hvsnap_status hvs_wsman_decode_epr_parts(const xmlNode *address,
                                     const xmlNode *refparams,
                                     hvsnap_epr **out, hvsnap_error *err)
{
	*out = NULL;
	if (!address && !refparams)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		               "an endpoint reference has neither a:Address nor a:ReferenceParameters");
	int nomem = 0;
	char *uri = refparams ? hvs_xu_child_text(refparams, NS_WSMAN, "ResourceURI", &nomem)
	                      : NULL;
	if (nomem)
		return hvs_err_nomem(err);
	hvsnap_epr *epr = hvsnap_epr_new(uri);
	free(uri);
	if (!epr)
		return hvs_err_nomem(err);
	if (address) {
		char *a = hvs_xu_text_trim(address);
		if (!a) {
			hvsnap_epr_free(epr);
			return hvs_err_nomem(err);
		}
		free(epr->address);
		epr->address = a;
	}
	xmlNodePtr set = refparams ? hvs_xu_child(refparams, NS_WSMAN, "SelectorSet") : NULL;
	if (set) {
		hvsnap_status st = decode_selectors(epr, set, err);
		if (st != HVSNAP_OK) {
			hvsnap_epr_free(epr);
			return st;
		}
	}
	*out = epr;
	return HVSNAP_OK;
}

hvsnap_status hvs_wsman_decode_epr(xmlNodePtr node, hvsnap_epr **out,
                               hvsnap_error *err)
{
	*out = NULL;
	xmlNodePtr address = hvs_xu_child(node, NS_WSA, "Address");
	xmlNodePtr refp = hvs_xu_child(node, NS_WSA, "ReferenceParameters");
	if (!address && !refp) {
		/* Synthetic documents (and EnumerateEPR items) wrap the two parts
		 * in a:EndpointReference; real property values do not. */
		xmlNodePtr wrapper = hvs_xu_child(node, NS_WSA, "EndpointReference");
		if (wrapper) {
			address = hvs_xu_child(wrapper, NS_WSA, "Address");
			refp = hvs_xu_child(wrapper, NS_WSA, "ReferenceParameters");
		}
	}
	if (!address && !refp)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		               "element %s holds no endpoint reference", hvs_xu_name(node));
	return hvs_wsman_decode_epr_parts(address, refp, out, err);
}

static int is_cim_datetime(const xmlNode *e)
{
	return hvs_xu_is(e, NS_CIM, "Datetime") || hvs_xu_is(e, NS_CIM, "Date") ||
	       hvs_xu_is(e, NS_CIM, "Time") || hvs_xu_is(e, NS_CIM, "CIMDateTime");
}

/* Decodes one property element into *v (which owns nothing on failure). */
static hvsnap_status decode_value(xmlNodePtr prop, hvsnap_cim_value *v,
                                  hvsnap_error *err)
{
	memset(v, 0, sizeof(*v));
	if (hvs_xu_is_nil(prop)) {
		v->kind = HVSNAP_CIM_NIL;
		return HVSNAP_OK;
	}
	xmlNodePtr first = hvs_xu_first_elem(prop);
	if (first && (is_cim_datetime(first) || hvs_xu_is(first, NS_CIM, "Interval"))) {
		v->kind = hvs_xu_is(first, NS_CIM, "Interval") ? HVSNAP_CIM_INTERVAL
		                                           : HVSNAP_CIM_DATETIME;
		v->text = hvs_xu_text_trim(first);
		return v->text ? HVSNAP_OK : hvs_err_nomem(err);
	}
	if (first && hvs_wsman_holds_epr(prop)) {
		v->kind = HVSNAP_CIM_EPR;
		return hvs_wsman_decode_epr(prop, &v->epr, err);
	}
	/* Plain values, and unknown mixed content, keep their text byte for
	 * byte: localized strings and significant spaces must survive. */
	v->kind = HVSNAP_CIM_VALUE;
	v->text = hvs_xu_text(prop);
	return v->text ? HVSNAP_OK : hvs_err_nomem(err);
}

typedef struct prop_entry {
	const char *name;      /* points into the document */
	hvsnap_cim_value value;
	size_t items_cap;
} prop_entry;

/* Makes entry an array (if it is not one yet) and appends v to it. */
static int append_item(prop_entry *entry, hvsnap_cim_value *v)
{
	hvsnap_cim_value *val = &entry->value;
	if (val->kind != HVSNAP_CIM_ARRAY) {
		hvsnap_cim_value *items = calloc(4, sizeof(*items));
		if (!items)
			return -1;
		items[0] = *val;
		memset(val, 0, sizeof(*val));
		val->kind = HVSNAP_CIM_ARRAY;
		val->items = items;
		val->n_items = 1;
		entry->items_cap = 4;
	}
	if (val->n_items == entry->items_cap) {
		size_t cap = entry->items_cap * 2;
		hvsnap_cim_value *items = realloc(val->items, cap * sizeof(*items));
		if (!items)
			return -1;
		val->items = items;
		entry->items_cap = cap;
	}
	val->items[val->n_items++] = *v;
	memset(v, 0, sizeof(*v));
	return 0;
}

static void free_entries(prop_entry *entries, size_t n)
{
	for (size_t i = 0; i < n; i++)
		hvs_cim_value_clear(&entries[i].value);
	free(entries);
}

/* Groups the item's children by local name in first-occurrence order. */
static hvsnap_status collect_properties(xmlNodePtr item, prop_entry **out,
                                        size_t *n_out, hvsnap_error *err)
{
	*out = NULL;
	*n_out = 0;
	xmlHashTablePtr seen = xmlHashCreate(64);
	if (!seen)
		return hvs_err_nomem(err);
	prop_entry *entries = NULL;
	size_t n = 0, cap = 0;
	hvsnap_status st = HVSNAP_OK;
	for (xmlNodePtr c = hvs_xu_first_elem(item); c; c = hvs_xu_next_elem(c)) {
		hvsnap_cim_value v;
		st = decode_value(c, &v, err);
		if (st != HVSNAP_OK)
			break;
		uintptr_t idx = (uintptr_t)xmlHashLookup(seen, c->name);
		if (idx) {
			if (append_item(&entries[idx - 1], &v) != 0) {
				hvs_cim_value_clear(&v);
				st = hvs_err_nomem(err);
				break;
			}
			continue;
		}
		if (n == WSMAN_MAX_PROPERTIES) {
			hvs_cim_value_clear(&v);
			st = hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
			             "instance %s has more than %d properties",
			             hvs_xu_name(item), WSMAN_MAX_PROPERTIES);
			break;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			prop_entry *ne = realloc(entries, ncap * sizeof(*ne));
			if (!ne) {
				hvs_cim_value_clear(&v);
				st = hvs_err_nomem(err);
				break;
			}
			entries = ne;
			cap = ncap;
		}
		if (xmlHashAddEntry(seen, c->name, (void *)(uintptr_t)(n + 1)) != 0) {
			hvs_cim_value_clear(&v);
			st = hvs_err_nomem(err);
			break;
		}
		entries[n].name = (const char *)c->name;
		entries[n].value = v;
		entries[n].items_cap = 0;
		n++;
	}
	xmlHashFree(seen, NULL);
	if (st != HVSNAP_OK) {
		free_entries(entries, n);
		return st;
	}
	*out = entries;
	*n_out = n;
	return HVSNAP_OK;
}

hvsnap_status hvs_wsman_decode_instance(xmlNodePtr item, hvsnap_cim_instance **out,
                                    hvsnap_error *err)
{
	*out = NULL;
	if (!item || item->type != XML_ELEMENT_NODE)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0, "expected an instance element");
	prop_entry *entries;
	size_t n;
	hvsnap_status st = collect_properties(item, &entries, &n, err);
	if (st != HVSNAP_OK)
		return st;
	/* The item's namespace is the class resource URI; an item without one
	 * keeps an empty URI rather than a guessed one. */
	const char *uri = hvs_xu_ns(item);
	hvsnap_cim_instance *inst = hvsnap_cim_instance_new(hvs_xu_name(item), uri ? uri : "");
	if (!inst) {
		free_entries(entries, n);
		return hvs_err_nomem(err);
	}
	size_t i = 0;
	for (; i < n; i++) {
		hvsnap_cim_value *v = malloc(sizeof(*v));
		if (!v)
			break;
		*v = entries[i].value;
		memset(&entries[i].value, 0, sizeof(entries[i].value));
		if (hvs_cim_take_value(inst, entries[i].name, v) != HVSNAP_OK)
			break;
	}
	free_entries(entries, n);
	if (i < n) {
		hvsnap_cim_instance_free(inst);
		return hvs_err_nomem(err);
	}
	*out = inst;
	return HVSNAP_OK;
}

hvsnap_status hvs_wsman_epr_instance(hvsnap_epr *epr, hvsnap_cim_instance **out,
                                 hvsnap_error *err)
{
	*out = NULL;
	const char *uri = epr->resource_uri && *epr->resource_uri ? epr->resource_uri : NULL;
	hvsnap_cim_instance *inst = hvsnap_cim_instance_new("EPR", uri);
	hvsnap_cim_value *v = malloc(sizeof(*v));
	if (!inst || !v) {
		hvsnap_cim_instance_free(inst);
		free(v);
		hvsnap_epr_free(epr);
		return hvs_err_nomem(err);
	}
	memset(v, 0, sizeof(*v));
	v->kind = HVSNAP_CIM_EPR;
	v->epr = epr;
	if (hvs_cim_take_value(inst, "EPR", v) != HVSNAP_OK) {
		hvsnap_cim_instance_free(inst);
		return hvs_err_nomem(err);
	}
	*out = inst;
	return HVSNAP_OK;
}
