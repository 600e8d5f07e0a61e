/* What the Invoke handlers (ops_invoke.c, ops_power.c, ops_refpoint.c)
 * share: reading method input (EPR, text and embedded-instance
 * parameters) and writing <Method>_OUTPUT. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "invoke.h"
#include "model.h"
#include "util/strutil.h"

void embedded_free(embedded *e)
{
	size_t i;
	free(e->cls);
	for (i = 0; i < e->n; i++) {
		free(e->name[i]);
		free(e->value[i]);
	}
	memset(e, 0, sizeof(*e));
}

const char *embedded_get(const embedded *e, const char *name)
{
	size_t i;
	for (i = 0; i < e->n; i++)
		if (hvs_str_case_eq(e->name[i], name))
			return e->value[i];
	return NULL;
}

/* Unknown children and attributes are ignored, since
 * Windows' GetText() output carries QUALIFIER elements and CLASSORIGIN. */
enum sim_fault embedded_parse(const char *text, embedded *out)
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

void invoke_output(sim_ctx *ctx, sim_req *req, sim_resp *r,
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
enum sim_fault invoke_epr_param(xmlNodePtr input, const char *ns,
                                const char *name, sim_epr *out)
{
	/* Cleared first: callers epr_clear() it whatever the outcome, and a
	 * missing parameter must not leave it holding stack garbage. */
	memset(out, 0, sizeof(*out));
	xmlNodePtr n = req_child(input, ns, name);
	if (!n)
		return F_INVALID_PARAMETER;
	return req_epr(n, out);
}

sim_vm *invoke_epr_vm(sim_model *m, const sim_epr *e)
{
	size_t i;
	if (!hvs_str_case_eq(e->cls, "Msvm_ComputerSystem"))
		return NULL;
	for (i = 0; i < e->nsel; i++)
		if (hvs_str_case_eq(e->sel[i].name, "Name"))
			return model_vm(m, e->sel[i].value);
	return NULL;
}

sim_snap *invoke_epr_snap(sim_model *m, const sim_epr *e)
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

char *invoke_text_param(xmlNodePtr input, const char *ns, const char *name)
{
	return req_text(req_child(input, ns, name));
}
