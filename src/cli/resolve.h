/* Shared command steps: resolving VM and snapshot arguments, job waits,
 * job-aware error reports. Each returns an exit code. */
#ifndef HVSNAP_CLI_RESOLVE_H
#define HVSNAP_CLI_RESOLVE_H

#include "cli/cli.h"
#include "cli/progress.h"

/* Opens an authenticated session and finds the VM named by the first
 * operand; on failure nothing is left open. */
int cli_open_vm(const cli_options *o, hvsnap_session **s, hvsnap_vm **vm);
/* The same for the VM named ref (a command whose VM is not its first
 * operand). */
int cli_open_vm_named(const cli_options *o, const char *ref, hvsnap_session **s,
                      hvsnap_vm **vm);
int cli_find_snapshot(const cli_options *o, hvsnap_session *s, const hvsnap_vm *vm,
                      const char *ref, hvsnap_snapshot **snap);
/* cli_find_snapshot, then refuse what may not be applied to (a recovery
 * checkpoint by name, or by GUID without --force). */
int cli_find_target_snapshot(const cli_options *o, hvsnap_session *s, const hvsnap_vm *vm,
                             const char *ref, hvsnap_snapshot **snap);
/* cli_open_vm, then the snapshot named by the second operand (checked
 * with cli_find_target_snapshot when as_target); on failure nothing is
 * left open. */
int cli_open_vm_snapshot(const cli_options *o, int as_target, hvsnap_session **s,
                         hvsnap_vm **vm, hvsnap_snapshot **snap);
/* Reads the VM and the snapshot again, so that output shows them as they
 * are after a change (current, state); on failure the old ones stay. */
void cli_reread(hvsnap_session *s, hvsnap_vm **vm, hvsnap_snapshot **snap);
/* --wait-timeout in ms, or default_s seconds when it was not given. */
uint32_t cli_wait_timeout_ms(const cli_options *o, long default_s);
void cli_wait_options(const cli_options *o, progress_bar *bar, const char *label,
                      hvsnap_wait_options *w);
/* Like cli_report_error, adding the job (its id above all, so a timed-out
 * job can be followed with 'hvsnap job ID --wait'). */
int cli_report_job_error(const cli_options *o, const hvsnap_error *err,
                         const hvsnap_job *job);

#endif
