/* Generic JSON of WS-Man bodies (wsman_json.h). The host's XML is
 * untrusted: every lookup tolerates missing or extra elements, and the
 * CIM-XML found inside text is parsed again only to a fixed depth. */
#include "cli/wsman_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/output.h"
#include "cli/xmlread.h"

#define NS_XSI "http://www.w3.org/2001/XMLSchema-instance"
#define NS_WSA "http://schemas.xmlsoap.org/ws/2004/08/addressing"
#define NS_WSMAN "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
#define NS_CIM "http://schemas.dmtf.org/wbem/wscim/1/common"
#define MAX_EMBED_DEPTH 4

static json_t *value_json(xmlNodePtr n, int embed_depth);

static int ns_is(const xmlNode *n, const char *uri)
{
	return n->ns && n->ns->href && strcmp((const char *)n->ns->href, uri) == 0;
}

static json_t *text_json(const xmlNode *n)
{
	char *t = cli_xml_text(n);
	json_t *j = json_str_or_null(t);
	free(t);
	return j;
}

static int is_nil(const xmlNode *n)
{
	xmlChar *v = xmlGetNsProp(n, BAD_CAST "nil", BAD_CAST NS_XSI);
	int nil = v && (strcmp((char *)v, "true") == 0 || strcmp((char *)v, "1") == 0);
	xmlFree(v);
	return nil;
}

/* {"address","resource_uri","selectors":{}} from an element holding
 * a:Address and a:ReferenceParameters (either may be missing). */
static json_t *epr_json(xmlNodePtr n, int embed_depth)
{
	json_t *o = json_object();
	xmlNodePtr addr = cli_xml_child(n, "Address");
	xmlNodePtr ref = cli_xml_child(n, "ReferenceParameters");
	json_object_set_new(o, "address", addr ? text_json(addr) : json_null());
	xmlNodePtr uri = ref ? cli_xml_child(ref, "ResourceURI") : NULL;
	json_object_set_new(o, "resource_uri", uri ? text_json(uri) : json_null());
	json_t *sel = json_object();
	xmlNodePtr set = ref ? cli_xml_child(ref, "SelectorSet") : NULL;
	for (xmlNodePtr s = cli_xml_first(set); s; s = cli_xml_next(s)) {
		xmlChar *name = xmlGetProp(s, BAD_CAST "Name");
		if (!name)
			continue;
		/* A selector's value is text, or itself an EPR. */
		xmlNodePtr inner = cli_xml_child(s, "EndpointReference");
		json_object_set_new(sel, (const char *)name,
		                    inner ? epr_json(inner, embed_depth) : text_json(s));
		xmlFree(name);
	}
	json_object_set_new(o, "selectors", sel);
	return o;
}

/* DSP0201: <INSTANCE CLASSNAME><PROPERTY|PROPERTY.ARRAY|PROPERTY.REFERENCE>. */
static json_t *cimxml_value(xmlNodePtr v, int embed_depth)
{
	if (!v || strcmp(cli_xml_local(v), "VALUE.NULL") == 0)
		return json_null();
	char *t = cli_xml_text(v);
	json_t *j = NULL;
	if (t && strncmp(t, "<INSTANCE", 9) == 0 && embed_depth < MAX_EMBED_DEPTH) {
		xmlDocPtr d = cli_xml_read(t, strlen(t));
		xmlNodePtr r = d ? xmlDocGetRootElement(d) : NULL;
		if (r && strcmp(cli_xml_local(r), "INSTANCE") == 0)
			j = value_json(r, embed_depth + 1);
		xmlFreeDoc(d);
	}
	if (!j)
		j = json_str_or_null(t);
	free(t);
	return j;
}

static json_t *cimxml_instance(xmlNodePtr inst, int embed_depth)
{
	json_t *o = json_object();
	xmlChar *cls = xmlGetProp(inst, BAD_CAST "CLASSNAME");
	json_object_set_new(o, "class", json_str_or_null((const char *)cls));
	xmlFree(cls);
	json_t *props = json_object();
	for (xmlNodePtr p = cli_xml_first(inst); p; p = cli_xml_next(p)) {
		xmlChar *name = xmlGetProp(p, BAD_CAST "NAME");
		if (!name)
			continue;
		const char *kind = cli_xml_local(p);
		json_t *val;
		if (strcmp(kind, "PROPERTY.ARRAY") == 0) {
			xmlNodePtr arr = cli_xml_child(p, "VALUE.ARRAY");
			if (arr) {
				val = json_array();
				for (xmlNodePtr it = cli_xml_first(arr); it; it = cli_xml_next(it))
					json_array_append_new(val, cimxml_value(it, embed_depth));
			} else {
				val = json_null();
			}
		} else if (strcmp(kind, "PROPERTY") == 0) {
			val = cimxml_value(cli_xml_child(p, "VALUE"), embed_depth);
		} else {
			/* A reference: keep its text; the shape of INSTANCEPATH is not
			 * worth modelling here. */
			xmlNodePtr r = cli_xml_first(p);
			val = r ? text_json(r) : json_null();
		}
		json_object_set_new(props, (const char *)name, val);
		xmlFree(name);
	}
	json_object_set_new(o, "properties", props);
	return o;
}

/* The children of n as one object: repeated names become arrays, and
 * attributes (other than namespace and xsi ones) "@name" members. */
static json_t *properties_json(xmlNodePtr n, int embed_depth)
{
	json_t *o = json_object();
	for (xmlAttrPtr a = n->properties; a; a = a->next) {
		if (a->ns && a->ns->href && strcmp((const char *)a->ns->href, NS_XSI) == 0)
			continue;
		xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
		size_t len = strlen((const char *)a->name) + 2;
		char *key = malloc(len);
		if (key) {
			snprintf(key, len, "@%s", (const char *)a->name);
			json_object_set_new(o, key, json_str_or_null((const char *)v));
			free(key);
		}
		xmlFree(v);
	}
	/* Counted first, so an element that occurs once stays a scalar and
	 * one that repeats is an array from its first occurrence on. */
	json_t *counts = json_object();
	for (xmlNodePtr c = cli_xml_first(n); c; c = cli_xml_next(c)) {
		json_t *k = json_object_get(counts, cli_xml_local(c));
		json_object_set_new(counts, cli_xml_local(c),
		                    json_integer(k ? json_integer_value(k) + 1 : 1));
	}
	for (xmlNodePtr c = cli_xml_first(n); c; c = cli_xml_next(c)) {
		const char *name = cli_xml_local(c);
		json_t *v = value_json(c, embed_depth);
		if (json_integer_value(json_object_get(counts, name)) < 2) {
			json_object_set_new(o, name, v);
			continue;
		}
		json_t *arr = json_object_get(o, name);
		if (!json_is_array(arr)) {
			arr = json_array();
			json_object_set_new(o, name, arr);
		}
		json_array_append_new(arr, v);
	}
	json_decref(counts);
	return o;
}

static json_t *value_json(xmlNodePtr n, int embed_depth)
{
	if (is_nil(n))
		return json_null();
	if (strcmp(cli_xml_local(n), "INSTANCE") == 0 && !n->ns)
		return cimxml_instance(n, embed_depth);
	xmlNodePtr first = cli_xml_first(n);
	if (!first) {
		if (n->properties && !n->children)
			return properties_json(n, embed_depth);
		/* Text: an embedded instance is CIM-XML markup in a string. */
		return cimxml_value(n, embed_depth);
	}
	if (cli_xml_child(n, "Address") && ns_is(cli_xml_child(n, "Address"), NS_WSA))
		return epr_json(n, embed_depth);
	if (!cli_xml_next(first) && ns_is(first, NS_CIM) &&
	    (strcmp(cli_xml_local(first), "Datetime") == 0 ||
	     strcmp(cli_xml_local(first), "Interval") == 0 ||
	     strcmp(cli_xml_local(first), "Date") == 0 ||
	     strcmp(cli_xml_local(first), "Time") == 0))
		return text_json(first);
	return properties_json(n, embed_depth);
}

/* An element's namespace URI, or NULL. */
static json_t *ns_json(const xmlNode *n)
{
	return json_str_or_null(n->ns && n->ns->href ? (const char *)n->ns->href : NULL);
}

static json_t *instance_json(xmlNodePtr n)
{
	json_t *o = json_object();
	json_object_set_new(o, "class", json_str_or_null(cli_xml_local(n)));
	json_object_set_new(o, "resource_uri", ns_json(n));
	json_t *v = value_json(n, 0);
	if (!json_is_object(v)) {
		/* A text-only or nil element: its value under its own name. */
		json_t *p = json_object();
		json_object_set_new(p, cli_xml_local(n), v);
		v = p;
	}
	json_object_set_new(o, "properties", v);
	return o;
}

static int is_epr_item(xmlNodePtr n)
{
	return strcmp(cli_xml_local(n), "EndpointReference") == 0 && ns_is(n, NS_WSA);
}

json_t *wsman_body_json(const char *xml, size_t len)
{
	xmlDocPtr d = cli_xml_read(xml, len);
	if (!d)
		return NULL;
	xmlNodePtr root = xmlDocGetRootElement(d);
	json_t *out;
	if (strcmp(cli_xml_local(root), "Items") == 0 && ns_is(root, NS_WSMAN)) {
		int all_eprs = cli_xml_first(root) != NULL;
		for (xmlNodePtr c = cli_xml_first(root); c; c = cli_xml_next(c))
			all_eprs = all_eprs && is_epr_item(c);
		json_t *arr = json_array();
		for (xmlNodePtr c = cli_xml_first(root); c; c = cli_xml_next(c))
			json_array_append_new(arr, all_eprs ? epr_json(c, 0) : instance_json(c));
		out = json_object();
		json_object_set_new(out, all_eprs ? "eprs" : "instances", arr);
	} else {
		out = instance_json(root);
	}
	xmlFreeDoc(d);
	return out;
}
