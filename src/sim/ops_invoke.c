/* Invoke: the snapshot service's methods, ModifySystemSettings,
 * RequestStateChange on VMs and jobs, and a job's GetError/GetErrorEx. Input is p:<Method>_INPUT in the
 * class namespace; EPR parameters are a:Address + a:ReferenceParameters
 * directly (the EndpointReference wrapper is refused like WinRM does);
 * embedded instances are CIM-XML INSTANCE text. Output lists parameters
 * alphabetically with the Job EPR written without a wrapper. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "model.h"
#include "util/strutil.h"

#define VSSS "Msvm_VirtualSystemSnapshotService"
#define VSMS "Msvm_VirtualSystemManagementService"

/* A parsed embedded instance: CLASSNAME plus up to 32 scalar PROPERTYs. */
typedef struct embedded {
	char *cls;
	size_t n;
	char *name[32];
	char *value[32];
} embedded;

static void embedded_free(embedded *e)
{
	size_t i;
	free(e->cls);
	for (i = 0; i < e->n; i++) {
		free(e->name[i]);
		free(e->value[i]);
	}
	memset(e, 0, sizeof(*e));
}

static const char *embedded_get(const embedded *e, const char *name)
{
	size_t i;
	for (i = 0; i < e->n; i++)
		if (hvs_str_case_eq(e->name[i], name))
			return e->value[i];
	return NULL;
}

/* 0: parsed; F_SCHEMA: the WS-CIM element form; F_INVALID_PARAMETER:
 * not CIM-XML at all. Unknown children and attributes are ignored, since
 * Windows' GetText() output carries QUALIFIER elements and CLASSORIGIN. */
static enum sim_fault embedded_parse(const char *text, embedded *out)
{
	xmlDocPtr doc;
	xmlNodePtr root, c;
	xmlChar *cls;
	memset(out, 0, sizeof(*out));
	while (*text == ' ' || *text == '\n' || *text == '\r' || *text == '\t')
		text++;
	if (strstr(text, "<!DOCTYPE"))
		return F_INVALID_PARAMETER;
	doc = xmlReadMemory(text, (int)strlen(text), "embedded.xml", NULL,
	                    XML_PARSE_NONET | XML_PARSE_NOERROR |
	                    XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	if (!doc)
		return F_INVALID_PARAMETER;
	root = xmlDocGetRootElement(doc);
	if (!root || root->ns) {
		enum sim_fault f = root ? F_SCHEMA : F_INVALID_PARAMETER;
		xmlFreeDoc(doc);
		return f;
	}
	if (strcmp((const char *)root->name, "INSTANCE") != 0) {
		xmlFreeDoc(doc);
		return F_INVALID_PARAMETER;
	}
	cls = xmlGetProp(root, (const xmlChar *)"CLASSNAME");
	out->cls = hvs_str_dup(cls ? (const char *)cls : "");
	xmlFree(cls);
	for (c = root->children; c && out->n < 32; c = c->next) {
		xmlNodePtr v;
		xmlChar *name;
		if (c->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)c->name, "PROPERTY") != 0)
			continue;
		name = xmlGetProp(c, (const xmlChar *)"NAME");
		if (!name)
			continue;
		for (v = c->children; v; v = v->next)
			if (v->type == XML_ELEMENT_NODE &&
			    strcmp((const char *)v->name, "VALUE") == 0)
				break;
		out->name[out->n] = hvs_str_dup((const char *)name);
		out->value[out->n] = v ? req_text(v) : NULL;
		out->n++;
		xmlFree(name);
	}
	xmlFreeDoc(doc);
	return F_NONE;
}

static void write_output(sim_ctx *ctx, sim_req *req, sim_resp *r,
                         unsigned rv, const sim_job *job)
{
	buf *b = &r->body;
	char action[512];
	snprintf(action, sizeof(action), "%sResponse", req->action);
	xw_envelope_open(b, sim_lang(ctx, req), action, req->message_id);
	hvs_buf_printf(b, "<p:%s_OUTPUT xmlns:p=\"", req->method);
	xw_attr(b, req->resource_uri);
	hvs_buf_append_str(b, "\">");
	if (job) {
		sim_epr e;
		epr_init(&e, "Msvm_ConcreteJob");
		epr_add(&e, "InstanceID", job->id);
		xw_epr(b, "p:Job", &e, 1);
		epr_clear(&e);
	}
	hvs_buf_printf(b, "<p:ReturnValue>%u</p:ReturnValue></p:%s_OUTPUT>", rv,
	           req->method);
	xw_envelope_close(b);
}

/* The EPR parameter name under input, resolved to a VM or snapshot id. */
static enum sim_fault epr_param(xmlNodePtr input, const char *ns,
                                const char *name, sim_epr *out)
{
	xmlNodePtr n = req_child(input, ns, name);
	if (!n)
		return F_INVALID_PARAMETER;
	return req_epr(n, out);
}

static sim_vm *epr_vm(sim_model *m, const sim_epr *e)
{
	size_t i;
	if (!hvs_str_case_eq(e->cls, "Msvm_ComputerSystem"))
		return NULL;
	for (i = 0; i < e->nsel; i++)
		if (hvs_str_case_eq(e->sel[i].name, "Name"))
			return model_vm(m, e->sel[i].value);
	return NULL;
}

static sim_snap *epr_snap(sim_model *m, const sim_epr *e)
{
	size_t i;
	if (!hvs_str_case_eq(e->cls, "Msvm_VirtualSystemSettingData"))
		return NULL;
	for (i = 0; i < e->nsel; i++)
		if (hvs_str_case_eq(e->sel[i].name, "InstanceID") &&
		    strncmp(e->sel[i].value, "Microsoft:", 10) == 0)
			return model_snap(m, e->sel[i].value + 10);
	return NULL;
}

static char *text_param(xmlNodePtr input, const char *ns, const char *name)
{
	return req_text(req_child(input, ns, name));
}

static void create_snapshot(sim_ctx *ctx, sim_req *req, sim_resp *r,
                            xmlNodePtr in)
{
	sim_epr e;
	sim_vm *vm;
	char *settings, *type;
	uint64_t stype = 2;
	enum sim_fault f = epr_param(in, req->resource_uri, "AffectedSystem", &e);
	sim_job *job;
	if (f == F_SCHEMA) {
		sim_fault(ctx, req, r, f, "AffectedSystem must not be wrapped in "
		          "an EndpointReference.");
		return;
	}
	vm = f == F_NONE ? epr_vm(ctx->model, &e) : NULL;
	epr_clear(&e);
	if (!vm) {
		write_output(ctx, req, r, 4, NULL);
		return;
	}
	settings = text_param(in, req->resource_uri, "SnapshotSettings");
	if (settings && *settings) {
		embedded em;
		f = embedded_parse(settings, &em);
		if (f == F_NONE && !hvs_str_case_eq(em.cls,
		        "Msvm_VirtualSystemSnapshotSettingData"))
			f = F_INVALID_PARAMETER;
		embedded_free(&em);
		if (f != F_NONE) {
			free(settings);
			if (f == F_SCHEMA)
				sim_fault(ctx, req, r, F_SCHEMA, "SnapshotSettings "
				          "must be an embedded CIM-XML INSTANCE.");
			else
				write_output(ctx, req, r, 4, NULL);
			return;
		}
	}
	free(settings);
	type = text_param(in, req->resource_uri, "SnapshotType");
	if (type && (hvs_str_to_u64(type, 65535, &stype) != 0 ||
	             (stype != 2 && stype != 3 && stype != 32768))) {
		free(type);
		write_output(ctx, req, r, 4, NULL);
		return;
	}
	free(type);
	if (vm->busy) {
		write_output(ctx, req, r, 32775, NULL);
		return;
	}
	job = jobs_start(ctx->model, JK_CREATE, vm->id, NULL, (int)stype);
	write_output(ctx, req, r, 4096, job);
}

static void snapshot_job(sim_ctx *ctx, sim_req *req, sim_resp *r,
                         xmlNodePtr in, const char *param, enum job_kind k)
{
	sim_epr e;
	sim_snap *s;
	sim_vm *vm;
	sim_job *job;
	char snap_id[GUID_LEN];
	enum sim_fault f = epr_param(in, req->resource_uri, param, &e);
	if (f == F_SCHEMA) {
		sim_fault(ctx, req, r, f, "EPR parameters must not be wrapped in "
		          "an EndpointReference.");
		return;
	}
	s = f == F_NONE ? epr_snap(ctx->model, &e) : NULL;
	epr_clear(&e);
	vm = s ? model_vm(ctx->model, s->vm_id) : NULL;
	if (!s || !vm) {
		write_output(ctx, req, r, k == JK_APPLY ? 32773 : 4, NULL);
		return;
	}
	/* [CLAIM] a running VM gets 32775 at once, no job */
	if (vm->busy || (k == JK_APPLY && (vm->state == VM_RUNNING ||
	                                   vm->state == VM_PAUSED))) {
		write_output(ctx, req, r, 32775, NULL);
		return;
	}
	hvs_str_copy(snap_id, sizeof(snap_id), s->id);
	job = jobs_start(ctx->model, k, vm->id, snap_id, 0);
	write_output(ctx, req, r, 4096, job);
}

static void modify_settings(sim_ctx *ctx, sim_req *req, sim_resp *r,
                            xmlNodePtr in)
{
	char *text = text_param(in, req->resource_uri, "SystemSettings");
	embedded em;
	enum sim_fault f;
	const char *iid, *name, *ust, *notes;
	sim_vm *vm = NULL;
	sim_snap *s = NULL;
	uint64_t t = 0;

	if (!text || !*text) {
		free(text);
		write_output(ctx, req, r, 4, NULL);
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
		write_output(ctx, req, r, 4, NULL);
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
	/* the 100 limit is in characters: 100 x "é" is 200 bytes, and fine */
	if ((!vm && !s) || (name && (!*name || xw_utf8_chars(name) > 100)) ||
	    (ust && (hvs_str_to_u64(ust, 65535, &t) != 0 || t < 2 || t > 5)) ||
	    (ust && s)) {
		embedded_free(&em);
		write_output(ctx, req, r, 4, NULL);
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
	embedded_free(&em);
	write_output(ctx, req, r, 0, NULL);
}

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

static void vm_state_change(sim_ctx *ctx, sim_req *req, sim_resp *r,
                            xmlNodePtr in)
{
	char *t = text_param(in, req->resource_uri, "RequestedState");
	uint64_t want = 0;
	sim_vm *vm = target_vm(ctx, req);
	int bad = !t || hvs_str_to_u64(t, 65535, &want) != 0;
	free(t);
	if (!vm) {
		if (is_host(ctx, req))
			write_output(ctx, req, r, 32775, NULL);
		else
			sim_fault(ctx, req, r, F_NOT_FOUND, NULL);
		return;
	}
	if (bad || (want != 2 && want != 3 && want != 6 && want != 9)) {
		write_output(ctx, req, r, 32773, NULL);
		return;
	}
	if (vm->busy || (int)want == vm->state ||
	    ((want == 6 || want == 9) && vm->state != VM_RUNNING &&
	     !(want == 6 && vm->state == VM_PAUSED))) {
		write_output(ctx, req, r, 32775, NULL);
		return;
	}
	write_output(ctx, req, r, 4096,
	             jobs_start(ctx->model, JK_STATE, vm->id, NULL, (int)want));
}

static void job_state_change(sim_ctx *ctx, sim_req *req, sim_resp *r,
                             xmlNodePtr in)
{
	char *t = text_param(in, req->resource_uri, "RequestedState");
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
	write_output(ctx, req, r,
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

void op_invoke(sim_ctx *ctx, sim_req *req, sim_resp *r)
{
	char el[128];
	xmlNodePtr in;
	int vsss = hvs_str_case_eq(req->cls, VSSS), vsms = hvs_str_case_eq(req->cls, VSMS);
	int cs = hvs_str_case_eq(req->cls, "Msvm_ComputerSystem");
	int job = hvs_str_case_eq(req->cls, "Msvm_ConcreteJob");
	static const char *const snap_methods[] = { "CreateSnapshot",
		"ApplySnapshot", "DestroySnapshot", "DestroySnapshotTree", NULL };
	int known = 0;
	size_t i;

	if (vsss)
		for (i = 0; snap_methods[i]; i++)
			known |= strcmp(req->method, snap_methods[i]) == 0;
	if (vsms)
		known = strcmp(req->method, "ModifySystemSettings") == 0;
	if (cs || job)
		known = strcmp(req->method, "RequestStateChange") == 0;
	if (job && (strcmp(req->method, "GetError") == 0 ||
	            strcmp(req->method, "GetErrorEx") == 0))
		known = 1;
	if (!known) {
		sim_fault(ctx, req, r, F_ACTION, "The method is not supported.");
		return;
	}
	snprintf(el, sizeof(el), "%s_INPUT", req->method);
	in = req_child(req->body, req->resource_uri, el);
	if (!in) {
		sim_fault(ctx, req, r, F_SCHEMA, "The body has no method input.");
		return;
	}
	if ((vsss || vsms) && !service_selectors_ok(ctx, req)) {
		sim_fault(ctx, req, r, F_INVALID_PARAMETER,
		          "WBEM_E_INVALID_METHOD_PARAMETERS");
		return;
	}
	if (vsms)
		modify_settings(ctx, req, r, in);
	else if (cs)
		vm_state_change(ctx, req, r, in);
	else if (job && strcmp(req->method, "RequestStateChange") != 0)
		job_get_error(ctx, req, r, strcmp(req->method, "GetErrorEx") == 0);
	else if (job)
		job_state_change(ctx, req, r, in);
	else if (strcmp(req->method, "CreateSnapshot") == 0)
		create_snapshot(ctx, req, r, in);
	else if (strcmp(req->method, "ApplySnapshot") == 0)
		snapshot_job(ctx, req, r, in, "Snapshot", JK_APPLY);
	else if (strcmp(req->method, "DestroySnapshot") == 0)
		snapshot_job(ctx, req, r, in, "AffectedSnapshot", JK_DESTROY);
	else
		snapshot_job(ctx, req, r, in, "SnapshotSettingData",
		             JK_DESTROY_TREE);
}
