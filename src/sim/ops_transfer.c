/* Identify and WS-Transfer Get/Put. Selector checks follow WMI: selectors
 * must name key properties of the class (else w:InvalidSelectors) and a
 * well-formed key that matches nothing is a:DestinationUnreachable, which
 * is also what a job gives once it has been removed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "model.h"
#include "util/strutil.h"

void op_identify(sim_ctx *ctx, sim_req *req, sim_resp *r)
{
	buf *b = &r->body;
	(void)req;
	hvs_buf_append_str(b, "<s:Envelope xml:lang=\"");
	xw_attr(b, ctx->model->locale);
	hvs_buf_append_str(b, "\" xmlns:s=\"" SIM_NS_SOAP "\"><s:Header/><s:Body>"
	               "<wsmid:IdentifyResponse xmlns:wsmid=\"" SIM_NS_WSMID "\">"
	               "<wsmid:ProtocolVersion>" SIM_NS_WSMAN
	               "</wsmid:ProtocolVersion>"
	               "<wsmid:ProductVendor>Microsoft Corporation"
	               "</wsmid:ProductVendor>"
	               "<wsmid:ProductVersion>OS: 10.0.20348 SP: 0.0 Stack: 3.0"
	               "</wsmid:ProductVersion><wsmid:SecurityProfiles>");
	if (ctx->sc->negotiate)
		hvs_buf_printf(b, "<wsmid:SecurityProfileName>http://schemas.dmtf.org/"
		           "wbem/wsman/1/wsman/secprofile/%s/spnego-kerberos"
		           "</wsmid:SecurityProfileName>",
		           ctx->https ? "https" : "http");
	if (ctx->sc->basic)
		hvs_buf_printf(b, "<wsmid:SecurityProfileName>http://schemas.dmtf.org/"
		           "wbem/wsman/1/wsman/secprofile/%s/basic"
		           "</wsmid:SecurityProfileName>",
		           ctx->https ? "https" : "http");
	hvs_buf_append_str(b, "</wsmid:SecurityProfiles></wsmid:IdentifyResponse>"
	                  "</s:Body></s:Envelope>");
}

/* Finds the one instance the request's selectors name. Returns it (owned
 * by the caller) or NULL after writing the fault. */
static sim_inst *find_target(sim_ctx *ctx, sim_req *req, sim_resp *r)
{
	const char *const *keys = class_keys(req->cls);
	const char *lang = sim_lang(ctx, req);
	sim_list all = { 0 };
	sim_inst *found = NULL;
	size_t i, k, hits = 0;

	if (class_is_association(req->cls) || req->nsel == 0) {
		sim_fault(ctx, req, r, F_SELECTORS, NULL);
		return NULL;
	}
	for (i = 0; i < req->nsel; i++) {
		int ok = 0;
		for (k = 0; keys[k]; k++)
			if (hvs_str_case_eq(keys[k], req->sel[i].name))
				ok = 1;
		if (!ok) {
			sim_fault(ctx, req, r, F_SELECTORS, NULL);
			return NULL;
		}
	}
	class_instances(ctx->model, req->cls, lang, &all);
	for (i = 0; i < all.n; i++) {
		int ok = 1;
		for (k = 0; k < req->nsel && ok; k++) {
			const char *v = inst_text(all.v[i], req->sel[k].name);
			ok = v && hvs_str_case_eq(v, req->sel[k].value);
		}
		if (ok) {
			hits++;
			if (!found) {
				found = all.v[i];
				all.v[i] = NULL;
			}
		}
	}
	list_free(&all);
	if (hits == 0) {
		sim_fault(ctx, req, r, F_NOT_FOUND, NULL);
		return NULL;
	}
	if (hits > 1) {
		inst_free(found);
		sim_fault(ctx, req, r, F_SELECTORS, NULL);
		return NULL;
	}
	return found;
}

void op_get(sim_ctx *ctx, sim_req *req, sim_resp *r)
{
	sim_inst *in = find_target(ctx, req, r);
	if (!in)
		return;
	xw_envelope_open(&r->body, sim_lang(ctx, req), SIM_NS_WXF "/GetResponse",
	                 req->message_id);
	xw_instance(&r->body, in);
	xw_envelope_close(&r->body);
	inst_free(in);
}

/* Put is accepted for the writable parts of a settings object (name and
 * notes), the way Set-VM would change them; other classes are read-only. */
void op_put(sim_ctx *ctx, sim_req *req, sim_resp *r)
{
	sim_inst *in;
	xmlNodePtr obj, name, notes;
	const char *iid;
	char *uri = NULL;
	sim_vm *vm;
	sim_snap *s;

	if (!hvs_str_case_eq(req->cls, "Msvm_VirtualSystemSettingData")) {
		sim_fault(ctx, req, r, F_ACTION,
		          "Put is not supported for this class.");
		return;
	}
	in = find_target(ctx, req, r);
	if (!in)
		return;
	uri = malloc(strlen(SIM_WMI_V2) + strlen(req->cls) + 1);
	if (!uri)
		abort();
	strcpy(uri, SIM_WMI_V2);
	strcat(uri, req->cls);
	obj = req_child(req->body, uri, "Msvm_VirtualSystemSettingData");
	free(uri);
	if (!obj) {
		inst_free(in);
		sim_fault(ctx, req, r, F_SCHEMA,
		          "The body must hold the instance to put.");
		return;
	}
	iid = inst_text(in, "InstanceID");
	vm = model_vm(ctx->model, iid + strlen("Microsoft:"));
	s = model_snap(ctx->model, iid + strlen("Microsoft:"));
	{
		char uri2[256];
		snprintf(uri2, sizeof(uri2), "%s%s", SIM_WMI_V2,
		         "Msvm_VirtualSystemSettingData");
		name = req_child(obj, uri2, "ElementName");
		notes = req_child(obj, uri2, "Notes");
	}
	if (name) {
		char *t = req_text(name);
		if (!*t || xw_utf8_chars(t) > 100) {
			free(t);
			inst_free(in);
			sim_fault(ctx, req, r, F_INVALID_PARAMETER,
			          "ElementName must have 1 to 100 characters.");
			return;
		}
		if (s) {
			free(s->name);
			s->name = t;
		} else if (vm) {
			free(vm->name);
			vm->name = t;
		} else {
			free(t);
		}
	}
	if (notes) {
		char *t = req_text(notes);
		char **slot = s ? &s->notes : vm ? &vm->notes : NULL;
		if (slot) {
			free(*slot);
			*slot = t;
		} else {
			free(t);
		}
	}
	inst_free(in);
	in = find_target(ctx, req, r);
	if (!in)
		return;
	xw_envelope_open(&r->body, sim_lang(ctx, req), SIM_NS_WXF "/PutResponse",
	                 req->message_id);
	xw_instance(&r->body, in);
	xw_envelope_close(&r->body);
	inst_free(in);
}
