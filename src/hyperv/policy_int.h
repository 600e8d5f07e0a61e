/* The VM's realized settings, which hold its checkpoint policy and name
 * its current checkpoint: shared by policy reads and writes, by create
 * (which switches the checkpoint type for one checkpoint) and by show. */
#ifndef HVSNAP_HYPERV_POLICY_INT_H
#define HVSNAP_HYPERV_POLICY_INT_H

#include "hvsnap/cim.h"
#include "hvsnap/policy.h"

/* The one realized Msvm_VirtualSystemSettingData of vm (one query); a
 * count other than one, or no InstanceID, is HVSNAP_ERR_PROTOCOL. */
hvsnap_status hvs_realized_settings(hvsnap_session *s, const hvsnap_vm *vm,
                                    hvsnap_cim_instance **out, hvsnap_error *err);
/* The policy those settings hold. */
void hvs_policy_from_settings(const hvsnap_cim_instance *settings,
                              hvsnap_checkpoint_policy *out);

#endif
