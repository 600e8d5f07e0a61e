/* Safe XML reading for the tool (xmlread.h). */
#include "cli/xmlread.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>

static void quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void quiet_structured(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	(void)e;
}

xmlDocPtr cli_xml_read(const char *bytes, size_t len)
{
	if (!bytes || len == 0 || len > (size_t)INT_MAX)
		return NULL;
	/* A hostile body must not be able to print through libxml2's
	 * global handlers either. */
	xmlSetGenericErrorFunc(NULL, quiet);
	xmlSetStructuredErrorFunc(NULL, quiet_structured);
	xmlDocPtr doc = xmlReadMemory(bytes, (int)len, NULL, NULL,
	                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc && (doc->intSubset || doc->extSubset || !xmlDocGetRootElement(doc))) {
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

const char *cli_xml_local(const xmlNode *n)
{
	const char *name = (const char *)n->name;
	const char *colon = n->ns ? NULL : strrchr(name, ':');
	return colon ? colon + 1 : name;
}

xmlNodePtr cli_xml_first(const xmlNode *n)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

xmlNodePtr cli_xml_next(const xmlNode *n)
{
	for (xmlNodePtr c = n ? n->next : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

xmlNodePtr cli_xml_child(const xmlNode *n, const char *name)
{
	for (xmlNodePtr c = cli_xml_first(n); c; c = cli_xml_next(c))
		if (strcmp(cli_xml_local(c), name) == 0)
			return c;
	return NULL;
}

char *cli_xml_text(const xmlNode *n)
{
	xmlChar *t = n ? xmlNodeGetContent(n) : NULL;
	const char *s = t ? (const char *)t : "";
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
	               s[len - 1] == '\n'))
		len--;
	char *out = malloc(len + 1);
	if (out) {
		memcpy(out, s, len);
		out[len] = '\0';
	}
	xmlFree(t);
	return out;
}
