/* WS-Management operations on a session: Identify, Get, Put, Enumerate
 * (with a Pull iterator that hides paging) and Invoke.
 *
 * Every operation blocks until the host answers, each request bounded by
 * the session's timeout_ms. Objects returned through out parameters are
 * new and owned by the caller, who frees them with the matching _free;
 * library-allocated result structs are read-only, and fields are only
 * ever added at their end. */
#ifndef HVSNAP_WSMAN_H
#define HVSNAP_WSMAN_H

#include "hvsnap/common.h"
#include <stdint.h>
#include "hvsnap/cim.h"
#include "hvsnap/session.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- Identify -------------------------------------------------------- */
typedef struct hvsnap_identity {
	char *protocol_version;
	char *product_vendor;
	char *product_version;
	char *security_profiles; /* space separated, may be NULL */
} hvsnap_identity;

HVSNAP_EXTERN hvsnap_status hvsnap_wsman_identify(hvsnap_session *s, hvsnap_identity **out,
                                    hvsnap_error *err);
HVSNAP_EXTERN void hvsnap_identity_free(hvsnap_identity *id);

/* --- Get / Put ------------------------------------------------------- */
/* Gets the instance named by resource_uri + selectors (an EPR). */
HVSNAP_EXTERN hvsnap_status hvsnap_wsman_get(hvsnap_session *s, const hvsnap_epr *target,
                               hvsnap_cim_instance **out, hvsnap_error *err);
/* Replaces the instance named by target with inst; the host's resulting
 * instance is returned in *out when out is not NULL. */
HVSNAP_EXTERN hvsnap_status hvsnap_wsman_put(hvsnap_session *s, const hvsnap_epr *target,
                               const hvsnap_cim_instance *inst,
                               hvsnap_cim_instance **out, hvsnap_error *err);

/* --- Enumerate ------------------------------------------------------- */
typedef enum hvsnap_enum_mode {
	HVSNAP_ENUM_OBJECTS = 0,  /* items are instances */
	HVSNAP_ENUM_EPRS          /* EnumerationMode EnumerateEPR */
} hvsnap_enum_mode;

/* Versioned: start from HVSNAP_ENUM_OPTIONS_INIT or
 * hvsnap_enum_options_init(). Strings are borrowed until hvsnap_enum_start
 * returns. */
typedef struct hvsnap_enum_options {
	unsigned int version;     /* HVSNAP_ENUM_OPTIONS_VERSION */
	const char *resource_uri; /* a class URI, or a namespace's "*" URI with wql
	                           * (HVSNAP_WMI_V2_ALL for Hyper-V) */
	const char *wql;          /* WQL filter, or NULL */
	hvsnap_enum_mode mode;
	int optimize;             /* OptimizeEnumeration: items in the response */
	uint32_t max_elements;    /* per Enumerate/Pull; 0: not sent */
} hvsnap_enum_options;

#define HVSNAP_ENUM_OPTIONS_VERSION 1
#define HVSNAP_ENUM_OPTIONS_INIT { .version = HVSNAP_ENUM_OPTIONS_VERSION }
HVSNAP_EXTERN hvsnap_status hvsnap_enum_options_init(hvsnap_enum_options *opts,
                                                     unsigned int version);

typedef struct hvsnap_enum hvsnap_enum;

HVSNAP_EXTERN hvsnap_status hvsnap_enum_start(hvsnap_session *s, const hvsnap_enum_options *opts,
                                hvsnap_enum **out, hvsnap_error *err);
/* Next item, pulling as needed. *item is NULL at the end. In EPR mode the
 * item is an instance with one EPR property named "EPR". The caller owns
 * *item. */
HVSNAP_EXTERN hvsnap_status hvsnap_enum_next(hvsnap_enum *e, hvsnap_cim_instance **item,
                               hvsnap_error *err);
/* Sends Release when the enumeration did not reach its end. */
HVSNAP_EXTERN void hvsnap_enum_free(hvsnap_enum *e);

/* --- Invoke ---------------------------------------------------------- */
typedef struct hvsnap_params hvsnap_params;

HVSNAP_EXTERN hvsnap_params *hvsnap_params_new(void);
HVSNAP_EXTERN void hvsnap_params_free(hvsnap_params *p);
/* Parameters are sent in the order they are added. */
HVSNAP_EXTERN hvsnap_status hvsnap_params_add_value(hvsnap_params *p, const char *name,
                                      const char *text);
HVSNAP_EXTERN hvsnap_status hvsnap_params_add_uint(hvsnap_params *p, const char *name,
                                     uint64_t value);
HVSNAP_EXTERN hvsnap_status hvsnap_params_add_array(hvsnap_params *p, const char *name,
                                      const char *const *texts, size_t n);
HVSNAP_EXTERN hvsnap_status hvsnap_params_add_epr(hvsnap_params *p, const char *name,
                                    const hvsnap_epr *epr);
/* An instance embedded as a DSP0201 CIM-XML INSTANCE string; a NULL inst
 * sends an empty string. */
HVSNAP_EXTERN hvsnap_status hvsnap_params_add_instance(hvsnap_params *p, const char *name,
                                         const hvsnap_cim_instance *inst);

typedef struct hvsnap_invoke_result {
	int has_return_value;
	uint32_t return_value;
	hvsnap_epr *job;             /* the Job out parameter, or NULL */
	hvsnap_cim_instance *output; /* every out parameter, generically */
} hvsnap_invoke_result;

/* Invokes method on the object named by target. A SOAP fault is an error;
 * a non-zero ReturnValue is not (the caller interprets it). */
HVSNAP_EXTERN hvsnap_status hvsnap_wsman_invoke(hvsnap_session *s, const hvsnap_epr *target,
                                  const char *method, const hvsnap_params *params,
                                  hvsnap_invoke_result **out, hvsnap_error *err);
HVSNAP_EXTERN void hvsnap_invoke_result_free(hvsnap_invoke_result *r);

#ifdef __cplusplus
}
#endif
#endif
