/* Readable texts for WMI return codes, job states and VM states
 * (reference/hyperv-wmi.md §3, §5, §6). Numbers are always kept next to
 * the text by callers, so an unknown code is still actionable. */
#include "hvsnap/hyperv.h"
#include "hvsnap/job.h"
#include "hvsnap/vm.h"
#include "hyperv/classes.h"

const char *hvsnap_return_code_text(uint32_t code)
{
	switch (code) {
	case 0: return "Completed with no error";
	case 1: return "Not supported";
	case 2: return "Failed";
	case 3: return "Timeout";
	case 4: return "Invalid parameter";
	case 5: return "Invalid state";
	case 6: return "Invalid type (or incompatible parameters)";
	case 4096: return "Method parameters checked, job started";
	case 4097: return "Invalid state transition";
	case 4098: return "Timeout parameter not supported";
	case 4099: return "Busy";
	case 32768: return "Failed";
	case 32769: return "Access denied";
	case 32770: return "Not supported";
	case 32771: return "Status is unknown";
	case 32772: return "Timeout";
	case 32773: return "Invalid parameter";
	case 32774: return "System is in use";
	case 32775: return "Invalid state for this operation";
	case 32776: return "Incorrect data type";
	case 32777: return "System is not available";
	case 32778: return "Out of memory";
	case 32779: return "File not found";
	case 32780: return "The system is not ready";
	case 32781: return "The machine is locked and cannot be shut down without the force option";
	case 32782: return "A system shutdown is in progress";
	}
	if (code >= 4097 && code <= 32767)
		return "Method reserved";
	if (code >= 32768 && code <= 65535)
		return "Vendor-specific error";
	return "Unknown return code";
}

const char *hvsnap_job_state_text(uint32_t state)
{
	switch (state) {
	case JOB_NEW: return "New";
	case JOB_STARTING: return "Starting";
	case JOB_RUNNING: return "Running";
	case JOB_SUSPENDED: return "Suspended";
	case JOB_SHUTTING_DOWN: return "Shutting down";
	case JOB_COMPLETED: return "Completed";
	case JOB_TERMINATED: return "Terminated";
	case JOB_KILLED: return "Killed";
	case JOB_EXCEPTION: return "Exception";
	case JOB_SERVICE: return "Service";
	case 12: return "Query pending";
	case JOB_COMPLETED_WITH_WARNINGS: return "Completed with warnings";
	}
	return "Unknown";
}

int hvsnap_job_state_is_final(uint32_t state)
{
	switch (state) {
	case JOB_COMPLETED:
	case JOB_COMPLETED_WITH_WARNINGS:
	case JOB_TERMINATED:
	case JOB_KILLED:
	case JOB_EXCEPTION:
		return 1;
	}
	return 0;
}

const char *hvsnap_vm_state_text(uint32_t state)
{
	switch (state) {
	case 0: return "Unknown";
	case 1: return "Other";
	case 2: return "Running";
	case 3: return "Off";
	case 4: return "Shutting down";
	case 5: return "Not applicable";
	case 6: return "Saved";
	case 7: return "In test";
	case 8: return "Deferred";
	case 9: return "Paused";
	case 10: return "Starting";
	case 32770: return "Starting";
	case 32771: return "Snapshotting";
	case 32773: return "Saving";
	case 32774: return "Stopping";
	case 32776: return "Pausing";
	case 32777: return "Resuming";
	}
	return "Unknown";
}
