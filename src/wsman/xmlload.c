/* The hardened XML load for everything the host sends: bytes from the
 * network are untrusted, so the parser gets no network, no entity
 * substitution, no DTD, no DOCTYPE at all, a size cap checked before any
 * parsing, and libxml2's default depth and text-size limits (no
 * XML_PARSE_HUGE). Errors go into hvsnap_error, never to stderr. */
#include "wsman/response.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "util/err.h"
#include "util/strutil.h"
#include "wsman/ns.h"
#include "wsman/xmlutil.h"

#define NS_SOAP11 "http://schemas.xmlsoap.org/soap/envelope/"

/* Per-call state reached from the SAX callbacks through ctxt->_private, so
 * concurrent parses on other threads never share anything. */
typedef struct load_state {
	int saw_doctype;
} load_state;

/* libxml2 would otherwise print diagnostics through its global handlers;
 * the last error stays available in the context for our message. */
static void quiet_structured(void *data, xmlErrorPtr error)
{
	(void)data;
	(void)error;
}

static void quiet_generic(void *data, const char *msg, ...)
{
	(void)data;
	(void)msg;
}

/* WS-Man forbids a DOCTYPE (SOAP 1.2 part 1, 5). Stopping here, before the
 * internal subset is even read, means no entity is ever declared: billion
 * laughs and external entities die at the first "<!DOCTYPE". */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
                       const xmlChar *system_id)
{
	(void)name;
	(void)external_id;
	(void)system_id;
	xmlParserCtxtPtr ctxt = ctx;
	load_state *st = ctxt->_private;
	if (st)
		st->saw_doctype = 1;
	xmlStopParser(ctxt);
}

/* libxml2 messages end in a newline and some span lines ("Input is not
 * proper UTF-8, indicate encoding !\nBytes: ..."); ours are one line. */
static void copy_one_line(char *dst, size_t size, const char *src)
{
	hvs_str_copy(dst, size, src ? src : "");
	for (char *p = dst; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	hvs_xu_trim(dst);
}

static hvsnap_status parse_failure(xmlParserCtxtPtr ctxt, const char *what,
                                   hvsnap_error *err)
{
	const xmlError *e = xmlCtxtGetLastError(ctxt);
	char msg[300];
	copy_one_line(msg, sizeof(msg), e && e->message ? e->message : NULL);
	if (!msg[0])
		hvs_str_copy(msg, sizeof(msg), "the parser gave no reason");
	if (e && e->code == XML_ERR_NO_MEMORY)
		return hvs_err_nomem(err);
	if (strstr(msg, "Excessive depth")) {
		hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		        "%s nests elements too deeply to be WS-Management", what);
	} else {
		hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0, "%s is not well-formed XML: %s",
		        what, msg);
	}
	if (e)
		hvs_err_add_detail(err, "libxml2 error %d at line %d, column %d",
		               e->code, e->line, e->int2);
	return HVSNAP_ERR_PROTOCOL;
}

hvsnap_status hvs_xu_load(const char *bytes, size_t len, size_t max_bytes,
                      const char *what, xmlDocPtr *out, hvsnap_error *err)
{
	*out = NULL;
	size_t cap = WSMAN_MAX_DOCUMENT_BYTES;
	if (max_bytes && max_bytes < cap)
		cap = max_bytes;
	if (!bytes || len == 0)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0, "%s is empty", what);
	/* Checked first: a huge body must cost nothing but this comparison. */
	if (len > cap || len > (size_t)INT_MAX)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		               "%s is %zu bytes, over the %zu-byte limit", what, len, cap);

	xmlInitParser();
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return hvs_err_nomem(err);
	load_state st = { 0 };
	ctxt->_private = &st;
	ctxt->sax->serror = quiet_structured;
	ctxt->sax->internalSubset = on_doctype;
	/* Never fetch an external subset, whatever the global defaults say. */
	ctxt->sax->externalSubset = NULL;

	/* libxml2 2.9 reports encoding and I/O errors through its global (per
	 * thread) handlers, not the context's: silence those for the parse so
	 * a hostile body cannot make us print, then put back what was there. */
	xmlGenericErrorFunc saved_generic = xmlGenericError;
	void *saved_generic_ctx = xmlGenericErrorContext;
	xmlStructuredErrorFunc saved_structured = xmlStructuredError;
	void *saved_structured_ctx = xmlStructuredErrorContext;
	xmlSetGenericErrorFunc(NULL, quiet_generic);
	xmlSetStructuredErrorFunc(NULL, quiet_structured);

	int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
	xmlDocPtr doc = xmlCtxtReadMemory(ctxt, bytes, (int)len, NULL, NULL, options);

	xmlSetGenericErrorFunc(saved_generic_ctx, saved_generic);
	xmlSetStructuredErrorFunc(saved_structured_ctx, saved_structured);
	hvsnap_status rc = HVSNAP_OK;
	if (st.saw_doctype || (doc && (doc->intSubset || doc->extSubset))) {
		rc = hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		             "%s contains a DOCTYPE, which WS-Man forbids", what);
		hvs_err_add_detail(err, "DTDs and entity declarations are refused so that "
		               "entity expansion and external entities cannot happen");
	} else if (!doc || !ctxt->wellFormed) {
		rc = parse_failure(ctxt, what, err);
	} else if (!xmlDocGetRootElement(doc)) {
		rc = hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0, "%s has no root element", what);
	}
	xmlFreeParserCtxt(ctxt);
	if (rc != HVSNAP_OK) {
		xmlFreeDoc(doc);
		return rc;
	}
	*out = doc;
	return HVSNAP_OK;
}

/* libxml2 keeps an element with an undeclared prefix under its full
 * "p:name" with no namespace; the part after the colon is what the sender
 * meant. */
static const char *local_name(const xmlNode *n)
{
	const char *name = hvs_xu_name(n);
	const char *colon = hvs_xu_ns(n) ? NULL : strrchr(name, ':');
	return colon ? colon + 1 : name;
}

static void describe_element(const xmlNode *n, char *out, size_t size)
{
	const char *ns = hvs_xu_ns(n);
	if (ns)
		snprintf(out, size, "{%s}%s", ns, hvs_xu_name(n));
	else
		snprintf(out, size, "%s", hvs_xu_name(n));
}

/* The length of the longest text or CDATA node in the tree, attribute
 * values included: libxml2's own limit (10 MB) is far above anything
 * WS-Man carries. Walks without recursion, so depth costs no stack. */
static size_t longest_text(xmlNodePtr root)
{
	size_t longest = 0;
	xmlNodePtr n = root;
	while (n) {
		if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
		    n->content) {
			size_t len = strlen((const char *)n->content);
			if (len > longest)
				longest = len;
		}
		if (n->type == XML_ELEMENT_NODE)
			for (xmlAttrPtr a = n->properties; a; a = a->next)
				for (xmlNodePtr t = a->children; t; t = t->next)
					if (t->content && strlen((const char *)t->content) > longest)
						longest = strlen((const char *)t->content);
		if (n->type == XML_ELEMENT_NODE && n->children) {
			n = n->children;
			continue;
		}
		while (n && n != root && !n->next)
			n = n->parent;
		if (!n || n == root)
			break;
		n = n->next;
	}
	return longest;
}

hvsnap_status hvs_wsman_parse_document(const char *bytes, size_t len,
                                   size_t max_bytes, xmlDocPtr *out,
                                   hvsnap_error *err)
{
	*out = NULL;
	xmlDocPtr doc = NULL;
	hvsnap_status st = hvs_xu_load(bytes, len, max_bytes, "response", &doc, err);
	if (st != HVSNAP_OK)
		return st;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!hvs_xu_is(root, NS_SOAP, "Envelope")) {
		char name[300];
		describe_element(root, name, sizeof(name));
		if (hvs_xu_is(root, NS_SOAP11, "Envelope"))
			hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
			        "response is a SOAP 1.1 envelope (wrong namespace %s); "
			        "WS-Management uses SOAP 1.2", NS_SOAP11);
		else if (strcmp(local_name(root), "Envelope") == 0)
			hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
			        "response Envelope is in the wrong namespace (%s), expected %s",
			        hvs_xu_ns(root) ? hvs_xu_ns(root)
			        : local_name(root) != hvs_xu_name(root) ? "an undeclared prefix"
			        : "none", NS_SOAP);
		else
			hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
			        "response is not a SOAP envelope: its root element is %s", name);
		xmlFreeDoc(doc);
		return HVSNAP_ERR_PROTOCOL;
	}
	if (!hvs_xu_child(root, NS_SOAP, "Body")) {
		xmlFreeDoc(doc);
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0, "response SOAP envelope has no Body");
	}
	size_t longest = longest_text(root);
	if (longest > WSMAN_MAX_TEXT_BYTES) {
		xmlFreeDoc(doc);
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		               "response holds a text of %zu bytes, over the %u-byte limit "
		               "for one value", longest, WSMAN_MAX_TEXT_BYTES);
	}
	*out = doc;
	return HVSNAP_OK;
}

xmlNodePtr hvs_wsman_body(xmlDocPtr doc)
{
	if (!doc)
		return NULL;
	return hvs_xu_child(xmlDocGetRootElement(doc), NS_SOAP, "Body");
}
