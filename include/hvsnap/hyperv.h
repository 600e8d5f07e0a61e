/* Hyper-V checkpoint operations on top of the WS-Man layer: find VMs and
 * snapshots, create / apply / delete / rename snapshots, and follow the
 * Msvm_ConcreteJob each of them starts. */
#ifndef HVSNAP_HYPERV_H
#define HVSNAP_HYPERV_H

#include "hvsnap/common.h"
#include <stddef.h>
#include <stdint.h>
#include "hvsnap/session.h"
#include "hvsnap/wsman.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- VMs ------------------------------------------------------------- */
typedef struct hvsnap_vm {
	char *name;          /* ElementName */
	char *id;            /* Name: the VM GUID, upper case */
	unsigned state;      /* EnabledState: 2 running, 3 off, 6 saved, 9 paused */
} hvsnap_vm;

/* Every VM of the host (never the host itself), in the host's order. */
HVSNAP_EXTERN hvsnap_status hvsnap_vm_list(hvsnap_session *s, hvsnap_vm **vms, size_t *n,
                             hvsnap_error *err);
/* A VM by display name or GUID. No match is HVSNAP_ERR_NOT_FOUND; several
 * are HVSNAP_ERR_AMBIGUOUS with the candidates listed in err->detail. */
HVSNAP_EXTERN hvsnap_status hvsnap_vm_find(hvsnap_session *s, const char *name_or_id,
                             hvsnap_vm **out, hvsnap_error *err);
HVSNAP_EXTERN void hvsnap_vm_free(hvsnap_vm *vm);
HVSNAP_EXTERN void hvsnap_vm_list_free(hvsnap_vm *vms, size_t n);
/* "Running", "Off", "Saved", "Paused", ... */
HVSNAP_EXTERN const char *hvsnap_vm_state_text(unsigned state);

/* --- snapshots ------------------------------------------------------- */
typedef struct hvsnap_snapshot {
	char *id;            /* ConfigurationID: the snapshot GUID */
	char *instance_id;   /* InstanceID: "Microsoft:<GUID>" */
	char *name;          /* ElementName */
	char *parent_id;     /* parent's GUID, NULL for a root */
	char *created;       /* CreationTime, ISO 8601 */
	int current;         /* the VM runs from this snapshot */
} hvsnap_snapshot;

/* The VM's snapshots, parents before children where the host allows. */
HVSNAP_EXTERN hvsnap_status hvsnap_snapshot_list(hvsnap_session *s, const hvsnap_vm *vm,
                                   hvsnap_snapshot **snaps, size_t *n,
                                   hvsnap_error *err);
/* A snapshot of vm by name, GUID or "Microsoft:GUID". */
HVSNAP_EXTERN hvsnap_status hvsnap_snapshot_find(hvsnap_session *s, const hvsnap_vm *vm,
                                   const char *ref, hvsnap_snapshot **out,
                                   hvsnap_error *err);
HVSNAP_EXTERN void hvsnap_snapshot_free(hvsnap_snapshot *snap);
HVSNAP_EXTERN void hvsnap_snapshot_list_free(hvsnap_snapshot *snaps, size_t n);

/* --- jobs ------------------------------------------------------------ */
typedef struct hvsnap_job {
	char *id;                 /* InstanceID */
	unsigned state;           /* JobState */
	unsigned percent;         /* PercentComplete */
	unsigned long error_code; /* ErrorCode, 0 on success */
	char *error_description;  /* ErrorDescription, may be NULL */
	char *name;               /* ElementName / Caption, may be NULL */
	uint64_t elapsed_ms;      /* measured by the client while waiting */
} hvsnap_job;

typedef void (*hvsnap_progress_fn)(void *ctx, const hvsnap_job *job);

typedef struct hvsnap_wait_options {
	long timeout_ms;             /* 0: wait without a deadline */
	hvsnap_progress_fn progress; /* called after every poll, may be NULL */
	void *ctx;
	int no_wait;                 /* return as soon as the job is known */
} hvsnap_wait_options;

/* One look at a job (Transfer Get). A job that no longer exists is
 * HVSNAP_ERR_NOT_FOUND. */
HVSNAP_EXTERN hvsnap_status hvsnap_job_get(hvsnap_session *s, const char *job_id,
                             hvsnap_job **out, hvsnap_error *err);
/* Polls with a backoff from ~100 ms to ~1 s until the job ends. JobState 7
 * and 32768 succeed; 8, 9 and 10 are HVSNAP_ERR_FAILED with the job's
 * ErrorCode and ErrorDescription. A passed deadline is HVSNAP_ERR_TIMEOUT
 * with *out still set (so the caller can print the job id). */
HVSNAP_EXTERN hvsnap_status hvsnap_job_wait(hvsnap_session *s, const char *job_id,
                              const hvsnap_wait_options *opts,
                              hvsnap_job **out, hvsnap_error *err);
HVSNAP_EXTERN void hvsnap_job_free(hvsnap_job *job);
HVSNAP_EXTERN const char *hvsnap_job_state_text(unsigned state);
HVSNAP_EXTERN int hvsnap_job_state_is_final(unsigned state);

/* --- snapshot verbs -------------------------------------------------- */
typedef enum hvsnap_snapshot_kind {
	HVSNAP_SNAPSHOT_FULL = 2,
	HVSNAP_SNAPSHOT_DISK = 3
} hvsnap_snapshot_kind;

/* The VM's UserSnapshotType, set for one checkpoint and put back after. */
typedef enum hvsnap_checkpoint_type {
	HVSNAP_CHECKPOINT_UNCHANGED = 0,
	HVSNAP_CHECKPOINT_PRODUCTION = 3,      /* falls back to standard */
	HVSNAP_CHECKPOINT_PRODUCTION_ONLY = 4,
	HVSNAP_CHECKPOINT_STANDARD = 5
} hvsnap_checkpoint_type;

typedef struct hvsnap_create_options {
	hvsnap_snapshot_kind kind;            /* default FULL */
	hvsnap_checkpoint_type type;          /* default UNCHANGED */
	const char *name;                     /* rename the new snapshot */
	hvsnap_wait_options wait;
} hvsnap_create_options;

/* Takes a snapshot of vm. CreateSnapshot is sent at most once. On success
 * *snap is the new snapshot (NULL with no_wait) and *job the finished job;
 * on a job failure or timeout *job is still set. */
HVSNAP_EXTERN hvsnap_status hvsnap_snapshot_create(hvsnap_session *s, const hvsnap_vm *vm,
                                     const hvsnap_create_options *opts,
                                     hvsnap_snapshot **snap, hvsnap_job **job,
                                     hvsnap_error *err);
HVSNAP_EXTERN hvsnap_status hvsnap_snapshot_apply(hvsnap_session *s, const hvsnap_snapshot *snap,
                                    const hvsnap_wait_options *wait,
                                    hvsnap_job **job, hvsnap_error *err);
/* DestroySnapshot, or DestroySnapshotTree when tree is set. */
HVSNAP_EXTERN hvsnap_status hvsnap_snapshot_delete(hvsnap_session *s, const hvsnap_snapshot *snap,
                                     int tree, const hvsnap_wait_options *wait,
                                     hvsnap_job **job, hvsnap_error *err);
HVSNAP_EXTERN hvsnap_status hvsnap_snapshot_rename(hvsnap_session *s, const hvsnap_snapshot *snap,
                                     const char *new_name,
                                     const hvsnap_wait_options *wait,
                                     hvsnap_error *err);

/* Text of a WMI method return code or job ErrorCode (reference §6);
 * "Unknown return code" for others. */
HVSNAP_EXTERN const char *hvsnap_return_code_text(unsigned long code);

#ifdef __cplusplus
}
#endif
#endif
