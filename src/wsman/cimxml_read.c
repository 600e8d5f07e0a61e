/* Reads DSP0201 CIM-XML <INSTANCE> strings, as Hyper-V returns them in
 * embedded-instance out parameters (ConcreteJob.GetError's Msvm_Error).
 * The text comes from the host, so it gets the same hardened load as a
 * response; QUALIFIER elements and unknown attributes, which Windows'
 * GetText adds, are ignored. */
#include "wsman/response.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/strutil.h"
#include "wsman/decode.h"
#include "wsman/xmlutil.h"

static hvsnap_cim_type type_from_text(const char *t)
{
	static const struct { const char *name; hvsnap_cim_type type; } map[] = {
		{ "string", HVSNAP_CIM_TYPE_STRING },
		{ "boolean", HVSNAP_CIM_TYPE_BOOLEAN },
		{ "uint8", HVSNAP_CIM_TYPE_UINT8 },
		{ "uint16", HVSNAP_CIM_TYPE_UINT16 },
		{ "uint32", HVSNAP_CIM_TYPE_UINT32 },
		{ "uint64", HVSNAP_CIM_TYPE_UINT64 },
		/* The narrower signed types fit the widest the API has. */
		{ "sint8", HVSNAP_CIM_TYPE_SINT32 },
		{ "sint16", HVSNAP_CIM_TYPE_SINT32 },
		{ "sint32", HVSNAP_CIM_TYPE_SINT32 },
		{ "sint64", HVSNAP_CIM_TYPE_SINT64 },
		{ "datetime", HVSNAP_CIM_TYPE_DATETIME },
	};
	for (size_t i = 0; t && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(t, map[i].name) == 0)
			return map[i].type;
	/* real32/real64/char16 and unknown types keep their text as strings. */
	return HVSNAP_CIM_TYPE_STRING;
}

static hvsnap_status read_property(hvsnap_cim_instance *inst, xmlNodePtr p,
                                   const char *name, hvsnap_cim_type type,
                                   hvsnap_error *err)
{
	xmlNodePtr value = hvs_xu_child(p, NULL, "VALUE");
	hvsnap_status st;
	if (!value) {
		st = hvsnap_cim_set_nil(inst, name, type);
	} else {
		char *text = hvs_xu_text(value);
		st = text ? hvsnap_cim_set_value(inst, name, type, text) : HVSNAP_ERR_NOMEM;
		free(text);
	}
	return st == HVSNAP_OK ? HVSNAP_OK : hvs_err_nomem(err);
}

static hvsnap_status read_array(hvsnap_cim_instance *inst, xmlNodePtr p,
                                const char *name, hvsnap_cim_type type,
                                hvsnap_error *err)
{
	xmlNodePtr va = hvs_xu_child(p, NULL, "VALUE.ARRAY");
	if (!va)
		return hvsnap_cim_set_nil(inst, name, type) == HVSNAP_OK ? HVSNAP_OK
		                                                          : hvs_err_nomem(err);
	size_t n = 0, cap = 0;
	char **texts = NULL;
	hvsnap_status st = HVSNAP_OK;
	for (xmlNodePtr v = hvs_xu_first_elem(va); v; v = hvs_xu_next_elem(v)) {
		/* VALUE.NULL entries have no place in a text array; the API keeps
		 * arrays of text, so they are skipped. */
		if (!hvs_xu_is(v, NULL, "VALUE"))
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			char **nt = realloc(texts, ncap * sizeof(*nt));
			if (!nt) {
				st = hvs_err_nomem(err);
				break;
			}
			texts = nt;
			cap = ncap;
		}
		texts[n] = hvs_xu_text(v);
		if (!texts[n]) {
			st = hvs_err_nomem(err);
			break;
		}
		n++;
	}
	if (st == HVSNAP_OK &&
	    hvsnap_cim_set_array(inst, name, type, (const char *const *)texts, n) != HVSNAP_OK)
		st = hvs_err_nomem(err);
	for (size_t i = 0; i < n; i++)
		free(texts[i]);
	free(texts);
	return st;
}

hvsnap_status hvs_wsman_cimxml_parse(const char *text, size_t len,
                                 hvsnap_cim_instance **out, hvsnap_error *err)
{
	*out = NULL;
	xmlDocPtr doc = NULL;
	hvsnap_status st = hvs_xu_load(text, len, 0, "embedded instance", &doc, err);
	if (st != HVSNAP_OK)
		return st;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!hvs_xu_is(root, NULL, "INSTANCE")) {
		st = hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		             "embedded instance root is %s, not a CIM-XML INSTANCE",
		             hvs_xu_name(root));
		xmlFreeDoc(doc);
		return st;
	}
	char *class_name = hvs_xu_attr(root, "CLASSNAME");
	if (!class_name || !*class_name) {
		free(class_name);
		xmlFreeDoc(doc);
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		               "embedded instance has no CLASSNAME");
	}
	hvsnap_cim_instance *inst = hvsnap_cim_instance_new(class_name, NULL);
	free(class_name);
	if (!inst) {
		xmlFreeDoc(doc);
		return hvs_err_nomem(err);
	}
	size_t count = 0;
	for (xmlNodePtr p = hvs_xu_first_elem(root); p && st == HVSNAP_OK; p = hvs_xu_next_elem(p)) {
		int scalar = hvs_xu_is(p, NULL, "PROPERTY");
		if (!scalar && !hvs_xu_is(p, NULL, "PROPERTY.ARRAY"))
			continue; /* QUALIFIER, PROPERTY.REFERENCE and extensions */
		char *name = hvs_xu_attr(p, "NAME");
		char *type = hvs_xu_attr(p, "TYPE");
		if (!name || !*name) {
			st = hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
			             "embedded instance has a property without a NAME");
		} else if (++count > WSMAN_MAX_PROPERTIES) {
			st = hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
			             "embedded instance has more than %d properties",
			             WSMAN_MAX_PROPERTIES);
		} else if (scalar) {
			st = read_property(inst, p, name, type_from_text(type), err);
		} else {
			st = read_array(inst, p, name, type_from_text(type), err);
		}
		free(name);
		free(type);
	}
	xmlFreeDoc(doc);
	if (st != HVSNAP_OK) {
		hvsnap_cim_instance_free(inst);
		return st;
	}
	*out = inst;
	return HVSNAP_OK;
}
