/* Reference points of a VM (Msvm_VirtualSystemReferencePoint): what backup
 * software keeps of a recovery checkpoint for resilient change tracking.
 * A recovery checkpoint becomes one with hvsnap_refpoint_convert; they are
 * listed through Msvm_ReferencePointOfVirtualSystem and destroyed with the
 * reference point service's DestroyReferencePoint (Server 2016 and later).
 *
 * Ownership: objects and lists returned are the caller's; strings read from
 * them are borrowed. Threads: a session is used by one thread at a time;
 * the accessors never block and only read. */
#ifndef HVSNAP_REFPOINT_H
#define HVSNAP_REFPOINT_H

#include <stddef.h>
#include "hvsnap/common.h"
#include "hvsnap/error.h"
#include "hvsnap/job.h"
#include "hvsnap/session.h"
#include "hvsnap/snapshot.h"
#include "hvsnap/vm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A reference point. Opaque; owned by whoever received it (or its list). */
typedef struct hvsnap_refpoint hvsnap_refpoint;
/* A VM's reference points. Opaque; the caller owns it. */
typedef struct hvsnap_refpoint_list hvsnap_refpoint_list;

/* ReferencePointType, decoded. Microsoft documents two numberings (the
 * class: 1 log, 2 RCT; CreateReferencePoint's parameter: 0 log, 1 RCT), so
 * the value is read in the numbering the host is seen to use: 0 and 2 tell
 * it; a 1 is read by the other reference points of the same list, else by
 * the point itself (RCT ids present: RCT; associated data or none: log). */
typedef enum hvsnap_refpoint_type {
	HVSNAP_REFPOINT_UNKNOWN = 0, /* absent or not a documented value */
	HVSNAP_REFPOINT_LOG,         /* Hyper-V Replica log based */
	HVSNAP_REFPOINT_RCT          /* resilient change tracking based */
} hvsnap_refpoint_type;

/* Borrowed from rp; NULL where the host sent nothing. */
HVSNAP_EXTERN const char *hvsnap_refpoint_id(const hvsnap_refpoint *rp);          /* GUID */
HVSNAP_EXTERN const char *hvsnap_refpoint_instance_id(const hvsnap_refpoint *rp); /* "Microsoft:GUID" */
HVSNAP_EXTERN const char *hvsnap_refpoint_vm_id(const hvsnap_refpoint *rp);       /* VirtualSystemIdentifier */
HVSNAP_EXTERN const char *hvsnap_refpoint_created(const hvsnap_refpoint *rp);     /* CreationTime */
HVSNAP_EXTERN hvsnap_refpoint_type hvsnap_refpoint_type_of(const hvsnap_refpoint *rp);
/* ReferencePointType as sent; -1 when absent or not a number. */
HVSNAP_EXTERN long hvsnap_refpoint_type_code(const hvsnap_refpoint *rp);
/* "log", "rct" or "unknown". Static. */
HVSNAP_EXTERN const char *hvsnap_refpoint_type_name(hvsnap_refpoint_type type);
/* ConsistencyLevel: APPLICATION, CRASH, or DEFAULT when unknown. */
HVSNAP_EXTERN hvsnap_consistency hvsnap_refpoint_consistency(const hvsnap_refpoint *rp);
HVSNAP_EXTERN int hvsnap_refpoint_has_associated_data(const hvsnap_refpoint *rp);
/* ResilientChangeTrackingIdentifiers[] and VirtualDiskIdentifiers[]: the
 * count, and the i-th (borrowed; NULL past the end). */
HVSNAP_EXTERN size_t hvsnap_refpoint_rct_id_count(const hvsnap_refpoint *rp);
HVSNAP_EXTERN const char *hvsnap_refpoint_rct_id_at(const hvsnap_refpoint *rp, size_t i);
HVSNAP_EXTERN size_t hvsnap_refpoint_disk_id_count(const hvsnap_refpoint *rp);
HVSNAP_EXTERN const char *hvsnap_refpoint_disk_id_at(const hvsnap_refpoint *rp, size_t i);
/* A copy the caller owns; NULL without memory. */
HVSNAP_EXTERN hvsnap_refpoint *hvsnap_refpoint_dup(const hvsnap_refpoint *rp);
HVSNAP_EXTERN void hvsnap_refpoint_free(hvsnap_refpoint *rp);

/* The VM's reference points, in the host's order: one query (ASSOCIATORS OF the
 * VM through Msvm_ReferencePointOfVirtualSystem). Blocks. On success *out
 * is a new list the caller frees. */
HVSNAP_EXTERN hvsnap_status hvsnap_refpoint_list_get(hvsnap_session *session,
                                                     const hvsnap_vm *vm,
                                                     hvsnap_refpoint_list **out,
                                                     hvsnap_error *err);
HVSNAP_EXTERN size_t hvsnap_refpoint_list_count(const hvsnap_refpoint_list *list);
/* Borrowed from the list; NULL past the end. */
HVSNAP_EXTERN const hvsnap_refpoint *hvsnap_refpoint_list_at(const hvsnap_refpoint_list *list,
                                                             size_t i);
HVSNAP_EXTERN void hvsnap_refpoint_list_free(hvsnap_refpoint_list *list);

/* A reference point of vm by GUID or "Microsoft:GUID" (they have no
 * names): one query. Anything else is HVSNAP_ERR_USAGE; no match
 * HVSNAP_ERR_NOT_FOUND. Blocks. On success *out is new; the caller frees it. */
HVSNAP_EXTERN hvsnap_status hvsnap_refpoint_find(hvsnap_session *session, const hvsnap_vm *vm,
                                                 const char *ref, hvsnap_refpoint **out,
                                                 hvsnap_error *err);

/* ConvertToReferencePoint: turns a recovery checkpoint into a reference
 * point; the checkpoint goes away. Only recovery checkpoints can be
 * converted (documented), so any other kind is HVSNAP_ERR_USAGE before
 * anything is sent. Blocks for the job unless wait->no_wait. On success
 * *out is the new reference point (found through ResultingReferencePoint
 * or the job's Msvm_AffectedJobElement; NULL with no_wait) and *job the job
 * as last seen (NULL on a synchronous answer); on a job failure, timeout
 * or cancel *job is still set. The caller frees both. */
HVSNAP_EXTERN hvsnap_status hvsnap_refpoint_convert(hvsnap_session *session,
                                                    const hvsnap_snapshot *snap,
                                                    const hvsnap_wait_options *wait,
                                                    hvsnap_refpoint **out, hvsnap_job **job,
                                                    hvsnap_error *err);
/* DestroyReferencePoint on Msvm_VirtualSystemReferencePointService. Blocks
 * for the job unless wait->no_wait; *job is the caller's to free. */
HVSNAP_EXTERN hvsnap_status hvsnap_refpoint_delete(hvsnap_session *session,
                                                   const hvsnap_refpoint *rp,
                                                   const hvsnap_wait_options *wait,
                                                   hvsnap_job **job, hvsnap_error *err);

#ifdef __cplusplus
}
#endif
#endif
