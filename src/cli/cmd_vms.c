/* hvsnap vms: the host's VMs as a table or JSON. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/textwidth.h"

#define ID_COLUMNS 36

/* The table: NAME ID STATE, NAME cut to what the terminal leaves it (never
 * with -o wide, which adds the state's number), or names alone with -o
 * name, for scripts. Widths are display widths, so wide characters line up. */
static void print_table(const cli_options *o, const hvsnap_vm_list *vms)
{
	size_t n = hvsnap_vm_list_count(vms);
	int wide = o->output && strcmp(o->output, "wide") == 0;
	if (o->output && strcmp(o->output, "name") == 0) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", cli_safe(hvsnap_vm_name(hvsnap_vm_list_at(vms, i))));
		return;
	}
	int width = 4, state_width = 5;
	for (size_t i = 0; i < n; i++) {
		const hvsnap_vm *vm = hvsnap_vm_list_at(vms, i);
		int w = cli_display_width(cli_safe(hvsnap_vm_name(vm)));
		int sw = (int)strlen(hvsnap_vm_state_text(hvsnap_vm_state_code(vm)));
		width = w > width ? w : width;
		state_width = sw > state_width ? sw : state_width;
	}
	int term = cli_terminal_columns(1);
	int room = term - 2 - ID_COLUMNS - 2 - state_width;
	if (!wide && term > 0 && width > room)
		width = room > 8 ? room : 8;
	if (!o->no_headers)
		printf("%-*s  %-*s  %s%s\n", width, "NAME", ID_COLUMNS, "ID",
		       wide ? "STATE     CODE" : "STATE", "");
	for (size_t i = 0; i < n; i++) {
		const hvsnap_vm *vm = hvsnap_vm_list_at(vms, i);
		char name[1024];
		cli_fit(cli_safe(hvsnap_vm_name(vm)), wide ? 1 << 20 : width, name, sizeof(name));
		int pad = width - cli_display_width(name);
		const char *state = hvsnap_vm_state_text(hvsnap_vm_state_code(vm));
		printf("%s%*s  %-*s  ", name, pad > 0 ? pad : 0, "", ID_COLUMNS,
		       cli_safe(hvsnap_vm_id(vm)));
		if (wide)
			printf("%-*s %u\n", state_width < 9 ? 9 : state_width, state,
			       hvsnap_vm_state_code(vm));
		else
			printf("%s\n", state);
	}
}

int cmd_vms(const cli_options *o)
{
	hvsnap_session *s = NULL;
	int rc = cli_open_session(o, 1, &s);
	if (rc != EXIT_OK)
		return rc;
	hvsnap_error err;
	hvsnap_vm_list *vms = NULL;
	if (hvsnap_vm_list_get(s, &vms, &err) != HVSNAP_OK) {
		rc = cli_report_error(o, &err);
		cli_close_session(s);
		return rc;
	}
	size_t n = hvsnap_vm_list_count(vms);
	if (o->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_vm(hvsnap_vm_list_at(vms, i)));
		json_t *root = json_object();
		json_object_set_new(root, "vms", arr);
		json_print(root);
	} else {
		print_table(o, vms);
	}
	hvsnap_vm_list_free(vms);
	cli_close_session(s);
	return EXIT_OK;
}
