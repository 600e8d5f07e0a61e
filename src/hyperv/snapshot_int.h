/* Snapshot helpers shared by listing and the snapshot verbs. */
#ifndef HVSNAP_HYPERV_SNAPSHOT_INT_H
#define HVSNAP_HYPERV_SNAPSHOT_INT_H

#include "hyperv/objects.h"

/* Fills snap from a snapshot Msvm_VirtualSystemSettingData; -1 when memory
 * runs out or the instance lacks an InstanceID. */
int hvs_snapshot_from_instance(hvsnap_snapshot *snap, const hvsnap_cim_instance *inst);
void hvs_snapshot_clear(hvsnap_snapshot *snap);
char *hvs_guid_from_object_path(const char *path);

#endif
