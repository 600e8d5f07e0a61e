/* EPRs of the Hyper-V objects and services the library addresses. */
#ifndef HVSNAP_HYPERV_EPR_H
#define HVSNAP_HYPERV_EPR_H

#include "hvsnap/wsman.h"

/* An EPR of uri with one selector name=value; NULL when memory runs out. */
hvsnap_epr *hvs_epr_with(const char *uri, const char *name, const char *value);
/* EPRs of the two singleton services, addressed by CreationClassName only
 * (which Windows accepts for singletons). */
hvsnap_epr *hvs_snapshot_service_epr(void);
hvsnap_epr *hvs_management_service_epr(void);
/* EPR of a VM (Msvm_ComputerSystem) by its GUID. */
hvsnap_epr *hvs_vm_epr(const char *vm_id);
/* EPR of a settings object (snapshot or realized VSSD) by InstanceID. */
hvsnap_epr *hvs_vssd_epr(const char *instance_id);

#endif
