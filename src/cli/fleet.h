/* Fleet mode internals: the hosts and targets of one run (targets.c),
 * the output as targets finish (fleet_out.c), and the per-host work
 * (fleet.c). */
#ifndef HVSNAP_CLI_FLEET_H
#define HVSNAP_CLI_FLEET_H

#include <jansson.h>
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

#endif
