/* XML from the host (or from a file) read safely by the tool itself: the
 * raw bodies of hvsnap wsman and doctor, and the CIM-XML inside them. */
#ifndef HVSNAP_CLI_XMLREAD_H
#define HVSNAP_CLI_XMLREAD_H

#include <stddef.h>
#include <libxml/tree.h>

/* Parses bytes with no network, no DTD (a DOCTYPE is refused), no entity
 * substitution and libxml2's default depth and size limits, printing
 * nothing. NULL when the bytes are not such a well-formed document. */
xmlDocPtr cli_xml_read(const char *bytes, size_t len);

/* An element's local name: the part after the colon when the prefix was
 * never declared (libxml2 then keeps "p:name" whole). */
const char *cli_xml_local(const xmlNode *n);
/* First element child / next element sibling, or NULL. */
xmlNodePtr cli_xml_first(const xmlNode *n);
xmlNodePtr cli_xml_next(const xmlNode *n);
/* The first element child whose local name is name (any namespace). */
xmlNodePtr cli_xml_child(const xmlNode *n, const char *name);
/* Text content, whitespace-trimmed, malloc'd ("" for none); NULL on OOM. */
char *cli_xml_text(const xmlNode *n);

#endif
