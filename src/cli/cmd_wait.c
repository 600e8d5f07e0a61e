/* hvsnap wait VM (--ready | --ip | --state S): block until the guest's
 * heartbeat is up, it reports a routable IPv4 address, or the VM reaches a
 * state. Running out of time is exit 6 and says what was awaited. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/power_out.h"
#include "cli/resolve.h"

#define WAIT_TIMEOUT_S 300L

static int parse_state(const char *text, uint32_t *out)
{
	static const struct { const char *name; uint32_t state; } states[] = {
		{ "off", HVSNAP_VM_OFF }, { "running", HVSNAP_VM_RUNNING },
		{ "saved", HVSNAP_VM_SAVED }, { "paused", HVSNAP_VM_PAUSED },
	};
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(text, states[i].name) == 0) {
			*out = states[i].state;
			return 0;
		}
	return -1;
}

/* Under -v, a line whenever what is seen changes. */
static int show_progress(const hvsnap_vm *vm, const hvsnap_guest *guest, uint64_t elapsed_ms,
                         void *payload)
{
	uint64_t *last = payload;
	uint64_t now = (uint64_t)hvsnap_vm_state_code(vm) << 32 | hvsnap_guest_heartbeat(guest);
	if (now != *last)
		fprintf(stderr, "hvsnap: %.1f s: %s, heartbeat %s\n", (double)elapsed_ms / 1000.0,
		        hvsnap_vm_state_text(hvsnap_vm_state_code(vm)),
		        cli_heartbeat_text(hvsnap_guest_heartbeat(guest)));
	*last = now;
	return 0;
}

int cmd_wait(const cli_options *o)
{
	hvsnap_vm_wait_options w = HVSNAP_VM_WAIT_OPTIONS_INIT;
	int conditions = (o->until_ready != 0) + (o->until_ip != 0) + (o->until_state != NULL);
	if (conditions != 1)
		return cli_report_usage(o, "wait needs exactly one of --ready, --ip or --state S");
	if (o->until_state && parse_state(o->until_state, &w.state) != 0)
		return cli_report_usage(o, "--state: '%s' is not off, running, saved or paused",
		                        o->until_state);
	w.until = o->until_ready ? HVSNAP_UNTIL_READY : o->until_ip ? HVSNAP_UNTIL_IPV4
	                                                           : HVSNAP_UNTIL_STATE;
	w.timeout_ms = cli_wait_timeout_ms(o, WAIT_TIMEOUT_S);
	uint64_t last_seen = UINT64_MAX;
	if (o->verbose) {
		w.progress = show_progress;
		w.payload = &last_seen;
	}
	hvsnap_session *s = NULL;
	hvsnap_vm *vm = NULL;
	int rc = cli_open_vm(o, &s, &vm);
	if (rc != EXIT_OK)
		return rc;
	hvsnap_guest *guest = NULL;
	hvsnap_error err;
	uint64_t began = cli_now_ms();
	hvsnap_status st = hvsnap_vm_wait(s, vm, &w, &guest, &err);
	uint64_t elapsed = cli_now_ms() - began;
	if (st != HVSNAP_OK) {
		rc = cli_report_error(o, &err);
	} else if (o->json) {
		json_t *root = json_object();
		json_object_set_new(root, "vm", json_vm(vm));
		json_object_set_new(root, "heartbeat", json_heartbeat(guest));
		json_object_set_new(root, "addresses", json_addresses(guest));
		json_object_set_new(root, "elapsed_ms", json_integer((json_int_t)elapsed));
		json_print(root);
	} else if (w.until == HVSNAP_UNTIL_READY) {
		printf("%s: heartbeat %s after %.1f s\n", cli_safe(hvsnap_vm_name(vm)),
		       cli_heartbeat_text(hvsnap_guest_heartbeat(guest)), (double)elapsed / 1000.0);
	} else if (w.until == HVSNAP_UNTIL_IPV4) {
		printf("%s: address %s after %.1f s\n", cli_safe(hvsnap_vm_name(vm)),
		       cli_safe(hvsnap_guest_ipv4(guest)), (double)elapsed / 1000.0);
	} else {
		printf("%s: %s after %.1f s\n", cli_safe(hvsnap_vm_name(vm)),
		       hvsnap_vm_state_text(hvsnap_vm_state_code(vm)), (double)elapsed / 1000.0);
	}
	hvsnap_guest_free(guest);
	hvsnap_vm_free(vm);
	cli_close_session(s);
	return rc;
}
