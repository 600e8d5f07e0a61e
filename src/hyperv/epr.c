/* The EPRs the Hyper-V layer addresses: VMs, settings objects and the two
 * singleton services. */
#include "hyperv/epr.h"

#include "hyperv/classes.h"

hvsnap_epr *hvs_epr_with(const char *uri, const char *name, const char *value)
{
	hvsnap_epr *epr = hvsnap_epr_new(uri);
	if (epr && hvsnap_epr_add_selector(epr, name, value) != HVSNAP_OK) {
		hvsnap_epr_free(epr);
		return NULL;
	}
	return epr;
}

hvsnap_epr *hvs_snapshot_service_epr(void)
{
	return hvs_epr_with(URI_SNAPSHOT_SERVICE, "CreationClassName", CLASS_SNAPSHOT_SERVICE);
}

hvsnap_epr *hvs_management_service_epr(void)
{
	return hvs_epr_with(URI_MGMT_SERVICE, "CreationClassName", CLASS_MGMT_SERVICE);
}

hvsnap_epr *hvs_vm_epr(const char *vm_id)
{
	hvsnap_epr *epr = hvs_epr_with(URI_COMPUTER_SYSTEM, "CreationClassName",
	                               CLASS_COMPUTER_SYSTEM);
	if (epr && hvsnap_epr_add_selector(epr, "Name", vm_id) != HVSNAP_OK) {
		hvsnap_epr_free(epr);
		return NULL;
	}
	return epr;
}

hvsnap_epr *hvs_vssd_epr(const char *instance_id)
{
	return hvs_epr_with(URI_VSSD, "InstanceID", instance_id);
}
