/* Namespace-aware lookups in libxml2 trees. Responses come with prefixes
 * the server picks, so everything here compares namespace URIs and local
 * names, never prefixes. */
#include "wsman/xmlutil.h"

#include <stdlib.h>
#include <string.h>

#include "util/strutil.h"
#include "wsman/ns.h"

int xu_is(const xmlNode *node, const char *ns, const char *local)
{
	if (!node || node->type != XML_ELEMENT_NODE)
		return 0;
	if (strcmp((const char *)node->name, local) != 0)
		return 0;
	const char *href = xu_ns(node);
	if (!ns)
		return href == NULL;
	return href && strcmp(href, ns) == 0;
}

const char *xu_ns(const xmlNode *node)
{
	if (!node || !node->ns || !node->ns->href)
		return NULL;
	return (const char *)node->ns->href;
}

const char *xu_name(const xmlNode *node)
{
	return node && node->name ? (const char *)node->name : "";
}

xmlNodePtr xu_first_elem(const xmlNode *parent)
{
	if (!parent)
		return NULL;
	for (xmlNodePtr c = parent->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

xmlNodePtr xu_next_elem(const xmlNode *node)
{
	if (!node)
		return NULL;
	for (xmlNodePtr c = node->next; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

xmlNodePtr xu_child(const xmlNode *parent, const char *ns, const char *local)
{
	for (xmlNodePtr c = xu_first_elem(parent); c; c = xu_next_elem(c))
		if (xu_is(c, ns, local))
			return c;
	return NULL;
}

static int is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char *xu_trim(char *s)
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

int xu_is_blank(const char *s)
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
	char *copy = str_dup(x ? (const char *)x : "");
	if (x)
		xmlFree(x);
	return copy;
}

char *xu_text(const xmlNode *node)
{
	if (!node)
		return str_dup("");
	return take_xml_string(xmlNodeGetContent(node));
}

char *xu_text_trim(const xmlNode *node)
{
	return xu_trim(xu_text(node));
}

char *xu_child_text(const xmlNode *parent, const char *ns, const char *local,
                    int *nomem)
{
	xmlNodePtr c = xu_child(parent, ns, local);
	if (!c)
		return NULL;
	char *t = xu_text_trim(c);
	if (!t && nomem)
		*nomem = 1;
	return t;
}

char *xu_attr(const xmlNode *node, const char *name)
{
	if (!node || node->type != XML_ELEMENT_NODE)
		return NULL;
	xmlChar *v = xmlGetNoNsProp(node, (const xmlChar *)name);
	return v ? take_xml_string(v) : NULL;
}

char *xu_attr_ns(const xmlNode *node, const char *ns, const char *name)
{
	if (!node || node->type != XML_ELEMENT_NODE)
		return NULL;
	xmlChar *v = xmlGetNsProp(node, (const xmlChar *)name, (const xmlChar *)ns);
	return v ? take_xml_string(v) : NULL;
}

int xu_is_nil(const xmlNode *node)
{
	char *v = xu_attr_ns(node, NS_XSI, "nil");
	if (!v)
		return 0;
	xu_trim(v);
	int nil = strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
	free(v);
	return nil;
}
