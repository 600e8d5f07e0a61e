/* Scenario files (JSON, documented in docs/hvsim-scenario.md) and the
 * built-in demo host of CLI.md. Loading is strict: an unknown key or a
 * wrong type is an error naming the place, because a silently ignored typo
 * in a test scenario makes a test pass for the wrong reason. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "model.h"
#include "util/strutil.h"

/* VMs one simulated host may have: a real Hyper-V host runs at most 1,024,
 * so twice that covers every realistic test, and keeps a hostile scenario
 * (a "count" of 100,000, whose duplicate checks are linear) from taking
 * minutes to load. */
#define MAX_VMS_PER_HOST 2048

typedef struct loader {
	sim_model *m;
	sim_scenario *sc;
	char err[512];
	int failed;
} loader;

static void lerr(loader *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void lerr(loader *l, const char *fmt, ...)
{
	va_list ap;
	if (l->failed)
		return;
	l->failed = 1;
	va_start(ap, fmt);
	vsnprintf(l->err, sizeof(l->err), fmt, ap);
	va_end(ap);
}

static int check_keys(loader *l, json_t *obj, const char *where,
                      const char *const *allowed)
{
	const char *key;
	json_t *v;
	if (!json_is_object(obj)) {
		lerr(l, "%s: expected an object", where);
		return -1;
	}
	json_object_foreach(obj, key, v) {
		size_t i;
		int ok = 0;
		(void)v;
		for (i = 0; allowed[i]; i++)
			if (strcmp(allowed[i], key) == 0)
				ok = 1;
		if (!ok) {
			lerr(l, "%s: unknown key \"%s\"", where, key);
			return -1;
		}
	}
	return 0;
}

static const char *get_str(loader *l, json_t *obj, const char *key,
                           const char *where, const char *def)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return def;
	if (!json_is_string(v)) {
		lerr(l, "%s.%s: expected a string", where, key);
		return def;
	}
	return json_string_value(v);
}

static long long get_int(loader *l, json_t *obj, const char *key,
                         const char *where, long long def, long long min,
                         long long max)
{
	json_t *v = json_object_get(obj, key);
	long long x;
	if (!v)
		return def;
	if (!json_is_integer(v)) {
		lerr(l, "%s.%s: expected an integer", where, key);
		return def;
	}
	x = (long long)json_integer_value(v);
	if (x < min || x > max) {
		lerr(l, "%s.%s: %lld is out of range %lld..%lld", where, key, x,
		     min, max);
		return def;
	}
	return x;
}

static int get_bool(loader *l, json_t *obj, const char *key,
                    const char *where, int def)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return def;
	if (!json_is_boolean(v)) {
		lerr(l, "%s.%s: expected true or false", where, key);
		return def;
	}
	return json_is_true(v);
}

static int valid_guid(const char *s)
{
	size_t i;
	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!isxdigit((unsigned char)s[i])) {
			return 0;
		}
	}
	return 1;
}

static void set_guid(loader *l, char out[GUID_LEN], const char *id,
                     const char *where)
{
	size_t i;
	if (!id)
		return;
	if (!valid_guid(id)) {
		lerr(l, "%s.id: \"%s\" is not a GUID", where, id);
		return;
	}
	for (i = 0; i < 36; i++)
		out[i] = (char)toupper((unsigned char)id[i]);
	out[36] = '\0';
}

/* days since 1970-01-01 of a civil date (proleptic Gregorian) */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static int parse_time(const char *s, long long *out)
{
	int y, mo, d, h, mi, sec, n = 0;
	long long ms = 0;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec,
	           &n) != 6 || n != 19)
		return -1;
	s += n;
	if (*s == '.') {
		int digits = 0;
		s++;
		while (isdigit((unsigned char)*s)) {
			if (digits < 3)
				ms = ms * 10 + (*s - '0');
			digits++;
			s++;
		}
		if (!digits)
			return -1;
		while (digits < 3) {
			ms *= 10;
			digits++;
		}
	}
	if (strcmp(s, "Z") != 0 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || sec > 60)
		return -1;
	*out = (days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	        h * 3600 + mi * 60 + sec) * 1000 + ms;
	return 0;
}

static void load_outcome(loader *l, json_t *o, const char *where,
                         sim_outcome *out)
{
	static const char *const keys[] = { "outcome", "error_code",
		"error_description", "error_message", "duration_ms",
		"retention_ms", NULL };
	const char *s;
	json_t *v;
	if (check_keys(l, o, where, keys))
		return;
	s = get_str(l, o, "outcome", where, NULL);
	if (s) {
		if (strcmp(s, "completed") == 0)
			out->state = JS_COMPLETED;
		else if (strcmp(s, "completed_with_warnings") == 0)
			out->state = JS_WARNINGS;
		else if (strcmp(s, "exception") == 0)
			out->state = JS_EXCEPTION;
		else if (strcmp(s, "never") == 0)
			out->state = 0;
		else
			lerr(l, "%s.outcome: \"%s\" is not completed, "
			     "completed_with_warnings, exception or never", where, s);
	}
	out->error_code = (unsigned)get_int(l, o, "error_code", where,
	                                    out->error_code, 0, 65535);
	/* absent keeps what a per-VM job inherited; null is not "absent"
	 * but the nil ErrorDescription of a terse host */
	v = json_object_get(o, "error_description");
	if (v) {
		s = get_str(l, o, "error_description", where, NULL);
		free(out->error_description);
		out->error_description = hvs_str_dup(s);
		out->description_nil = s == NULL;
	}
	v = json_object_get(o, "error_message");
	if (v) {
		s = get_str(l, o, "error_message", where, NULL);
		free(out->error_message);
		out->error_message = hvs_str_dup(s);
	}
}

/* A snapshot's VirtualSystemType: a short name, or any full string
 * ("Microsoft:Hyper-V:Snapshot:Weird" for clients' unknown-type path).
 * malloc'd, or NULL when the name is not one of these. */
static char *snap_type(const char *s)
{
	static const char *const names[][2] = {
		{ "realized", SNAP_REALIZED }, { "recovery", SNAP_RECOVERY },
		{ "planned", "Microsoft:Hyper-V:Snapshot:Planned" },
		{ "missing", "Microsoft:Hyper-V:Snapshot:Missing" },
		{ "replica", "Microsoft:Hyper-V:Snapshot:Replica:Standard" },
	};
	size_t i;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i][0]) == 0)
			return hvs_str_dup(names[i][1]);
	return strncmp(s, "Microsoft:", 10) == 0 ? hvs_str_dup(s) : NULL;
}

static void load_snapshots(loader *l, sim_vm *vm_in, json_t *arr,
                           const char *parent, const char *where,
                           long long *clock)
{
	static const char *const keys[] = { "name", "id", "created", "saved",
		"notes", "type", "children", NULL };
	size_t i;
	json_t *s;
	char vm_id[GUID_LEN];
	hvs_str_copy(vm_id, sizeof(vm_id), vm_in->id);
	if (!json_is_array(arr)) {
		lerr(l, "%s: expected an array", where);
		return;
	}
	json_array_foreach(arr, i, s) {
		char w[256], id[GUID_LEN];
		const char *name, *created;
		long long when = *clock;
		sim_snap *sn;
		sim_vm *vm = model_vm(l->m, vm_id);
		snprintf(w, sizeof(w), "%s[%zu]", where, i);
		if (check_keys(l, s, w, keys))
			return;
		name = get_str(l, s, "name", w, NULL);
		if (!name) {
			lerr(l, "%s.name: required", w);
			return;
		}
		created = get_str(l, s, "created", w, NULL);
		if (created && parse_time(created, &when) != 0) {
			lerr(l, "%s.created: \"%s\" is not YYYY-MM-DDTHH:MM:SS[.fff]Z",
			     w, created);
			return;
		}
		*clock += 60000;
		sn = model_add_snap(l->m, vm, name, parent, when);
		set_guid(l, sn->id, get_str(l, s, "id", w, NULL), w);
		sn->is_saved = get_bool(l, s, "saved", w, 0);
		{
			const char *notes = get_str(l, s, "notes", w, NULL);
			const char *type = get_str(l, s, "type", w, NULL);
			if (notes)
				sn->notes = hvs_str_dup(notes);
			if (type && !(sn->vs_type = snap_type(type)))
				lerr(l, "%s.type: \"%s\" is not realized, recovery, "
				     "planned, missing, replica or Microsoft:…", w, type);
		}
		hvs_str_copy(id, sizeof(id), sn->id);
		/* the last snapshot listed is current unless "current" says */
		vm = model_vm(l->m, vm_id);
		hvs_str_copy(vm->current, sizeof(vm->current), id);
		if (json_object_get(s, "children"))
			load_snapshots(l, vm, json_object_get(s, "children"), id, w,
			               clock);
		if (l->failed)
			return;
	}
}

static int parse_state(const char *s)
{
	if (strcmp(s, "running") == 0) return VM_RUNNING;
	if (strcmp(s, "off") == 0) return VM_OFF;
	if (strcmp(s, "saved") == 0) return VM_SAVED;
	if (strcmp(s, "paused") == 0) return VM_PAUSED;
	return -1;
}

static int parse_ctype(const char *s)
{
	if (strcmp(s, "disabled") == 0) return UST_DISABLED;
	if (strcmp(s, "production") == 0) return UST_PRODUCTION;
	if (strcmp(s, "production_only") == 0) return UST_PRODUCTION_ONLY;
	if (strcmp(s, "standard") == 0) return UST_STANDARD;
	return -1;
}

/* "169.254.1.2" items of a guest address list, joined as KVP joins them. */
static char *addr_list(loader *l, json_t *o, const char *key,
                       const char *where, const char *def)
{
	json_t *v = json_object_get(o, key), *it;
	buf b = BUF_INIT;
	size_t i;
	if (!v)
		return hvs_str_dup(def);
	if (!json_is_array(v)) {
		lerr(l, "%s.%s: expected an array of strings", where, key);
		return hvs_str_dup(def);
	}
	json_array_foreach(v, i, it) {
		if (!json_is_string(it) || !*json_string_value(it) ||
		    strchr(json_string_value(it), ';')) {
			lerr(l, "%s.%s[%zu]: expected an address", where, key, i);
			break;
		}
		hvs_buf_printf(&b, "%s%s", i ? ";" : "", json_string_value(it));
	}
	if (!b.data)
		return hvs_str_dup("");
	return hvs_buf_detach(&b);
}

static void load_guest(loader *l, json_t *o, const char *where, sim_vm *vm)
{
	json_t *hb = json_object_get(o, "heartbeat"), *it;
	const char *s;
	char *a;
	size_t i;
	vm->auto_snapshots = get_bool(l, o, "automatic_checkpoints", where, 0);
	vm->integration = get_bool(l, o, "integration_services", where, 1);
	vm->never_ready = get_bool(l, o, "guest_never_ready", where, 0);
	vm->guest_locked = get_bool(l, o, "guest_locked", where, 0);
	vm->boot_ms = get_int(l, o, "guest_boot_ms", where, vm->boot_ms, 0,
	                      3600000);
	if (hb) {
		if (!json_is_array(hb) || json_array_size(hb) < 1 ||
		    json_array_size(hb) > 2) {
			lerr(l, "%s.heartbeat: expected 1 or 2 integers", where);
			return;
		}
		json_array_foreach(hb, i, it) {
			if (!json_is_integer(it) || json_integer_value(it) < 0 ||
			    json_integer_value(it) > 65535) {
				lerr(l, "%s.heartbeat[%zu]: expected 0..65535", where,
				     i);
				return;
			}
			vm->heartbeat[i] = (unsigned)json_integer_value(it);
		}
		vm->nheartbeat = json_array_size(hb);
	}
	s = get_str(l, o, "guest_fqdn", where, NULL);
	if (s)
		vm->fqdn = hvs_str_dup(s);
	a = addr_list(l, o, "guest_ipv4", where, vm->ipv4);
	free(vm->ipv4);
	vm->ipv4 = a;
	a = addr_list(l, o, "guest_ipv6", where, vm->ipv6);
	free(vm->ipv6);
	vm->ipv6 = a;
}

static void load_refpoints(loader *l, json_t *arr, const char *vm_id,
                           const char *where)
{
	static const char *const keys[] = { "id", "type", "consistency",
		"has_associated_data", NULL };
	json_t *o;
	size_t i;
	if (!json_is_array(arr)) {
		lerr(l, "%s.reference_points: expected an array", where);
		return;
	}
	json_array_foreach(arr, i, o) {
		char w[256];
		const char *t, *c;
		sim_refpoint *rp;
		snprintf(w, sizeof(w), "%s.reference_points[%zu]", where, i);
		if (check_keys(l, o, w, keys))
			return;
		rp = model_add_refpoint(l->m, vm_id);
		rp->created_ms = l->m->boot_ms - 3600000;
		set_guid(l, rp->id, get_str(l, o, "id", w, NULL), w);
		t = get_str(l, o, "type", w, "rct");
		c = get_str(l, o, "consistency", w, "application");
		if (strcmp(t, "rct") && strcmp(t, "log"))
			lerr(l, "%s.type: \"%s\" is not rct or log", w, t);
		if (strcmp(c, "application") && strcmp(c, "crash"))
			lerr(l, "%s.consistency: \"%s\" is not application or "
			     "crash", w, c);
		rp->rct = strcmp(t, "rct") == 0;
		rp->consistency = strcmp(c, "crash") == 0 ? 2 : 1;
		rp->has_data = get_bool(l, o, "has_associated_data", w, 0);
	}
}

/* The id of the VM's snapshot named name (or with that id), or NULL. */
static const char *find_snap(sim_model *m, const char *vm_id,
                             const char *name)
{
	size_t i;
	for (i = 0; i < m->nsnaps; i++) {
		sim_snap *sn = &m->snaps[i];
		if (hvs_str_case_eq(sn->vm_id, vm_id) &&
		    (strcmp(sn->name, name) == 0 || hvs_str_case_eq(sn->id, name)))
			return sn->id;
	}
	return NULL;
}

static void load_vm(loader *l, json_t *o, const char *where)
{
	static const char *const keys[] = { "name", "id", "state",
		"checkpoint_type", "guest_vss", "notes", "snapshots", "current",
		"job", "automatic_checkpoints", "last_applied",
		"integration_services", "guest_boot_ms", "guest_never_ready",
		"guest_locked", "heartbeat", "guest_fqdn", "guest_ipv4",
		"guest_ipv6", "reference_points", NULL };
	const char *name, *s;
	sim_vm *vm;
	char vm_id[GUID_LEN];
	long long clock;
	if (check_keys(l, o, where, keys))
		return;
	if (l->m->nvms >= MAX_VMS_PER_HOST) {
		lerr(l, "%s: more than %d VMs on one host", where, MAX_VMS_PER_HOST);
		return;
	}
	name = get_str(l, o, "name", where, NULL);
	if (!name) {
		lerr(l, "%s.name: required", where);
		return;
	}
	vm = model_add_vm(l->m, name);
	set_guid(l, vm->id, get_str(l, o, "id", where, NULL), where);
	s = get_str(l, o, "state", where, "off");
	if ((vm->state = parse_state(s)) < 0)
		lerr(l, "%s.state: \"%s\" is not running, off, saved or paused",
		     where, s);
	s = get_str(l, o, "checkpoint_type", where, "production");
	if ((vm->user_snapshot_type = parse_ctype(s)) < 0)
		lerr(l, "%s.checkpoint_type: \"%s\" is not disabled, production, "
		     "production_only or standard", where, s);
	vm->guest_vss = get_bool(l, o, "guest_vss", where, 1);
	s = get_str(l, o, "notes", where, NULL);
	if (s)
		vm->notes = hvs_str_dup(s);
	load_guest(l, o, where, vm);
	if (json_object_get(o, "job")) {
		char w[256];
		snprintf(w, sizeof(w), "%s.job", where);
		vm->has_outcome = 1;
		outcome_copy(&vm->outcome, &l->m->job_outcome);
		load_outcome(l, json_object_get(o, "job"), w, &vm->outcome);
	}
	hvs_str_copy(vm_id, sizeof(vm_id), vm->id);
	clock = l->m->boot_ms - 86400000LL * 7;
	if (json_object_get(o, "snapshots")) {
		char w[256];
		snprintf(w, sizeof(w), "%s.snapshots", where);
		load_snapshots(l, vm, json_object_get(o, "snapshots"), NULL, w,
		               &clock);
	}
	if (json_object_get(o, "reference_points"))
		load_refpoints(l, json_object_get(o, "reference_points"), vm_id,
		               where);
	vm = model_vm(l->m, vm_id);
	s = get_str(l, o, "last_applied", where, NULL);
	if (s && !l->failed) {
		const char *id = find_snap(l->m, vm_id, s);
		if (id)
			hvs_str_copy(vm->last_applied, GUID_LEN, id);
		else
			lerr(l, "%s.last_applied: no snapshot \"%s\"", where, s);
	}
	s = get_str(l, o, "current", where, NULL);
	if (s && !l->failed) {
		const char *id = *s ? find_snap(l->m, vm_id, s) : "";
		if (id)
			hvs_str_copy(vm->current, sizeof(vm->current), id);
		else
			lerr(l, "%s.current: no snapshot \"%s\"", where, s);
	}
}

/* "count": N makes N VMs of one description, named NAME01..NAMEnn (at
 * least two digits), each with a fresh GUID. */
static void load_vms(loader *l, json_t *o, const char *where)
{
	json_t *c = json_is_object(o) ? json_object_get(o, "count") : NULL;
	json_t *copy;
	long long n, k;
	const char *name;
	if (!c) {
		load_vm(l, o, where);
		return;
	}
	n = get_int(l, o, "count", where, 1, 1, MAX_VMS_PER_HOST);
	name = get_str(l, o, "name", where, NULL);
	if (l->failed)
		return;
	if (!name) {
		lerr(l, "%s.name: required", where);
		return;
	}
	if (json_object_get(o, "id") && n > 1) {
		lerr(l, "%s: \"id\" cannot be given with a count above 1", where);
		return;
	}
	copy = json_deep_copy(o);
	if (!copy)
		abort();
	json_object_del(copy, "count");
	for (k = 1; k <= n && !l->failed; k++) {
		char nm[300];
		snprintf(nm, sizeof(nm), "%s%0*lld", name, n >= 100 ? (n >= 1000 ? 4 : 3) : 2, k);
		json_object_set_new(copy, "name", json_string(nm));
		load_vm(l, copy, where);
	}
	json_decref(copy);
}

static void load_faults(loader *l, json_t *arr)
{
	static const char *const keys[] = { "kind", "on_request", "first",
		"action_contains", "latency_ms", NULL };
	static const struct { const char *name; enum fault_kind k; } kinds[] = {
		{ "latency", FK_LATENCY }, { "drop_connection", FK_DROP },
		{ "http_500_garbage", FK_GARBAGE }, { "truncated_body", FK_TRUNCATE },
		{ "http_503", FK_503 }, { "tamper_reply", FK_TAMPER },
		{ "quota_limit", FK_QUOTA },
	};
	size_t i, k;
	json_t *f;
	if (!json_is_array(arr)) {
		lerr(l, "faults: expected an array");
		return;
	}
	l->sc->rules = calloc(json_array_size(arr) + 1, sizeof(sim_inject_rule));
	if (!l->sc->rules)
		abort();
	json_array_foreach(arr, i, f) {
		char w[64];
		const char *kind, *ac;
		sim_inject_rule *r = &l->sc->rules[l->sc->nrules];
		int found = 0;
		snprintf(w, sizeof(w), "faults[%zu]", i);
		if (check_keys(l, f, w, keys))
			return;
		kind = get_str(l, f, "kind", w, "");
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (strcmp(kinds[k].name, kind) == 0) {
				r->kind = kinds[k].k;
				found = 1;
			}
		if (!found) {
			lerr(l, "%s.kind: \"%s\" is not latency, drop_connection, "
			     "http_500_garbage, truncated_body, http_503, "
			     "tamper_reply or quota_limit", w, kind);
			return;
		}
		r->on_request = (unsigned long)get_int(l, f, "on_request", w, 0, 0,
		                                       1000000000);
		r->first = (unsigned long)get_int(l, f, "first", w, 0, 0,
		                                  1000000000);
		if (r->first && r->on_request) {
			lerr(l, "%s: on_request and first exclude each other", w);
			return;
		}
		r->latency_ms = (unsigned)get_int(l, f, "latency_ms", w, 0, 0,
		                                  600000);
		ac = get_str(l, f, "action_contains", w, NULL);
		if (ac)
			r->action_contains = hvs_str_dup(ac);
		l->sc->nrules++;
	}
}

/* Host behaviours that differ between real hosts or between documents,
 * so that clients can be tested against each. */
static void load_quirks(loader *l, json_t *q)
{
	static const char *const keys[] = { "modify_settings_noop",
		"transition_states", "shutdown_job", "reference_point_types",
		"clock_skew_s", NULL };
	const char *s;
	if (check_keys(l, q, "quirks", keys))
		return;
	l->m->modify_noop = get_bool(l, q, "modify_settings_noop", "quirks", 0);
	l->sc->clock_skew_s = get_int(l, q, "clock_skew_s", "quirks", 0,
	                              -86400 * 365LL, 86400 * 365LL);
	l->m->shutdown_job = get_bool(l, q, "shutdown_job", "quirks", 0);
	s = get_str(l, q, "transition_states", "quirks", "v2");
	if (strcmp(s, "v1") && strcmp(s, "v2"))
		lerr(l, "quirks.transition_states: \"%s\" is not v1 or v2", s);
	l->m->v1_transitions = strcmp(s, "v1") == 0;
	s = get_str(l, q, "reference_point_types", "quirks", "class");
	if (strcmp(s, "class") && strcmp(s, "method"))
		lerr(l, "quirks.reference_point_types: \"%s\" is not class or "
		     "method", s);
	l->m->refpoint_type_base = strcmp(s, "method") == 0 ? 0 : 1;
}

/* The values a fresh Server 2016+ host shows (vm-lifecycle-fleet.md
 * §4.2): envelope 500 KB, 60 s, 1500 per user, and the WMI Provider
 * plugin's 15 operations per user. */
static void load_winrm_config(loader *l, json_t *o)
{
	static const char *const keys[] = { "readable", "max_envelope_size_kb",
		"max_timeout_ms", "max_concurrent_operations_per_user",
		"wmi_max_concurrent_operations_per_user", "enforce_quotas", NULL };
	const char *w = "winrm_config";
	if (check_keys(l, o, w, keys))
		return;
	l->sc->config_readable = get_bool(l, o, "readable", w, 1);
	l->sc->max_envelope_kb = get_int(l, o, "max_envelope_size_kb", w,
	                                 l->sc->max_envelope_kb, 32, 4294967295LL);
	l->sc->max_timeout_ms = get_int(l, o, "max_timeout_ms", w,
	                                l->sc->max_timeout_ms, 500, 4294967295LL);
	l->sc->service_max_ops_per_user = get_int(l, o,
		"max_concurrent_operations_per_user", w,
		l->sc->service_max_ops_per_user, 1, 4294967295LL);
	l->sc->wmi_max_ops_per_user = get_int(l, o,
		"wmi_max_concurrent_operations_per_user", w,
		l->sc->wmi_max_ops_per_user, 1, 4294967295LL);
	if (get_bool(l, o, "enforce_quotas", w, 0))
		l->sc->enforce_ops_per_user = l->sc->wmi_max_ops_per_user;
}

static void load_root(loader *l, json_t *root)
{
	static const char *const keys[] = { "host", "locale", "users", "auth",
		"jobs", "vms", "faults", "quirks", "winrm_config", NULL };
	static const char *const ukeys[] = { "name", "domain", "password",
		"certificate", "uac_filtered", NULL };
	static const char *const akeys[] = { "basic", "negotiate",
		"allow_unencrypted", "keytab", "cbt_hardening", "client_ca", NULL };
	const char *s;
	json_t *v, *u;
	size_t i;
	if (check_keys(l, root, "scenario", keys))
		return;
	s = get_str(l, root, "host", "scenario", NULL);
	if (s) {
		if (!*s || strlen(s) > 63) {
			lerr(l, "scenario.host: 1 to 63 characters");
			return;
		}
		free(l->m->host);
		l->m->host = hvs_str_dup(s);
	}
	s = get_str(l, root, "locale", "scenario", NULL);
	if (s) {
		if (strcmp(s, "en-US") != 0 && strcmp(s, "ja-JP") != 0) {
			lerr(l, "scenario.locale: \"%s\" is not en-US or ja-JP", s);
			return;
		}
		free(l->m->locale);
		l->m->locale = hvs_str_dup(s);
	}
	v = json_object_get(root, "users");
	if (v) {
		if (!json_is_array(v)) {
			lerr(l, "scenario.users: expected an array");
			return;
		}
		l->sc->users = calloc(json_array_size(v) + 1, sizeof(sim_user));
		if (!l->sc->users)
			abort();
		json_array_foreach(v, i, u) {
			char w[64];
			sim_user *su = &l->sc->users[l->sc->nusers];
			snprintf(w, sizeof(w), "users[%zu]", i);
			if (check_keys(l, u, w, ukeys))
				return;
			s = get_str(l, u, "name", w, NULL);
			if (!s || !*s) {
				lerr(l, "%s.name: required", w);
				return;
			}
			su->name = hvs_str_dup(s);
			su->domain = hvs_str_dup(get_str(l, u, "domain", w,
			                             l->m->host));
			su->password = hvs_str_dup(get_str(l, u, "password", w, ""));
			s = get_str(l, u, "certificate", w, NULL);
			if (s)
				su->certificate = hvs_str_dup(s);
			su->uac_filtered = get_bool(l, u, "uac_filtered", w, 0);
			l->sc->nusers++;
		}
	}
	v = json_object_get(root, "auth");
	if (v) {
		if (check_keys(l, v, "auth", akeys))
			return;
		l->sc->basic = get_bool(l, v, "basic", "auth", l->sc->basic);
		l->sc->negotiate = get_bool(l, v, "negotiate", "auth",
		                            l->sc->negotiate);
		l->sc->allow_unencrypted = get_bool(l, v, "allow_unencrypted",
		                                    "auth", 0);
		s = get_str(l, v, "keytab", "auth", NULL);
		if (s)
			l->sc->keytab = hvs_str_dup(s);
		s = get_str(l, v, "client_ca", "auth", NULL);
		if (s)
			l->sc->client_ca = hvs_str_dup(s);
		s = get_str(l, v, "cbt_hardening", "auth", NULL);
		if (s) {
			if (strcmp(s, "none") == 0)
				l->sc->cbt_hardening = CBT_NONE;
			else if (strcmp(s, "relaxed") == 0)
				l->sc->cbt_hardening = CBT_RELAXED;
			else if (strcmp(s, "strict") == 0)
				l->sc->cbt_hardening = CBT_STRICT;
			else {
				lerr(l, "auth.cbt_hardening: \"%s\" is not none, "
				     "relaxed or strict", s);
				return;
			}
		}
	}
	v = json_object_get(root, "jobs");
	if (v) {
		load_outcome(l, v, "jobs", &l->m->job_outcome);
		l->m->job_duration_ms = get_int(l, v, "duration_ms", "jobs",
		                                l->m->job_duration_ms, 0,
		                                86400000);
		l->m->job_retention_ms = get_int(l, v, "retention_ms", "jobs",
		                                 l->m->job_retention_ms, 0,
		                                 86400000);
	}
	v = json_object_get(root, "vms");
	if (v) {
		if (!json_is_array(v)) {
			lerr(l, "scenario.vms: expected an array");
			return;
		}
		json_array_foreach(v, i, u) {
			char w[64];
			snprintf(w, sizeof(w), "vms[%zu]", i);
			load_vms(l, u, w);
			if (l->failed)
				return;
		}
	}
	v = json_object_get(root, "faults");
	if (v)
		load_faults(l, v);
	v = json_object_get(root, "quirks");
	if (v)
		load_quirks(l, v);
	v = json_object_get(root, "winrm_config");
	if (v)
		load_winrm_config(l, v);
}

static void defaults(sim_scenario *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->basic = 1;
	sc->negotiate = 1;
	sc->cbt_hardening = CBT_RELAXED; /* Windows' default */
	sc->config_readable = 1;
	sc->max_envelope_kb = 500;
	sc->max_timeout_ms = 60000;
	sc->service_max_ops_per_user = 1500;
	sc->wmi_max_ops_per_user = 15;
}

/* Loads one host's scenario object; on error *err names where (path and,
 * for a fleet, the host) and the offending key. */
static int load_one(json_t *root, const char *where, sim_model *m,
                    sim_scenario *sc, char **err)
{
	loader l = { 0 };
	defaults(sc);
	l.m = m;
	l.sc = sc;
	load_root(&l, root);
	if (l.failed) {
		char tmp[1700]; /* where (up to 1100) and the loader's 512 */
		snprintf(tmp, sizeof(tmp), "%s: %s", where, l.err);
		*err = hvs_str_dup(tmp);
		return -1;
	}
	return 0;
}

static json_t *load_file(const char *path, char **err)
{
	json_error_t je;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		char tmp[600];
		snprintf(tmp, sizeof(tmp), "%s:%d:%d: %s", path, je.line,
		         je.column, je.text);
		*err = hvs_str_dup(tmp);
	}
	return root;
}

int scenario_load(const char *path, sim_model *m, sim_scenario *sc,
                  char **err)
{
	json_t *root = load_file(path, err);
	int rc;
	defaults(sc);
	if (!root)
		return -1;
	rc = load_one(root, path, m, sc, err);
	json_decref(root);
	return rc;
}

#define MAX_HOSTS 1000

static sim_host *add_host(sim_host **hosts, size_t *n)
{
	sim_host *h;
	if (*n % 16 == 0) {
		sim_host *g = realloc(*hosts, (*n + 16) * sizeof(**hosts));
		if (!g)
			abort();
		*hosts = g;
	}
	h = &(*hosts)[(*n)++];
	memset(h, 0, sizeof(*h));
	h->m = model_new();
	return h;
}

/* NAME01, NAME02, ...: at least two digits, more for big fleets. */
static void numbered(char *out, size_t len, const char *base, long long k,
                     long long count)
{
	snprintf(out, len, "%s%0*lld", base,
	         count >= 100 ? (count >= 1000 ? 4 : 3) : 2, k);
}

/* One entry of "hosts": the file's other top-level keys are defaults
 * each entry overrides key by key; "count" makes numbered copies and
 * "port" fixes the (first) port. */
static int load_fleet_entry(json_t *defs, json_t *entry, size_t i,
                            const char *path, sim_host **hosts, size_t *n,
                            char **err)
{
	char where[700], tmp[800];
	json_t *c, *p, *merged;
	long long count = 1, port = 0, k;
	const char *base = "HVHOST";
	snprintf(where, sizeof(where), "%s: hosts[%zu]", path, i);
	if (!json_is_object(entry)) {
		snprintf(tmp, sizeof(tmp), "%s: expected an object", where);
		*err = hvs_str_dup(tmp);
		return -1;
	}
	c = json_object_get(entry, "count");
	p = json_object_get(entry, "port");
	if ((c && (!json_is_integer(c) || json_integer_value(c) < 1 ||
	           json_integer_value(c) > MAX_HOSTS)) ||
	    (p && (!json_is_integer(p) || json_integer_value(p) < 0 ||
	           json_integer_value(p) > 65535))) {
		snprintf(tmp, sizeof(tmp), "%s.%s: expected %s", where,
		         c && !(json_is_integer(c) && json_integer_value(c) >= 1 &&
		                json_integer_value(c) <= MAX_HOSTS)
		         ? "count" : "port",
		         c && !(json_is_integer(c) && json_integer_value(c) >= 1 &&
		                json_integer_value(c) <= MAX_HOSTS)
		         ? "an integer from 1 to 1000" : "a port number (0: any)");
		*err = hvs_str_dup(tmp);
		return -1;
	}
	if (c)
		count = json_integer_value(c);
	if (p)
		port = json_integer_value(p);
	if (*n + (size_t)count > MAX_HOSTS) {
		snprintf(tmp, sizeof(tmp), "%s: more than %d hosts", where,
		         MAX_HOSTS);
		*err = hvs_str_dup(tmp);
		return -1;
	}
	if (port && port + count - 1 > 65535) {
		snprintf(tmp, sizeof(tmp), "%s.port: %lld hosts from port %lld "
		         "pass 65535", where, count, port);
		*err = hvs_str_dup(tmp);
		return -1;
	}
	merged = json_deep_copy(defs);
	if (!merged || json_object_update(merged, entry) != 0)
		abort();
	json_object_del(merged, "count");
	json_object_del(merged, "port");
	if (json_is_string(json_object_get(merged, "host")))
		base = json_string_value(json_object_get(merged, "host"));
	base = hvs_str_dup(base);
	for (k = 1; k <= count; k++) {
		sim_host *h = add_host(hosts, n);
		char name[300], w[1100];
		if (c) {
			numbered(name, sizeof(name), base, k, count);
			json_object_set_new(merged, "host", json_string(name));
		} else {
			snprintf(name, sizeof(name), "%s", base);
		}
		h->port = port ? (unsigned)(port + k - 1) : 0;
		snprintf(w, sizeof(w), "%s (%s)", where, name);
		if (load_one(merged, w, h->m, &h->sc, err) != 0) {
			free((char *)base);
			json_decref(merged);
			return -1;
		}
	}
	free((char *)base);
	json_decref(merged);
	return 0;
}

/* VMs of a whole fleet: the benchmark's 1,000 and far more, but not the
 * two million a 1,000-host, 2,048-VM file of a few lines would ask for. */
#define MAX_VMS_PER_FLEET 50000

/* Non-zero (with *err set) when hosts[0..n) hold more than a fleet may. */
static int fleet_too_big(const sim_host *hosts, size_t n, char **err)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += hosts[i].m->nvms;
	if (total <= MAX_VMS_PER_FLEET)
		return 0;
	char tmp[120];
	snprintf(tmp, sizeof(tmp), "more than %d VMs in all hosts together", MAX_VMS_PER_FLEET);
	*err = hvs_str_dup(tmp);
	return 1;
}

int scenario_load_hosts(const char *path, unsigned copies, sim_host **hosts,
                        size_t *n, char **err)
{
	json_t *root = NULL, *list;
	size_t i;
	unsigned k;
	*hosts = NULL;
	*n = 0;
	if (copies > MAX_HOSTS) {
		*err = hvs_str_dup("--hosts: at most 1000 hosts");
		return -1;
	}
	if (path && !(root = load_file(path, err)))
		return -1;
	list = root ? json_object_get(root, "hosts") : NULL;
	if (list) {
		json_t *defs, *entry;
		if (copies) {
			*err = hvs_str_dup("--hosts cannot be combined with a "
			                   "scenario that has \"hosts\"");
			json_decref(root);
			return -1;
		}
		if (!json_is_array(list) || json_array_size(list) == 0) {
			char tmp[600];
			snprintf(tmp, sizeof(tmp), "%s: hosts: expected a non-empty "
			         "array", path);
			*err = hvs_str_dup(tmp);
			json_decref(root);
			return -1;
		}
		defs = json_deep_copy(root);
		if (!defs)
			abort();
		json_object_del(defs, "hosts");
		size_t total = json_array_size(list);
		json_array_foreach(list, i, entry)
			if (load_fleet_entry(defs, entry, i, path, hosts, n, err) != 0 ||
			    fleet_too_big(*hosts, *n, err))
				break;
		json_decref(defs);
		json_decref(root); /* list goes with it */
		if (i < total) {
			scenario_free_hosts(*hosts, *n);
			*hosts = NULL;
			*n = 0;
			return -1;
		}
		return 0;
	}
	for (k = 0; k < (copies ? copies : 1); k++) {
		sim_host *h = add_host(hosts, n);
		int rc = 0;
		if (root)
			rc = load_one(root, path, h->m, &h->sc, err);
		else
			scenario_demo(h->m, &h->sc);
		if (rc == 0 && copies) {
			/* a copy's users belong to its own (renamed) domain */
			char name[300];
			size_t u;
			numbered(name, sizeof(name), h->m->host, k + 1, copies);
			for (u = 0; u < h->sc.nusers; u++)
				if (h->sc.users[u].domain &&
				    hvs_str_case_eq(h->sc.users[u].domain, h->m->host)) {
					free(h->sc.users[u].domain);
					h->sc.users[u].domain = hvs_str_dup(name);
				}
			free(h->m->host);
			h->m->host = hvs_str_dup(name);
		}
		if (rc == 0 && fleet_too_big(*hosts, *n, err))
			rc = -1;
		if (rc != 0) {
			json_decref(root);
			scenario_free_hosts(*hosts, *n);
			*hosts = NULL;
			*n = 0;
			return -1;
		}
	}
	json_decref(root);
	return 0;
}

void scenario_free_hosts(sim_host *hosts, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		scenario_free(&hosts[i].sc);
		model_free(hosts[i].m);
	}
	free(hosts);
}

void scenario_demo(sim_model *m, sim_scenario *sc)
{
	sim_vm *vm;
	sim_snap *s;
	char ci[GUID_LEN], first[GUID_LEN];
	defaults(sc);
	sc->users = calloc(1, sizeof(sim_user));
	if (!sc->users)
		abort();
	sc->users[0].name = hvs_str_dup("demo");
	sc->users[0].domain = hvs_str_dup("HVHOST");
	sc->users[0].password = hvs_str_dup("demo");
	sc->nusers = 1;
	/* fixed GUIDs so a demo transcript stays the same between runs */
	vm = model_add_vm(m, "web01");
	hvs_str_copy(vm->id, GUID_LEN, "5B3A3F0E-9A51-4E6F-8C1D-2E7A4B9C0D11");
	vm->state = VM_RUNNING;
	vm = model_add_vm(m, "db01");
	hvs_str_copy(vm->id, GUID_LEN, "6C4B4A1F-AB62-4F70-9D2E-3F8B5CAD1E22");
	vm = model_add_vm(m, "ci-runner");
	hvs_str_copy(vm->id, GUID_LEN, "7D5C5B2A-BC73-4081-AE3F-4A9C6DBE2F33");
	vm->state = VM_SAVED;
	vm->user_snapshot_type = UST_STANDARD;
	hvs_str_copy(ci, sizeof(ci), vm->id);
	s = model_add_snap(m, vm, "clean-install", NULL,
	                   m->boot_ms - 86400000LL * 3);
	hvs_str_copy(s->id, GUID_LEN, "8E6D6C3B-CD84-4192-BF40-5BAD7ECF3044");
	hvs_str_copy(first, sizeof(first), s->id);
	s = model_add_snap(m, model_vm(m, ci), "before-upgrade", first,
	                   m->boot_ms - 86400000LL);
	hvs_str_copy(s->id, GUID_LEN, "9F7E7D4C-DE95-42A3-8051-6CBE8FD04155");
	s->is_saved = 1;
	hvs_str_copy(model_vm(m, ci)->current, GUID_LEN, s->id);
	/* the README's reset example: a running CI guest with a saved
	 * Standard checkpoint "clean" to go back to, booting in 2 s */
	vm = model_add_vm(m, "ci-test");
	hvs_str_copy(vm->id, GUID_LEN, "A08F8E5D-EFA6-43B4-9162-7DCF90E15266");
	vm->state = VM_RUNNING;
	vm->user_snapshot_type = UST_STANDARD;
	vm->boot_ms = 2000;
	free(vm->fqdn);
	vm->fqdn = hvs_str_dup("ci-test.example.test");
	free(vm->ipv4);
	vm->ipv4 = hvs_str_dup("169.254.10.20;192.0.2.10");
	hvs_str_copy(ci, sizeof(ci), vm->id);
	s = model_add_snap(m, vm, "clean", NULL, m->boot_ms - 86400000LL * 2);
	hvs_str_copy(s->id, GUID_LEN, "B19A9F6E-F0B7-44C5-A273-8ED0A1F26377");
	s->is_saved = 1;
	s->vm_state = VM_RUNNING;
	vm = model_vm(m, ci);
	hvs_str_copy(vm->current, GUID_LEN, s->id);
	hvs_str_copy(vm->last_applied, GUID_LEN, s->id);
}

void scenario_free(sim_scenario *sc)
{
	size_t i;
	for (i = 0; i < sc->nusers; i++) {
		free(sc->users[i].name);
		free(sc->users[i].domain);
		free(sc->users[i].certificate);
		free(sc->users[i].cert_der);
		if (sc->users[i].password) {
			OPENSSL_cleanse(sc->users[i].password,
			                strlen(sc->users[i].password));
			free(sc->users[i].password);
		}
	}
	free(sc->users);
	for (i = 0; i < sc->nrules; i++)
		free(sc->rules[i].action_contains);
	free(sc->rules);
	free(sc->keytab);
	free(sc->client_ca);
	free(sc->client_ca_pem);
	memset(sc, 0, sizeof(*sc));
}
