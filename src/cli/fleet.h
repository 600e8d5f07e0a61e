/* Fleet mode internals: the hosts and targets of one run (targets.c),
 * the output as targets finish (fleet_out.c), and the per-host work
 * (fleet.c). */
#ifndef HVSNAP_CLI_FLEET_H
#define HVSNAP_CLI_FLEET_H

#include <jansson.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/cli.h"
#include "cli/inventory.h"

/* One host of the run and what it is asked for. */
typedef struct fleet_host {
	char *name;            /* the inventory section name, or --host */
	cli_options o;         /* its connection options (inventory + command line) */
	char *vms;             /* comma-separated VM names, GUIDs or globs */
	const char *password_env; /* inventory password-env: a variable's name */
	char *password;        /* resolved before the threads start; wiped */
	int setup_failed;      /* the password could not be had */
	hvsnap_error setup_err;
	hvsnap_session *session; /* freed by the main thread after the join */
} fleet_host;

typedef struct fleet_plan {
	inventory inv;         /* owns the strings hosts[].o points into */
	int have_inv;
	fleet_host *hosts;
	size_t n_hosts;
	const char *snapshot;  /* the SNAPSHOT operand, or NULL */
} fleet_plan;

/* targets.c: builds the plan from the options (inventory, --hosts, VM
 * operands). EXIT_OK, or a usage/configuration exit already reported. */
int fleet_plan_build(const cli_options *o, fleet_plan *plan);
void fleet_plan_free(fleet_plan *plan);
/* Whether a VM (name, id) is named by one comma-separated item of list. */
int fleet_vm_matches(const char *item, const char *name, const char *id);
/* Whether text has glob characters. */
int fleet_is_glob(const char *text);

/* fleet_out.c: thread-safe output. */
void fleet_out_init(const cli_options *o, const char *verb);
/* One finished target. fields (stolen, may be NULL) are merged into the
 * JSON line; err NULL means ok. vm may be NULL (then vm_label names it). */
void fleet_out_target(const char *host, const hvsnap_vm *vm, const char *vm_label,
                      json_t *fields, const hvsnap_error *err, const char *text);
/* Jobs running now, for the live summary line. */
void fleet_out_running(int delta);
/* Ends the run: summary table (text) and the exit code of CLI.md. */
int fleet_out_finish(int interrupted);

/* fleet.c / fleet_jobs.c / fleet_each.c / fleet_report.c: one run. */
typedef enum fleet_verb {
	V_VMS, V_LIST, V_CREATE, V_DELETE, V_APPLY, V_RESET, V_START, V_STOP, V_SAVE
} fleet_verb;

/* One VM of a host and what became of it. */
typedef struct fleet_target {
	hvsnap_vm *vm;           /* NULL: the name matched nothing here */
	const char *label;       /* the name as given, when vm is NULL */
	char *owned_label;       /* label, when this target owns it */
	hvsnap_error find_err;   /* why vm is NULL */
	hvsnap_snapshot *snap;   /* delete/apply/reset: the one found; create: made */
	hvsnap_job *job;         /* the job running, or as last seen */
	uint64_t started_ms;     /* when its (first) method request left */
	int state;               /* 0 pending, 1 running, 2 done */
	int awaiting_off;        /* graceful stop: the guest was asked, the VM not Off yet */
	/* reset: its stages one after the other, each job followed with the
	 * host's other jobs */
	hvsnap_reset_stage stage;  /* the stage running, or the last one */
	uint64_t stage_started_ms;
	json_t *stages;            /* [{"stage","ok","elapsed_ms"}] so far */
	hvsnap_guest *guest;       /* as last read by the ready/ip stages */
} fleet_target;

typedef struct fleet_run {
	const cli_options *o;
	fleet_verb verb;
	fleet_plan *plan;
	atomic_size_t next_host; /* the next host a worker takes */
	unsigned per_host;
	uint32_t timeout_ms;
	hvsnap_reset_options reset; /* reset: the stages asked for */
} fleet_run;

uint64_t fleet_now_ms(void);
void fleet_set_err(hvsnap_error *err, hvsnap_status kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* fleet_report.c: a target's line (err NULL: ok), a list's line, and a job
 * no longer followed (interrupt, deadline, lost polls) with its id. */
void fleet_emit(const fleet_run *r, const fleet_host *h, fleet_target *t,
                const hvsnap_error *err);
void fleet_emit_list(const fleet_run *r, const fleet_host *h, fleet_target *t,
                     const hvsnap_snapshot_list *list);
void fleet_emit_unfinished(const fleet_run *r, const fleet_host *h, fleet_target *t,
                           hvsnap_status kind, const char *why);
/* fleet_jobs.c: the job commands, reset and stop, requests out up to
 * --per-host, jobs (and VM states) followed together. fleet_each.c: vms
 * and list, one VM after another. */
void fleet_run_jobs(fleet_run *r, fleet_host *h, hvsnap_session *s, fleet_target *ts,
                    size_t n);
void fleet_run_each(fleet_run *r, fleet_host *h, hvsnap_session *s, fleet_target *ts,
                    size_t n);

#endif
