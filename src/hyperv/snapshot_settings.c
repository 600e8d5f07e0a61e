/* Building CreateSnapshot's SnapshotSettings with the CIM-XML writer (an
 * instance, never pasted text), and the checks made before anything is
 * sent.
 *
 * What is refused here, and why: only values outside the documented sets
 * (Msvm_VirtualSystemSnapshotSettingData: ConsistencyLevel 0 Unknown,
 * 1 Application, 2 Crash; GuestBackupType 0 Undefined, 1 Full, 2 Copy;
 * CreateSnapshot's SnapshotType 2, 3 and Hyper-V's 32768; reference/
 * hyperv-wmi.md §1-2, vm-lifecycle-fleet.md §1.2-1.3). Microsoft documents
 * no combination of valid values as refused (not crash consistency with a
 * guest backup type, nor settings with a disk-only checkpoint), so those
 * are sent and the host's answer, with its code, is the caller's. */
#include "hyperv/snapshot_settings.h"

#include "hyperv/classes.h"
#include "util/err.h"

hvsnap_status hvs_snapshot_settings_build(const hvsnap_create_options *o,
                                          hvsnap_cim_instance **out, hvsnap_error *err)
{
	*out = NULL;
	if (o->kind && o->kind != HVSNAP_SNAPSHOT_FULL && o->kind != HVSNAP_SNAPSHOT_DISK &&
	    o->kind != HVSNAP_SNAPSHOT_RECOVERY)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		                   "unknown snapshot kind %d (full 2, disk 3, recovery 32768)",
		                   (int)o->kind);
	if ((unsigned)o->consistency > HVSNAP_CONSISTENCY_CRASH)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		                   "unknown consistency level %d (application 1, crash 2)",
		                   (int)o->consistency);
	if ((unsigned)o->guest_backup_type > HVSNAP_GUEST_BACKUP_COPY)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		                   "unknown guest backup type %d (full 1, copy 2)",
		                   (int)o->guest_backup_type);
	if (!o->consistency && !o->ignore_non_snapshottable_disks && !o->guest_backup_type)
		return HVSNAP_OK;

	static const char *const digits[] = { "0", "1", "2" };
	hvsnap_cim_instance *inst = hvsnap_cim_instance_new(CLASS_SNAPSHOT_SETTINGS, NULL);
	if (!inst)
		return hvs_err_nomem(err);
	hvsnap_status st = HVSNAP_OK;
	if (o->consistency)
		st = hvsnap_cim_set_value(inst, "ConsistencyLevel", HVSNAP_CIM_TYPE_UINT8,
		                          digits[o->consistency]);
	if (st == HVSNAP_OK && o->ignore_non_snapshottable_disks)
		st = hvsnap_cim_set_value(inst, "IgnoreNonSnapshottableDisks",
		                          HVSNAP_CIM_TYPE_BOOLEAN, "true");
	if (st == HVSNAP_OK && o->guest_backup_type)
		st = hvsnap_cim_set_value(inst, "GuestBackupType", HVSNAP_CIM_TYPE_UINT8,
		                          digits[o->guest_backup_type]);
	if (st != HVSNAP_OK) {
		hvsnap_cim_instance_free(inst);
		return hvs_err_nomem(err);
	}
	*out = inst;
	return HVSNAP_OK;
}
