/* The generic JSON mapping of raw WS-Man bodies (hvsnap wsman --json):
 * untyped, so every value is a string, null (xsi:nil) or a structure. */
#ifndef HVSNAP_CLI_WSMAN_JSON_H
#define HVSNAP_CLI_WSMAN_JSON_H

#include <jansson.h>
#include <stddef.h>

/* Maps a body as hvsnap_raw_* returns it. An enumeration's <w:Items>
 * becomes {"instances":[...]} (or {"eprs":[...]} when every item is an
 * EPR); any other body element {"class","resource_uri","properties":{}}.
 * Within properties: xsi:nil → null; a repeated element → an array; an
 * element with a:Address → {"address","resource_uri","selectors":{}};
 * cim:Datetime / cim:Interval → their text; text holding a CIM-XML
 * <INSTANCE> → {"class","properties"}; other nested elements → objects
 * (attributes as "@name"). NULL when the bytes are not XML. */
json_t *wsman_body_json(const char *xml, size_t len);

#endif
