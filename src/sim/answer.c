/* What every operation answers in: the response language, and a fault in
 * it (the shortcut dispatch.c and every ops_*.c use). */
#include <string.h>

#include "model.h"

const char *sim_lang(sim_ctx *ctx, sim_req *req)
{
	/* WinRM answers in the requested locale when it has it; hvsim
	 * localizes only ja-JP and otherwise keeps the host's language. */
	if (req && req->locale &&
	    (strcmp(req->locale, "ja-JP") == 0 || strcmp(req->locale, "en-US") == 0))
		return req->locale;
	return ctx->model->locale;
}

void sim_fault(sim_ctx *ctx, sim_req *req, sim_resp *r, enum sim_fault f,
               const char *detail)
{
	fault_write(r, f, sim_lang(ctx, req), ctx->model->host,
	            req ? req->message_id : NULL, detail);
}
