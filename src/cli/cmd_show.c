/* hvsnap show VM: one VM in detail: state, heartbeat, guest addresses,
 * checkpoint policy and current checkpoint. Four round trips for a running
 * VM (the VM, its settings and checkpoints in one query, the heartbeat, the
 * key-value items), two when it is off: a stopped guest reports nothing. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/power_out.h"
#include "cli/resolve.h"

static const hvsnap_snapshot *current_of(const hvsnap_snapshot_list *list)
{
	for (size_t i = 0; i < hvsnap_snapshot_list_count(list); i++)
		if (hvsnap_snapshot_is_current(hvsnap_snapshot_list_at(list, i)))
			return hvsnap_snapshot_list_at(list, i);
	return NULL;
}

static json_t *json_automatic(int32_t automatic)
{
	return automatic < 0 ? json_null() : json_boolean(automatic);
}

static void print_show(const cli_options *o, const hvsnap_vm *vm, const hvsnap_guest *guest,
                       const hvsnap_checkpoint_policy *policy, const hvsnap_snapshot *current)
{
	const char *type = hvsnap_checkpoint_type_name(policy->type);
	if (o->json) {
		json_t *v = json_vm(vm);
		json_object_set_new(v, "heartbeat", json_heartbeat(guest));
		json_object_set_new(v, "addresses", json_addresses(guest));
		json_object_set_new(v, "checkpoint_type", type ? json_string(type) : json_null());
		json_object_set_new(v, "automatic_checkpoints", json_automatic(policy->automatic));
		json_t *c = json_null();
		if (current) {
			c = json_object();
			json_object_set_new(c, "id", json_str_or_null(hvsnap_snapshot_id(current)));
			json_object_set_new(c, "name", json_str_or_null(hvsnap_snapshot_name(current)));
		}
		json_object_set_new(v, "current_snapshot", c);
		json_t *root = json_object();
		json_object_set_new(root, "vm", v);
		json_print(root);
		return;
	}
	printf("%s\n", cli_safe(hvsnap_vm_name(vm)));
	printf("  id:                    %s\n", cli_safe(hvsnap_vm_id(vm)));
	printf("  state:                 %s (%u)\n", hvsnap_vm_state_text(hvsnap_vm_state_code(vm)),
	       hvsnap_vm_state_code(vm));
	printf("  heartbeat:             %s\n", cli_heartbeat_text(hvsnap_guest_heartbeat(guest)));
	if (hvsnap_guest_address_count(guest) == 0)
		printf("  addresses:             -\n");
	for (size_t i = 0; i < hvsnap_guest_address_count(guest); i++)
		printf("  %-22s %s\n", i ? "" : "addresses:", cli_safe(hvsnap_guest_address_at(guest, i)));
	if (hvsnap_guest_fqdn(guest))
		printf("  host name:             %s\n", cli_safe(hvsnap_guest_fqdn(guest)));
	printf("  checkpoint type:       %s\n", type ? type : "unknown");
	printf("  automatic checkpoints: %s\n",
	       policy->automatic < 0 ? "unknown" : policy->automatic ? "on" : "off");
	if (current)
		printf("  current checkpoint:    \"%s\" (%s)\n", cli_safe(hvsnap_snapshot_name(current)),
		       cli_safe(hvsnap_snapshot_id(current)));
	else
		printf("  current checkpoint:    -\n");
}

int cmd_show(const cli_options *o)
{
	hvsnap_session *s = NULL;
	hvsnap_vm *vm = NULL;
	int rc = cli_open_vm(o, &s, &vm);
	if (rc != EXIT_OK)
		return rc;
	hvsnap_snapshot_list *list = NULL;
	hvsnap_guest *guest = NULL;
	hvsnap_checkpoint_policy policy = HVSNAP_CHECKPOINT_POLICY_INIT;
	hvsnap_error err;
	hvsnap_status st = hvsnap_snapshot_list_get(s, vm, &list, &err);
	if (st == HVSNAP_OK)
		st = hvsnap_snapshot_list_policy(list, &policy);
	uint32_t state = hvsnap_vm_state_code(vm);
	if (st == HVSNAP_OK && state != HVSNAP_VM_OFF && state != HVSNAP_VM_SAVED)
		st = hvsnap_guest_get(s, vm, &guest, &err);
	if (st == HVSNAP_OK)
		print_show(o, vm, guest, &policy, current_of(list));
	else
		rc = cli_report_error(o, &err);
	hvsnap_guest_free(guest);
	hvsnap_snapshot_list_free(list);
	hvsnap_vm_free(vm);
	cli_close_session(s);
	return rc;
}
