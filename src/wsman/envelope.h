/* Builds the SOAP 1.2 request envelopes of every WS-Man operation the
 * client sends, as libxml2 documents (so every text is escaped). */
#ifndef HVSNAP_WSMAN_ENVELOPE_H
#define HVSNAP_WSMAN_ENVELOPE_H

#include <libxml/tree.h>
#include "hvsnap/cim.h"
#include "wsman/cim_int.h"
#include "hvsnap/wsman.h"

/* Header values common to every request. */
typedef struct wsman_request_opts {
	const char *to;                /* endpoint URL */
	const char *resource_uri;      /* NULL only for Identify */
	const hvsnap_selector *selectors;
	size_t n_selectors;
	unsigned operation_timeout_ms; /* 0: not sent */
	unsigned max_envelope_size;    /* 0: not sent */
	const char *locale;            /* NULL: not sent */
	const char *message_id;        /* NULL: a fresh "uuid:..." */
} wsman_request_opts;

/* Each returns a new document, or NULL when memory runs out or an argument
 * is invalid. */
xmlDocPtr hvs_wsman_build_identify(void);
xmlDocPtr hvs_wsman_build_get(const wsman_request_opts *o);
/* Any action with the common headers and an empty Body, which the caller
 * fills (raw Put and Invoke of caller-given XML). */
xmlDocPtr hvs_wsman_build_empty(const wsman_request_opts *o, const char *action);
/* Body: the instance as <p:Class xmlns:p="resource URI">, properties in
 * order, nil as xsi:nil, EPR properties as Address + ReferenceParameters. */
xmlDocPtr hvs_wsman_build_put(const wsman_request_opts *o,
                          const hvsnap_cim_instance *inst);
xmlDocPtr hvs_wsman_build_enumerate(const wsman_request_opts *o,
                                const hvsnap_enum_options *e);
xmlDocPtr hvs_wsman_build_pull(const wsman_request_opts *o, const char *context,
                           unsigned max_elements);
xmlDocPtr hvs_wsman_build_release(const wsman_request_opts *o, const char *context);
/* Action = resource URI + "/" + method; body <p:METHOD_INPUT>. */
xmlDocPtr hvs_wsman_build_invoke(const wsman_request_opts *o, const char *method,
                             const hvsnap_params *params);

/* Formats ms as an xs:duration ("PT60.000S"). */
void hvs_wsman_format_duration(unsigned ms, char out[32]);

/* Serialises an instance as a DSP0201 CIM-XML <INSTANCE> string (malloc'd,
 * no XML declaration), for embedded-instance parameters. NULL on failure. */
char *hvs_wsman_cimxml_serialize(const hvsnap_cim_instance *inst);

/* Serialises doc as UTF-8 without formatting; malloc'd, *len set. */
char *hvs_wsman_doc_to_bytes(xmlDocPtr doc, size_t *len);

#endif
