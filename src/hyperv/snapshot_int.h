/* Snapshot helpers shared by listing and the snapshot verbs. */
#ifndef HVSNAP_HYPERV_SNAPSHOT_INT_H
#define HVSNAP_HYPERV_SNAPSHOT_INT_H

#include "hyperv/objects.h"

/* Fills snap from a snapshot Msvm_VirtualSystemSettingData; -1 when memory
 * runs out or the instance lacks an InstanceID. */
int hvs_snapshot_from_instance(hvsnap_snapshot *snap, const hvsnap_cim_instance *inst);
void hvs_snapshot_clear(hvsnap_snapshot *snap);
/* Whether a VSSD of a VM is one of its snapshots (of any kind) rather than
 * the VM's own settings: its VirtualSystemType is not System:*. A VSSD
 * without a type is kept (as kind OTHER) rather than dropped. */
int hvs_is_snapshot_settings(const hvsnap_cim_instance *inst);
/* The kind a VirtualSystemType names; OTHER for NULL and unknown types. */
hvsnap_snapshot_role hvs_snapshot_role_of_type(const char *type);
/* A CIM boolean's text: "true" (any case) or "1". */
int hvs_bool_text(const char *text);
char *hvs_guid_from_object_path(const char *path);

#endif
