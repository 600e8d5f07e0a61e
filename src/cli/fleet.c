/* Fleet mode (CLI.md): one command over many VMs on many hosts. One
 * session (one connection, one authentication) per host; --parallel hosts
 * at once, each in its own worker thread (a session belongs to one thread,
 * docs/threading.md). On a host, the method requests go out up to
 * --per-host at once without waiting, then every running job of the host
 * is followed with one query per poll (hvsnap_job_poll), and a finished
 * create becomes its checkpoint (hvsnap_snapshot_from_job). A host that
 * fails fails its own targets only. SIGINT/SIGTERM interrupt every session:
 * no new request leaves, replies already on their way are read, and each
 * job still running is printed with its id. */
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>

#include "cli/fleet.h"
#include "cli/output.h"

#define DEFAULT_PARALLEL 32
#define DEFAULT_PER_HOST 8
#define CREATE_TIMEOUT_S 1800L
#define POWER_TIMEOUT_S 300L
/* Polls start fast (a checkpoint often takes a second or two); then the
 * jobs' percent complete says when the first should end and the next poll
 * goes then (at most a second later); without a percent they back off.
 * So a host is not asked more than it must, and an end is seen soon. */
#define POLL_FIRST_MS 100u
#define POLL_FAST_MAX_MS 250u
#define POLL_SLOW_MAX_MS 1000u
#define POLL_FAST_FOR_MS 10000u
#define POLL_FAILURES_TOLERATED 3
#define POLL_MARGIN_MS 30u

typedef enum fleet_verb {
	V_VMS, V_LIST, V_CREATE, V_DELETE, V_APPLY, V_RESET, V_START, V_STOP, V_SAVE
} fleet_verb;

/* One VM of a host and what became of it. */
typedef struct target {
	hvsnap_vm *vm;           /* NULL: the name matched nothing here */
	const char *label;       /* the name as given, when vm is NULL */
	char *owned_label;       /* label, when this target owns it */
	hvsnap_error find_err;   /* why vm is NULL */
	hvsnap_snapshot *snap;   /* delete/apply/reset: the one found; create: made */
	hvsnap_job *job;         /* the job running, or as last seen */
	uint64_t started_ms;     /* when its method request left */
	int state;               /* 0 pending, 1 running, 2 done */
} target;

typedef struct run {
	const cli_options *o;
	fleet_verb verb;
	fleet_plan *plan;
	atomic_size_t next_host;
	atomic_int interrupted;
	unsigned per_host;
	uint32_t timeout_ms;
} run;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void set_err(hvsnap_error *err, hvsnap_status kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_err(hvsnap_error *err, hvsnap_status kind, const char *fmt, ...)
{
	va_list ap;
	hvsnap_error_clear(err);
	err->kind = kind;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

static int parse_verb(const char *command, fleet_verb *v)
{
	static const struct { const char *name; fleet_verb v; } verbs[] = {
		{ "vms", V_VMS }, { "list", V_LIST }, { "create", V_CREATE },
		{ "delete", V_DELETE }, { "apply", V_APPLY }, { "reset", V_RESET },
		{ "start", V_START }, { "stop", V_STOP }, { "save", V_SAVE },
	};
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(command, verbs[i].name) == 0) {
			*v = verbs[i].v;
			return 0;
		}
	return -1;
}

int cli_fleet_mode(const cli_options *o)
{
	return o->fleet;
}

/* --- output of one target ------------------------------------------------ */

static json_t *snapshot_json(const hvsnap_snapshot *snap, const char *name)
{
	json_t *js = json_snapshot(snap);
	json_object_del(js, "current");
	if (name) /* renamed after it was read (create --name) */
		json_object_set_new(js, "name", json_str_or_null(name));
	return js;
}

static void emit(const run *r, const fleet_host *h, target *t, const hvsnap_error *err)
{
	json_t *f = json_object();
	char text[600] = "";
	const char *snap_name = r->verb == V_CREATE && r->o->name ? r->o->name : NULL;
	if (t->snap)
		json_object_set_new(f, "snapshot", snapshot_json(t->snap, snap_name));
	/* a job seen by a batch poll has no wait of its own: its time is
	 * the client's, from the request that started it */
	uint64_t elapsed = t->started_ms ? now_ms() - t->started_ms : 0;
	if (t->job) {
		json_t *jj = json_job(t->job);
		json_object_set_new(jj, "elapsed_ms", json_integer((json_int_t)elapsed));
		json_object_set_new(f, "job", jj);
	} else if (t->vm && (r->verb == V_CREATE || r->verb == V_DELETE || r->verb == V_APPLY ||
	                   r->verb == V_START || r->verb == V_STOP || r->verb == V_SAVE))
		json_object_set_new(f, "job", json_null());
	if (!err) {
		double secs = (double)elapsed / 1000.0;
		const char *sn = snap_name ? snap_name : t->snap ? hvsnap_snapshot_name(t->snap) : "";
		switch (r->verb) {
		case V_CREATE:
			snprintf(text, sizeof(text), "checkpoint \"%s\" %s", sn,
			         hvsnap_snapshot_id(t->snap) ? hvsnap_snapshot_id(t->snap) : "");
			break;
		case V_DELETE:
			snprintf(text, sizeof(text), "deleted \"%s\"", sn);
			break;
		case V_APPLY:
			snprintf(text, sizeof(text), "applied \"%s\"", sn);
			break;
		case V_RESET:
			snprintf(text, sizeof(text), "reset to \"%s\", now %s", sn,
			         hvsnap_vm_state_text(hvsnap_vm_state_code(t->vm)));
			break;
		case V_VMS:
			snprintf(text, sizeof(text), "%s %s", hvsnap_vm_id(t->vm),
			         hvsnap_vm_state_text(hvsnap_vm_state_code(t->vm)));
			break;
		default:
			snprintf(text, sizeof(text), "%s", r->o->command);
			break;
		}
		if (t->job && r->verb != V_VMS && r->verb != V_LIST)
			snprintf(text + strlen(text), sizeof(text) - strlen(text), " (%.1f s)", secs);
	}
	if (r->verb == V_VMS && t->vm)
		json_object_set_new(f, "vm", json_vm(t->vm));
	fleet_out_target(h->name, t->vm, t->label, f, err, text);
	t->state = 2;
}

/* list: the VM's snapshots as a JSON array, and a text summary. */
static void emit_list(const run *r, const fleet_host *h, target *t,
                      const hvsnap_snapshot_list *list)
{
	json_t *f = json_object(), *arr = json_array();
	size_t n = hvsnap_snapshot_list_count(list), shown = 0;
	const char *current = NULL;
	for (size_t i = 0; i < n; i++) {
		const hvsnap_snapshot *s = hvsnap_snapshot_list_at(list, i);
		if (hvsnap_snapshot_kind_of(s) == HVSNAP_ROLE_RECOVERY && !r->o->include_recovery)
			continue;
		json_array_append_new(arr, json_snapshot(s));
		shown++;
		if (hvsnap_snapshot_is_current(s))
			current = hvsnap_snapshot_name(s);
	}
	json_object_set_new(f, "snapshots", arr);
	char text[400];
	snprintf(text, sizeof(text), "%zu checkpoint%s%s%s%s", shown, shown == 1 ? "" : "s",
	         current ? ", current \"" : "", current ? current : "", current ? "\"" : "");
	fleet_out_target(h->name, t->vm, t->label, f, NULL, text);
	t->state = 2;
}

/* --- the job pipeline of one host ---------------------------------------- */

static int nap(hvsnap_session *s, unsigned ms)
{
	while (ms > 0 && !hvsnap_session_interrupted(s)) {
		unsigned slice = ms < 50 ? ms : 50;
		struct timespec ts = { 0, (long)slice * 1000000L };
		nanosleep(&ts, NULL);
		ms -= slice;
	}
	return hvsnap_session_interrupted(s);
}

/* Sends t's method request without waiting. HVSNAP_OK with t->job set
 * (or NULL: done at once). */
static hvsnap_status start_one(const run *r, hvsnap_session *s, target *t, hvsnap_error *err)
{
	hvsnap_wait_options w = HVSNAP_WAIT_OPTIONS_INIT;
	w.no_wait = 1;
	switch (r->verb) {
	case V_CREATE: {
		hvsnap_create_options co = HVSNAP_CREATE_OPTIONS_INIT;
		co.wait.no_wait = 1;
		if (r->o->kind)
			co.kind = strcmp(r->o->kind, "disk") == 0 ? HVSNAP_SNAPSHOT_DISK
			        : strcmp(r->o->kind, "recovery") == 0 ? HVSNAP_SNAPSHOT_RECOVERY
			        : HVSNAP_SNAPSHOT_FULL;
		if (r->o->consistency)
			co.consistency = strcmp(r->o->consistency, "crash") == 0
			                 ? HVSNAP_CONSISTENCY_CRASH : HVSNAP_CONSISTENCY_APPLICATION;
		if (r->o->guest_backup_type)
			co.guest_backup_type = strcmp(r->o->guest_backup_type, "copy") == 0
			                       ? HVSNAP_GUEST_BACKUP_COPY : HVSNAP_GUEST_BACKUP_FULL;
		co.ignore_non_snapshottable_disks = r->o->ignore_nonsnap;
		hvsnap_snapshot *ignored = NULL;
		hvsnap_status st = hvsnap_snapshot_create(s, t->vm, &co, &ignored, &t->job, err);
		hvsnap_snapshot_free(ignored);
		return st;
	}
	case V_DELETE:
	case V_APPLY: {
		hvsnap_status st = hvsnap_snapshot_find(s, t->vm, r->plan->snapshot, &t->snap, err);
		if (st == HVSNAP_OK && r->verb == V_APPLY)
			st = hvsnap_snapshot_check_target(t->snap, r->plan->snapshot, r->o->force, err);
		if (st != HVSNAP_OK) {
			hvsnap_snapshot_free(t->snap);
			t->snap = NULL;
			return st;
		}
		return r->verb == V_DELETE
		       ? hvsnap_snapshot_delete(s, t->snap, r->o->tree, &w, &t->job, err)
		       : hvsnap_snapshot_apply(s, t->snap, &w, &t->job, err);
	}
	case V_START:
		return hvsnap_vm_change_state(s, t->vm, HVSNAP_POWER_START, &w, &t->job, err);
	case V_SAVE:
		return hvsnap_vm_change_state(s, t->vm, HVSNAP_POWER_SAVE, &w, &t->job, err);
	case V_STOP:
		return hvsnap_vm_change_state(s, t->vm, HVSNAP_POWER_TURN_OFF, &w, &t->job, err);
	default:
		set_err(err, HVSNAP_ERR_INTERNAL, "not a job command");
		return HVSNAP_ERR_INTERNAL;
	}
}

/* A job of t ended: its outcome, and for a create the checkpoint. */
static hvsnap_status job_ended(const run *r, hvsnap_session *s, target *t,
                               hvsnap_error *err)
{
	uint32_t state = hvsnap_job_state_code(t->job);
	if (state != HVSNAP_JOB_COMPLETED && state != HVSNAP_JOB_COMPLETED_WITH_WARNINGS) {
		hvsnap_error_clear(err);
		err->kind = HVSNAP_ERR_FAILED;
		err->code = hvsnap_job_error_code(t->job);
		const char *why = hvsnap_job_error_description(t->job);
		snprintf(err->message, sizeof(err->message), "the job %s: %s",
		         hvsnap_job_state_text(state), why ? why : "no reason given");
		snprintf(err->job_id, sizeof(err->job_id), "%s",
		         hvsnap_job_id(t->job) ? hvsnap_job_id(t->job) : "");
		return HVSNAP_ERR_FAILED;
	}
	if (r->verb != V_CREATE)
		return HVSNAP_OK;
	hvsnap_status st = hvsnap_snapshot_from_job(s, t->job, &t->snap, err);
	if (st == HVSNAP_OK && r->o->name) {
		hvsnap_wait_options w = HVSNAP_WAIT_OPTIONS_INIT;
		w.timeout_ms = r->timeout_ms;
		st = hvsnap_snapshot_rename(s, t->snap, r->o->name, &w, err);
		if (st != HVSNAP_OK)
			snprintf(err->message + strlen(err->message),
			         sizeof(err->message) - strlen(err->message),
			         " (the checkpoint %s was made, but not renamed)",
			         hvsnap_snapshot_id(t->snap) ? hvsnap_snapshot_id(t->snap) : "");
	}
	return st;
}

/* A job stopped being followed (interrupt, deadline, poll failure): it
 * goes on on the host, so its id goes out with the error. */
static void emit_unfinished(const run *r, const fleet_host *h, target *t,
                            hvsnap_status kind, const char *why)
{
	hvsnap_error err;
	set_err(&err, kind, "%s", why);
	if (t->job && hvsnap_job_id(t->job)) {
		snprintf(err.job_id, sizeof(err.job_id), "%s", hvsnap_job_id(t->job));
		snprintf(err.message + strlen(err.message), sizeof(err.message) - strlen(err.message),
		         "; the job goes on on the host: hvsnap job %s --wait", hvsnap_job_id(t->job));
		if (!r->o->json)
			fprintf(stderr, "hvsnap: %s %s: job %s still running\n", cli_safe(h->name),
			        cli_safe(t->vm ? hvsnap_vm_name(t->vm) : t->label),
			        cli_safe(hvsnap_job_id(t->job)));
	}
	emit(r, h, t, &err);
}

static void run_jobs(run *r, fleet_host *h, hvsnap_session *s, target *ts, size_t n)
{
	const char **ids = calloc(n ? n : 1, sizeof(*ids));
	size_t *slot = calloc(n ? n : 1, sizeof(*slot));
	size_t next = 0, running = 0;
	unsigned delay = POLL_FIRST_MS, poll_failures = 0;
	uint64_t first_start = 0;
	hvsnap_error err;
	if (!ids || !slot) {
		set_err(&err, HVSNAP_ERR_NOMEM, "out of memory");
		for (size_t i = 0; i < n; i++)
			if (ts[i].state == 0)
				emit(r, h, &ts[i], &err);
		free(ids);
		free(slot);
		return;
	}
	for (;;) {
		/* send what the per-host limit allows */
		while (running < r->per_host && next < n && !hvsnap_session_interrupted(s)) {
			target *t = &ts[next++];
			if (t->state != 0)
				continue;
			t->started_ms = now_ms();
			if (!first_start)
				first_start = t->started_ms;
			hvsnap_status st = start_one(r, s, t, &err);
			if (st == HVSNAP_ERR_CANCELLED && !t->job && !err.job_id[0]) {
				next--; /* never sent: reported below as not started */
				break;
			}
			/* a request that left and was then interrupted names its
			 * job in err (job_id), which the line carries */
			if (st != HVSNAP_OK) {
				emit(r, h, t, &err);
				continue;
			}
			if (!t->job || hvsnap_job_state_is_final(hvsnap_job_state_code(t->job))) {
				st = t->job ? job_ended(r, s, t, &err) : HVSNAP_OK;
				emit(r, h, t, st == HVSNAP_OK ? NULL : &err);
				continue;
			}
			t->state = 1;
			running++;
			fleet_out_running(1);
			delay = POLL_FIRST_MS;
		}
		if (running == 0 && (next >= n || hvsnap_session_interrupted(s)))
			break;
		if (running == 0)
			continue;
		if (nap(s, delay))
			break;
		uint64_t now = now_ms();
		unsigned cap = now - first_start < POLL_FAST_FOR_MS ? POLL_FAST_MAX_MS : POLL_SLOW_MAX_MS;
		delay = delay * 2 > cap ? cap : delay * 2;

		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (ts[i].state == 1) {
				slot[k] = i;
				ids[k++] = hvsnap_job_id(ts[i].job);
			}
		hvsnap_job_list *seen = NULL;
		hvsnap_status st = hvsnap_job_poll(s, ids, k, &seen, &err);
		if (st == HVSNAP_ERR_CANCELLED)
			break;
		if (st != HVSNAP_OK) {
			if (++poll_failures < POLL_FAILURES_TOLERATED)
				continue;
			for (size_t j = 0; j < k; j++) {
				target *t = &ts[slot[j]];
				emit_unfinished(r, h, t, st, err.message);
				running--;
				fleet_out_running(-1);
			}
			break;
		}
		poll_failures = 0;
		uint64_t soonest = UINT64_MAX;
		for (size_t j = 0; j < k; j++) {
			target *t = &ts[slot[j]];
			const hvsnap_job *job = hvsnap_job_list_find(seen, ids[j]);
			if (job) {
				/* a job's percent tells when it should end: the next
				 * poll goes then, not on a blind schedule */
				uint32_t pct = hvsnap_job_percent(job);
				uint64_t ran = now - t->started_ms;
				if (pct > 0 && pct < 100 && ran * (100 - pct) / pct < soonest)
					soonest = ran * (100 - pct) / pct;
			}
			if (!job) {
				running--;
				fleet_out_running(-1);
				emit_unfinished(r, h, t, HVSNAP_ERR_PROTOCOL,
				                "the host no longer knows the job");
				continue;
			}
			int final = hvsnap_job_state_is_final(hvsnap_job_state_code(job));
			if (!final && now - t->started_ms <= r->timeout_ms)
				continue;
			hvsnap_job *copy = hvsnap_job_dup(job);
			if (copy) {
				hvsnap_job_free(t->job);
				t->job = copy;
			}
			running--;
			fleet_out_running(-1);
			if (!final) {
				emit_unfinished(r, h, t, HVSNAP_ERR_TIMEOUT, "timed out waiting for the job");
				continue;
			}
			hvsnap_status est = job_ended(r, s, t, &err);
			emit(r, h, t, est == HVSNAP_OK ? NULL : &err);
		}
		hvsnap_job_list_free(seen);
		if (soonest != UINT64_MAX)
			delay = soonest + POLL_MARGIN_MS < POLL_FIRST_MS ? POLL_FIRST_MS
			      : soonest + POLL_MARGIN_MS > POLL_SLOW_MAX_MS ? POLL_SLOW_MAX_MS
			      : (unsigned)(soonest + POLL_MARGIN_MS);
	}
	/* interrupted: what runs is printed with its job id, what never left
	 * is said so */
	for (size_t i = 0; i < n; i++) {
		target *t = &ts[i];
		if (t->state == 1) {
			fleet_out_running(-1);
			emit_unfinished(r, h, t, HVSNAP_ERR_CANCELLED, "interrupted");
		} else if (t->state == 0) {
			emit_unfinished(r, h, t, HVSNAP_ERR_CANCELLED, "interrupted: not started");
		}
	}
	free(ids);
	free(slot);
}

/* Commands that are not one job per VM go one VM after the other. */
static void run_each(run *r, fleet_host *h, hvsnap_session *s, target *ts, size_t n)
{
	hvsnap_error err;
	for (size_t i = 0; i < n; i++) {
		target *t = &ts[i];
		if (t->state != 0)
			continue;
		if (hvsnap_session_interrupted(s)) {
			emit_unfinished(r, h, t, HVSNAP_ERR_CANCELLED, "interrupted: not started");
			continue;
		}
		hvsnap_status st = HVSNAP_OK;
		if (r->verb == V_VMS) {
			emit(r, h, t, NULL);
			continue;
		}
		if (r->verb == V_LIST) {
			hvsnap_snapshot_list *list = NULL;
			st = hvsnap_snapshot_list_get(s, t->vm, &list, &err);
			if (st == HVSNAP_OK)
				emit_list(r, h, t, list);
			else
				emit(r, h, t, &err);
			hvsnap_snapshot_list_free(list);
			continue;
		}
		if (r->verb == V_STOP) { /* graceful: through the guest */
			hvsnap_shutdown_options so = HVSNAP_SHUTDOWN_OPTIONS_INIT;
			so.force = r->o->force;
			so.wait.timeout_ms = r->timeout_ms;
			st = hvsnap_vm_shutdown(s, t->vm, &so, &err);
			emit(r, h, t, st == HVSNAP_OK ? NULL : &err);
			continue;
		}
		/* reset */
		st = hvsnap_snapshot_find(s, t->vm, r->plan->snapshot, &t->snap, &err);
		if (st == HVSNAP_OK)
			st = hvsnap_snapshot_check_target(t->snap, r->plan->snapshot, r->o->force, &err);
		if (st == HVSNAP_OK) {
			hvsnap_reset_options ro = HVSNAP_RESET_OPTIONS_INIT;
			ro.no_start = r->o->no_start;
			ro.wait_ready = r->o->wait_ready;
			ro.wait_ip = r->o->wait_ip;
			ro.timeout_ms = r->timeout_ms;
			st = hvsnap_vm_reset(s, t->vm, t->snap, &ro, NULL, &err);
		}
		emit(r, h, t, st == HVSNAP_OK ? NULL : &err);
	}
}

/* --- one host -------------------------------------------------------------- */

/* Every item of h->vms that names nothing here (or a glob that matches
 * nothing) fails with 'not found'; a name is matched once even when two
 * items name it. */
static target *resolve_targets(const run *r, fleet_host *h, const hvsnap_vm_list *vms,
                               size_t *n_out)
{
	size_t n_vms = hvsnap_vm_list_count(vms), n = 0, cap = n_vms + 8;
	target *ts = calloc(cap, sizeof(*ts));
	char *copy = strdup(h->vms);
	char *used = calloc(n_vms ? n_vms : 1, 1);
	if (!ts || !copy || !used) {
		free(ts);
		free(copy);
		free(used);
		return NULL;
	}
	for (char *save = NULL, *item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		while (*item == ' ')
			item++;
		size_t len = strlen(item);
		while (len && item[len - 1] == ' ')
			item[--len] = '\0';
		if (!*item)
			continue;
		size_t hits = 0;
		for (size_t i = 0; i < n_vms; i++) {
			const hvsnap_vm *vm = hvsnap_vm_list_at(vms, i);
			if (!fleet_vm_matches(item, hvsnap_vm_name(vm), hvsnap_vm_id(vm)))
				continue;
			hits++;
			if (used[i])
				continue;
			used[i] = 1;
			if (n == cap) {
				target *g = realloc(ts, (cap *= 2) * sizeof(*ts));
				if (!g)
					break;
				ts = g;
			}
			memset(&ts[n], 0, sizeof(ts[n]));
			ts[n++].vm = hvsnap_vm_dup(vm);
		}
		if (hits == 0 && !fleet_is_glob(item)) {
			if (n == cap) {
				target *g = realloc(ts, (cap *= 2) * sizeof(*ts));
				if (!g)
					break;
				ts = g;
			}
			memset(&ts[n], 0, sizeof(ts[n]));
			ts[n].label = ts[n].owned_label = strdup(item);
			set_err(&ts[n].find_err, HVSNAP_ERR_NOT_FOUND, "no VM '%s' on this host", item);
			n++;
		} else if (hits == 0 && !r->o->json) {
			fprintf(stderr, "hvsnap: %s: no VM matches '%s'\n", cli_safe(h->name),
			        cli_safe(item));
		}
	}
	free(copy);
	free(used);
	*n_out = n;
	return ts;
}

/* Fails every target of a host that could not be reached: one line per
 * VM item of the host (the VMs themselves are unknown). */
static void fail_host(const run *r, fleet_host *h, const hvsnap_error *err)
{
	char *copy = strdup(h->vms);
	if (!copy)
		return;
	for (char *save = NULL, *item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		while (*item == ' ')
			item++;
		if (!*item)
			continue;
		target t;
		memset(&t, 0, sizeof(t));
		t.label = item;
		emit(r, h, &t, err);
	}
	free(copy);
}

static void run_host(run *r, fleet_host *h)
{
	hvsnap_error err;
	if (h->setup_failed) {
		fail_host(r, h, &h->setup_err);
		return;
	}
	if (atomic_load(&r->interrupted) || cli_signal_received()) {
		set_err(&err, HVSNAP_ERR_CANCELLED, "interrupted: not started");
		fail_host(r, h, &err);
		return;
	}
	hvsnap_session_options so;
	cli_session_options(&h->o, &so);
	so.password = h->password;
	if (!h->password && so.auth != HVSNAP_AUTH_CERTIFICATE && !h->o.user &&
	    so.auth != HVSNAP_AUTH_KERBEROS && so.auth != HVSNAP_AUTH_NEGOTIATE)
		so.auth = HVSNAP_AUTH_NONE;
	hvsnap_session *s = NULL;
	if (hvsnap_session_new(&s, &so, &err) != HVSNAP_OK) {
		fail_host(r, h, &err);
		return;
	}
	h->session = s;
	cli_signals_watch(s);
	hvsnap_vm_list *vms = NULL;
	if (hvsnap_vm_list_get(s, &vms, &err) != HVSNAP_OK) {
		fail_host(r, h, &err);
		return;
	}
	size_t n = 0;
	target *ts = resolve_targets(r, h, vms, &n);
	hvsnap_vm_list_free(vms);
	if (!ts) {
		set_err(&err, HVSNAP_ERR_NOMEM, "out of memory");
		fail_host(r, h, &err);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (!ts[i].vm)
			emit(r, h, &ts[i], &ts[i].find_err);
	if (r->verb == V_VMS || r->verb == V_LIST || r->verb == V_RESET ||
	    (r->verb == V_STOP && !r->o->turn_off))
		run_each(r, h, s, ts, n);
	else
		run_jobs(r, h, s, ts, n);
	for (size_t i = 0; i < n; i++) {
		hvsnap_vm_free(ts[i].vm);
		hvsnap_snapshot_free(ts[i].snap);
		hvsnap_job_free(ts[i].job);
		free(ts[i].owned_label);
	}
	free(ts);
}

static void *worker(void *arg)
{
	run *r = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&r->next_host, 1);
		if (i >= r->plan->n_hosts)
			break;
		run_host(r, &r->plan->hosts[i]);
	}
	return NULL;
}

/* --- passwords, read once before the threads start ------------------------ */

static int needs_password(const cli_options *o)
{
	if (o->auth == HVSNAP_AUTH_CERTIFICATE)
		return 0;
	if (!o->user && (o->auth == HVSNAP_AUTH_NEGOTIATE || o->auth == HVSNAP_AUTH_KERBEROS))
		return 0; /* Kerberos from the ticket cache */
	return 1;
}

static void resolve_passwords(const cli_options *o, fleet_plan *plan)
{
	char *shared = NULL;
	int shared_tried = 0;
	hvsnap_error shared_err;
	hvsnap_error_clear(&shared_err);
	for (size_t i = 0; i < plan->n_hosts; i++) {
		fleet_host *h = &plan->hosts[i];
		if (!needs_password(&h->o) && !h->password_env && !h->o.password_file)
			continue;
		if (h->password_env) {
			const char *v = getenv(h->password_env);
			if (!v || !*v) {
				h->setup_failed = 1;
				set_err(&h->setup_err, HVSNAP_ERR_USAGE,
				        "password-env %s: the variable is not set", h->password_env);
			} else if (!(h->password = strdup(v))) {
				h->setup_failed = 1;
				set_err(&h->setup_err, HVSNAP_ERR_NOMEM, "out of memory");
			}
			continue;
		}
		if (h->o.password_file && h->o.password_file != o->password_file) {
			h->password = cli_read_password(&h->o, &h->setup_err);
			h->setup_failed = !h->password;
			continue;
		}
		if (!shared_tried) {
			shared_tried = 1;
			shared = cli_read_password(o, &shared_err);
		}
		if (shared) {
			h->password = strdup(shared);
			if (!h->password) {
				h->setup_failed = 1;
				set_err(&h->setup_err, HVSNAP_ERR_NOMEM, "out of memory");
			}
		} else {
			h->setup_failed = 1;
			h->setup_err = shared_err;
		}
	}
	cli_wipe_password(shared);
	/* the environment block is readable in /proc: wipe what was used */
	for (size_t i = 0; i < plan->n_hosts; i++) {
		char *v = plan->hosts[i].password_env ? getenv(plan->hosts[i].password_env) : NULL;
		if (v && *v)
			OPENSSL_cleanse(v, strlen(v));
	}
}

/* --- the run --------------------------------------------------------------- */

static int check_options(const cli_options *o, fleet_verb verb)
{
	if (o->no_wait)
		return cli_report_usage(o, "--no-wait is not available in fleet mode: the "
		                        "jobs are followed together");
	if (verb == V_CREATE && o->type)
		return cli_report_usage(o, "--type is not available in fleet mode (it changes "
		                        "each VM's setting around the checkpoint); set the "
		                        "VMs' checkpoint type with 'hvsnap policy' first");
	if (verb == V_RESET && o->n_args < 1)
		return cli_report_usage(o, "reset needs a SNAPSHOT");
	return EXIT_OK;
}

int cli_run_fleet(const cli_options *o)
{
	run r;
	memset(&r, 0, sizeof(r));
	r.o = o;
	if (parse_verb(o->command, &r.verb) != 0)
		return cli_report_usage(o, "'%s' has no fleet mode", o->command);
	int rc = check_options(o, r.verb);
	if (rc != EXIT_OK)
		return rc;
	fleet_plan plan;
	rc = fleet_plan_build(o, &plan);
	if (rc != EXIT_OK)
		return rc;
	r.plan = &plan;
	r.per_host = o->per_host > 0 ? (unsigned)o->per_host : DEFAULT_PER_HOST;
	long default_s = r.verb == V_CREATE || r.verb == V_DELETE || r.verb == V_APPLY
	                 ? CREATE_TIMEOUT_S : POWER_TIMEOUT_S;
	r.timeout_ms = (uint32_t)((o->wait_timeout_s >= 0 ? o->wait_timeout_s : default_s) * 1000L);
	resolve_passwords(o, &plan);
	fleet_out_init(o, o->command);

	/* signals are handled by this thread only: workers block them, so the
	 * handler never runs while a worker frees something it reads */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	size_t n_threads = (size_t)(o->parallel > 0 ? o->parallel : DEFAULT_PARALLEL);
	if (n_threads > plan.n_hosts)
		n_threads = plan.n_hosts;
	pthread_t *threads = calloc(n_threads, sizeof(*threads));
	size_t started = 0;
	for (size_t i = 0; threads && i < n_threads; i++)
		if (pthread_create(&threads[i], NULL, worker, &r) == 0)
			started++;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (started == 0) /* no thread at all: do the work here */
		worker(&r);
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);

	pthread_sigmask(SIG_BLOCK, &block, NULL);
	for (size_t i = 0; i < plan.n_hosts; i++)
		cli_close_session(plan.hosts[i].session);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	rc = fleet_out_finish(cli_signal_received());
	fleet_plan_free(&plan);
	return rc;
}
