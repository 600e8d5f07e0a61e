/* What the WS-Man operations need from a session: request header defaults
 * and one SOAP round trip with tracing, status and fault handling over the
 * session's channel (src/winrm), which authenticates and seals. */
#ifndef HVSNAP_WSMAN_SESSION_INT_H
#define HVSNAP_WSMAN_SESSION_INT_H

#include <libxml/tree.h>
#include <stdatomic.h>
#include <stdint.h>
#include "hvsnap/session.h"
#include "platform/platform.h"
#include "winrm/channel.h"
#include "wsman/envelope.h"

struct hvsnap_session {
	hvsnap_session_options opts; /* string members point into copies below */
	/* The password is not kept: the channel holds what it needs. */
	char *host, *user, *cacert, *pin, *client_cert, *client_key;
	char *locale;
	char *url;
	winrm_channel *channel;
	atomic_int interrupted; /* hvsnap_session_interrupt: signal-safe */
	hvs_wakeup wakeup;      /* given with interrupted, ends a pause at once */
	char *spn_service, *spn_host;
	size_t reply_bytes; /* size of the last answer's body */
};

/* Fills o with the session's To, timeout, envelope size and locale, and the
 * given resource URI and selectors (which may be NULL / 0). */
void hvs_wsman_session_request_opts(const hvsnap_session *s, wsman_request_opts *o,
                                const char *resource_uri,
                                const hvsnap_selector *selectors, size_t n);
/* The same for a request to target (its URI and selectors);
 * HVSNAP_ERR_USAGE when target names no resource. */
hvsnap_status hvs_wsman_target_opts(const hvsnap_session *s, const hvsnap_epr *target,
                                    wsman_request_opts *o, hvsnap_error *err);

/* Sends req (which the caller still owns) through the channel (retry says
 * whether it may go again on a new connection), checks the HTTP status, parses
 * the answer with the hardened loader and turns a SOAP fault into an error.
 * label names the operation in traces and messages ("Get", "Invoke
 * CreateSnapshot"). On success *resp is the parsed response. */
hvsnap_status hvs_wsman_session_call(hvsnap_session *s, xmlDocPtr req,
                                 const char *label, winrm_resend retry,
                                 xmlDocPtr *resp, hvsnap_error *err);
/* hvs_wsman_session_call for a method: never resent, and a failure after
 * its body left notes that the method may have run. */
hvsnap_status hvs_wsman_session_invoke(hvsnap_session *s, xmlDocPtr req, const char *method,
                                       xmlDocPtr *resp, hvsnap_error *err);

#endif
