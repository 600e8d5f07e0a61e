/* Internal helpers for reading libxml2 trees by namespace URI and local
 * name (never by prefix), plus the hardened loader shared by the SOAP and
 * CIM-XML parsers. */
#ifndef HVSNAP_WSMAN_XMLUTIL_H
#define HVSNAP_WSMAN_XMLUTIL_H

#include <stddef.h>
#include <libxml/tree.h>
#include "hvsnap/error.h"

/* Parses bytes with the hardening of response.h (no network, no entities,
 * no DTD, DOCTYPE rejected, size capped) but without any check of the root
 * element. what names the document in messages ("response", "embedded
 * instance"). */
hvsnap_status hvs_xu_load(const char *bytes, size_t len, size_t max_bytes,
                      const char *what, xmlDocPtr *out, hvsnap_error *err);

/* 1 when node is an element with this namespace URI (NULL: no namespace)
 * and local name. */
int hvs_xu_is(const xmlNode *node, const char *ns, const char *local);
/* The element's namespace URI, or NULL. */
const char *hvs_xu_ns(const xmlNode *node);
/* Local name of an element (as a C string). */
const char *hvs_xu_name(const xmlNode *node);

/* First element child, next element sibling (NULL when none). */
xmlNodePtr hvs_xu_first_elem(const xmlNode *parent);
xmlNodePtr hvs_xu_next_elem(const xmlNode *node);
/* First element child with this namespace URI and local name. */
xmlNodePtr hvs_xu_child(const xmlNode *parent, const char *ns, const char *local);

/* Text content of node and its descendants, exactly as in the document;
 * never NULL unless memory runs out (an empty element gives ""). Free with
 * free(). */
char *hvs_xu_text(const xmlNode *node);
/* The same with leading and trailing XML whitespace removed. */
char *hvs_xu_text_trim(const xmlNode *node);
/* Trimmed text of the first child (ns, local), or NULL when the child is
 * absent; *nomem is set when memory ran out. */
char *hvs_xu_child_text(const xmlNode *parent, const char *ns, const char *local,
                    int *nomem);

/* Attribute values (malloc'd), or NULL when absent or out of memory. */
char *hvs_xu_attr(const xmlNode *node, const char *name);
char *hvs_xu_attr_ns(const xmlNode *node, const char *ns, const char *name);

/* Removes leading and trailing XML whitespace in place; returns s. */
char *hvs_xu_trim(char *s);
/* 1 when every byte of s is XML whitespace (or s is empty). */
int hvs_xu_is_blank(const char *s);

/* 1 when the element carries xsi:nil="true" (or "1"). */
int hvs_xu_is_nil(const xmlNode *node);

#endif
