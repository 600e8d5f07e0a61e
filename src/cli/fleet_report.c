/* Fleet output of one target: the JSON fields and text of each command's
 * result (a checkpoint, a list, a state), and the line of a job left
 * running on the host, which always carries the job's id. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/fleet.h"
#include "cli/output.h"
#include "cli/power_out.h"


/* current is known for a checkpoint a create just made (the library
 * derives it); for one found before an apply or delete it would describe
 * the tree as it was, so it is left out there. */
static json_t *snapshot_json(const hvsnap_snapshot *snap, const char *name, int current_known)
{
	json_t *js = json_snapshot(snap);
	if (!current_known)
		json_object_del(js, "current");
	if (name) /* renamed after it was read (create --name) */
		json_object_set_new(js, "name", json_str_or_null(name));
	return js;
}

void fleet_emit(const fleet_run *r, const fleet_host *h, fleet_target *t, const hvsnap_error *err)
{
	json_t *f = json_object();
	char text[600] = "";
	const char *snap_name = r->verb == V_CREATE && r->o->name ? r->o->name : NULL;
	if (t->snap)
		json_object_set_new(f, "snapshot", snapshot_json(t->snap, snap_name, r->verb == V_CREATE));
	/* a job seen by a batch poll has no wait of its own: its time is
	 * the client's, from the request that started it */
	uint64_t elapsed = t->started_ms ? fleet_now_ms() - t->started_ms : 0;
	if (r->verb == V_RESET) {
		/* a single reset's fields: its stages, the guest's addresses,
		 * and the stage an error happened in */
		json_object_set_new(f, "stages", t->stages ? json_incref(t->stages) : json_array());
		json_object_set_new(f, "addresses", json_addresses(t->guest));
		json_object_set_new(f, "elapsed_ms", json_integer((json_int_t)elapsed));
		if (err && t->stage) {
			json_t *e = json_object();
			json_object_set_new(e, "stage", json_string(hvsnap_reset_stage_name(t->stage)));
			json_object_set_new(f, "error", e);
		}
	} else if (t->job) {
		json_t *jj = json_job(t->job);
		json_object_set_new(jj, "elapsed_ms", json_integer((json_int_t)elapsed));
		json_object_set_new(f, "job", jj);
	} else if (t->vm && (r->verb == V_CREATE || r->verb == V_DELETE || r->verb == V_APPLY ||
	                   r->verb == V_START || r->verb == V_STOP || r->verb == V_SAVE))
		json_object_set_new(f, "job", json_null());
	if (!err) {
		double secs = (double)elapsed / 1000.0;
		const char *sn = snap_name ? snap_name : t->snap ? hvsnap_snapshot_name(t->snap) : "";
		switch (r->verb) {
		case V_CREATE:
			snprintf(text, sizeof(text), "checkpoint \"%s\" %s", sn,
			         hvsnap_snapshot_id(t->snap) ? hvsnap_snapshot_id(t->snap) : "");
			break;
		case V_DELETE:
			snprintf(text, sizeof(text), "deleted \"%s\"", sn);
			break;
		case V_APPLY:
			snprintf(text, sizeof(text), "applied \"%s\"", sn);
			break;
		case V_RESET:
			snprintf(text, sizeof(text), "reset to \"%s\", now %s%s%s", sn,
			         hvsnap_vm_state_text(hvsnap_vm_state_code(t->vm)),
			         hvsnap_guest_ipv4(t->guest) ? ", address " : "",
			         hvsnap_guest_ipv4(t->guest) ? hvsnap_guest_ipv4(t->guest) : "");
			break;
		case V_VMS:
			snprintf(text, sizeof(text), "%s %s", hvsnap_vm_id(t->vm),
			         hvsnap_vm_state_text(hvsnap_vm_state_code(t->vm)));
			break;
		default:
			snprintf(text, sizeof(text), "%s", r->o->command);
			break;
		}
		if ((t->job || r->verb == V_RESET) && r->verb != V_VMS && r->verb != V_LIST)
			snprintf(text + strlen(text), sizeof(text) - strlen(text), " (%.1f s)", secs);
	}
	if (r->verb == V_VMS && t->vm)
		json_object_set_new(f, "vm", json_vm(t->vm));
	fleet_out_target(h->name, t->vm, t->label, f, err, text);
	t->state = 2;
}

/* list: the VM's snapshots as a JSON array, and a text summary. */
void fleet_emit_list(const fleet_run *r, const fleet_host *h, fleet_target *t,
                      const hvsnap_snapshot_list *list)
{
	json_t *f = json_object(), *arr = json_array();
	size_t n = hvsnap_snapshot_list_count(list), shown = 0;
	const char *current = NULL;
	for (size_t i = 0; i < n; i++) {
		const hvsnap_snapshot *s = hvsnap_snapshot_list_at(list, i);
		if (hvsnap_snapshot_kind_of(s) == HVSNAP_ROLE_RECOVERY && !r->o->include_recovery)
			continue;
		json_array_append_new(arr, json_snapshot(s));
		shown++;
		if (hvsnap_snapshot_is_current(s))
			current = hvsnap_snapshot_name(s);
	}
	json_object_set_new(f, "snapshots", arr);
	char text[400];
	snprintf(text, sizeof(text), "%zu checkpoint%s%s%s%s", shown, shown == 1 ? "" : "s",
	         current ? ", current \"" : "", current ? current : "", current ? "\"" : "");
	fleet_out_target(h->name, t->vm, t->label, f, NULL, text);
	t->state = 2;
}

void fleet_emit_unfinished(const fleet_run *r, const fleet_host *h, fleet_target *t,
                            hvsnap_status kind, const char *why)
{
	hvsnap_error err;
	fleet_set_err(&err, kind, "%s", why);
	if (t->job && hvsnap_job_id(t->job)) {
		snprintf(err.job_id, sizeof(err.job_id), "%s", hvsnap_job_id(t->job));
		snprintf(err.message + strlen(err.message), sizeof(err.message) - strlen(err.message),
		         "; the job goes on on the host: hvsnap job %s --wait", hvsnap_job_id(t->job));
		if (!r->o->json)
			fprintf(stderr, "hvsnap: %s %s: job %s still running\n", cli_safe(h->name),
			        cli_safe(t->vm ? hvsnap_vm_name(t->vm) : t->label),
			        cli_safe(hvsnap_job_id(t->job)));
	}
	fleet_emit(r, h, t, &err);
}

