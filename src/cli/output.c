/* JSON building blocks for the commands' --json output. jansson does the
 * escaping, so names with quotes or non-ASCII text come out valid. */
#include "cli/output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when it is not one. */
static size_t utf8_seq(const unsigned char *p)
{
	size_t n = p[0] < 0x80 ? 1 : (p[0] & 0xe0) == 0xc0 ? 2 : (p[0] & 0xf0) == 0xe0 ? 3
	         : (p[0] & 0xf8) == 0xf0 ? 4 : 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

json_t *json_str_or_null(const char *s)
{
	if (!s)
		return json_null();
	json_t *j = json_string(s);
	if (j)
		return j;
	size_t len = strlen(s);
	char *clean = malloc(len + 1);
	if (!clean)
		return json_null();
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_seq(p);
		if (n == 0) {
			clean[o++] = '?';
			p++;
		} else {
			memcpy(clean + o, p, n);
			o += n;
			p += n;
		}
	}
	clean[o] = '\0';
	j = json_string(clean);
	free(clean);
	return j ? j : json_null();
}

json_t *json_error(const hvsnap_error *err)
{
	json_t *e = json_object();
	json_object_set_new(e, "kind", json_string(hvsnap_status_name(err->kind)));
	json_object_set_new(e, "message", json_str_or_null(err->message));
	json_object_set_new(e, "code", err->code ? json_integer((json_int_t)err->code) : json_null());
	const char *code_kind = hvsnap_code_kind_name(err->code_kind);
	json_object_set_new(e, "code_kind", code_kind ? json_string(code_kind) : json_null());
	if (err->job_id[0])
		json_object_set_new(e, "job_id", json_str_or_null(err->job_id));
	json_object_set_new(e, "detail", err->detail[0] ? json_str_or_null(err->detail) : json_null());
	return e;
}

json_t *json_vm(const hvsnap_vm *vm)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_str_or_null(hvsnap_vm_name(vm)));
	json_object_set_new(o, "id", json_str_or_null(hvsnap_vm_id(vm)));
	json_object_set_new(o, "state", json_string(hvsnap_vm_state_text(hvsnap_vm_state_code(vm))));
	json_object_set_new(o, "state_code", json_integer(hvsnap_vm_state_code(vm)));
	return o;
}

json_t *json_snapshot(const hvsnap_snapshot *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_str_or_null(hvsnap_snapshot_id(s)));
	json_object_set_new(o, "instance_id", json_str_or_null(hvsnap_snapshot_instance_id(s)));
	json_object_set_new(o, "name", json_str_or_null(hvsnap_snapshot_name(s)));
	json_object_set_new(o, "parent_id", json_str_or_null(hvsnap_snapshot_parent_id(s)));
	json_object_set_new(o, "created", json_str_or_null(hvsnap_snapshot_created(s)));
	json_object_set_new(o, "current", json_boolean(hvsnap_snapshot_is_current(s)));
	json_object_set_new(o, "kind", json_string(hvsnap_snapshot_role_name(hvsnap_snapshot_kind_of(s))));
	json_object_set_new(o, "type", json_str_or_null(hvsnap_snapshot_type(s)));
	json_object_set_new(o, "saved", json_boolean(hvsnap_snapshot_is_saved(s)));
	return o;
}

static json_t *json_strings(const hvsnap_refpoint *rp,
                            size_t (*count)(const hvsnap_refpoint *),
                            const char *(*at)(const hvsnap_refpoint *, size_t))
{
	json_t *a = json_array();
	for (size_t i = 0; i < count(rp); i++)
		json_array_append_new(a, json_str_or_null(at(rp, i)));
	return a;
}

const char *cli_consistency_name(hvsnap_consistency c)
{
	return c == HVSNAP_CONSISTENCY_APPLICATION ? "application"
	     : c == HVSNAP_CONSISTENCY_CRASH ? "crash" : "unknown";
}

json_t *json_refpoint(const hvsnap_refpoint *rp)
{
	json_t *o = json_object();
	long code = hvsnap_refpoint_type_code(rp);
	json_object_set_new(o, "id", json_str_or_null(hvsnap_refpoint_id(rp)));
	json_object_set_new(o, "instance_id", json_str_or_null(hvsnap_refpoint_instance_id(rp)));
	json_object_set_new(o, "type", json_string(hvsnap_refpoint_type_name(hvsnap_refpoint_type_of(rp))));
	json_object_set_new(o, "type_code", code >= 0 ? json_integer(code) : json_null());
	json_object_set_new(o, "consistency",
	                    json_string(cli_consistency_name(hvsnap_refpoint_consistency(rp))));
	json_object_set_new(o, "has_associated_data",
	                    json_boolean(hvsnap_refpoint_has_associated_data(rp)));
	json_object_set_new(o, "created", json_str_or_null(hvsnap_refpoint_created(rp)));
	json_object_set_new(o, "rct_ids",
	                    json_strings(rp, hvsnap_refpoint_rct_id_count, hvsnap_refpoint_rct_id_at));
	json_object_set_new(o, "disk_ids",
	                    json_strings(rp, hvsnap_refpoint_disk_id_count, hvsnap_refpoint_disk_id_at));
	return o;
}

json_t *json_job(const hvsnap_job *job)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_str_or_null(hvsnap_job_id(job)));
	json_object_set_new(o, "name", json_str_or_null(hvsnap_job_name(job)));
	json_object_set_new(o, "state", json_string(hvsnap_job_state_text(hvsnap_job_state_code(job))));
	json_object_set_new(o, "state_code", json_integer(hvsnap_job_state_code(job)));
	json_object_set_new(o, "percent", json_integer(hvsnap_job_percent(job)));
	json_object_set_new(o, "error_code", json_integer((json_int_t)hvsnap_job_error_code(job)));
	json_object_set_new(o, "error_description", json_str_or_null(hvsnap_job_error_description(job)));
	json_object_set_new(o, "elapsed_ms", json_integer((json_int_t)hvsnap_job_elapsed_ms(job)));
	return o;
}

#define SAFE_SLOTS 16

const char *cli_safe(const char *s)
{
	static char *slots[SAFE_SLOTS];
	static unsigned next;
	if (!s)
		return "-";
	size_t len = strlen(s);
	char *out = malloc(len + 1);
	if (!out)
		return "?";
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			out[o++] = '?';
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			out[o++] = '?'; /* C1 controls, U+0080..U+009F (CSI among them) */
			p++;
		} else {
			out[o++] = (char)*p;
		}
	}
	out[o] = '\0';
	free(slots[next]);
	slots[next] = out;
	next = (next + 1) % SAFE_SLOTS;
	return out;
}

/* jansson escapes C0 controls but writes C1 controls (U+0080..U+009F, CSI
 * and OSC among them) raw, and a terminal acts on them. Outside strings
 * the document is ASCII, so every such UTF-8 pair is inside a string,
 * where \u00XX means the same character; DEL is escaped likewise. */
static void write_json_safe(const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			printf("\\u%04x", (unsigned)*++p);
		else if (*p == 0x7f)
			fputs("\\u007f", stdout);
		else
			putchar(*p);
	}
}

void json_print(json_t *root)
{
	if (json_is_object(root))
		json_object_set_new(root, "schema_version", json_integer(CLI_SCHEMA_VERSION));
	char *text = json_dumps(root, JSON_INDENT(2));
	if (text)
		write_json_safe(text);
	else
		fputs("null", stdout); /* out of memory: still one JSON document */
	free(text);
	fputc('\n', stdout);
	fflush(stdout);
	json_decref(root);
}
