/* Fleet commands that are not jobs (vms, list, a graceful stop, which
 * waits on each guest): on each host one VM after the other, stopping
 * before the next when the session is interrupted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/fleet.h"
#include "cli/output.h"

void fleet_run_each(fleet_run *r, fleet_host *h, hvsnap_session *s, fleet_target *ts, size_t n)
{
	hvsnap_error err;
	for (size_t i = 0; i < n; i++) {
		fleet_target *t = &ts[i];
		if (t->state != 0)
			continue;
		if (hvsnap_session_interrupted(s)) {
			fleet_emit_unfinished(r, h, t, HVSNAP_ERR_CANCELLED, "interrupted: not started");
			continue;
		}
		hvsnap_status st = HVSNAP_OK;
		if (r->verb == V_VMS) {
			fleet_emit(r, h, t, NULL);
			continue;
		}
		if (r->verb == V_LIST) {
			hvsnap_snapshot_list *list = NULL;
			st = hvsnap_snapshot_list_get(s, t->vm, &list, &err);
			if (st == HVSNAP_OK)
				fleet_emit_list(r, h, t, list);
			else
				fleet_emit(r, h, t, &err);
			hvsnap_snapshot_list_free(list);
			continue;
		}
		/* graceful stop: through the guest */
		hvsnap_shutdown_options so = HVSNAP_SHUTDOWN_OPTIONS_INIT;
		so.force = r->o->force;
		so.wait.timeout_ms = r->timeout_ms;
		st = hvsnap_vm_shutdown(s, t->vm, &so, &err);
		fleet_emit(r, h, t, st == HVSNAP_OK ? NULL : &err);
	}
}

