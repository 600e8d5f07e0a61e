/* Invoke input parameters as the envelope builder sees them. */
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

#endif
