/* Parses WS-Man response envelopes: a hardened XML load, fault extraction,
 * and decoders for every response body the client understands. All lookups
 * go by namespace URI and local name. */
#ifndef HVSNAP_WSMAN_RESPONSE_H
#define HVSNAP_WSMAN_RESPONSE_H

#include <libxml/tree.h>
#include "hvsnap/cim.h"
#include "wsman/cim_int.h"
#include "hvsnap/wsman.h"

/* Largest body the parser accepts unless the caller sets a smaller cap. */
#define WSMAN_MAX_DOCUMENT_BYTES (32u * 1024u * 1024u)

/* A session caps answers at the MaxEnvelopeSize it asks for plus this much
 * (a host sends no bigger envelope; sealing adds about 300 bytes of MIME
 * framing and signature, and hosts count the envelope their own way). */
#define WSMAN_ENVELOPE_SLACK (16u * 1024u)

/* Longest text node accepted in an answer. No Hyper-V property comes near
 * it (embedded instances are a few KiB); a bigger one is hostile padding. */
#define WSMAN_MAX_TEXT_BYTES (256u * 1024u)

/* Loads bytes as XML with no network, no entity substitution, no DTD
 * loading; a DOCTYPE, a body over max_bytes, a non-SOAP-1.2 root or a
 * missing Body is HVSNAP_ERR_PROTOCOL with a clear message. */
hvsnap_status hvs_wsman_parse_document(const char *bytes, size_t len,
                                   size_t max_bytes, xmlDocPtr *out,
                                   hvsnap_error *err);

/* The s:Body element of a parsed envelope (never NULL after a successful
 * hvs_wsman_parse_document). */
xmlNodePtr hvs_wsman_body(xmlDocPtr doc);

/* HVSNAP_OK when the body holds no s:Fault; otherwise HVSNAP_ERR_FAULT with
 * err filled: fault_code/fault_subcode (local names), message = Reason
 * text (or WSManFault Message), code = WSManFault Code, detail = machine,
 * provider fault, extended status. A fault the client can classify more
 * precisely (DestinationUnreachable → NOT_FOUND, AccessDenied → AUTH) gets
 * that kind instead. */
hvsnap_status hvs_wsman_check_fault(xmlDocPtr doc, hvsnap_error *err);

/* Decodes one CIM instance element (the item element itself, e.g.
 * <p:Msvm_ComputerSystem>). */
hvsnap_status hvs_wsman_decode_instance(xmlNodePtr item, hvsnap_cim_instance **out,
                                    hvsnap_error *err);
/* Decodes an element holding a:Address + a:ReferenceParameters. */
hvsnap_status hvs_wsman_decode_epr(xmlNodePtr node, hvsnap_epr **out,
                               hvsnap_error *err);

hvsnap_status hvs_wsman_parse_identify(xmlDocPtr doc, hvsnap_identity **out,
                                   hvsnap_error *err);
/* Get and Put responses: the body's single instance element. */
hvsnap_status hvs_wsman_parse_instance_body(xmlDocPtr doc,
                                        hvsnap_cim_instance **out,
                                        hvsnap_error *err);

/* EnumerateResponse and PullResponse. *context is the new context (NULL when
 * none), *end_of_sequence is set when EndOfSequence is present, items are
 * decoded instances (EPR mode: an instance of class "EPR" with one EPR
 * property "EPR"). The caller owns everything returned. */
typedef struct wsman_enum_page {
	char *context;
	int end_of_sequence;
	hvsnap_cim_instance **items;
	size_t n_items;
} wsman_enum_page;

/* max_items: most items the page may hold (the MaxElements asked for);
 * a page with more is HVSNAP_ERR_PROTOCOL, refused before decoding the
 * excess. 0: no limit. */
hvsnap_status hvs_wsman_parse_enumerate(xmlDocPtr doc, size_t max_items,
                                    wsman_enum_page *page, hvsnap_error *err);
hvsnap_status hvs_wsman_parse_pull(xmlDocPtr doc, size_t max_items,
                               wsman_enum_page *page, hvsnap_error *err);
void hvs_wsman_enum_page_clear(wsman_enum_page *page);
/* The error for a page holding more than the max_items asked for. */
hvsnap_status hvs_wsman_page_overflow(size_t max_items, hvsnap_error *err);

/* <p:METHOD_OUTPUT>: ReturnValue, Job EPR, every out parameter. */
hvsnap_status hvs_wsman_parse_invoke(xmlDocPtr doc, const char *method,
                                 hvsnap_invoke_result **out,
                                 hvsnap_error *err);

/* Parses a DSP0201 CIM-XML <INSTANCE> string (as found in embedded-instance
 * out parameters such as GetError's Error) with the same hardening. */
hvsnap_status hvs_wsman_cimxml_parse(const char *text, size_t len,
                                 hvsnap_cim_instance **out, hvsnap_error *err);

#endif
