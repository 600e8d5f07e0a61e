/* One SOAP request in, one response out: parse and validate, advance the
 * jobs to "now", run the operation under the model lock, and hand back
 * what the request log needs. Faults before parsing still answer in the
 * host's language with RelatesTo when a MessageID could be read. */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util/strutil.h"

void sim_dispatch(sim_ctx *ctx, sim_conn *conn, const char *body, size_t len,
                  int identify_only, sim_resp *resp, char **log_action,
                  char **log_uri, char **log_method)
{
	sim_req req;
	const char *detail = NULL;
	enum sim_fault f;

	f = req_parse(body, len, &req, &detail);
	*log_action = hvs_str_dup(req.op == OP_IDENTIFY && f == F_NONE
	                      ? "Identify" : req.action);
	*log_uri = hvs_str_dup(req.resource_uri);
	*log_method = hvs_str_dup(req.method);
	resp->status = 200;
	resp->content_type = "application/soap+xml;charset=UTF-8";
	if (identify_only && (f != F_NONE || req.op != OP_IDENTIFY)) {
		resp->status = 401;
		resp->auth_challenge = 1;
		req_free(&req);
		return;
	}
	pthread_mutex_lock(&ctx->lock);
	/* UAC remote filtering: the login works, but the filtered token is
	 * no administrator's, so WMI's namespace security and WinRM's
	 * configuration refuse it (hvsnap doctor names the fix). */
	if (f == F_NONE && conn && conn->uac_filtered && (req.config ||
	    (req.resource_uri && strncmp(req.resource_uri, SIM_WMI_V2, strlen(SIM_WMI_V2)) == 0))) {
		sim_fault(ctx, &req, resp, F_ACCESS_DENIED, "Access is denied.");
	} else if (f != F_NONE) {
		sim_fault(ctx, &req, resp, f, detail);
	} else if (req.config) {
		op_config(ctx, &req, resp);
	} else {
		jobs_tick(ctx->model, now_ms());
		switch (req.op) {
		case OP_IDENTIFY: op_identify(ctx, &req, resp); break;
		case OP_GET: op_get(ctx, &req, resp); break;
		case OP_PUT: op_put(ctx, &req, resp); break;
		case OP_ENUMERATE: op_enumerate(ctx, &req, resp); break;
		case OP_PULL: op_pull(ctx, &req, resp); break;
		case OP_RELEASE: op_release(ctx, &req, resp); break;
		case OP_INVOKE: op_invoke(ctx, &req, resp); break;
		}
	}
	pthread_mutex_unlock(&ctx->lock);
	req_free(&req);
}
