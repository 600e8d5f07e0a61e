/* Invoke: the method table and its dispatch (each Invoke's decoded input
 * goes to the --log line as "params"), the snapshot service's methods,
 * ModifySystemSettings, a job's RequestStateChange and GetError/GetErrorEx.
 * Input is p:<Method>_INPUT in the class namespace; EPR parameters are
 * a:Address + a:ReferenceParameters directly (the EndpointReference
 * wrapper is refused like WinRM does); embedded instances are CIM-XML
 * INSTANCE text. Output lists parameters
 * alphabetically with the Job EPR written without a wrapper. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "invoke.h"
#include "model.h"
#include "util/strutil.h"

#define VSSS "Msvm_VirtualSystemSnapshotService"
#define VSMS "Msvm_VirtualSystemManagementService"
#define VSRPS "Msvm_VirtualSystemReferencePointService"

/* The Msvm_VirtualSystemSnapshotSettingData values [DOC]: ConsistencyLevel
 * and GuestBackupType 0-2, IgnoreNonSnapshottableDisks a boolean; absent
 * or null is fine. Returns 1 when one is out of range. */
static int settings_values(const embedded *em, int *consistency)
{
	const char *cl = embedded_get(em, "ConsistencyLevel");
	const char *gb = embedded_get(em, "GuestBackupType");
	const char *ig = embedded_get(em, "IgnoreNonSnapshottableDisks");
	uint64_t v;
	if (cl && hvs_str_to_u64(cl, 2, &v) != 0)
		return 1;
	if (cl)
		*consistency = (int)v;
	if (gb && hvs_str_to_u64(gb, 2, &v) != 0)
		return 1;
	return ig && !hvs_str_case_eq(ig, "true") && !hvs_str_case_eq(ig, "false");
}

static void create_snapshot(sim_ctx *ctx, sim_req *req, sim_resp *r,
                            xmlNodePtr in)
{
	sim_epr e;
	sim_vm *vm;
	char *settings, *type;
	uint64_t stype = 2;
	int consistency = 0, bad_value = 0;
	enum sim_fault f = invoke_epr_param(in, req->resource_uri, "AffectedSystem", &e);
	sim_job *job;
	if (f == F_SCHEMA) {
		sim_fault(ctx, req, r, f, "AffectedSystem must not be wrapped in "
		          "an EndpointReference.");
		return;
	}
	vm = f == F_NONE ? invoke_epr_vm(ctx->model, &e) : NULL;
	epr_clear(&e);
	if (!vm) {
		invoke_output(ctx, req, r, 4, NULL);
		return;
	}
	settings = invoke_text_param(in, req->resource_uri, "SnapshotSettings");
	if (settings && *settings) {
		embedded em;
		f = embedded_parse(settings, &em);
		if (f == F_NONE && !hvs_str_case_eq(em.cls,
		        "Msvm_VirtualSystemSnapshotSettingData"))
			f = F_INVALID_PARAMETER;
		if (f == F_NONE)
			bad_value = settings_values(&em, &consistency);
		embedded_free(&em);
		if (f != F_NONE) {
			free(settings);
			if (f == F_SCHEMA)
				sim_fault(ctx, req, r, F_SCHEMA, "SnapshotSettings "
				          "must be an embedded CIM-XML INSTANCE.");
			else
				invoke_output(ctx, req, r, 4, NULL);
			return;
		}
	}
	free(settings);
	type = invoke_text_param(in, req->resource_uri, "SnapshotType");
	if (type && (hvs_str_to_u64(type, 65535, &stype) != 0 ||
	             (stype != 2 && stype != 3 && stype != 32768))) {
		free(type);
		invoke_output(ctx, req, r, 4, NULL);
		return;
	}
	free(type);
	if (vm->busy) {
		invoke_output(ctx, req, r, 32775, NULL);
		return;
	}
	job = jobs_start(ctx->model, JK_CREATE, vm->id, NULL, (int)stype);
	job->consistency = consistency;
	if (bad_value) {
		/* [CLAIM go-wsman] values the provider refuses fail the job
		 * with 32773 rather than the call */
		job->outcome.state = JS_EXCEPTION;
		job->outcome.error_code = 32773;
		free(job->outcome.error_description);
		job->outcome.error_description = hvs_str_dup(
			"The snapshot settings are not valid.");
		job->outcome.description_nil = 0;
	}
	invoke_output(ctx, req, r, 4096, job);
}

static void snapshot_job(sim_ctx *ctx, sim_req *req, sim_resp *r,
                         xmlNodePtr in, const char *param, enum job_kind k)
{
	sim_epr e;
	sim_snap *s;
	sim_vm *vm;
	sim_job *job;
	char snap_id[GUID_LEN];
	enum sim_fault f = invoke_epr_param(in, req->resource_uri, param, &e);
	if (f == F_SCHEMA) {
		sim_fault(ctx, req, r, f, "EPR parameters must not be wrapped in "
		          "an EndpointReference.");
		return;
	}
	s = f == F_NONE ? invoke_epr_snap(ctx->model, &e) : NULL;
	epr_clear(&e);
	vm = s ? model_vm(ctx->model, s->vm_id) : NULL;
	if (!s || !vm) {
		invoke_output(ctx, req, r, k == JK_APPLY ? 32773 : 4, NULL);
		return;
	}
	/* [CLAIM] a running VM gets 32775 at once, no job */
	if (vm->busy || (k == JK_APPLY && (vm->state == VM_RUNNING ||
	                                   vm->state == VM_PAUSED))) {
		invoke_output(ctx, req, r, 32775, NULL);
		return;
	}
	hvs_str_copy(snap_id, sizeof(snap_id), s->id);
	job = jobs_start(ctx->model, k, vm->id, snap_id, 0);
	invoke_output(ctx, req, r, 4096, job);
}

static void modify_settings(sim_ctx *ctx, sim_req *req, sim_resp *r,
                            xmlNodePtr in)
{
	char *text = invoke_text_param(in, req->resource_uri, "SystemSettings");
	embedded em;
	enum sim_fault f;
	const char *iid, *name, *ust, *notes, *autos;
	sim_vm *vm = NULL;
	sim_snap *s = NULL;
	uint64_t t = 0;

	if (!text || !*text) {
		free(text);
		invoke_output(ctx, req, r, 4, NULL);
		return;
	}
	f = embedded_parse(text, &em);
	free(text);
	if (f == F_SCHEMA) {
		sim_fault(ctx, req, r, F_SCHEMA, "SystemSettings must be an "
		          "embedded CIM-XML INSTANCE.");
		return;
	}
	if (f != F_NONE ||
	    !hvs_str_case_eq(em.cls, "Msvm_VirtualSystemSettingData")) {
		embedded_free(&em);
		invoke_output(ctx, req, r, 4, NULL);
		return;
	}
	iid = embedded_get(&em, "InstanceID");
	if (iid && strncmp(iid, "Microsoft:", 10) == 0) {
		vm = model_vm(ctx->model, iid + 10);
		s = model_snap(ctx->model, iid + 10);
	}
	name = embedded_get(&em, "ElementName");
	ust = embedded_get(&em, "UserSnapshotType");
	notes = embedded_get(&em, "Notes");
	autos = embedded_get(&em, "AutomaticSnapshotsEnabled");
	/* the 100 limit is in characters: 100 x "é" is 200 bytes, and fine */
	if ((!vm && !s) || (name && (!*name || xw_utf8_chars(name) > 100)) ||
	    (ust && (hvs_str_to_u64(ust, 65535, &t) != 0 || t < 2 || t > 5)) ||
	    ((ust || autos) && s) ||
	    (autos && !hvs_str_case_eq(autos, "true") &&
	     !hvs_str_case_eq(autos, "false"))) {
		embedded_free(&em);
		invoke_output(ctx, req, r, 4, NULL);
		return;
	}
	if (ctx->model->modify_noop) {
		/* quirks.modify_settings_noop: hosts that report success and
		 * keep the old values, so clients must read back */
		embedded_free(&em);
		invoke_output(ctx, req, r, 0, NULL);
		return;
	}
	if (name) {
		char **slot = s ? &s->name : &vm->name;
		free(*slot);
		*slot = hvs_str_dup(name);
	}
	if (notes) {
		char **slot = s ? &s->notes : &vm->notes;
		free(*slot);
		*slot = hvs_str_dup(notes);
	}
	if (ust)
		vm->user_snapshot_type = (int)t;
	if (autos)
		vm->auto_snapshots = hvs_str_case_eq(autos, "true");
	embedded_free(&em);
	invoke_output(ctx, req, r, 0, NULL);
}

static void job_state_change(sim_ctx *ctx, sim_req *req, sim_resp *r,
                             xmlNodePtr in)
{
	char *t = invoke_text_param(in, req->resource_uri, "RequestedState");
	uint64_t want = 0;
	sim_job *j = NULL;
	size_t i;
	int bad = !t || hvs_str_to_u64(t, 65535, &want) != 0;
	free(t);
	for (i = 0; i < req->nsel; i++)
		if (hvs_str_case_eq(req->sel[i].name, "InstanceID"))
			j = model_job(ctx->model, req->sel[i].value);
	if (!j) {
		sim_fault(ctx, req, r, F_NOT_FOUND, NULL);
		return;
	}
	invoke_output(ctx, req, r,
	             bad ? 5 : jobs_request_state(ctx->model, j,
	                                          (unsigned)want), NULL);
}

/* The job's Msvm_Error as CIM-XML INSTANCE text. Message is the reason
 * the job kept; the other values are hvsim's choice ([INF]: no capture of
 * a real one): MessageID the job's ErrorCode (PowerShell reads MessageID
 * as a number), ErrorSource the affected VM's WMI path. */
static void error_instance(sim_ctx *ctx, const sim_job *j, buf *out)
{
	char id[16], source[256];
	xw_cimprop p[] = {
		{ "CIMStatusCode", "uint32", "1", 0, "CIM_Error" },
		{ "CIMStatusCodeDescription", "string", "CIM_ERR_FAILED", 0,
		  "CIM_Error" },
		{ "ErrorSource", "string", source, 0, "CIM_Error" },
		{ "ErrorSourceFormat", "uint16", "2", 0, "CIM_Error" },
		{ "ErrorType", "uint16", "4", 0, "CIM_Error" },
		{ "Message", "string", j->error_message, 0, "CIM_Error" },
		{ "MessageArguments", "string", NULL, 1, "CIM_Error" },
		{ "MessageID", "string", id, 0, "CIM_Error" },
		{ "OwningEntity", "string", "Microsoft-Windows-Hyper-V-VMMS", 0,
		  "CIM_Error" },
		{ "PerceivedSeverity", "uint16", "5", 0, "CIM_Error" },
		{ "ProbableCause", "uint16", "0", 0, "CIM_Error" },
		{ "RecommendedActions", "string", NULL, 1, "CIM_Error" },
	};
	snprintf(id, sizeof(id), "%u", j->error_code);
	snprintf(source, sizeof(source),
	         "\\\\%s\\root\\virtualization\\v2:Msvm_ComputerSystem."
	         "CreationClassName=\"Msvm_ComputerSystem\",Name=\"%s\"",
	         ctx->model->host, j->vm_id);
	xw_cimxml_instance(out, "Msvm_Error", p, sizeof(p) / sizeof(p[0]));
}

/* GetError (out Error) and GetErrorEx (out Errors[]): Null, written as an
 * absent parameter like a Job that was not started, while the job runs
 * or after it succeeded (OperationalStatus OK); else the one Msvm_Error,
 * as an escaped string. */
static void job_get_error(sim_ctx *ctx, sim_req *req, sim_resp *r, int ex)
{
	buf *b = &r->body;
	sim_job *j = NULL;
	char action[512];
	size_t i;
	for (i = 0; i < req->nsel; i++)
		if (hvs_str_case_eq(req->sel[i].name, "InstanceID"))
			j = model_job(ctx->model, req->sel[i].value);
	if (!j) {
		sim_fault(ctx, req, r, F_NOT_FOUND, NULL);
		return;
	}
	snprintf(action, sizeof(action), "%sResponse", req->action);
	xw_envelope_open(b, sim_lang(ctx, req), action, req->message_id);
	hvs_buf_printf(b, "<p:%s_OUTPUT xmlns:p=\"", req->method);
	xw_attr(b, req->resource_uri);
	hvs_buf_append_str(b, "\">");
	if (JOB_FAILED(j)) {
		buf inst = BUF_INIT;
		const char *tag = ex ? "p:Errors" : "p:Error";
		error_instance(ctx, j, &inst);
		hvs_buf_printf(b, "<%s>", tag);
		xw_text(b, inst.data);
		hvs_buf_printf(b, "</%s>", tag);
		hvs_buf_free(&inst);
	}
	hvs_buf_printf(b, "<p:ReturnValue>0</p:ReturnValue></p:%s_OUTPUT>",
	           req->method);
	xw_envelope_close(b);
}

/* Service selectors may be partial (CreationClassName alone is how libvirt
 * and others address the singleton services) but must be keys. */
static int service_selectors_ok(sim_ctx *ctx, sim_req *req)
{
	const char *const *keys = class_keys(req->cls);
	size_t i, k;
	if (req->nsel == 0)
		return 0;
	for (i = 0; i < req->nsel; i++) {
		int ok = 0;
		for (k = 0; keys[k]; k++)
			if (hvs_str_case_eq(keys[k], req->sel[i].name))
				ok = 1;
		if (!ok)
			return 0;
		if (hvs_str_case_eq(req->sel[i].name, "CreationClassName") &&
		    !hvs_str_case_eq(req->sel[i].value, req->cls))
			return 0;
		if (hvs_str_case_eq(req->sel[i].name, "SystemName") &&
		    !hvs_str_case_eq(req->sel[i].value, ctx->model->host))
			return 0;
	}
	return 1;
}

/* One input parameter for the log: an EPR as {"class","selectors"}, an
 * embedded instance as {"class","properties"} (values as sent, null for a
 * PROPERTY without VALUE), xsi:nil as null, anything else as its text. */
static json_t *log_param(xmlNodePtr c)
{
	xmlChar *nil = xmlGetNsProp(c, (const xmlChar *)"nil",
	                            (const xmlChar *)SIM_NS_XSI);
	int is_nil = nil && strcmp((const char *)nil, "true") == 0;
	json_t *v;
	char *text;
	xmlFree(nil);
	if (is_nil)
		return json_null();
	if (req_child(c, SIM_NS_WSA, "ReferenceParameters") ||
	    req_child(c, SIM_NS_WSA, "EndpointReference")) {
		sim_epr e;
		json_t *sel;
		size_t i;
		if (req_epr(c, &e) != F_NONE)
			return json_null();
		sel = json_object();
		for (i = 0; i < e.nsel; i++)
			json_object_set_new(sel, e.sel[i].name,
			                    json_string(e.sel[i].value));
		v = json_pack("{s:s?,s:o}", "class", e.cls, "selectors", sel);
		epr_clear(&e);
		return v;
	}
	text = req_text(c);
	v = NULL;
	if (text && strchr(text, '<')) {
		embedded em;
		if (embedded_parse(text, &em) == F_NONE) {
			json_t *props = json_object();
			size_t i;
			for (i = 0; i < em.n; i++)
				json_object_set_new(props, em.name[i],
				                    em.value[i] ? json_string(em.value[i])
				                                : json_null());
			v = json_pack("{s:s,s:o}", "class", em.cls, "properties",
			              props);
		}
		embedded_free(&em);
	}
	if (!v)
		v = json_string(text ? text : "");
	free(text);
	return v ? v : json_null(); /* json_string refuses invalid UTF-8 */
}

/* The method's input parameters as JSON text for the --log line. A
 * parameter given twice (an array) becomes a JSON array. */
static char *log_params(xmlNodePtr in)
{
	json_t *o = json_object();
	xmlNodePtr c;
	char *text;
	for (c = in->children; c; c = c->next) {
		const char *name = (const char *)c->name;
		json_t *v, *prev;
		if (c->type != XML_ELEMENT_NODE)
			continue;
		v = log_param(c);
		prev = json_object_get(o, name);
		if (!prev) {
			json_object_set_new(o, name, v);
		} else if (json_is_array(prev)) {
			json_array_append_new(prev, v);
		} else {
			json_t *arr = json_pack("[O,o]", prev, v);
			json_object_set_new(o, name, arr);
		}
	}
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return text;
}

static void apply_snapshot(sim_ctx *ctx, sim_req *req, sim_resp *r,
                           xmlNodePtr in)
{
	snapshot_job(ctx, req, r, in, "Snapshot", JK_APPLY);
}

static void destroy_snapshot(sim_ctx *ctx, sim_req *req, sim_resp *r,
                             xmlNodePtr in)
{
	snapshot_job(ctx, req, r, in, "AffectedSnapshot", JK_DESTROY);
}

static void destroy_tree(sim_ctx *ctx, sim_req *req, sim_resp *r,
                         xmlNodePtr in)
{
	snapshot_job(ctx, req, r, in, "SnapshotSettingData", JK_DESTROY_TREE);
}

static void clear_state(sim_ctx *ctx, sim_req *req, sim_resp *r,
                        xmlNodePtr in)
{
	snapshot_job(ctx, req, r, in, "SnapshotSettingData", JK_CLEAR_STATE);
}

static void job_rsc(sim_ctx *ctx, sim_req *req, sim_resp *r, xmlNodePtr in)
{
	job_state_change(ctx, req, r, in);
}

static void job_error(sim_ctx *ctx, sim_req *req, sim_resp *r, xmlNodePtr in)
{
	(void)in;
	job_get_error(ctx, req, r, 0);
}

static void job_error_ex(sim_ctx *ctx, sim_req *req, sim_resp *r,
                         xmlNodePtr in)
{
	(void)in;
	job_get_error(ctx, req, r, 1);
}

/* Every class.method hvsim serves; service says the target is one of the
 * singleton services, whose selectors are checked the same way. */
static const struct {
	const char *cls, *method;
	int service;
	void (*fn)(sim_ctx *, sim_req *, sim_resp *, xmlNodePtr);
} methods[] = {
	{ VSSS, "CreateSnapshot", 1, create_snapshot },
	{ VSSS, "ApplySnapshot", 1, apply_snapshot },
	{ VSSS, "DestroySnapshot", 1, destroy_snapshot },
	{ VSSS, "DestroySnapshotTree", 1, destroy_tree },
	{ VSSS, "ClearSnapshotState", 1, clear_state },
	{ VSSS, "ConvertToReferencePoint", 1, invoke_convert_refpoint },
	{ VSRPS, "DestroyReferencePoint", 1, invoke_destroy_refpoint },
	{ VSMS, "ModifySystemSettings", 1, modify_settings },
	{ "Msvm_ComputerSystem", "RequestStateChange", 0,
	  invoke_vm_state_change },
	{ "Msvm_ShutdownComponent", "InitiateShutdown", 0, invoke_shutdown },
	{ "Msvm_ConcreteJob", "RequestStateChange", 0, job_rsc },
	{ "Msvm_ConcreteJob", "GetError", 0, job_error },
	{ "Msvm_ConcreteJob", "GetErrorEx", 0, job_error_ex },
};

void op_invoke(sim_ctx *ctx, sim_req *req, sim_resp *r)
{
	char el[128];
	xmlNodePtr in;
	size_t i, n = sizeof(methods) / sizeof(methods[0]);

	for (i = 0; i < n; i++)
		if (hvs_str_case_eq(req->cls, methods[i].cls) &&
		    strcmp(req->method, methods[i].method) == 0)
			break;
	if (i == n) {
		sim_fault(ctx, req, r, F_ACTION, "The method is not supported.");
		return;
	}
	snprintf(el, sizeof(el), "%s_INPUT", req->method);
	in = req_child(req->body, req->resource_uri, el);
	if (!in) {
		sim_fault(ctx, req, r, F_SCHEMA, "The body has no method input.");
		return;
	}
	r->log_params = log_params(in);
	if (methods[i].service && !service_selectors_ok(ctx, req)) {
		sim_fault(ctx, req, r, F_INVALID_PARAMETER,
		          "WBEM_E_INVALID_METHOD_PARAMETERS");
		return;
	}
	methods[i].fn(ctx, req, r, in);
}
