/* The DSP0201 CIM-XML writer for embedded-instance parameters (for example
 * CreateSnapshot's SnapshotSettings): a generic instance becomes
 * <INSTANCE CLASSNAME=…><PROPERTY …><VALUE>…</VALUE></PROPERTY>…</INSTANCE>.
 *
 * Limits, on purpose: an EPR property (PROPERTY.REFERENCE with a
 * VALUE.REFERENCE path) is refused, because no Hyper-V embedded-instance
 * input needs one and a half-right object path would only fail on the host.
 * No QUALIFIER elements are written; Windows does not need them. */
#include "wsman/envelope.h"

#include <stdlib.h>
#include <string.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "wsman/xmltext.h"

static const char *type_name(hvsnap_cim_type t)
{
	switch (t) {
	case HVSNAP_CIM_TYPE_STRING: return "string";
	case HVSNAP_CIM_TYPE_BOOLEAN: return "boolean";
	case HVSNAP_CIM_TYPE_UINT8: return "uint8";
	case HVSNAP_CIM_TYPE_UINT16: return "uint16";
	case HVSNAP_CIM_TYPE_UINT32: return "uint32";
	case HVSNAP_CIM_TYPE_UINT64: return "uint64";
	case HVSNAP_CIM_TYPE_SINT32: return "sint32";
	case HVSNAP_CIM_TYPE_SINT64: return "sint64";
	case HVSNAP_CIM_TYPE_DATETIME: return "datetime";
	}
	return NULL;
}

/* Adds <VALUE>text</VALUE> under parent; 0 on success. The text is stored
 * raw and escaped by the serialiser. */
static int add_value(xmlNodePtr parent, const char *text)
{
	if (!hvs_wsman_text_ok(text))
		return -1;
	xmlNodePtr v = xmlNewChild(parent, NULL, BAD_CAST "VALUE", NULL);
	if (!v)
		return -1;
	if (*text) {
		xmlNodePtr t = xmlNewDocText(parent->doc, BAD_CAST text);
		if (!t)
			return -1;
		xmlAddChild(v, t);
	}
	return 0;
}

static int scalar_kind(hvsnap_cim_kind k)
{
	/* CIM-XML has one "datetime" type for timestamps and intervals, both
	 * written as text. */
	return k == HVSNAP_CIM_VALUE || k == HVSNAP_CIM_DATETIME ||
	       k == HVSNAP_CIM_INTERVAL;
}

static int add_property(xmlNodePtr inst, const char *name, hvsnap_cim_type type,
                        const hvsnap_cim_value *v)
{
	const char *tname = type_name(type);
	if (!tname || !hvs_wsman_text_ok(name) || !*name || !v)
		return -1;
	int is_array = v->kind == HVSNAP_CIM_ARRAY;
	if (!is_array && v->kind != HVSNAP_CIM_NIL && !scalar_kind(v->kind))
		return -1; /* EPR: see the top of the file */
	xmlNodePtr prop = xmlNewChild(inst, NULL,
	                              BAD_CAST (is_array ? "PROPERTY.ARRAY" : "PROPERTY"),
	                              NULL);
	if (!prop || !xmlNewProp(prop, BAD_CAST "NAME", BAD_CAST name) ||
	    !xmlNewProp(prop, BAD_CAST "TYPE", BAD_CAST tname))
		return -1;
	if (v->kind == HVSNAP_CIM_NIL)
		return 0; /* DSP0201: a NULL value is a PROPERTY without VALUE */
	if (!is_array)
		return add_value(prop, v->text);
	/* An empty VALUE.ARRAY is an empty array, which DSP0201 keeps
	 * distinct from NULL. */
	xmlNodePtr arr = xmlNewChild(prop, NULL, BAD_CAST "VALUE.ARRAY", NULL);
	if (!arr)
		return -1;
	for (size_t i = 0; i < v->n_items; i++) {
		if (!scalar_kind(v->items[i].kind))
			return -1;
		if (add_value(arr, v->items[i].text) != 0)
			return -1;
	}
	return 0;
}

/* Serialises the element without an XML declaration, as UTF-8 (not
 * character references), into a malloc'd string. */
static char *dump_element(xmlNodePtr node)
{
	xmlBufferPtr b = xmlBufferCreate();
	if (!b)
		return NULL;
	char *out = NULL;
	xmlSaveCtxtPtr ctx = xmlSaveToBuffer(b, "UTF-8", XML_SAVE_NO_DECL);
	if (ctx) {
		long rc = xmlSaveTree(ctx, node);
		if (xmlSaveClose(ctx) >= 0 && rc >= 0) {
			const char *data = (const char *)xmlBufferContent(b);
			size_t len = (size_t)xmlBufferLength(b);
			out = malloc(len + 1);
			if (out) {
				memcpy(out, data, len);
				out[len] = '\0';
			}
		}
	}
	xmlBufferFree(b);
	return out;
}

char *hvs_wsman_cimxml_serialize(const hvsnap_cim_instance *inst)
{
	const char *cls = hvsnap_cim_instance_class(inst);
	if (!cls || !hvs_wsman_text_ok(cls))
		return NULL;
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	if (!doc)
		return NULL;
	char *out = NULL;
	xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "INSTANCE", NULL);
	if (!root)
		goto done;
	xmlDocSetRootElement(doc, root);
	if (!xmlNewProp(root, BAD_CAST "CLASSNAME", BAD_CAST cls))
		goto done;
	size_t n = hvsnap_cim_instance_count(inst);
	for (size_t i = 0; i < n; i++) {
		if (add_property(root, hvsnap_cim_instance_name_at(inst, i),
		                 hvsnap_cim_instance_type_at(inst, i),
		                 hvsnap_cim_instance_value_at(inst, i)) != 0)
			goto done;
	}
	out = dump_element(root);
done:
	xmlFreeDoc(doc);
	return out;
}
