/* Error reporting shared by every libhvsnap call: a status kind plus an
 * optional, caller-owned hvsnap_error with the details. The library never
 * prints; callers decide how to present these. */
#ifndef HVSNAP_ERROR_H
#define HVSNAP_ERROR_H

#include "hvsnap/common.h"
#ifdef __cplusplus
extern "C" {
#endif

/* Every fallible call returns one of these; HVSNAP_OK is zero. The CLI maps
 * each kind to an exit code (see CLI.md). */
typedef enum hvsnap_status {
	HVSNAP_OK = 0,
	HVSNAP_ERR_USAGE,     /* bad argument or configuration */
	HVSNAP_ERR_CONNECT,   /* cannot reach the host */
	HVSNAP_ERR_TLS,       /* TLS handshake, verification or pin failure */
	HVSNAP_ERR_AUTH,      /* credentials rejected */
	HVSNAP_ERR_NOT_FOUND, /* VM, snapshot, job or resource does not exist */
	HVSNAP_ERR_AMBIGUOUS, /* a name matched several objects */
	HVSNAP_ERR_TIMEOUT,   /* a wait or a request ran out of time */
	HVSNAP_ERR_PROTOCOL,  /* the answer was malformed or unexpected */
	HVSNAP_ERR_FAULT,     /* the host answered with a SOAP fault */
	HVSNAP_ERR_FAILED,    /* the host ran the operation and it failed */
	HVSNAP_ERR_NOMEM,     /* out of memory */
	HVSNAP_ERR_INTERNAL   /* a bug in libhvsnap */
} hvsnap_status;

/* Details of a failure. Fixed-size buffers so that filling one never needs
 * an allocation (and so never fails itself); text is truncated to fit. */
typedef struct hvsnap_error {
	hvsnap_status kind;
	/* The WMI return code, job ErrorCode, WSManFault Code or HTTP status
	 * that caused the failure; 0 when there is none. */
	long code;
	/* One readable sentence. */
	char message[512];
	/* Further context: fault subcode, machine, provider text, hints. */
	char detail[1024];
	/* For SOAP faults: the local names of the SOAP Code and Subcode values
	 * (for example "Sender" and "DestinationUnreachable"); empty otherwise. */
	char fault_code[64];
	char fault_subcode[128];
} hvsnap_error;

/* Clears err (a NULL err is allowed everywhere and ignored). */
HVSNAP_EXTERN void hvsnap_error_clear(hvsnap_error *err);

/* A short stable name for a status, as used in JSON output
 * ("usage", "connect", "tls", "auth", "not_found", ...). */
HVSNAP_EXTERN const char *hvsnap_status_name(hvsnap_status status);

#ifdef __cplusplus
}
#endif
#endif
