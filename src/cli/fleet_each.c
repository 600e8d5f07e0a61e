/* Fleet commands that only read (vms, list): on each host one VM after
 * the other, stopping before the next when the session is interrupted. */
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
		if (r->verb == V_VMS) {
			fleet_emit(r, h, t, NULL);
			continue;
		}
		hvsnap_snapshot_list *list = NULL;
		hvsnap_status st = hvsnap_snapshot_list_get(s, t->vm, &list, &err);
		if (st == HVSNAP_OK)
			fleet_emit_list(r, h, t, list);
		else
			fleet_emit(r, h, t, &err);
		hvsnap_snapshot_list_free(list);
	}
}

