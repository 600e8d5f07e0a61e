/* Checkpoints (snapshots) of a VM: listing and finding them, and the
 * verbs create, apply, delete and rename. Each verb is one method call on
 * the host's snapshot service followed by the wait of job.h. */
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
/* A copy the caller owns; NULL without memory. */
HVSNAP_EXTERN hvsnap_snapshot *hvsnap_snapshot_dup(const hvsnap_snapshot *snap);
HVSNAP_EXTERN void hvsnap_snapshot_free(hvsnap_snapshot *snap);

/* The VM's checkpoints, parents before children, then oldest first: one
 * query. On success *out is a new list the caller frees. */
HVSNAP_EXTERN hvsnap_status hvsnap_snapshot_list_get(hvsnap_session *session,
                                                     const hvsnap_vm *vm,
                                                     hvsnap_snapshot_list **out,
                                                     hvsnap_error *err);
HVSNAP_EXTERN size_t hvsnap_snapshot_list_count(const hvsnap_snapshot_list *list);
/* Borrowed from the list; NULL past the end. */
HVSNAP_EXTERN const hvsnap_snapshot *hvsnap_snapshot_list_at(const hvsnap_snapshot_list *list,
                                                             size_t i);
HVSNAP_EXTERN void hvsnap_snapshot_list_free(hvsnap_snapshot_list *list);

/* A checkpoint of vm by name, GUID or "Microsoft:GUID": one query. No match
 * is HVSNAP_ERR_NOT_FOUND, several HVSNAP_ERR_AMBIGUOUS with the candidates
 * in err->detail. On success *out is new and the caller frees it. */
HVSNAP_EXTERN hvsnap_status hvsnap_snapshot_find(hvsnap_session *session,
                                                 const hvsnap_vm *vm, const char *ref,
                                                 hvsnap_snapshot **out, hvsnap_error *err);

/* CreateSnapshot's SnapshotType. */
typedef enum hvsnap_snapshot_kind {
	HVSNAP_SNAPSHOT_FULL = 2,
	HVSNAP_SNAPSHOT_DISK = 3
} hvsnap_snapshot_kind;

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
typedef struct hvsnap_create_options {
	unsigned int version;        /* HVSNAP_CREATE_OPTIONS_VERSION */
	hvsnap_snapshot_kind kind;   /* 0: FULL */
	hvsnap_checkpoint_type type; /* set for this checkpoint, put back after */
	const char *name;            /* rename the new checkpoint; needs a wait */
	hvsnap_wait_options wait;    /* its version is set by the _INIT too */
} hvsnap_create_options;

#define HVSNAP_CREATE_OPTIONS_VERSION 1
#define HVSNAP_CREATE_OPTIONS_INIT \
	{ .version = HVSNAP_CREATE_OPTIONS_VERSION, .kind = HVSNAP_SNAPSHOT_FULL, \
	  .wait = HVSNAP_WAIT_OPTIONS_INIT }
HVSNAP_EXTERN hvsnap_status hvsnap_create_options_init(hvsnap_create_options *opts,
                                                       unsigned int version);

/* Takes a checkpoint of vm. CreateSnapshot is sent at most once, whatever
 * fails after it left. Blocks for the whole job unless wait.no_wait. On
 * success *snap is the new checkpoint (NULL with no_wait) and *job the job
 * as last seen; on a job failure, timeout or cancel *job is still set.
 * The caller frees both. */
HVSNAP_EXTERN hvsnap_status hvsnap_snapshot_create(hvsnap_session *session,
                                                   const hvsnap_vm *vm,
                                                   const hvsnap_create_options *opts,
                                                   hvsnap_snapshot **snap, hvsnap_job **job,
                                                   hvsnap_error *err);
/* The checkpoint a finished CreateSnapshot job made (through the job's
 * Msvm_AffectedJobElement): the step that completes a create started with
 * no_wait, once hvsnap_job_wait or a batch poll saw the job end. */
HVSNAP_EXTERN hvsnap_status hvsnap_snapshot_from_job(hvsnap_session *session,
                                                     const hvsnap_job *job,
                                                     hvsnap_snapshot **out,
                                                     hvsnap_error *err);
/* ApplySnapshot: the VM must be Off or Saved. *job (may be NULL on a
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
