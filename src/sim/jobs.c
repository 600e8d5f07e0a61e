/* Msvm_ConcreteJob life cycle. A job's state is a function of wall-clock
 * time alone: New for the first tenth of its duration, then Running with
 * PercentComplete rising, then at start + duration the scenario's outcome,
 * and at end + retention it vanishes, as TimeBeforeRemoval promises. The
 * model is brought up to date lazily whenever a request arrives
 * (jobs_tick under the model lock), but every change is stamped with the
 * time it was due, never with the time somebody looked, so an unpolled
 * job ends and vanishes on schedule. The method's effect (new snapshot,
 * apply, delete, state change) happens at the end, which is when a real
 * host makes the result visible (the Create row of Msvm_AffectedJobElement
 * appears only then). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util/grow.h"
#include "util/strutil.h"

/* by enum job_kind; JK_STATE's depends on the state. [DOC] 70-73 and
 * 200; [INF] 13 for a guest shutdown, 201 for DestroyReferencePoint */
static const int job_types[] = { 70, 71, 72, 72, 0, 13, 73, 200, 201 };

int jobs_transition(const sim_model *m, const sim_vm *vm, int want)
{
	switch (want) {
	case 2:
		if (vm->state == VM_PAUSED)
			return VM_RESUMING;
		return m->v1_transitions ? 32770 : VM_STARTING;
	case 3:
		return m->v1_transitions ? 32774 : VM_STOPPING;
	case 6:
		return VM_SAVING;
	case 9:
		return VM_PAUSING;
	}
	return 0;
}

sim_job *jobs_start(sim_model *m, enum job_kind kind, const char *vm_id,
                    const char *snap_id, int arg)
{
	sim_job *j;
	sim_vm *vm = model_vm(m, vm_id);
	sim_job *nj = hvs_grow_for(m->jobs, m->njobs, sizeof(sim_job));
	if (!nj)
		abort();
	m->jobs = nj;
	j = &m->jobs[m->njobs++];
	memset(j, 0, sizeof(*j));
	guid_upper(j->id);
	j->kind = kind;
	j->job_type = job_types[kind];
	if (kind == JK_STATE)
		j->job_type = arg == 2 ? 12 : arg == 6 ? 14 : 13;
	hvs_str_copy(j->vm_id, sizeof(j->vm_id), vm_id);
	if (kind == JK_CREATE)
		guid_upper(j->snap_id); /* the snapshot-to-be */
	else if (kind == JK_DESTROY_REFPOINT)
		hvs_str_copy(j->snap_id, sizeof(j->snap_id), snap_id);
	else
		hvs_str_copy(j->snap_id, sizeof(j->snap_id), snap_id ? snap_id : "");
	j->arg = arg;
	j->submitted_ms = now_ms();
	j->duration_ms = m->job_duration_ms;
	j->ended_ms = -1;
	j->state = JS_NEW;
	j->cancellable = kind == JK_CREATE;
	outcome_copy(&j->outcome, vm && vm->has_outcome ? &vm->outcome
	                                                 : &m->job_outcome);
	if (vm) {
		static const int busy[] = { 32768, 32769, 32770, 32770, 0, 0,
		                            0, 0, 0 };
		vm->busy = busy[kind];
		if (kind == JK_STATE || kind == JK_SHUTDOWN)
			vm->transition = jobs_transition(m, vm, kind == JK_STATE
			                                        ? arg : 3);
		if (kind == JK_CREATE || kind == JK_CONVERT) {
			/* [REAL] the job's row for the VM itself, ElementEffects 0 */
			sim_epr e;
			epr_init(&e, "Msvm_ComputerSystem");
			epr_add(&e, "CreationClassName", "Msvm_ComputerSystem");
			epr_add(&e, "Name", vm->id);
			model_add_aje(m, j->id, &e, 0);
			epr_clear(&e);
		}
	}
	return j;
}

static int is_descendant(sim_model *m, const char *id, const char *root)
{
	sim_snap *s = model_snap(m, id);
	int guard = 0;
	while (s && guard++ < 10000) {
		if (hvs_str_case_eq(s->id, root))
			return 1;
		s = model_snap(m, s->parent_id);
	}
	return 0;
}

static void set_message(sim_job *j, const char *text)
{
	free(j->error_message);
	j->error_message = hvs_str_dup(text);
}

/* text is "<before>'<name>'<after>" or just before when name is NULL.
 * A failure hvsim decides itself reports its reason both ways: as
 * ErrorDescription and as the Message of the job's Msvm_Error. */
static void fail(sim_job *j, unsigned code, const char *before,
                 const char *name, const char *after)
{
	char tmp[512];
	if (name)
		snprintf(tmp, sizeof(tmp), "%s'%s'%s", before, name, after);
	else
		snprintf(tmp, sizeof(tmp), "%s", before);
	j->state = JS_EXCEPTION;
	j->error_code = code;
	free(j->error_description);
	j->error_description = hvs_str_dup(tmp);
	set_message(j, tmp);
}

/* The scenario's exception outcome. ErrorDescription is the scenario's
 * text, "" or nil as asked, else hvsim's; the Msvm_Error Message is
 * error_message, else whatever text the description has, so GetError
 * always has something to say even when ErrorDescription does not. */
static void fail_as_scenario(sim_job *j, const char *vm_name)
{
	char tmp[512];
	const char *desc = j->outcome.error_description;
	snprintf(tmp, sizeof(tmp), "The operation failed for '%s'.", vm_name);
	if (!j->error_code)
		j->error_code = 32768;
	free(j->error_description);
	j->error_description = desc || j->outcome.description_nil
	                       ? hvs_str_dup(desc) : hvs_str_dup(tmp);
	set_message(j, j->outcome.error_message ? j->outcome.error_message
	               : desc && *desc ? desc : tmp);
}

static void effect_create(sim_model *m, sim_job *j, sim_vm *vm)
{
	sim_snap *s;
	char *name;
	char vm_id[GUID_LEN], parent[GUID_LEN], snap_id[GUID_LEN];
	sim_epr e;
	int standard = vm->user_snapshot_type == UST_STANDARD ||
	               (vm->user_snapshot_type == UST_PRODUCTION &&
	                !vm->guest_vss);
	hvs_str_copy(vm_id, sizeof(vm_id), vm->id);
	hvs_str_copy(parent, sizeof(parent), vm->current);
	hvs_str_copy(snap_id, sizeof(snap_id), j->snap_id);
	name = model_default_snap_name(vm->name, j->submitted_ms);
	s = model_add_snap(m, vm, name, parent, j->submitted_ms);
	free(name);
	hvs_str_copy(s->id, sizeof(s->id), snap_id);
	s->consistency = j->consistency;
	/* a standard full checkpoint of a running VM keeps its memory state;
	 * a disk-only one (3) and a recovery one (32768) never do [INF] */
	s->is_saved = standard && j->arg == 2 &&
	              (vm->state == VM_RUNNING || vm->state == VM_PAUSED ||
	               vm->state == VM_SAVED);
	vm = model_vm(m, vm_id);
	if (j->arg == 32768)
		/* a backup's checkpoint stays out of the user's branch [INF] */
		s->vs_type = hvs_str_dup(SNAP_RECOVERY);
	else
		hvs_str_copy(vm->current, sizeof(vm->current), snap_id);
	class_vssd_epr(&e, snap_id);
	model_add_aje(m, j->id, &e, 5); /* Create */
	epr_clear(&e);
}

static void effect_destroy(sim_model *m, sim_job *j, sim_vm *vm, int tree)
{
	sim_snap *s = model_snap(m, j->snap_id);
	char parent[GUID_LEN];
	size_t i;
	if (!s)
		return;
	hvs_str_copy(parent, sizeof(parent), s->parent_id);
	if (tree) {
		if (vm->current[0] && is_descendant(m, vm->current, j->snap_id))
			hvs_str_copy(vm->current, sizeof(vm->current), parent);
		for (i = 0; i < m->nsnaps;) {
			if (is_descendant(m, m->snaps[i].id, j->snap_id) &&
			    !hvs_str_case_eq(m->snaps[i].id, j->snap_id)) {
				model_remove_snap(m, m->snaps[i].id);
				i = 0;
			} else {
				i++;
			}
		}
	} else {
		/* children are re-parented onto the deleted one's parent */
		for (i = 0; i < m->nsnaps; i++)
			if (hvs_str_case_eq(m->snaps[i].parent_id, j->snap_id))
				hvs_str_copy(m->snaps[i].parent_id,
				         sizeof(m->snaps[i].parent_id), parent);
		if (hvs_str_case_eq(vm->current, j->snap_id))
			hvs_str_copy(vm->current, sizeof(vm->current), parent);
	}
	model_remove_snap(m, j->snap_id);
}

/* ConvertToReferencePoint: the recovery snapshot goes, a reference point
 * takes its place and is the job's Create row, like a new snapshot. */
static void effect_convert(sim_model *m, sim_job *j, sim_vm *vm)
{
	sim_snap *s = model_snap(m, j->snap_id);
	sim_refpoint *rp;
	sim_epr e;
	int consistency = s && s->consistency == 2 ? 2 : 1;
	if (!s)
		return;
	effect_destroy(m, j, vm, 0);
	rp = model_add_refpoint(m, j->vm_id);
	rp->consistency = consistency;
	rp->created_ms = j->submitted_ms;
	class_refpoint_epr(&e, rp);
	model_add_aje(m, j->id, &e, 5);
	epr_clear(&e);
}

/* at is the moment the job was due to end, which may be well before the
 * request that brought the model up to date. */
static void finish(sim_model *m, sim_job *j, long long at)
{
	sim_vm *vm = model_vm(m, j->vm_id);
	j->ended_ms = at;
	j->pct = 100;
	j->state = j->outcome.state;
	j->error_code = j->outcome.error_code;
	free(j->error_description);
	j->error_description = hvs_str_dup(j->outcome.error_description);
	if (!vm) {
		fail(j, 32768, "The virtual machine no longer exists.", NULL, NULL);
		return;
	}
	vm->busy = 0;
	vm->transition = 0;
	if (j->state == JS_EXCEPTION) {
		fail_as_scenario(j, vm->name);
		return;
	}
	switch (j->kind) {
	case JK_CREATE:
		if (vm->user_snapshot_type == UST_DISABLED) {
			fail(j, 32768, "Checkpoints are disabled for ",
			     vm->name, ".");
			return;
		}
		if (vm->user_snapshot_type == UST_PRODUCTION_ONLY &&
		    !vm->guest_vss) {
			fail(j, 32768, "Production checkpoints cannot be "
			     "created for ", vm->name, ".");
			return;
		}
		effect_create(m, j, vm);
		break;
	case JK_APPLY: {
		sim_snap *s = model_snap(m, j->snap_id);
		if (!s) {
			fail(j, 32768, "The checkpoint no longer exists.", NULL, NULL);
			return;
		}
		hvs_str_copy(vm->current, sizeof(vm->current), s->id);
		hvs_str_copy(vm->last_applied, sizeof(vm->last_applied), s->id);
		/* standard checkpoints return to saved, production to off */
		vm->state = s->is_saved ? VM_SAVED : VM_OFF;
		vm->state_ms = at;
		break;
	}
	case JK_CLEAR_STATE: {
		sim_snap *s = model_snap(m, j->snap_id);
		if (!s) {
			fail(j, 32768, "The checkpoint no longer exists.", NULL, NULL);
			return;
		}
		s->is_saved = 0;
		break;
	}
	case JK_CONVERT:
		if (!model_snap(m, j->snap_id)) {
			fail(j, 32768, "The checkpoint no longer exists.", NULL, NULL);
			return;
		}
		effect_convert(m, j, vm);
		break;
	case JK_DESTROY_REFPOINT:
		model_remove_refpoint(m, j->snap_id);
		break;
	case JK_SHUTDOWN:
		vm->state = VM_OFF;
		vm->state_ms = at;
		break;
	case JK_DESTROY:
	case JK_DESTROY_TREE:
		effect_destroy(m, j, vm, j->kind == JK_DESTROY_TREE);
		break;
	case JK_STATE:
		/* the guest boots when started from Off, and its integration
		 * services reconnect when restored from Saved: either way the
		 * heartbeat answers boot_ms later; a resumed guest never
		 * stopped [INF] */
		if (j->arg == 2 && vm->state != VM_PAUSED)
			vm->ready_ms = at + vm->boot_ms;
		vm->state = j->arg == 2 ? VM_RUNNING : j->arg == 6 ? VM_SAVED
		          : j->arg == 9 ? VM_PAUSED : VM_OFF;
		vm->state_ms = at;
		break;
	}
}

static void purge_ajes(sim_model *m, const char *job_id)
{
	size_t i = 0;
	while (i < m->najes) {
		if (hvs_str_case_eq(m->ajes[i].job_id, job_id)) {
			epr_clear(&m->ajes[i].element);
			memmove(&m->ajes[i], &m->ajes[i + 1],
			        (m->najes - i - 1) * sizeof(sim_aje));
			m->najes--;
		} else {
			i++;
		}
	}
}

void jobs_tick(sim_model *m, long long now)
{
	size_t i;
	/* First every job that is due ends, earliest first and each at its
	 * own end time: effects then stack up in the order they would have
	 * on a host that was watching (a delete due before a create sees the
	 * tree without the new snapshot). finish sets ended_ms, so no job
	 * can end, or create its snapshot, twice. */
	for (;;) {
		sim_job *next = NULL;
		for (i = 0; i < m->njobs; i++) {
			sim_job *j = &m->jobs[i];
			if (j->ended_ms >= 0 || jobs_due(j) < 0 || jobs_due(j) > now)
				continue;
			if (!next || jobs_due(j) < jobs_due(next))
				next = j;
		}
		if (!next)
			break;
		finish(m, next, jobs_due(next));
	}
	i = 0;
	while (i < m->njobs) {
		sim_job *j = &m->jobs[i];
		long long el = now - j->submitted_ms;
		if (j->ended_ms >= 0) {
			/* retention counts from the end, even one just applied */
			if (now - j->ended_ms >= m->job_retention_ms) {
				purge_ajes(m, j->id);
				outcome_free(&j->outcome);
				free(j->error_description);
				free(j->error_message);
				memmove(j, j + 1,
				        (m->njobs - i - 1) * sizeof(sim_job));
				m->njobs--;
				continue;
			}
		} else if (j->outcome.state == 0) {
			/* injected: a job that never ends creeps towards 99 % */
			j->state = JS_RUNNING;
			j->pct = el > 0 ? (unsigned)(99 - 99 * 1000 / (el + 1000))
			                : 0;
		} else if (el < j->duration_ms / 10) {
			j->state = JS_NEW;
			j->pct = 0;
		} else {
			j->state = JS_RUNNING;
			j->pct = (unsigned)(el * 100 / (j->duration_ms ? j->duration_ms
			                                               : 1));
			if (j->pct > 99)
				j->pct = 99;
		}
		i++;
	}
}

unsigned jobs_request_state(sim_model *m, sim_job *j, unsigned requested)
{
	sim_vm *vm;
	if (requested != 4 && requested != 5)
		return 5; /* Invalid Parameter: only Terminate/Kill make sense */
	if (j->ended_ms >= 0 || !j->cancellable)
		return 4097; /* Invalid State Transition */
	j->state = requested == 4 ? JS_TERMINATED : JS_KILLED;
	j->ended_ms = now_ms();
	j->error_code = 32768;
	free(j->error_description);
	j->error_description = hvs_str_dup("The operation was cancelled.");
	set_message(j, j->error_description);
	vm = model_vm(m, j->vm_id);
	if (vm) {
		vm->busy = 0;
		vm->transition = 0;
	}
	return 0;
}
