/* --log: one JSON line per request so tests and users can count round
 * trips and see what a client really sent. Written with jansson so every
 * value is escaped; credentials are never among the fields. "auth" is the
 * connection's scheme and "encrypted" whether this request came as
 * multipart/encrypted (WinRM message encryption); "fault" appears only
 * when an injected fault shaped the answer, "params" only on an Invoke
 * that got as far as its method. When hvsim serves several hosts, every
 * line names its host ("host") and connection numbers are unique across
 * all of them, so one log can be counted per host. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <jansson.h>

#include "model.h"

/* One log file for every host: lines never interleave. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void log_request(sim_ctx *ctx, const sim_conn *conn, const char *action,
                 const char *uri, const char *method, int status,
                 const char *fault, const char *params)
{
	json_t *o;
	char when[40], *line;
	if (!ctx->log)
		return;
	iso8601_from_ms(now_ms(), when);
	o = json_object();
	json_object_set_new(o, "time", json_string(when));
	if (ctx->log_host)
		json_object_set_new(o, "host", json_string(ctx->model->host));
	json_object_set_new(o, "connection", json_integer((json_int_t)(conn ? conn->id : 0)));
	json_object_set_new(o, "action", action ? json_string(action) : json_null());
	json_object_set_new(o, "resource_uri", uri ? json_string(uri) : json_null());
	json_object_set_new(o, "method", method ? json_string(method) : json_null());
	json_object_set_new(o, "auth", json_string(conn && conn->scheme[0]
	                                           ? conn->scheme : "none"));
	json_object_set_new(o, "encrypted", json_boolean(conn && conn->encrypted));
	json_object_set_new(o, "status", json_integer(status));
	/* what an Invoke received, decoded, so client tests can assert the
	 * exact parameters a client sent */
	if (params) {
		json_t *p = json_loads(params, 0, NULL);
		if (p)
			json_object_set_new(o, "params", p);
	}
	/* only on faulted requests, so a test can tell a request that was
	 * dropped unprocessed from one that ran, even though both now name
	 * their action */
	if (fault)
		json_object_set_new(o, "fault", json_string(fault));
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!line)
		return;
	pthread_mutex_lock(&log_lock);
	fprintf(ctx->log, "%s\n", line);
	fflush(ctx->log);
	pthread_mutex_unlock(&log_lock);
	free(line);
}
