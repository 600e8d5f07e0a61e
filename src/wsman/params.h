/* Invoke input parameters as the envelope builder sees them, plus the text
 * and name checks every request builder shares (so that nothing the caller
 * passes can make an envelope that is not well-formed XML). */
#ifndef HVSNAP_WSMAN_PARAMS_H
#define HVSNAP_WSMAN_PARAMS_H

#include <stddef.h>
#include "hvsnap/cim.h"
#include "hvsnap/wsman.h"

typedef enum wsman_param_kind {
	WSMAN_PARAM_VALUE = 0, /* <p:Name>text</p:Name> */
	WSMAN_PARAM_ARRAY,     /* one <p:Name> per item; none for an empty array */
	WSMAN_PARAM_EPR,       /* <p:Name> with a:Address + a:ReferenceParameters */
	WSMAN_PARAM_INSTANCE   /* text: the CIM-XML INSTANCE string, "" for NULL */
} wsman_param_kind;

typedef struct wsman_param {
	char *name;              /* an XML NCName */
	wsman_param_kind kind;
	char *text;              /* VALUE and INSTANCE */
	char **items;            /* ARRAY */
	size_t n_items;
	hvsnap_epr *epr;         /* EPR (a private copy) */
} wsman_param;

/* Parameters in the order they were added. */
size_t hvs_wsman_params_count(const hvsnap_params *p);
const wsman_param *hvs_wsman_params_at(const hvsnap_params *p, size_t i);

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
