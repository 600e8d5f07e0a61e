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

uint64_t fleet_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void fleet_set_err(hvsnap_error *err, hvsnap_status kind, const char *fmt, ...)
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

/* --- one host -------------------------------------------------------------- */

/* A new zeroed target at the end of *ts, grown as needed; NULL when
 * memory runs out (ts, n and cap unchanged then). */
static fleet_target *next_target(fleet_target **ts, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		fleet_target *g = realloc(*ts, *cap * 2 * sizeof(**ts));
		if (!g)
			return NULL;
		*ts = g;
		*cap *= 2;
	}
	fleet_target *t = &(*ts)[(*n)++];
	memset(t, 0, sizeof(*t));
	return t;
}

/* Every item of h->vms that names nothing here (or a glob that matches
 * nothing) fails with 'not found'; a name is matched once even when two
 * items name it. */
static fleet_target *resolve_targets(const fleet_run *r, fleet_host *h, const hvsnap_vm_list *vms,
                               size_t *n_out)
{
	size_t n_vms = hvsnap_vm_list_count(vms), n = 0, cap = n_vms + 8;
	fleet_target *ts = calloc(cap, sizeof(*ts));
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
			fleet_target *t = next_target(&ts, &n, &cap);
			if (!t)
				goto out_of_memory;
			t->vm = hvsnap_vm_dup(vm);
		}
		if (hits == 0 && !fleet_is_glob(item)) {
			fleet_target *t = next_target(&ts, &n, &cap);
			if (!t)
				goto out_of_memory;
			t->label = t->owned_label = strdup(item);
			fleet_set_err(&t->find_err, HVSNAP_ERR_NOT_FOUND, "no VM '%s' on this host", item);
		} else if (hits == 0 && !r->o->json) {
			fprintf(stderr, "hvsnap: %s: no VM matches '%s'\n", cli_safe(h->name),
			        cli_safe(item));
		}
	}
out_of_memory: /* the targets so far are run; the rest are not named */
	free(copy);
	free(used);
	*n_out = n;
	return ts;
}

/* Fails every fleet_target of a host that could not be reached: one line per
 * VM item of the host (the VMs themselves are unknown). */
static void fail_host(const fleet_run *r, fleet_host *h, const hvsnap_error *err)
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
		fleet_target t;
		memset(&t, 0, sizeof(t));
		t.label = item;
		fleet_emit(r, h, &t, err);
	}
	free(copy);
}

static void run_host(fleet_run *r, fleet_host *h)
{
	hvsnap_error err;
	if (h->setup_failed) {
		fail_host(r, h, &h->setup_err);
		return;
	}
	if (cli_signal_received()) {
		fleet_set_err(&err, HVSNAP_ERR_CANCELLED, "interrupted: not started");
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
	fleet_target *ts = resolve_targets(r, h, vms, &n);
	hvsnap_vm_list_free(vms);
	if (!ts) {
		fleet_set_err(&err, HVSNAP_ERR_NOMEM, "out of memory");
		fail_host(r, h, &err);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (!ts[i].vm)
			fleet_emit(r, h, &ts[i], &ts[i].find_err);
	if (r->verb == V_VMS || r->verb == V_LIST)
		fleet_run_each(r, h, s, ts, n);
	else
		fleet_run_jobs(r, h, s, ts, n);
	for (size_t i = 0; i < n; i++) {
		hvsnap_vm_free(ts[i].vm);
		hvsnap_snapshot_free(ts[i].snap);
		hvsnap_job_free(ts[i].job);
		json_decref(ts[i].stages);
		hvsnap_guest_free(ts[i].guest);
		free(ts[i].owned_label);
	}
	free(ts);
}

static void *worker(void *arg)
{
	fleet_run *r = arg;
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
				fleet_set_err(&h->setup_err, HVSNAP_ERR_USAGE,
				        "password-env %s: the variable is not set", h->password_env);
			} else if (!(h->password = strdup(v))) {
				h->setup_failed = 1;
				fleet_set_err(&h->setup_err, HVSNAP_ERR_NOMEM, "out of memory");
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
				fleet_set_err(&h->setup_err, HVSNAP_ERR_NOMEM, "out of memory");
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
	if (verb == V_RESET && o->no_start && (o->wait_ready || o->wait_ip))
		return cli_report_usage(o, "--no-start cannot be combined with --wait-ready or "
		                        "--wait-ip: a VM that is not started does not come up");
	return EXIT_OK;
}

int cli_run_fleet(const cli_options *o)
{
	fleet_run r;
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
	hvsnap_reset_options_init(&r.reset, HVSNAP_RESET_OPTIONS_VERSION);
	r.reset.no_start = o->no_start;
	r.reset.wait_ready = o->wait_ready;
	r.reset.wait_ip = o->wait_ip;
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
