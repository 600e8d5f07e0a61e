/* Exit codes and error reporting of the tool (CLI.md "Exit codes" and the
 * JSON error object). */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/progress.h"

int cli_exit_code(hvsnap_status status)
{
	switch (status) {
	case HVSNAP_OK: return EXIT_OK;
	case HVSNAP_ERR_USAGE: return EXIT_USAGE;
	case HVSNAP_ERR_CONNECT:
	case HVSNAP_ERR_TLS: return EXIT_CONNECT;
	case HVSNAP_ERR_AUTH: return EXIT_AUTH;
	case HVSNAP_ERR_NOT_FOUND:
	case HVSNAP_ERR_AMBIGUOUS: return EXIT_NOT_FOUND;
	case HVSNAP_ERR_TIMEOUT:
	case HVSNAP_ERR_BUSY: return EXIT_TIMEOUT;  /* busy until the deadline */
	case HVSNAP_ERR_CANCELLED: return EXIT_INTERRUPTED;
	case HVSNAP_ERR_PROTOCOL: return EXIT_PROTOCOL;
	case HVSNAP_ERR_FAULT:
	case HVSNAP_ERR_FAILED:
	case HVSNAP_ERR_NOMEM:
	case HVSNAP_ERR_INTERNAL: return EXIT_FAILED;
	}
	return EXIT_FAILED;
}

int cli_report_error(const cli_options *o, const hvsnap_error *err)
{
	if (o->json) {
		json_t *root = json_object();
		json_object_set_new(root, "error", cli_json_error(o, err));
		json_print(root);
	} else {
		cli_print_error(o, err);
	}
	return cli_exit_code(err->kind);
}

void cli_print_error(const cli_options *o, const hvsnap_error *err)
{
	cli_progress_clear();
	fprintf(stderr, "hvsnap: %s\n", err->message[0] ? cli_safe(err->message) : "failed");
	if (err->detail[0])
		fprintf(stderr, "  %s\n", cli_safe(err->detail));
	cli_hints h;
	cli_hints_for(o, err, &h);
	for (int i = 0; i < h.n; i++)
		fprintf(stderr, "  hint: %s\n", cli_safe(h.text[i]));
	if (err->job_id[0])
		cli_print_job_hint(err->job_id, err->kind != HVSNAP_ERR_FAILED);
}

/* An ambiguous name's candidates, which the library lists in the detail
 * as "ID (State)" (VMs) or "ID (created TIME)" (snapshots), items
 * separated by "; ": as objects, so that a script need not parse text. */
static json_t *candidates(const char *detail)
{
	json_t *a = json_array();
	const char *p = detail;
	while (*p) {
		size_t len = strcspn(p, ";");
		char item[256];
		snprintf(item, sizeof(item), "%.*s", (int)(len < sizeof(item) ? len : sizeof(item) - 1), p);
		char *open = strstr(item, " (");
		size_t ilen = strlen(item);
		if (open && ilen && item[ilen - 1] == ')') {
			item[ilen - 1] = '\0';
			*open = '\0';
			const char *note = open + 2;
			json_t *c = json_object();
			json_object_set_new(c, "id", json_str_or_null(item));
			if (strncmp(note, "created ", 8) == 0)
				json_object_set_new(c, "created", json_str_or_null(note + 8));
			else
				json_object_set_new(c, "state", json_str_or_null(note));
			json_array_append_new(a, c);
		}
		p += len;
		while (*p == ';' || *p == ' ')
			p++;
	}
	return a;
}

json_t *cli_json_error(const cli_options *o, const hvsnap_error *err)
{
	json_t *e = json_error(err);
	if (err->kind == HVSNAP_ERR_AMBIGUOUS)
		json_object_set_new(e, "candidates", candidates(err->detail));
	cli_hints h;
	cli_hints_for(o, err, &h);
	json_t *hints = json_array();
	for (int i = 0; i < h.n; i++)
		json_array_append_new(hints, json_str_or_null(h.text[i]));
	json_object_set_new(e, "hints", hints);
	return e;
}

void cli_print_job_hint(const char *job_id, int still_running)
{
	fprintf(stderr, "  job: %s\n", cli_safe(job_id));
	if (still_running)
		fprintf(stderr, "  the operation goes on on the host; follow it with: "
		                "hvsnap job %s --wait\n", cli_safe(job_id));
}

int cli_report_usage(const cli_options *o, const char *fmt, ...)
{
	hvsnap_error err;
	hvsnap_error_clear(&err);
	err.kind = HVSNAP_ERR_USAGE;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err.message, sizeof(err.message), fmt, ap);
	va_end(ap);
	return cli_report_error(o, &err);
}
