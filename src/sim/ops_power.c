/* VM power over Invoke: Msvm_ComputerSystem.RequestStateChange and the
 * guest's Msvm_ShutdownComponent.InitiateShutdown (reference
 * vm-lifecycle-fleet.md §1.7). Each accepted change is a job that runs
 * jobs.duration_ms: meanwhile the VM shows a transitional EnabledState
 * (jobs_transition), and at its end the new state. */
#include <stdlib.h>
#include <string.h>

#include "invoke.h"
#include "util/strutil.h"

static sim_vm *target_vm(sim_ctx *ctx, sim_req *req)
{
	size_t i;
	for (i = 0; i < req->nsel; i++)
		if (hvs_str_case_eq(req->sel[i].name, "Name"))
			return model_vm(ctx->model, req->sel[i].value);
	return NULL;
}

static int is_host(sim_ctx *ctx, sim_req *req)
{
	size_t i;
	for (i = 0; i < req->nsel; i++)
		if (hvs_str_case_eq(req->sel[i].name, "Name"))
			return hvs_str_case_eq(req->sel[i].value, ctx->model->host);
	return 0;
}

/* May a VM in state go to RequestedState want? 2 start/resume, 3 turn
 * off, 6 save, 9 pause; the same state is no transition. */
static int allowed(int state, unsigned want)
{
	switch (want) {
	case 2: return state == VM_OFF || state == VM_SAVED || state == VM_PAUSED;
	case 3: return state == VM_RUNNING || state == VM_PAUSED ||
	               state == VM_SAVED;
	case 6: return state == VM_RUNNING || state == VM_PAUSED;
	case 9: return state == VM_RUNNING;
	}
	return 0;
}

void invoke_vm_state_change(sim_ctx *ctx, sim_req *req, sim_resp *r,
                            xmlNodePtr in)
{
	char *t = invoke_text_param(in, req->resource_uri, "RequestedState");
	uint64_t want = 0;
	sim_vm *vm = target_vm(ctx, req);
	int bad = !t || hvs_str_to_u64(t, 65535, &want) != 0;
	free(t);
	if (!vm) {
		if (is_host(ctx, req))
			invoke_output(ctx, req, r, 32775, NULL);
		else
			sim_fault(ctx, req, r, F_NOT_FOUND, NULL);
		return;
	}
	if (bad) {
		invoke_output(ctx, req, r, 32773, NULL);
		return;
	}
	/* [DOC] 32775 "the value specified in the RequestedState parameter
	 * is not supported": 4 (v1 only), values hvsim does not model, and
	 * transitions the VM's state does not allow; a VM already changing
	 * state or busy with a snapshot job refuses too [INF] */
	if (vm->busy || vm->transition || !allowed(vm->state, (unsigned)want)) {
		invoke_output(ctx, req, r, 32775, NULL);
		return;
	}
	invoke_output(ctx, req, r, 4096,
	              jobs_start(ctx->model, JK_STATE, vm->id, NULL, (int)want));
}

/* InitiateShutdown(Force, Reason) on the component the selectors name.
 * The component exists only for a running or paused VM with integration
 * services, so anything else is a:DestinationUnreachable. 32780 while the
 * guest has not answered yet [DOC code, INF when], 32781 for a locked
 * guest without Force [DOC], 32775 paused or already changing [INF].
 * Accepted: 0 and the VM goes Off after jobs.duration_ms, or with
 * quirks.shutdown_job 4096 + that job (both are documented returns). */
void invoke_shutdown(sim_ctx *ctx, sim_req *req, sim_resp *r, xmlNodePtr in)
{
	sim_epr e;
	sim_inst *comp;
	sim_vm *vm = NULL;
	sim_job *job;
	char *force = invoke_text_param(in, req->resource_uri, "Force");
	int forced = force && hvs_str_case_eq(force, "true");
	size_t i;
	free(force);
	epr_init(&e, req->cls);
	for (i = 0; i < req->nsel; i++)
		epr_add(&e, req->sel[i].name, req->sel[i].value);
	comp = class_resolve(ctx->model, &e, sim_lang(ctx, req));
	epr_clear(&e);
	if (comp)
		vm = model_vm(ctx->model, inst_text(comp, "SystemName"));
	inst_free(comp);
	if (!vm) {
		sim_fault(ctx, req, r, F_NOT_FOUND, NULL);
		return;
	}
	if (vm->busy || vm->transition || vm->state != VM_RUNNING) {
		invoke_output(ctx, req, r, 32775, NULL);
		return;
	}
	if (!guest_ready(vm, now_ms())) {
		invoke_output(ctx, req, r, 32780, NULL);
		return;
	}
	if (vm->guest_locked && !forced) {
		invoke_output(ctx, req, r, 32781, NULL);
		return;
	}
	job = jobs_start(ctx->model, JK_SHUTDOWN, vm->id, NULL, 3);
	if (ctx->model->shutdown_job)
		invoke_output(ctx, req, r, 4096, job);
	else
		invoke_output(ctx, req, r, 0, NULL);
}
