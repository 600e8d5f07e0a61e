/* CreateSnapshot's SnapshotSettings: the embedded
 * Msvm_VirtualSystemSnapshotSettingData built from the create options. */
#ifndef HVSNAP_HYPERV_SNAPSHOT_SETTINGS_H
#define HVSNAP_HYPERV_SNAPSHOT_SETTINGS_H

#include "hvsnap/cim.h"
#include "hvsnap/snapshot.h"

/* Checks o's kind, consistency and guest backup type against their
 * documented values (HVSNAP_ERR_USAGE otherwise), then builds the settings
 * instance: *out is NULL when every setting is at its default (the host
 * then gets SnapshotSettings ""), else a new instance the caller frees. */
hvsnap_status hvs_snapshot_settings_build(const hvsnap_create_options *o,
                                          hvsnap_cim_instance **out, hvsnap_error *err);

#endif
