/* Raw WS-Management: the operations of wsman.h on any resource, with the
 * request body given and the answer returned as XML text rather than as
 * decoded instances. For tools that reach classes or resources libhvsnap
 * does not model (hvsnap wsman, hvsnap doctor); the session, authentication,
 * encryption and fault handling are those of every other call.
 *
 * Each call blocks until the host answers. On success *body is a new
 * NUL-terminated UTF-8 string the caller owns and frees with
 * hvsnap_raw_free: the SOAP Body's content, indented, each element carrying
 * the namespace declarations it needs. A SOAP fault is an error, as
 * everywhere else. XML given by the caller is parsed with the same
 * hardening as answers (no DTD, no entities, no network). */
#ifndef HVSNAP_RAW_H
#define HVSNAP_RAW_H

#include "hvsnap/common.h"
#include <stddef.h>
#include "hvsnap/cim.h"
#include "hvsnap/session.h"
#include "hvsnap/wsman.h"

#ifdef __cplusplus
extern "C" {
#endif

HVSNAP_EXTERN hvsnap_status hvsnap_raw_identify(hvsnap_session *s, char **body,
                                                hvsnap_error *err);
/* WS-Transfer Get of target (resource URI + selectors). */
HVSNAP_EXTERN hvsnap_status hvsnap_raw_get(hvsnap_session *s, const hvsnap_epr *target,
                                           char **body, hvsnap_error *err);
/* WS-Transfer Put: xml (len bytes) is the new representation, one element,
 * sent as the request Body. body may be NULL when the answer is not wanted. */
HVSNAP_EXTERN hvsnap_status hvsnap_raw_put(hvsnap_session *s, const hvsnap_epr *target,
                                           const char *xml, size_t len, char **body,
                                           hvsnap_error *err);
/* Invokes method on target. The Body is input_xml (one element, normally
 * <p:METHOD_INPUT>) when it is not NULL, else built from params (which may
 * be NULL: no parameters). Never sent twice. */
HVSNAP_EXTERN hvsnap_status hvsnap_raw_invoke(hvsnap_session *s, const hvsnap_epr *target,
                                              const char *method,
                                              const hvsnap_params *params,
                                              const char *input_xml, size_t input_len,
                                              char **body, hvsnap_error *err);
/* Enumerate, then Pull to the end of the sequence. *body is one
 * <w:Items xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd">
 * element holding every item of every page in order (EPR mode: the
 * a:EndpointReference elements). */
HVSNAP_EXTERN hvsnap_status hvsnap_raw_enumerate(hvsnap_session *s,
                                                 const hvsnap_enum_options *opts,
                                                 char **body, hvsnap_error *err);
/* Frees a body returned above; NULL is ignored. */
HVSNAP_EXTERN void hvsnap_raw_free(char *body);

#ifdef __cplusplus
}
#endif
#endif
