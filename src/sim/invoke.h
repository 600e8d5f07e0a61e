/* What the Invoke handlers share (invoke_io.c): reading method input (EPR,
 * text and embedded-instance parameters) and writing <Method>_OUTPUT.
 * ops_invoke.c dispatches and serves the snapshot and management services and jobs;
 * ops_power.c VM power and guest shutdown; ops_refpoint.c reference
 * points. All run under ctx->lock. */
#ifndef HVSIM_INVOKE_H
#define HVSIM_INVOKE_H

#include <libxml/tree.h>

#include "model.h"

/* A parsed embedded instance: CLASSNAME plus up to 32 scalar PROPERTYs. */
typedef struct embedded {
	char *cls;
	size_t n;
	char *name[32];
	char *value[32];         /* NULL: a PROPERTY without VALUE */
} embedded;

/* 0: parsed; F_SCHEMA: the WS-CIM element form; F_INVALID_PARAMETER:
 * not CIM-XML at all. */
enum sim_fault embedded_parse(const char *text, embedded *out);
void embedded_free(embedded *e);
const char *embedded_get(const embedded *e, const char *name);

/* <Method>_OUTPUT with ReturnValue rv and, when job is set, the Job EPR. */
void invoke_output(sim_ctx *ctx, sim_req *req, sim_resp *r, unsigned rv,
                   const sim_job *job);
/* The EPR parameter name under input: 0, or the fault (F_SCHEMA for the
 * EndpointReference wrapper, F_INVALID_PARAMETER when absent). */
enum sim_fault invoke_epr_param(xmlNodePtr input, const char *ns,
                                const char *name, sim_epr *out);
sim_vm *invoke_epr_vm(sim_model *m, const sim_epr *e);
sim_snap *invoke_epr_snap(sim_model *m, const sim_epr *e);
/* Text of a parameter (malloc'd, "" when empty), NULL when absent. */
char *invoke_text_param(xmlNodePtr input, const char *ns, const char *name);

/* ops_power.c */
void invoke_vm_state_change(sim_ctx *ctx, sim_req *req, sim_resp *r,
                            xmlNodePtr in);
void invoke_shutdown(sim_ctx *ctx, sim_req *req, sim_resp *r, xmlNodePtr in);

/* ops_refpoint.c */
void invoke_convert_refpoint(sim_ctx *ctx, sim_req *req, sim_resp *r,
                             xmlNodePtr in);
void invoke_destroy_refpoint(sim_ctx *ctx, sim_req *req, sim_resp *r,
                             xmlNodePtr in);

#endif
