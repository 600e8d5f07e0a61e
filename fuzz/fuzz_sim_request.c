/* libFuzzer target for hvsim's request handling: the bytes are SOAP bodies
 * as any client (hostile or broken) may POST them, separated by NUL bytes
 * (which no XML body can hold), up to 8 per input. Each goes through
 * req_parse (hardened load + WinRM's header validation), req_peek (the
 * log's best effort reader), and then the whole of sim_dispatch against
 * one built-in demo host per input, so a request that validates reaches
 * the operations (Get, Put, Enumerate with WQL, Pull, Release, Invoke) and
 * later requests see what earlier ones changed. "@CTX@" and "@JOB@" in a
 * body stand for the last enumeration context and job InstanceID hvsim
 * handed out, so Pull, Release and job methods find real ones. Jobs end
 * at once (duration 0). Every answer hvsim writes must itself be
 * well-formed XML: an escaping slip is a bug a client would trip over. */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "fuzz.h"
#include "sim/model.h"
#include "util/strutil.h"

static volatile size_t sink;

static void touch(const char *s)
{
	if (s)
		sink += strlen(s);
}

/* The reply must parse; an empty body (no answer at all) is fine. */
static void check_reply(const buf *b)
{
	xmlDocPtr doc;
	if (!b->len)
		return;
	doc = xmlReadMemory(b->data, (int)b->len, "reply.xml", NULL,
	                    XML_PARSE_NONET | XML_PARSE_NOERROR |
	                    XML_PARSE_NOWARNING);
	if (!doc)
		abort();
	xmlFreeDoc(doc);
}

/* Copies into *last the text between the last open and close tags in b. */
static void remember(const buf *b, const char *open, const char *close,
                     char **last)
{
	const char *p, *q, *at = NULL;
	if (!b->data)
		return;
	for (p = strstr(b->data, open); p; p = strstr(p + 1, open))
		at = p;
	if (!at)
		return;
	at += strlen(open);
	q = strstr(at, close);
	if (!q || q - at > 64)
		return;
	free(*last);
	*last = hvs_str_ndup(at, (size_t)(q - at));
}

/* body with every placeholder replaced (by "" when nothing is known). */
static char *expand(const char *body, size_t len, const char *ctx_id,
                    const char *job_id, size_t *out_len)
{
	buf b = BUF_INIT;
	size_t i = 0;
	while (i < len) {
		if (len - i >= 5 && memcmp(body + i, "@CTX@", 5) == 0) {
			hvs_buf_append_str(&b, ctx_id ? ctx_id : "");
			i += 5;
		} else if (len - i >= 5 && memcmp(body + i, "@JOB@", 5) == 0) {
			hvs_buf_append_str(&b, job_id ? job_id : "");
			i += 5;
		} else {
			hvs_buf_append(&b, body + i, 1);
			i++;
		}
	}
	*out_len = b.len;
	/* exactly len bytes, so ASan sees a read past the body's end */
	{
		char *exact = malloc(b.len ? b.len : 1);
		if (!exact)
			abort();
		if (b.len)
			memcpy(exact, b.data, b.len);
		hvs_buf_free(&b);
		return exact;
	}
}

/* One request through the parsers and the dispatcher. */
static void one_request(sim_ctx *ctx, const char *body, size_t size,
                        char **ctx_id, char **job_id)
{
	const char *detail = NULL;
	char *action, *uri, *method;
	sim_conn conn;
	sim_resp resp;
	sim_req req;
	size_t i;

	if (req_parse(body, size, &req, &detail) == F_NONE) {
		touch(req.action);
		touch(req.message_id);
		touch(req.to);
		touch(req.resource_uri);
		touch(req.cls);
		touch(req.method);
		touch(req.locale);
		for (i = 0; i < req.nsel; i++) {
			touch(req.sel[i].name);
			touch(req.sel[i].value);
		}
	} else {
		touch(detail);
	}
	req_free(&req);

	req_peek(body, size, &action, &uri, &method);
	touch(action);
	touch(uri);
	touch(method);
	free(action);
	free(uri);
	free(method);

	memset(&conn, 0, sizeof(conn));
	memset(&resp, 0, sizeof(resp));
	sim_dispatch(ctx, &conn, body, size, 0, &resp, &action, &uri, &method);
	check_reply(&resp.body);
	remember(&resp.body, "<n:EnumerationContext>", "</n:EnumerationContext>",
	         ctx_id);
	remember(&resp.body, "<w:Selector Name=\"InstanceID\">", "</w:Selector>",
	         job_id);
	hvs_buf_free(&resp.body);
	free(resp.log_params);
	free(action);
	free(uri);
	free(method);

	/* The unauthenticated WSMANIDENTIFY path: only Identify passes. */
	memset(&resp, 0, sizeof(resp));
	sim_dispatch(ctx, &conn, body, size, 1, &resp, &action, &uri, &method);
	check_reply(&resp.body);
	hvs_buf_free(&resp.body);
	free(resp.log_params);
	free(action);
	free(uri);
	free(method);
}

static void quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	static sim_ctx ctx;
	const char *p = (const char *)data, *end = p + size;
	char *ctx_id = NULL, *job_id = NULL;
	sim_scenario sc;
	int n;

	if (!inited) {
		xmlInitParser();
		/* libxml2 reports encoding errors despite NOERROR: noise */
		xmlSetGenericErrorFunc(NULL, quiet);
		pthread_mutex_init(&ctx.lock, NULL);
		inited = 1;
	}

	/* A fresh host per input, so inputs do not depend on each other
	 * (enumeration contexts are global: dropped at the end too). */
	ctx.model = model_new();
	scenario_demo(ctx.model, &sc);
	ctx.model->job_duration_ms = 0;
	ctx.sc = &sc;
	for (n = 0; n < 8; n++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		size_t len = nul ? (size_t)(nul - p) : (size_t)(end - p), xl;
		char *body = expand(p, len, ctx_id, job_id, &xl);
		one_request(&ctx, body, xl, &ctx_id, &job_id);
		free(body);
		if (!nul)
			break;
		p = nul + 1;
	}
	free(ctx_id);
	free(job_id);
	enum_free_all();
	scenario_free(&sc);
	model_free(ctx.model);
	ctx.model = NULL;
	return 0;
}
