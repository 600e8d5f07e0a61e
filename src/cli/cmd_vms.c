/* hvsnap vms: the host's VMs as a table or JSON. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"

/* Display width of UTF-8 text, counting each code point as one column
 * (good enough to keep ASCII and most accented names aligned). */
static int columns(const char *s)
{
	int n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
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
		int width = 4;
		for (size_t i = 0; i < n; i++)
			if (columns(hvsnap_vm_name(hvsnap_vm_list_at(vms, i))) > width)
				width = columns(hvsnap_vm_name(hvsnap_vm_list_at(vms, i)));
		printf("%-*s  %-36s  %s\n", width, "NAME", "ID", "STATE");
		for (size_t i = 0; i < n; i++) {
			const hvsnap_vm *vm = hvsnap_vm_list_at(vms, i);
			printf("%s%*s  %-36s  %s\n", cli_safe(hvsnap_vm_name(vm)),
			       width - columns(hvsnap_vm_name(vm)), "", cli_safe(hvsnap_vm_id(vm)),
			       hvsnap_vm_state_text(hvsnap_vm_state_code(vm)));
		}
	}
	hvsnap_vm_list_free(vms);
	cli_close_session(s);
	return EXIT_OK;
}
