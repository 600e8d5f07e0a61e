/* Storage of the simulated host: VMs, snapshots, jobs, affected-element
 * rows and reference points in flat arrays, looked up by GUID. Arrays move
 * on growth, so callers never keep pointers across an add. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"
#include "util/grow.h"
#include "util/strutil.h"
#include "util/uuid.h"

static void *grow(void *p, size_t n, size_t size)
{
	/* geometric: a scenario may hold tens of thousands of snapshots */
	void *np = hvs_grow_for(p, n, size);
	if (!np)
		abort();
	memset((char *)np + n * size, 0, size);
	return np;
}

long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void guid_upper(char out[GUID_LEN])
{
	size_t i;
	if (hvs_uuid_random(out) != 0)
		abort();
	for (i = 0; out[i]; i++)
		out[i] = (char)toupper((unsigned char)out[i]);
}

sim_model *model_new(void)
{
	sim_model *m = calloc(1, sizeof(*m));
	if (!m)
		abort();
	m->host = hvs_str_dup("HVHOST");
	m->locale = hvs_str_dup("en-US");
	m->boot_ms = now_ms() - 3600 * 1000;
	m->job_duration_ms = 2000;
	m->job_retention_ms = 300000; /* TimeBeforeRemoval: 5 minutes */
	m->job_outcome.state = JS_COMPLETED;
	m->refpoint_type_base = 1; /* the class's numbering: 1 log, 2 RCT */
	return m;
}

void outcome_free(sim_outcome *o)
{
	free(o->error_description);
	o->error_description = NULL;
	free(o->error_message);
	o->error_message = NULL;
}

void outcome_copy(sim_outcome *dst, const sim_outcome *src)
{
	dst->state = src->state;
	dst->error_code = src->error_code;
	dst->error_description = hvs_str_dup(src->error_description);
	dst->description_nil = src->description_nil;
	dst->error_message = hvs_str_dup(src->error_message);
}

void model_free(sim_model *m)
{
	size_t i;
	if (!m)
		return;
	for (i = 0; i < m->nvms; i++) {
		free(m->vms[i].name);
		free(m->vms[i].notes);
		free(m->vms[i].fqdn);
		free(m->vms[i].ipv4);
		free(m->vms[i].ipv6);
		outcome_free(&m->vms[i].outcome);
	}
	for (i = 0; i < m->nsnaps; i++) {
		free(m->snaps[i].name);
		free(m->snaps[i].notes);
		free(m->snaps[i].vs_type);
	}
	for (i = 0; i < m->njobs; i++) {
		outcome_free(&m->jobs[i].outcome);
		free(m->jobs[i].error_description);
		free(m->jobs[i].error_message);
	}
	for (i = 0; i < m->najes; i++)
		epr_clear(&m->ajes[i].element);
	free(m->vms);
	free(m->snaps);
	free(m->jobs);
	free(m->ajes);
	free(m->refpoints);
	outcome_free(&m->job_outcome);
	free(m->host);
	free(m->locale);
	free(m);
}

sim_vm *model_vm(sim_model *m, const char *id)
{
	size_t i;
	for (i = 0; id && i < m->nvms; i++)
		if (hvs_str_case_eq(m->vms[i].id, id))
			return &m->vms[i];
	return NULL;
}

sim_snap *model_snap(sim_model *m, const char *id)
{
	size_t i;
	for (i = 0; id && *id && i < m->nsnaps; i++)
		if (hvs_str_case_eq(m->snaps[i].id, id))
			return &m->snaps[i];
	return NULL;
}

sim_job *model_job(sim_model *m, const char *id)
{
	size_t i;
	for (i = 0; id && i < m->njobs; i++)
		if (hvs_str_case_eq(m->jobs[i].id, id))
			return &m->jobs[i];
	return NULL;
}

sim_vm *model_add_vm(sim_model *m, const char *name)
{
	sim_vm *vm;
	m->vms = grow(m->vms, m->nvms, sizeof(sim_vm));
	vm = &m->vms[m->nvms++];
	guid_upper(vm->id);
	vm->name = hvs_str_dup(name);
	vm->state = VM_OFF;
	vm->user_snapshot_type = UST_PRODUCTION;
	vm->guest_vss = 1;
	vm->installed_ms = m->boot_ms - 86400000LL * 30;
	vm->state_ms = m->boot_ms;
	/* a guest with integration services that booted long ago */
	vm->integration = 1;
	vm->boot_ms = 2000;
	vm->ready_ms = m->boot_ms;
	vm->heartbeat[0] = 2;
	vm->heartbeat[1] = 2;
	vm->nheartbeat = 2;
	{
		/* a link-local address first, as guests with an unused NIC
		 * report it, then a documentation-range one */
		char a[96];
		unsigned n = (unsigned)(m->nvms + 9) % 250;
		snprintf(a, sizeof(a), "169.254.%u.%u;192.0.2.%u", n, n, n);
		vm->ipv4 = hvs_str_dup(a);
		snprintf(a, sizeof(a), "fe80::%x;2001:db8::%x", n, n);
		vm->ipv6 = hvs_str_dup(a);
	}
	return vm;
}

sim_snap *model_add_snap(sim_model *m, sim_vm *vm, const char *name,
                         const char *parent_id, long long created_ms)
{
	sim_snap *s;
	char vm_id[GUID_LEN];
	hvs_str_copy(vm_id, sizeof(vm_id), vm->id); /* vm may live in m->vms */
	m->snaps = grow(m->snaps, m->nsnaps, sizeof(sim_snap));
	s = &m->snaps[m->nsnaps++];
	guid_upper(s->id);
	hvs_str_copy(s->vm_id, sizeof(s->vm_id), vm_id);
	hvs_str_copy(s->parent_id, sizeof(s->parent_id), parent_id ? parent_id : "");
	s->name = hvs_str_dup(name);
	s->created_ms = created_ms;
	s->vm_state = vm->state;
	return s;
}

void model_remove_snap(sim_model *m, const char *id)
{
	size_t i;
	for (i = 0; i < m->nsnaps; i++)
		if (hvs_str_case_eq(m->snaps[i].id, id)) {
			free(m->snaps[i].name);
			free(m->snaps[i].notes);
			free(m->snaps[i].vs_type);
			memmove(&m->snaps[i], &m->snaps[i + 1],
			        (m->nsnaps - i - 1) * sizeof(sim_snap));
			m->nsnaps--;
			break;
		}
	/* the VM forgets a last-applied snapshot that is gone */
	for (i = 0; i < m->nvms; i++)
		if (hvs_str_case_eq(m->vms[i].last_applied, id))
			m->vms[i].last_applied[0] = '\0';
}

const char *model_snap_type(const sim_snap *s)
{
	return s->vs_type ? s->vs_type : SNAP_REALIZED;
}

sim_refpoint *model_refpoint(sim_model *m, const char *id)
{
	size_t i;
	for (i = 0; id && i < m->nrefpoints; i++)
		if (hvs_str_case_eq(m->refpoints[i].id, id))
			return &m->refpoints[i];
	return NULL;
}

sim_refpoint *model_add_refpoint(sim_model *m, const char *vm_id)
{
	sim_refpoint *rp;
	m->refpoints = grow(m->refpoints, m->nrefpoints, sizeof(sim_refpoint));
	rp = &m->refpoints[m->nrefpoints++];
	guid_upper(rp->id);
	hvs_str_copy(rp->vm_id, sizeof(rp->vm_id), vm_id);
	rp->rct = 1;
	rp->consistency = 1;
	rp->created_ms = now_ms();
	return rp;
}

void model_remove_refpoint(sim_model *m, const char *id)
{
	size_t i;
	for (i = 0; i < m->nrefpoints; i++)
		if (hvs_str_case_eq(m->refpoints[i].id, id)) {
			memmove(&m->refpoints[i], &m->refpoints[i + 1],
			        (m->nrefpoints - i - 1) * sizeof(sim_refpoint));
			m->nrefpoints--;
			return;
		}
}

void model_add_aje(sim_model *m, const char *job_id, const sim_epr *e,
                   unsigned effect)
{
	sim_aje *a;
	m->ajes = grow(m->ajes, m->najes, sizeof(sim_aje));
	a = &m->ajes[m->najes++];
	hvs_str_copy(a->job_id, sizeof(a->job_id), job_id);
	epr_copy(&a->element, e);
	a->effect = effect;
}

char *model_default_snap_name(const char *vm, long long ms)
{
	struct tm tm;
	time_t t = (time_t)(ms / 1000);
	char when[64], *out;
	size_t len;
	int h;
	gmtime_r(&t, &tm);
	h = tm.tm_hour % 12;
	snprintf(when, sizeof(when), "%02d/%02d/%04d - %d:%02d:%02d %s",
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_year + 1900, h ? h : 12,
	         tm.tm_min, tm.tm_sec, tm.tm_hour < 12 ? "AM" : "PM");
	len = strlen(vm) + strlen(when) + 8;
	out = malloc(len);
	if (!out)
		abort();
	snprintf(out, len, "%s - (%s)", vm, when);
	return out;
}
