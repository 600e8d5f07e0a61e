/* Error reporting shared by every libhvsnap call: a status kind plus an
 * optional, caller-owned hvsnap_error with the details. The library never
 * prints; callers decide how to present these. */
#ifndef HVSNAP_ERROR_H
#define HVSNAP_ERROR_H

#include <stdint.h>
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
	HVSNAP_ERR_INTERNAL,  /* a bug in libhvsnap */
	HVSNAP_ERR_CANCELLED, /* the caller stopped a wait or interrupted the session */
	HVSNAP_ERR_BUSY       /* the host refused for now (WS-Man QuotaLimit): not run */
} hvsnap_status;

/* What hvsnap_error.code is a number of. */
typedef enum hvsnap_code_kind {
	HVSNAP_CODE_NONE = 0, /* code is 0 */
	HVSNAP_CODE_WMI,      /* a method's ReturnValue or a job's ErrorCode */
	HVSNAP_CODE_WSMAN,    /* the WSManFault Code of a SOAP fault */
	HVSNAP_CODE_HTTP      /* an HTTP status */
} hvsnap_code_kind;

/* Details of a failure. Caller-allocated; fixed-size buffers so that
 * filling one never needs an allocation (and so never fails itself); text
 * is truncated to fit, at a UTF-8 character boundary. A change of this
 * layout changes the library's soname. */
typedef struct hvsnap_error {
	hvsnap_status kind;
	hvsnap_code_kind code_kind;
	/* The number that caused the failure (see code_kind); 0 when none. */
	int64_t code;
	/* Non-zero when a method's request left for the host and its outcome
	 * is unknown: it may have run, so it must not simply be sent again. */
	int32_t may_have_run;
	/* The job a failed wait leaves running on the host, or empty. */
	char job_id[128];
	/* One readable sentence. */
	char message[512];
	/* Further context: fault subcode, machine, provider text, candidates,
	 * each item separated by "; ". */
	char detail[1024];
	/* For SOAP faults: the local names of the SOAP Code and Subcode values
	 * (for example "Sender" and "DestinationUnreachable"); empty otherwise. */
	char fault_code[64];
	char fault_subcode[128];
} hvsnap_error;

/* Clears err (a NULL err is allowed everywhere and ignored). */
HVSNAP_EXTERN void hvsnap_error_clear(hvsnap_error *err);

/* A short stable name for a status, as used in JSON output
 * ("usage", "connect", "tls", "auth", "not_found", ...). Static storage. */
HVSNAP_EXTERN const char *hvsnap_status_name(hvsnap_status status);

/* "wmi", "wsman", "http", or NULL for HVSNAP_CODE_NONE. Static storage. */
HVSNAP_EXTERN const char *hvsnap_code_kind_name(hvsnap_code_kind kind);

#ifdef __cplusplus
}
#endif
#endif
