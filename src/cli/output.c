/* JSON building blocks for the commands' --json output. jansson does the
 * escaping, so names with quotes or non-ASCII text come out valid. */
#include "cli/output.h"

#include <stdio.h>

json_t *json_str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *json_vm(const hvsnap_vm *vm)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_str_or_null(vm->name));
	json_object_set_new(o, "id", json_str_or_null(vm->id));
	json_object_set_new(o, "state", json_string(hvsnap_vm_state_text(vm->state)));
	json_object_set_new(o, "state_code", json_integer(vm->state));
	return o;
}

json_t *json_snapshot(const hvsnap_snapshot *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_str_or_null(s->id));
	json_object_set_new(o, "instance_id", json_str_or_null(s->instance_id));
	json_object_set_new(o, "name", json_str_or_null(s->name));
	json_object_set_new(o, "parent_id", json_str_or_null(s->parent_id));
	json_object_set_new(o, "created", json_str_or_null(s->created));
	json_object_set_new(o, "current", json_boolean(s->current));
	return o;
}

json_t *json_job(const hvsnap_job *job)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_str_or_null(job->id));
	json_object_set_new(o, "state", json_string(hvsnap_job_state_text(job->state)));
	json_object_set_new(o, "state_code", json_integer(job->state));
	json_object_set_new(o, "percent", json_integer(job->percent));
	json_object_set_new(o, "error_code", json_integer((json_int_t)job->error_code));
	json_object_set_new(o, "error_description", json_str_or_null(job->error_description));
	json_object_set_new(o, "elapsed_ms", json_integer((json_int_t)job->elapsed_ms));
	return o;
}

void json_print(json_t *root)
{
	json_dumpf(root, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
	fflush(stdout);
	json_decref(root);
}
