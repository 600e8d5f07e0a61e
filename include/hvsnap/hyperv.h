/* What every Hyper-V header shares: the WMI namespace's resource URIs and
 * the return codes of Hyper-V's WMI methods (also a job's ErrorCode). */
#ifndef HVSNAP_HYPERV_H
#define HVSNAP_HYPERV_H

#include <stdint.h>
#include "hvsnap/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The WMI root/virtualization/v2 resource URI prefix (append a class name)
 * and its "*" form, used for WQL enumeration. */
#define HVSNAP_WMI_V2_URI "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/"
#define HVSNAP_WMI_V2_ALL HVSNAP_WMI_V2_URI "*"

/* Return values of Hyper-V methods and job ErrorCodes. */
typedef enum hvsnap_return_code {
	HVSNAP_RC_COMPLETED = 0,
	HVSNAP_RC_JOB_STARTED = 4096,
	HVSNAP_RC_FAILED = 32768,
	HVSNAP_RC_ACCESS_DENIED = 32769,
	HVSNAP_RC_NOT_SUPPORTED = 32770,
	HVSNAP_RC_STATUS_UNKNOWN = 32771,
	HVSNAP_RC_TIMEOUT = 32772,
	HVSNAP_RC_INVALID_PARAMETER = 32773,
	HVSNAP_RC_SYSTEM_IN_USE = 32774,
	HVSNAP_RC_INVALID_STATE = 32775,
	HVSNAP_RC_INCORRECT_DATA_TYPE = 32776,
	HVSNAP_RC_SYSTEM_NOT_AVAILABLE = 32777,
	HVSNAP_RC_OUT_OF_MEMORY = 32778,
	HVSNAP_RC_FILE_NOT_FOUND = 32779,
	HVSNAP_RC_NOT_READY = 32780,        /* InitiateShutdown: guest not ready */
	HVSNAP_RC_MACHINE_LOCKED = 32781,   /* InitiateShutdown without Force */
	HVSNAP_RC_SHUTDOWN_IN_PROGRESS = 32782
} hvsnap_return_code;

/* Text of a return code or job ErrorCode (hyperv-wmi.md §6); "Unknown
 * return code" for others. Static storage. */
HVSNAP_EXTERN const char *hvsnap_return_code_text(uint32_t code);

#ifdef __cplusplus
}
#endif
#endif
