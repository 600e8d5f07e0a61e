/* hvsnap reset VM SNAPSHOT: the CI one-shot. VM and checkpoint are
 * resolved first, so a missing or ambiguous name changes nothing; then the
 * library turns the VM off if it runs, applies the checkpoint (always),
 * starts it and waits as asked, and this prints one line per stage as it
 * ends, with its time. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/power_out.h"
#include "cli/resolve.h"

#define RESET_TIMEOUT_S 300L

typedef struct reset_report {
	const cli_options *o;
	const char *snapshot_name;
	json_t *stages;            /* --json: the stages so far */
	hvsnap_reset_stage failed; /* 0 while none failed */
} reset_report;

static void print_stage(const reset_report *r, hvsnap_reset_stage stage, double secs,
                        const hvsnap_vm *vm, const hvsnap_guest *guest)
{
	switch (stage) {
	case HVSNAP_RESET_TURN_OFF:
		printf("turned off in %.1f s\n", secs);
		break;
	case HVSNAP_RESET_APPLY:
		printf("applied \"%s\" in %.1f s (now %s)\n", cli_safe(r->snapshot_name), secs,
		       hvsnap_vm_state_text(hvsnap_vm_state_code(vm)));
		break;
	case HVSNAP_RESET_START:
		printf("started in %.1f s\n", secs);
		break;
	case HVSNAP_RESET_READY:
		printf("heartbeat %s after %.1f s\n",
		       cli_heartbeat_text(hvsnap_guest_heartbeat(guest)), secs);
		break;
	case HVSNAP_RESET_IP:
		printf("address %s after %.1f s\n", cli_safe(hvsnap_guest_ipv4(guest)), secs);
		break;
	}
	fflush(stdout);
}

static int stage_done(hvsnap_reset_stage stage, int ok, uint64_t elapsed_ms,
                      const hvsnap_vm *vm, const hvsnap_guest *guest, void *payload)
{
	reset_report *r = payload;
	if (r->stages) {
		json_t *st = json_object();
		json_object_set_new(st, "stage", json_string(hvsnap_reset_stage_name(stage)));
		json_object_set_new(st, "ok", json_boolean(ok));
		json_object_set_new(st, "elapsed_ms", json_integer((json_int_t)elapsed_ms));
		json_array_append_new(r->stages, st);
	} else if (ok) {
		print_stage(r, stage, (double)elapsed_ms / 1000.0, vm, guest);
	}
	if (!ok)
		r->failed = stage;
	return 0;
}

int cmd_reset(const cli_options *o)
{
	hvsnap_reset_options ro = HVSNAP_RESET_OPTIONS_INIT;
	ro.no_start = o->no_start;
	ro.wait_ready = o->wait_ready;
	ro.wait_ip = o->wait_ip;
	if (ro.no_start && (ro.wait_ready || ro.wait_ip))
		return cli_report_usage(o, "--no-start cannot be combined with --wait-ready or "
		                        "--wait-ip: a VM that is not started does not come up");
	ro.timeout_ms = cli_wait_timeout_ms(o, RESET_TIMEOUT_S);

	hvsnap_session *s = NULL;
	hvsnap_vm *vm = NULL;
	hvsnap_snapshot *snap = NULL;
	int rc = cli_open_vm_snapshot(o, 1, &s, &vm, &snap);
	if (rc != EXIT_OK)
		return rc;
	reset_report report = { o, hvsnap_snapshot_name(snap), o->json ? json_array() : NULL, 0 };
	ro.stage_done = stage_done;
	ro.payload = &report;
	hvsnap_guest *guest = NULL;
	hvsnap_error err;
	uint64_t began = cli_now_ms();
	hvsnap_status st = hvsnap_vm_reset(s, vm, snap, &ro, &guest, &err);
	uint64_t elapsed = cli_now_ms() - began;
	if (o->json) {
		json_t *root = json_object();
		json_t *js = json_object();
		json_object_set_new(js, "id", json_str_or_null(hvsnap_snapshot_id(snap)));
		json_object_set_new(js, "name", json_str_or_null(hvsnap_snapshot_name(snap)));
		json_object_set_new(root, "vm", json_vm(vm));
		json_object_set_new(root, "snapshot", js);
		json_object_set_new(root, "stages", report.stages);
		json_object_set_new(root, "addresses", json_addresses(guest));
		json_object_set_new(root, "elapsed_ms", json_integer((json_int_t)elapsed));
		if (st != HVSNAP_OK) {
			json_t *e = cli_json_error(o, &err);
			if (report.failed)
				json_object_set_new(e, "stage",
				                    json_string(hvsnap_reset_stage_name(report.failed)));
			json_object_set_new(root, "error", e);
		}
		json_print(root);
		rc = cli_exit_code(st);
	} else if (st == HVSNAP_OK) {
		printf("reset %s to \"%s\" in %.1f s\n", cli_safe(hvsnap_vm_name(vm)),
		       cli_safe(hvsnap_snapshot_name(snap)), (double)elapsed / 1000.0);
	} else {
		rc = cli_report_error(o, &err);
	}
	hvsnap_guest_free(guest);
	hvsnap_snapshot_free(snap);
	hvsnap_vm_free(vm);
	cli_close_session(s);
	return rc;
}
