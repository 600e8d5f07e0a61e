/* Namespace-aware lookups in libxml2 trees. Responses come with prefixes
 * the server picks, so everything here compares namespace URIs and local
 * names, never prefixes. */
#include "wsman/xmlutil.h"

#include <stdlib.h>
#include <string.h>

#include "util/strutil.h"
#include "wsman/ns.h"

int hvs_xu_is(const xmlNode *node, const char *ns, const char *local)
{
	if (!node || node->type != XML_ELEMENT_NODE)
		return 0;
	if (strcmp((const char *)node->name, local) != 0)
		return 0;
	const char *href = hvs_xu_ns(node);
	if (!ns)
		return href == NULL;
	return href && strcmp(href, ns) == 0;
}

const char *hvs_xu_ns(const xmlNode *node)
{
	if (!node || !node->ns || !node->ns->href)
		return NULL;
	return (const char *)node->ns->href;
}

const char *hvs_xu_name(const xmlNode *node)
{
	return node && node->name ? (const char *)node->name : "";
}

xmlNodePtr hvs_xu_first_elem(const xmlNode *parent)
{
	if (!parent)
		return NULL;
	for (xmlNodePtr c = parent->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

xmlNodePtr hvs_xu_next_elem(const xmlNode *node)
{
	if (!node)
		return NULL;
	for (xmlNodePtr c = node->next; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

xmlNodePtr hvs_xu_child(const xmlNode *parent, const char *ns, const char *local)
{
	for (xmlNodePtr c = hvs_xu_first_elem(parent); c; c = hvs_xu_next_elem(c))
		if (hvs_xu_is(c, ns, local))
			return c;
	return NULL;
}

static int is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char *hvs_xu_trim(char *s)
{
	if (!s)
		return s;
	size_t start = 0, end = strlen(s);
	while (start < end && is_xml_space(s[start]))
		start++;
	while (end > start && is_xml_space(s[end - 1]))
		end--;
	memmove(s, s + start, end - start);
	s[end - start] = '\0';
	return s;
}

int hvs_xu_is_blank(const char *s)
{
	for (; s && *s; s++)
		if (!is_xml_space(*s))
			return 0;
	return 1;
}

/* Copies libxml2-allocated text into malloc'd memory so callers free it
 * with free() whatever allocator libxml2 was built with. */
static char *take_xml_string(xmlChar *x)
{
	char *copy = hvs_str_dup(x ? (const char *)x : "");
	if (x)
		xmlFree(x);
	return copy;
}

char *hvs_xu_text(const xmlNode *node)
{
	if (!node)
		return hvs_str_dup("");
	return take_xml_string(xmlNodeGetContent(node));
}

char *hvs_xu_text_trim(const xmlNode *node)
{
	return hvs_xu_trim(hvs_xu_text(node));
}

char *hvs_xu_child_text(const xmlNode *parent, const char *ns, const char *local,
                    int *nomem)
{
	xmlNodePtr c = hvs_xu_child(parent, ns, local);
	if (!c)
		return NULL;
	char *t = hvs_xu_text_trim(c);
	if (!t && nomem)
		*nomem = 1;
	return t;
}

char *hvs_xu_attr(const xmlNode *node, const char *name)
{
	if (!node || node->type != XML_ELEMENT_NODE)
		return NULL;
	xmlChar *v = xmlGetNoNsProp(node, (const xmlChar *)name);
	return v ? take_xml_string(v) : NULL;
}

char *hvs_xu_attr_ns(const xmlNode *node, const char *ns, const char *name)
{
	if (!node || node->type != XML_ELEMENT_NODE)
		return NULL;
	xmlChar *v = xmlGetNsProp(node, (const xmlChar *)name, (const xmlChar *)ns);
	return v ? take_xml_string(v) : NULL;
}

int hvs_xu_is_nil(const xmlNode *node)
{
	char *v = hvs_xu_attr_ns(node, NS_XSI, "nil");
	if (!v)
		return 0;
	hvs_xu_trim(v);
	int nil = strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
	free(v);
	return nil;
}
