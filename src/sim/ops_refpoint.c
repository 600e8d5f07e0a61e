/* Reference points over Invoke: the snapshot service's
 * ConvertToReferencePoint (recovery snapshots only; the snapshot goes and
 * a Msvm_VirtualSystemReferencePoint comes, found through the job's
 * Msvm_AffectedJobElement like a new snapshot) and the reference point
 * service's DestroyReferencePoint. Reference: vm-lifecycle-fleet.md
 * §1.1, §1.4, §1.5. */
#include <stdlib.h>
#include <string.h>

#include "invoke.h"
#include "util/strutil.h"

void invoke_convert_refpoint(sim_ctx *ctx, sim_req *req, sim_resp *r,
                             xmlNodePtr in)
{
	sim_epr e;
	sim_snap *s;
	sim_vm *vm;
	char *settings, snap_id[GUID_LEN];
	enum sim_fault f = invoke_epr_param(in, req->resource_uri,
	                                    "AffectedSnapshot", &e);
	if (f == F_SCHEMA) {
		sim_fault(ctx, req, r, f, "AffectedSnapshot must not be wrapped "
		          "in an EndpointReference.");
		return;
	}
	s = f == F_NONE ? invoke_epr_snap(ctx->model, &e) : NULL;
	epr_clear(&e);
	vm = s ? model_vm(ctx->model, s->vm_id) : NULL;
	/* ReferencePointSettings: "" or an embedded CIM_SettingData [DOC];
	 * its properties are only logged */
	settings = invoke_text_param(in, req->resource_uri,
	                             "ReferencePointSettings");
	if (settings && *settings) {
		embedded em;
		f = embedded_parse(settings, &em);
		embedded_free(&em);
		if (f == F_SCHEMA) {
			free(settings);
			sim_fault(ctx, req, r, F_SCHEMA, "ReferencePointSettings "
			          "must be an embedded CIM-XML INSTANCE.");
			return;
		}
		if (f != F_NONE)
			vm = NULL;
	}
	free(settings);
	/* a missing snapshot, bad settings, or a snapshot that is not a
	 * recovery one ("only recovery snapshots can be converted" [DOC]):
	 * 32773 Invalid parameter at once [INF: the code is not documented] */
	if (!vm || strcmp(model_snap_type(s), SNAP_RECOVERY) != 0) {
		invoke_output(ctx, req, r, 32773, NULL);
		return;
	}
	if (vm->busy) {
		invoke_output(ctx, req, r, 32775, NULL);
		return;
	}
	hvs_str_copy(snap_id, sizeof(snap_id), s->id);
	invoke_output(ctx, req, r, 4096,
	              jobs_start(ctx->model, JK_CONVERT, vm->id, snap_id, 0));
}

static sim_refpoint *epr_refpoint(sim_model *m, const sim_epr *e)
{
	sim_refpoint *rp = NULL;
	size_t i;
	if (!hvs_str_case_eq(e->cls, "Msvm_VirtualSystemReferencePoint"))
		return NULL;
	for (i = 0; i < e->nsel; i++)
		if (hvs_str_case_eq(e->sel[i].name, "InstanceID") &&
		    strncmp(e->sel[i].value, "Microsoft:", 10) == 0)
			rp = model_refpoint(m, e->sel[i].value + 10);
	/* VirtualSystemIdentifier is a key too: when given it must agree */
	for (i = 0; rp && i < e->nsel; i++)
		if (hvs_str_case_eq(e->sel[i].name, "VirtualSystemIdentifier") &&
		    !hvs_str_case_eq(e->sel[i].value, rp->vm_id))
			rp = NULL;
	return rp;
}

void invoke_destroy_refpoint(sim_ctx *ctx, sim_req *req, sim_resp *r,
                             xmlNodePtr in)
{
	sim_epr e;
	sim_refpoint *rp;
	char id[GUID_LEN], vm_id[GUID_LEN];
	enum sim_fault f = invoke_epr_param(in, req->resource_uri,
	                                    "AffectedReferencePoint", &e);
	if (f == F_SCHEMA) {
		sim_fault(ctx, req, r, f, "AffectedReferencePoint must not be "
		          "wrapped in an EndpointReference.");
		return;
	}
	rp = f == F_NONE ? epr_refpoint(ctx->model, &e) : NULL;
	epr_clear(&e);
	if (!rp) {
		invoke_output(ctx, req, r, 32773, NULL); /* [DOC] code list */
		return;
	}
	hvs_str_copy(id, sizeof(id), rp->id);
	hvs_str_copy(vm_id, sizeof(vm_id), rp->vm_id);
	invoke_output(ctx, req, r, 4096,
	              jobs_start(ctx->model, JK_DESTROY_REFPOINT, vm_id, id, 0));
}
