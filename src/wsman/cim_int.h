/* The layout of the EPR and value types that the public cim.h keeps
 * opaque, for the library's own decoder, builders and the Hyper-V layer,
 * and the entry points that hand a decoded value over to an instance. */
#ifndef HVSNAP_WSMAN_CIM_INT_H
#define HVSNAP_WSMAN_CIM_INT_H

#include "hvsnap/cim.h"

typedef struct hvsnap_selector {
	char *name;
	char *value;
} hvsnap_selector;

struct hvsnap_epr {
	char *address;       /* usually the anonymous role URI */
	char *resource_uri;  /* class resource URI */
	hvsnap_selector *selectors;
	size_t n_selectors;
};

struct hvsnap_cim_value {
	hvsnap_cim_kind kind;
	char *text;              /* VALUE, DATETIME, INTERVAL */
	hvsnap_epr *epr;         /* EPR */
	hvsnap_cim_value *items; /* ARRAY: items are never ARRAY themselves */
	size_t n_items;
};

/* Takes ownership of what value holds (its text, EPR or items, all
 * malloc'd, as the decoder makes them) and stores it under name. */
hvsnap_status hvs_cim_take_value(hvsnap_cim_instance *inst, const char *name,
                                 hvsnap_cim_value *value);
/* Frees what value owns (not value itself). */
void hvs_cim_value_clear(hvsnap_cim_value *value);

#endif
