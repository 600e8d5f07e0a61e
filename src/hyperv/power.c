/* VM power: RequestStateChange with its job, graceful shutdown through the
 * guest's shutdown component, refreshing a VM's state, and waiting for a
 * state, a heartbeat or an address through the shared poll loop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvsnap/power.h"
#include "hyperv/classes.h"
#include "hyperv/invoke.h"
#include "hyperv/job_int.h"
#include "hyperv/objects.h"
#include "hyperv/poll.h"
#include "hyperv/props.h"
#include "hyperv/query.h"
#include "util/err.h"
#include "util/strutil.h"

#define DEFAULT_SHUTDOWN_REASON "Shut down by hvsnap"

hvsnap_status hvsnap_vm_refresh(hvsnap_session *s, hvsnap_vm *vm, hvsnap_error *err)
{
	hvsnap_epr *epr = hvs_vm_epr(vm->id);
	if (!epr)
		return hvs_err_nomem(err);
	hvsnap_cim_instance *inst = NULL;
	hvsnap_status st = hvsnap_wsman_get(s, epr, &inst, err);
	hvsnap_epr_free(epr);
	if (st != HVSNAP_OK)
		return st;
	uint64_t state;
	st = hvsnap_cim_get_uint(inst, "EnabledState", &state);
	hvsnap_cim_instance_free(inst);
	if (st != HVSNAP_OK || state > UINT32_MAX)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		                   "the host's answer for VM %s has no EnabledState", vm->id);
	vm->state = (uint32_t)state;
	return HVSNAP_OK;
}

static const char *action_text(hvsnap_power_action a)
{
	switch (a) {
	case HVSNAP_POWER_START: return "start";
	case HVSNAP_POWER_TURN_OFF: return "turn off";
	case HVSNAP_POWER_SAVE: return "save";
	case HVSNAP_POWER_PAUSE: return "pause";
	}
	return "change the state of";
}

hvsnap_status hvsnap_vm_change_state(hvsnap_session *s, hvsnap_vm *vm,
                                     hvsnap_power_action action,
                                     const hvsnap_wait_options *wait,
                                     hvsnap_job **job, hvsnap_error *err)
{
	hvsnap_error local;
	if (!err)
		err = &local;   /* optional, but the code is read back below */
	hvsnap_error_clear(err);
	*job = NULL;
	if (action != HVSNAP_POWER_START && action != HVSNAP_POWER_TURN_OFF &&
	    action != HVSNAP_POWER_SAVE && action != HVSNAP_POWER_PAUSE)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "unknown power action %d", (int)action);
	hvsnap_epr *target = hvs_vm_epr(vm->id);
	hvsnap_params *p = hvsnap_params_new();
	hvsnap_status st;
	if (!target || !p || hvsnap_params_add_uint(p, "RequestedState", (uint64_t)action) != HVSNAP_OK) {
		st = hvs_err_nomem(err);
	} else {
		st = hvs_invoke_and_wait(s, target, "RequestStateChange", p, wait, NULL, job, err);
		if (st == HVSNAP_ERR_FAILED && err->code == HVSNAP_RC_INVALID_STATE)
			hvs_err_add_detail(err, "VM %s is %s: the host cannot %s it from that state",
			                   vm->name, hvsnap_vm_state_text(vm->state), action_text(action));
	}
	hvsnap_params_free(p);
	hvsnap_epr_free(target);
	if (st == HVSNAP_OK && !(wait && wait->no_wait))
		st = hvsnap_vm_refresh(s, vm, err);
	return st;
}

hvsnap_status hvsnap_shutdown_options_init(hvsnap_shutdown_options *opts, unsigned int version)
{
	HVS_INIT_FROM_TEMPLATE(opts, version, HVSNAP_SHUTDOWN_OPTIONS_VERSION, hvsnap_shutdown_options,
	                       HVSNAP_SHUTDOWN_OPTIONS_INIT);
}

/* The EPR of the VM's shutdown component, from its key properties; NULL
 * with HVSNAP_ERR_FAILED when the VM has none (no integration services, or
 * not running). */
static hvsnap_status shutdown_component(hvsnap_session *s, const hvsnap_vm *vm,
                                        hvsnap_epr **out, hvsnap_error *err)
{
	*out = NULL;
	instance_list l;
	hvsnap_status st = hvs_query_literal(s, "SELECT * FROM " CLASS_SHUTDOWN " WHERE SystemName = ",
	                                     vm->id, NULL, &l, err);
	if (st != HVSNAP_OK)
		return st;
	static const char *const keys[] = { "CreationClassName", "DeviceID",
	                                    "SystemCreationClassName", "SystemName" };
	hvsnap_epr *epr = l.n ? hvsnap_epr_new(URI_SHUTDOWN) : NULL;
	for (size_t i = 0; epr && i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = hvsnap_cim_get_text(l.items[0], keys[i]);
		if (!v || hvsnap_epr_add_selector(epr, keys[i], v) != HVSNAP_OK) {
			hvsnap_epr_free(epr);
			epr = NULL;
			st = v ? hvs_err_nomem(err)
			       : hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
			                     "VM %s's shutdown component has no %s", vm->id, keys[i]);
		}
	}
	size_t found = l.n;
	hvs_instance_list_clear(&l);
	if (st != HVSNAP_OK)
		return st;
	if (!found) {
		hvs_err_set(err, HVSNAP_ERR_FAILED, 0,
		            "VM %s has no working shutdown component, so its guest cannot be asked "
		            "to shut down", vm->name);
		hvs_err_add_detail(err, "the VM is %s; a guest shutdown needs it running with "
		                   "integration services", hvsnap_vm_state_text(vm->state));
		hvs_err_add_detail(err, "the VM was left as it was; a hard power-off does not "
		                   "ask the guest");
		return HVSNAP_ERR_FAILED;
	}
	if (!epr)
		return hvs_err_nomem(err);
	*out = epr;
	return HVSNAP_OK;
}

hvsnap_status hvsnap_vm_shutdown(hvsnap_session *s, hvsnap_vm *vm,
                                 const hvsnap_shutdown_options *opts, hvsnap_error *err)
{
	hvsnap_error local;
	if (!err)
		err = &local;
	hvsnap_error_clear(err);
	hvsnap_shutdown_options none = HVSNAP_SHUTDOWN_OPTIONS_INIT;
	if (!opts)
		opts = &none;
	if (hvs_check_version(err, "shutdown options", opts, HVSNAP_SHUTDOWN_OPTIONS_VERSION) ||
	    hvs_wait_options_check(&opts->wait, err))
		return HVSNAP_ERR_USAGE;
	hvsnap_epr *component = NULL;
	hvsnap_status st = shutdown_component(s, vm, &component, err);
	if (st != HVSNAP_OK)
		return st;
	hvsnap_params *p = hvsnap_params_new();
	hvsnap_job *job = NULL;
	if (!p || hvsnap_params_add_value(p, "Force", opts->force ? "true" : "false") != HVSNAP_OK ||
	    hvsnap_params_add_value(p, "Reason", opts->reason ? opts->reason
	                                                      : DEFAULT_SHUTDOWN_REASON) != HVSNAP_OK) {
		st = hvs_err_nomem(err);
	} else {
		st = hvs_invoke_and_wait(s, component, "InitiateShutdown", p, &opts->wait, NULL,
		                         &job, err);
		if (st == HVSNAP_ERR_FAILED && (err->code == HVSNAP_RC_NOT_READY ||
		                                err->code == HVSNAP_RC_MACHINE_LOCKED ||
		                                err->code == HVSNAP_RC_SHUTDOWN_IN_PROGRESS)) {
			hvs_err_add_detail(err, "the guest of VM %s refused to shut down; the VM was "
			                   "left as it was", vm->name);
		} else if (st == HVSNAP_ERR_NOT_FOUND) {
			/* The component went away between the query and the call. */
			hvs_err_set(err, HVSNAP_ERR_FAILED, 0,
			            "VM %s's shutdown component is gone: the guest cannot be asked to "
			            "shut down", vm->name);
			st = HVSNAP_ERR_FAILED;
		}
	}
	hvsnap_job_free(job);
	hvsnap_params_free(p);
	hvsnap_epr_free(component);
	if (st != HVSNAP_OK || opts->wait.no_wait)
		return st;
	/* The guest was asked; it is down when the VM is Off. */
	hvsnap_vm_wait_options w = HVSNAP_VM_WAIT_OPTIONS_INIT;
	w.until = HVSNAP_UNTIL_STATE;
	w.state = HVSNAP_VM_OFF;
	w.timeout_ms = opts->wait.timeout_ms;
	return hvsnap_vm_wait(s, vm, &w, NULL, err);
}

hvsnap_status hvsnap_vm_wait_options_init(hvsnap_vm_wait_options *opts, unsigned int version)
{
	HVS_INIT_FROM_TEMPLATE(opts, version, HVSNAP_VM_WAIT_OPTIONS_VERSION, hvsnap_vm_wait_options,
	                       HVSNAP_VM_WAIT_OPTIONS_INIT);
}

typedef struct vm_wait_ctx {
	hvsnap_session *s;
	hvsnap_vm *vm;
	const hvsnap_vm_wait_options *opts;
	hvsnap_guest *guest;   /* as last seen */
} vm_wait_ctx;

static hvsnap_status vm_wait_step(void *ctx, uint64_t elapsed, int *done, uint32_t *next_ms,
                                  hvsnap_error *err)
{
	(void)next_ms; /* a guest gives no estimate: the poller's backoff */
	vm_wait_ctx *c = ctx;
	hvsnap_status st = hvsnap_vm_refresh(c->s, c->vm, err);
	if (st != HVSNAP_OK)
		return st;
	int reached;
	if (c->opts->until == HVSNAP_UNTIL_STATE) {
		reached = c->vm->state == c->opts->state;
	} else {
		hvsnap_guest *g = NULL;
		st = hvsnap_guest_get(c->s, c->vm, &g, err);
		if (st != HVSNAP_OK)
			return st;
		hvsnap_guest_free(c->guest);
		c->guest = g;
		reached = c->opts->until == HVSNAP_UNTIL_READY ? hvsnap_guest_is_ready(g)
		                                               : hvsnap_guest_ipv4(g) != NULL;
	}
	int stop = c->opts->progress
	           ? c->opts->progress(c->vm, c->guest, elapsed, c->opts->payload) : 0;
	if (reached) {
		*done = 1;
		return HVSNAP_OK;
	}
	/* A VM that is off will not come up by itself. */
	if (c->opts->until != HVSNAP_UNTIL_STATE && c->vm->state == HVSNAP_VM_OFF) {
		*done = 1;
		return hvs_err_set(err, HVSNAP_ERR_FAILED, 0,
		                   "VM %s is Off: its guest cannot come up", c->vm->name);
	}
	return stop ? HVSNAP_ERR_CANCELLED : HVSNAP_OK;
}

/* What a wait that did not end was waiting for, and what it saw last. */
static void describe_wait(const vm_wait_ctx *c, hvsnap_status kind, uint64_t elapsed,
                          hvsnap_error *err)
{
	char what[96];
	switch (c->opts->until) {
	case HVSNAP_UNTIL_READY:
		snprintf(what, sizeof(what), "its guest's heartbeat");
		break;
	case HVSNAP_UNTIL_IPV4:
		snprintf(what, sizeof(what), "an IPv4 address from its guest");
		break;
	default:
		snprintf(what, sizeof(what), "it to be %s", hvsnap_vm_state_text(c->opts->state));
		break;
	}
	if (kind == HVSNAP_ERR_TIMEOUT)
		hvs_err_set(err, kind, 0, "VM %s: gave up waiting for %s after %.1f s",
		            c->vm->name, what, (double)elapsed / 1000.0);
	else
		hvs_err_set(err, kind, 0, "VM %s: stopped waiting for %s", c->vm->name, what);
	const char *hb = hvsnap_heartbeat_name(hvsnap_guest_heartbeat(c->guest));
	hvs_err_add_detail(err, "last seen: %s%s%s", hvsnap_vm_state_text(c->vm->state),
	                   c->opts->until != HVSNAP_UNTIL_STATE ? ", heartbeat " : "",
	                   c->opts->until != HVSNAP_UNTIL_STATE ? (hb ? hb : "none") : "");
}

hvsnap_status hvsnap_vm_wait(hvsnap_session *s, hvsnap_vm *vm,
                             const hvsnap_vm_wait_options *opts, hvsnap_guest **guest,
                             hvsnap_error *err)
{
	hvsnap_error local;
	if (!err)
		err = &local;
	hvsnap_error_clear(err);
	if (guest)
		*guest = NULL;
	if (hvs_check_version(err, "VM wait options", opts, HVSNAP_VM_WAIT_OPTIONS_VERSION))
		return HVSNAP_ERR_USAGE;
	if (opts->until != HVSNAP_UNTIL_STATE && opts->until != HVSNAP_UNTIL_READY &&
	    opts->until != HVSNAP_UNTIL_IPV4)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "unknown wait condition %d",
		                   (int)opts->until);
	vm_wait_ctx c = { s, vm, opts, NULL };
	hvs_poll_end end;
	uint64_t elapsed = 0;
	hvsnap_status st = hvs_poll(s, opts->timeout_ms, vm_wait_step, &c, &end, &elapsed, err);
	if (end != HVS_POLL_DONE)
		describe_wait(&c, st, elapsed, err);
	if (guest)
		*guest = c.guest;
	else
		hvsnap_guest_free(c.guest);
	return st;
}
