/* hvsnap policy VM [--type T] [--auto-checkpoints on|off]: show the VM's
 * checkpoint policy, or set it; a set is read back, and a host that
 * reports success without changing anything is an error (exit 1). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/resolve.h"

static int parse_type(const char *text, hvsnap_checkpoint_type *out)
{
	static const hvsnap_checkpoint_type types[] = {
		HVSNAP_CHECKPOINT_DISABLED, HVSNAP_CHECKPOINT_PRODUCTION,
		HVSNAP_CHECKPOINT_PRODUCTION_ONLY, HVSNAP_CHECKPOINT_STANDARD,
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(text, hvsnap_checkpoint_type_name(types[i])) == 0) {
			*out = types[i];
			return 0;
		}
	return -1;
}

static void print_policy(const cli_options *o, const hvsnap_vm *vm,
                         const hvsnap_checkpoint_policy *p, int changed)
{
	const char *type = hvsnap_checkpoint_type_name(p->type);
	if (o->json) {
		json_t *root = json_object();
		json_object_set_new(root, "vm", json_vm(vm));
		json_object_set_new(root, "checkpoint_type", type ? json_string(type) : json_null());
		json_object_set_new(root, "automatic_checkpoints",
		                    p->automatic < 0 ? json_null() : json_boolean(p->automatic));
		json_object_set_new(root, "changed", json_boolean(changed));
		json_print(root);
		return;
	}
	printf("%s%s\n", cli_safe(hvsnap_vm_name(vm)), changed ? ": policy changed" : "");
	printf("  checkpoint type:       %s\n", type ? type : "unknown");
	printf("  automatic checkpoints: %s\n",
	       p->automatic < 0 ? "unknown" : p->automatic ? "on" : "off");
}

int cmd_policy(const cli_options *o)
{
	hvsnap_checkpoint_policy want = HVSNAP_CHECKPOINT_POLICY_INIT;
	if (o->type && parse_type(o->type, &want.type) != 0)
		return cli_report_usage(o, "--type: '%s' is not disabled, production, "
		                        "production-only or standard", o->type);
	if (o->auto_checkpoints) {
		if (strcmp(o->auto_checkpoints, "on") == 0)
			want.automatic = 1;
		else if (strcmp(o->auto_checkpoints, "off") == 0)
			want.automatic = 0;
		else
			return cli_report_usage(o, "--auto-checkpoints: '%s' is not on or off",
			                        o->auto_checkpoints);
	}
	int set = o->type || o->auto_checkpoints;
	hvsnap_session *s = NULL;
	hvsnap_vm *vm = NULL;
	int rc = cli_open_vm(o, &s, &vm);
	if (rc != EXIT_OK)
		return rc;
	hvsnap_checkpoint_policy now = HVSNAP_CHECKPOINT_POLICY_INIT;
	hvsnap_error err;
	hvsnap_status st = set ? hvsnap_vm_policy_set(s, vm, &want, &now, &err)
	                       : hvsnap_vm_policy_get(s, vm, &now, &err);
	if (st == HVSNAP_OK)
		print_policy(o, vm, &now, set);
	else
		rc = cli_report_error(o, &err);
	hvsnap_vm_free(vm);
	cli_close_session(s);
	return rc;
}
