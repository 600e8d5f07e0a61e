/* Generic CIM instances as decoded from WS-Man responses, and as built by
 * callers for Put and for embedded-instance parameters. A property holds
 * nil, a scalar text value, a datetime, an interval, an endpoint reference
 * (EPR) or an array of those.
 *
 * Ownership: an instance owns its values; everything read from it is
 * borrowed and lives as long as the instance. None of these calls blocks
 * or touches the network; an instance is used by one thread at a time. */
#ifndef HVSNAP_CIM_H
#define HVSNAP_CIM_H

#include "hvsnap/common.h"
#include <stddef.h>
#include <stdint.h>
#include "hvsnap/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum hvsnap_cim_kind {
	HVSNAP_CIM_NIL = 0,   /* xsi:nil="true" */
	HVSNAP_CIM_VALUE,     /* plain text: strings, numbers, booleans */
	HVSNAP_CIM_DATETIME,  /* cim:Datetime, ISO 8601 text kept verbatim */
	HVSNAP_CIM_INTERVAL,  /* cim:Interval, xs:duration text kept verbatim */
	HVSNAP_CIM_EPR,       /* a:Address + a:ReferenceParameters */
	HVSNAP_CIM_ARRAY      /* repeated elements of one property */
} hvsnap_cim_kind;

/* An endpoint reference (EPR): where an object lives (address, resource
 * URI) and which one it is (selectors). Opaque; see the accessors below. */
typedef struct hvsnap_epr hvsnap_epr;

/* One property value: nil, text, an EPR, or an array of those. Opaque;
 * always owned by the instance (or array) that holds it. */
typedef struct hvsnap_cim_value hvsnap_cim_value;

/* CIM-XML TYPE attribute used when an instance is embedded as a string
 * parameter (DSP0201). */
typedef enum hvsnap_cim_type {
	HVSNAP_CIM_TYPE_STRING = 0,
	HVSNAP_CIM_TYPE_BOOLEAN,
	HVSNAP_CIM_TYPE_UINT8,
	HVSNAP_CIM_TYPE_UINT16,
	HVSNAP_CIM_TYPE_UINT32,
	HVSNAP_CIM_TYPE_UINT64,
	HVSNAP_CIM_TYPE_SINT32,
	HVSNAP_CIM_TYPE_SINT64,
	HVSNAP_CIM_TYPE_DATETIME
} hvsnap_cim_type;

typedef struct hvsnap_cim_instance hvsnap_cim_instance;

/* --- building -------------------------------------------------------- */
/* class_name is required; resource_uri may be NULL (it is then the WMI v2
 * class URI for class_name). */
HVSNAP_EXTERN hvsnap_cim_instance *hvsnap_cim_instance_new(const char *class_name,
                                             const char *resource_uri);
HVSNAP_EXTERN void hvsnap_cim_instance_free(hvsnap_cim_instance *inst);

/* Setting a property that already exists replaces it. Returns HVSNAP_OK or
 * HVSNAP_ERR_NOMEM / HVSNAP_ERR_USAGE (NULL name). */
HVSNAP_EXTERN hvsnap_status hvsnap_cim_set_value(hvsnap_cim_instance *inst, const char *name,
                                   hvsnap_cim_type type, const char *text);
HVSNAP_EXTERN hvsnap_status hvsnap_cim_set_nil(hvsnap_cim_instance *inst, const char *name,
                                 hvsnap_cim_type type);
HVSNAP_EXTERN hvsnap_status hvsnap_cim_set_array(hvsnap_cim_instance *inst, const char *name,
                                   hvsnap_cim_type type,
                                   const char *const *texts, size_t n);
HVSNAP_EXTERN hvsnap_status hvsnap_cim_set_epr(hvsnap_cim_instance *inst, const char *name,
                                 const hvsnap_epr *epr);
/* --- reading --------------------------------------------------------- */
HVSNAP_EXTERN const char *hvsnap_cim_instance_class(const hvsnap_cim_instance *inst);
HVSNAP_EXTERN const char *hvsnap_cim_instance_resource_uri(const hvsnap_cim_instance *inst);
HVSNAP_EXTERN size_t hvsnap_cim_instance_count(const hvsnap_cim_instance *inst);
/* Properties in document order. */
HVSNAP_EXTERN const char *hvsnap_cim_instance_name_at(const hvsnap_cim_instance *inst, size_t i);
HVSNAP_EXTERN const hvsnap_cim_value *hvsnap_cim_instance_value_at(const hvsnap_cim_instance *inst,
                                                     size_t i);
HVSNAP_EXTERN hvsnap_cim_type hvsnap_cim_instance_type_at(const hvsnap_cim_instance *inst, size_t i);
/* NULL when the instance has no such property (case-sensitive name). */
HVSNAP_EXTERN const hvsnap_cim_value *hvsnap_cim_get(const hvsnap_cim_instance *inst,
                                       const char *name);
/* Text of a scalar property (VALUE, DATETIME or INTERVAL); NULL when absent,
 * nil, an EPR or an array. */
HVSNAP_EXTERN const char *hvsnap_cim_get_text(const hvsnap_cim_instance *inst, const char *name);
/* Parses an unsigned decimal property; HVSNAP_ERR_NOT_FOUND when absent or
 * nil, HVSNAP_ERR_PROTOCOL when not a number in range. */
HVSNAP_EXTERN hvsnap_status hvsnap_cim_get_uint(const hvsnap_cim_instance *inst,
                                  const char *name, uint64_t *out);

/* --- values -------------------------------------------------------- */
/* A value's kind; its text for VALUE, DATETIME and INTERVAL (NULL for the
 * others); its EPR for EPR (NULL otherwise). Borrowed from the value. */
HVSNAP_EXTERN hvsnap_cim_kind hvsnap_cim_value_kind(const hvsnap_cim_value *value);
HVSNAP_EXTERN const char *hvsnap_cim_value_text(const hvsnap_cim_value *value);
HVSNAP_EXTERN const hvsnap_epr *hvsnap_cim_value_epr(const hvsnap_cim_value *value);
/* Items of an ARRAY (0 and NULL for other kinds); items are never arrays. */
HVSNAP_EXTERN size_t hvsnap_cim_value_count(const hvsnap_cim_value *value);
HVSNAP_EXTERN const hvsnap_cim_value *hvsnap_cim_value_at(const hvsnap_cim_value *value,
                                                          size_t i);

/* --- EPRs ------------------------------------------------------------ */
/* A new EPR of resource_uri with the anonymous address and no selectors;
 * the caller owns it. NULL when memory runs out. */
HVSNAP_EXTERN hvsnap_epr *hvsnap_epr_new(const char *resource_uri);
/* Appends a selector (both strings are copied). */
HVSNAP_EXTERN hvsnap_status hvsnap_epr_add_selector(hvsnap_epr *epr, const char *name,
                                                    const char *value);
HVSNAP_EXTERN const char *hvsnap_epr_address(const hvsnap_epr *epr);
HVSNAP_EXTERN const char *hvsnap_epr_resource_uri(const hvsnap_epr *epr);
HVSNAP_EXTERN size_t hvsnap_epr_selector_count(const hvsnap_epr *epr);
/* The i-th selector's name and value, borrowed from epr; NULL past the end. */
HVSNAP_EXTERN const char *hvsnap_epr_selector_name_at(const hvsnap_epr *epr, size_t i);
HVSNAP_EXTERN const char *hvsnap_epr_selector_value_at(const hvsnap_epr *epr, size_t i);
/* The value of the selector called name, or NULL. */
HVSNAP_EXTERN const char *hvsnap_epr_selector(const hvsnap_epr *epr, const char *name);
/* A deep copy the caller owns, or NULL when memory runs out. */
HVSNAP_EXTERN hvsnap_epr *hvsnap_epr_dup(const hvsnap_epr *epr);
HVSNAP_EXTERN void hvsnap_epr_free(hvsnap_epr *epr);

#ifdef __cplusplus
}
#endif
#endif
