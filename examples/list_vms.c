/* Lists the VMs of a Hyper-V host with their state: the shortest useful
 * libhvsnap program. Connection from the environment (see example_env.h):
 *
 *   HVSNAP_HOST=hv01 HVSNAP_USER='HV01\admin' HVSNAP_PASSWORD=... ./list_vms
 *
 * Prints one line per VM: name, GUID, state. Exit 0, or non-zero with the
 * reason on stderr. It changes nothing on the host. */
#include <stdio.h>

#include <hvsnap/hvsnap.h>

#include "example_env.h"

int main(void)
{
	hvsnap_session *session = NULL;
	hvsnap_vm_list *vms = NULL;
	hvsnap_error err;
	int rc = example_open("list_vms", NULL, 0, &session);

	if (rc != 0)
		return rc;
	/* One query for all VMs; the list owns them. */
	if (hvsnap_vm_list_get(session, &vms, &err) != HVSNAP_OK) {
		example_report("list_vms", "cannot list the VMs", &err);
		hvsnap_session_free(session);
		return 1;
	}
	for (size_t i = 0; i < hvsnap_vm_list_count(vms); i++) {
		const hvsnap_vm *vm = hvsnap_vm_list_at(vms, i);   /* borrowed */
		printf("%-24s %s  %s\n", hvsnap_vm_name(vm), hvsnap_vm_id(vm),
		       hvsnap_vm_state_text(hvsnap_vm_state_code(vm)));
	}
	printf("%zu VMs\n", hvsnap_vm_list_count(vms));
	hvsnap_vm_list_free(vms);
	hvsnap_session_free(session);
	return 0;
}
