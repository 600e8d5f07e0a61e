/* Text and name checks shared by every request builder (params, envelope,
 * CIM-XML writer), so that nothing a caller passes can make an envelope
 * that is not well-formed XML. */
#ifndef HVSNAP_WSMAN_XMLTEXT_H
#define HVSNAP_WSMAN_XMLTEXT_H

#include "hvsnap/wsman.h"

/* 1 when s is valid UTF-8 made only of XML 1.0 characters (no
 * control characters but tab, CR and LF, no surrogates, no U+FFFE/FFFF),
 * so that it can be written as element text or an attribute value. */
int hvs_wsman_text_ok(const char *s);
/* 1 when name is a non-empty XML NCName (usable as a local element name). */
int hvs_wsman_ncname_ok(const char *name);
/* 1 when epr can be written: resource URI non-empty, address (if set) and
 * selector values valid text, selector names NCNames. */
int hvs_wsman_epr_ok(const hvsnap_epr *epr);

#endif
