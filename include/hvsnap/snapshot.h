/* Checkpoints (snapshots) of a VM: listing and finding them, their kinds,
 * and the verbs create, apply, delete, rename and clear-state. Each verb is
 * one method call on the host's snapshot service followed by the wait of
 * job.h.
 *
 * Threads: a session is used by one thread at a time; snapshot objects and
 * lists are plain data that any thread may read once handed over. Calls
 * taking a session block on the network; the accessors never do. */
#ifndef HVSNAP_SNAPSHOT_H
#define HVSNAP_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>
#include "hvsnap/common.h"
#include "hvsnap/error.h"
#include "hvsnap/job.h"
#include "hvsnap/session.h"
#include "hvsnap/vm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A checkpoint. Opaque; owned by whoever received it (or by its list). */
typedef struct hvsnap_snapshot hvsnap_snapshot;
/* A VM's checkpoints. Opaque; the caller owns it. */
typedef struct hvsnap_snapshot_list hvsnap_snapshot_list;

/* Borrowed from snap; NULL where the host sent nothing. */
HVSNAP_EXTERN const char *hvsnap_snapshot_id(const hvsnap_snapshot *snap);          /* GUID */
HVSNAP_EXTERN const char *hvsnap_snapshot_instance_id(const hvsnap_snapshot *snap); /* "Microsoft:GUID" */
HVSNAP_EXTERN const char *hvsnap_snapshot_name(const hvsnap_snapshot *snap);
HVSNAP_EXTERN const char *hvsnap_snapshot_parent_id(const hvsnap_snapshot *snap);   /* NULL: a root */
HVSNAP_EXTERN const char *hvsnap_snapshot_created(const hvsnap_snapshot *snap);     /* ISO 8601 */
/* Whether the VM runs from this checkpoint (its realized settings name it
 * as their parent). */
HVSNAP_EXTERN int hvsnap_snapshot_is_current(const hvsnap_snapshot *snap);

/* What a checkpoint is, from its VirtualSystemType. Planned checkpoints
 * ("...:Snapshot:Planned") and every type this library does not know are
 * OTHER: listed, never dropped; hvsnap_snapshot_type gives the exact text. */
typedef enum hvsnap_snapshot_role {
	HVSNAP_ROLE_CHECKPOINT = 0, /* Microsoft:Hyper-V:Snapshot:Realized */
	HVSNAP_ROLE_RECOVERY,       /* ...:Snapshot:Recovery, a backup product's */
	HVSNAP_ROLE_MISSING,        /* ...:Snapshot:Missing */
	HVSNAP_ROLE_REPLICA,        /* ...:Snapshot:Replica:* (any Replica type) */
	HVSNAP_ROLE_OTHER
} hvsnap_snapshot_role;

HVSNAP_EXTERN hvsnap_snapshot_role hvsnap_snapshot_kind_of(const hvsnap_snapshot *snap);
/* "checkpoint", "recovery", "missing", "replica" or "other" (the JSON
 * "kind" of the CLI); "other" for any value outside the enum. Static. */
HVSNAP_EXTERN const char *hvsnap_snapshot_role_name(hvsnap_snapshot_role role);
/* The VirtualSystemType as the host sent it; borrowed; NULL when absent. */
HVSNAP_EXTERN const char *hvsnap_snapshot_type(const hvsnap_snapshot *snap);
/* Whether the checkpoint holds saved (memory) state: its IsSaved. */
HVSNAP_EXTERN int hvsnap_snapshot_is_saved(const hvsnap_snapshot *snap);
/* A copy the caller owns; NULL without memory. */
HVSNAP_EXTERN hvsnap_snapshot *hvsnap_snapshot_dup(const hvsnap_snapshot *snap);
HVSNAP_EXTERN void hvsnap_snapshot_free(hvsnap_snapshot *snap);

/* The VM's checkpoints of every kind (recovery ones included: callers
 * that show user checkpoints filter on hvsnap_snapshot_kind_of), parents
 * before children, then oldest first: one query. The VM's own settings
 * (VirtualSystemType Microsoft:Hyper-V:System:*) are not checkpoints and
 * are left out. On success *out is a new list the caller frees. */
HVSNAP_EXTERN hvsnap_status hvsnap_snapshot_list_get(hvsnap_session *session,
                                                     const hvsnap_vm *vm,
                                                     hvsnap_snapshot_list **out,
                                                     hvsnap_error *err);
HVSNAP_EXTERN size_t hvsnap_snapshot_list_count(const hvsnap_snapshot_list *list);
/* Borrowed from the list; NULL past the end. */
HVSNAP_EXTERN const hvsnap_snapshot *hvsnap_snapshot_list_at(const hvsnap_snapshot_list *list,
                                                             size_t i);
HVSNAP_EXTERN void hvsnap_snapshot_list_free(hvsnap_snapshot_list *list);

/* A checkpoint of vm by name, GUID or "Microsoft:GUID", of any kind: one
 * query. No match is HVSNAP_ERR_NOT_FOUND, several HVSNAP_ERR_AMBIGUOUS
 * with the candidates in err->detail. On success *out is new and the
 * caller frees it. */
HVSNAP_EXTERN hvsnap_status hvsnap_snapshot_find(hvsnap_session *session,
                                                 const hvsnap_vm *vm, const char *ref,
                                                 hvsnap_snapshot **out, hvsnap_error *err);

/* Whether snap, found by ref (what the user typed), may be applied (or
 * reset to, or renamed): a recovery checkpoint belongs to a backup product,
 * so it is refused when ref is a name, and accepted when ref is its GUID
 * (or Microsoft:GUID) only with force. Every other kind passes. Returns
 * HVSNAP_OK or HVSNAP_ERR_USAGE with the reason in err. No network. */
HVSNAP_EXTERN hvsnap_status hvsnap_snapshot_check_target(const hvsnap_snapshot *snap,
                                                         const char *ref, int force,
                                                         hvsnap_error *err);

/* CreateSnapshot's SnapshotType. */
typedef enum hvsnap_snapshot_kind {
	HVSNAP_SNAPSHOT_FULL = 2,
	HVSNAP_SNAPSHOT_DISK = 3,
	HVSNAP_SNAPSHOT_RECOVERY = 32768  /* a backup (recovery) checkpoint */
} hvsnap_snapshot_kind;

/* Msvm_VirtualSystemSnapshotSettingData.ConsistencyLevel. */
typedef enum hvsnap_consistency {
	HVSNAP_CONSISTENCY_DEFAULT = 0,     /* create: not sent; a reference point: unknown */
	HVSNAP_CONSISTENCY_APPLICATION = 1,
	HVSNAP_CONSISTENCY_CRASH = 2
} hvsnap_consistency;

/* Msvm_VirtualSystemSnapshotSettingData.GuestBackupType: the VSS backup
 * type asked of the guest (hosts from Windows 10 1703 on). */
typedef enum hvsnap_guest_backup_type {
	HVSNAP_GUEST_BACKUP_DEFAULT = 0,    /* not sent */
	HVSNAP_GUEST_BACKUP_FULL = 1,
	HVSNAP_GUEST_BACKUP_COPY = 2
} hvsnap_guest_backup_type;

/* The VM's UserSnapshotType (its checkpoint policy). */
typedef enum hvsnap_checkpoint_type {
	HVSNAP_CHECKPOINT_UNCHANGED = 0,       /* create: keep the VM's own */
	HVSNAP_CHECKPOINT_DISABLED = 2,
	HVSNAP_CHECKPOINT_PRODUCTION = 3,      /* falls back to standard */
	HVSNAP_CHECKPOINT_PRODUCTION_ONLY = 4,
	HVSNAP_CHECKPOINT_STANDARD = 5
} hvsnap_checkpoint_type;

/* Options of hvsnap_snapshot_create. Versioned: start from
 * HVSNAP_CREATE_OPTIONS_INIT or hvsnap_create_options_init(); NULL options
 * mean these defaults. Strings are borrowed for the duration of the call. */
/* consistency, ignore_non_snapshottable_disks and guest_backup_type go to
 * the host as one embedded Msvm_VirtualSystemSnapshotSettingData in
 * SnapshotSettings; with all three at their defaults SnapshotSettings is
 * the empty string. */
typedef struct hvsnap_create_options {
	unsigned int version;        /* HVSNAP_CREATE_OPTIONS_VERSION */
	hvsnap_snapshot_kind kind;   /* 0: FULL */
	hvsnap_checkpoint_type type; /* set for this checkpoint, put back after */
	const char *name;            /* rename the new checkpoint; needs a wait */
	hvsnap_consistency consistency;         /* ConsistencyLevel */
	int ignore_non_snapshottable_disks;     /* non-zero: send true */
	hvsnap_guest_backup_type guest_backup_type; /* GuestBackupType */
	hvsnap_wait_options wait;    /* its version is set by the _INIT too */
} hvsnap_create_options;

#define HVSNAP_CREATE_OPTIONS_VERSION 1
#define HVSNAP_CREATE_OPTIONS_INIT \
	{ .version = HVSNAP_CREATE_OPTIONS_VERSION, .kind = HVSNAP_SNAPSHOT_FULL, \
	  .wait = HVSNAP_WAIT_OPTIONS_INIT }
HVSNAP_EXTERN hvsnap_status hvsnap_create_options_init(hvsnap_create_options *opts,
                                                       unsigned int version);

/* Takes a checkpoint of vm. CreateSnapshot is sent at most once, whatever
 * fails after it left. A kind, consistency or guest backup type outside
 * its enum is HVSNAP_ERR_USAGE before anything is sent; combinations of
 * valid values are the host's to judge (no refusal is documented), and its
 * answer comes back as HVSNAP_ERR_FAILED with its code. Blocks for the whole job unless wait.no_wait. On
 * success *snap is the new checkpoint (NULL with no_wait) and *job the job
 * as last seen; on a job failure, timeout or cancel *job is still set.
 * *snap is current unless it is a recovery checkpoint (what the create
 * implies; it is not read back, so a create racing it is not seen).
 * The caller frees both. */
HVSNAP_EXTERN hvsnap_status hvsnap_snapshot_create(hvsnap_session *session,
                                                   const hvsnap_vm *vm,
                                                   const hvsnap_create_options *opts,
                                                   hvsnap_snapshot **snap, hvsnap_job **job,
                                                   hvsnap_error *err);
/* The checkpoint a finished CreateSnapshot job made (through the job's
 * Msvm_AffectedJobElement): the step that completes a create started with
 * no_wait, once hvsnap_job_wait or a batch poll saw the job end. Current
 * unless a recovery checkpoint, as after hvsnap_snapshot_create (what the
 * create implied when it ended, not read back). */
HVSNAP_EXTERN hvsnap_status hvsnap_snapshot_from_job(hvsnap_session *session,
                                                     const hvsnap_job *job,
                                                     hvsnap_snapshot **out,
                                                     hvsnap_error *err);
/* ApplySnapshot: the VM must be Off or Saved. Any kind is sent as asked:
 * callers that act on a user's words check hvsnap_snapshot_check_target
 * first. *job (may be NULL on a
 * synchronous answer) is the caller's to free. */
HVSNAP_EXTERN hvsnap_status hvsnap_snapshot_apply(hvsnap_session *session,
                                                  const hvsnap_snapshot *snap,
                                                  const hvsnap_wait_options *wait,
                                                  hvsnap_job **job, hvsnap_error *err);
/* DestroySnapshot, or DestroySnapshotTree when tree is non-zero. */
HVSNAP_EXTERN hvsnap_status hvsnap_snapshot_delete(hvsnap_session *session,
                                                   const hvsnap_snapshot *snap, int tree,
                                                   const hvsnap_wait_options *wait,
                                                   hvsnap_job **job, hvsnap_error *err);
/* ClearSnapshotState: drops the checkpoint's saved memory state, so that
 * applying it leaves the VM Off. Blocks for the job unless wait->no_wait;
 * *job (NULL on a synchronous answer) is the caller's to free. */
HVSNAP_EXTERN hvsnap_status hvsnap_snapshot_clear_state(hvsnap_session *session,
                                                        const hvsnap_snapshot *snap,
                                                        const hvsnap_wait_options *wait,
                                                        hvsnap_job **job, hvsnap_error *err);
/* Renames a checkpoint (ModifySystemSettings). */
HVSNAP_EXTERN hvsnap_status hvsnap_snapshot_rename(hvsnap_session *session,
                                                   const hvsnap_snapshot *snap,
                                                   const char *new_name,
                                                   const hvsnap_wait_options *wait,
                                                   hvsnap_error *err);

#ifdef __cplusplus
}
#endif
#endif
