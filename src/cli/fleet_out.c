/* Fleet output: one NDJSON line or one text line per target as it
 * finishes, from any worker thread (one lock), a live summary line on
 * stderr when it is a terminal, and the summary table and exit code at
 * the end: 0 when every target succeeded, else the exit code the failures
 * share, or 1 when they differ (130 when interrupted). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/fleet.h"
#include "cli/output.h"

#define MAX_TABLE_HOSTS 4096

typedef struct host_count {
	char name[256];
	unsigned ok, failed;
} host_count;

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static const cli_options *opts;
static const char *verb_text;
static int live;          /* stderr is a terminal: redraw a status line */
static unsigned n_ok, n_failed;
static int running;
static int common_exit = -1; /* -1 none yet, else the shared code, or 1 */
static host_count *table;
static size_t n_table;

void fleet_out_init(const cli_options *o, const char *verb)
{
	opts = o;
	verb_text = verb;
	live = isatty(STDERR_FILENO) && !o->json;
	/* lines reach a pipe as they finish, not when a buffer fills */
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static void draw_status(void)
{
	if (!live)
		return;
	fprintf(stderr, "\r\033[K%s: %u done, %d running, %u failed", verb_text,
	        n_ok + n_failed, running, n_failed);
	fflush(stderr);
}

static void clear_status(void)
{
	if (live) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
}

static void count_host(const char *host, int ok)
{
	for (size_t i = 0; i < n_table; i++)
		if (strcmp(table[i].name, host) == 0) {
			ok ? table[i].ok++ : table[i].failed++;
			return;
		}
	if (n_table >= MAX_TABLE_HOSTS)
		return;
	if (n_table % 64 == 0) {
		host_count *g = realloc(table, (n_table + 64) * sizeof(*table));
		if (!g)
			return;
		table = g;
	}
	host_count *h = &table[n_table++];
	snprintf(h->name, sizeof(h->name), "%s", host);
	h->ok = ok ? 1 : 0;
	h->failed = ok ? 0 : 1;
}

void fleet_out_target(const char *host, const hvsnap_vm *vm, const char *vm_label,
                      json_t *fields, const hvsnap_error *err, const char *text)
{
	pthread_mutex_lock(&out_lock);
	if (err) {
		n_failed++;
		int code = cli_exit_code(err->kind);
		common_exit = common_exit < 0 || common_exit == code ? code : EXIT_FAILED;
	} else {
		n_ok++;
	}
	count_host(host, !err);
	if (opts->json) {
		json_t *root = json_object();
		json_object_set_new(root, "host", json_str_or_null(host));
		json_t *v = json_object();
		json_object_set_new(v, "name", json_str_or_null(vm ? hvsnap_vm_name(vm) : vm_label));
		json_object_set_new(v, "id", json_str_or_null(vm ? hvsnap_vm_id(vm) : NULL));
		json_object_set_new(root, "vm", v);
		json_object_set_new(root, "ok", json_boolean(!err));
		json_t *error_extra = NULL;
		if (fields) {
			json_t *fv = json_object_get(fields, "vm");
			if (fv)   /* a richer "vm" (vms: with its state) */
				json_object_update(v, fv);
			json_object_del(fields, "vm");
			/* fields of the error object itself (reset: its "stage") */
			error_extra = json_incref(json_object_get(fields, "error"));
			json_object_del(fields, "error");
			json_object_update(root, fields);
		}
		if (err) {
			json_t *e = json_error(err);
			if (json_is_object(error_extra))
				json_object_update(e, error_extra);
			json_object_set_new(root, "error", e);
		}
		json_decref(error_extra);
		char *line = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(root);
		if (line) {
			fputs(line, stdout);
			fputc('\n', stdout);
			free(line);
		}
	} else {
		clear_status();
		const char *name = vm ? hvsnap_vm_name(vm) : vm_label;
		if (err)
			printf("%-16s %-24s FAILED  %s%s%s\n", cli_safe(host), cli_safe(name),
			       err->message[0] ? cli_safe(err->message) : "failed",
			       err->job_id[0] ? "; job " : "", err->job_id[0] ? cli_safe(err->job_id) : "");
		else
			printf("%-16s %-24s ok      %s\n", cli_safe(host), cli_safe(name),
			       text ? cli_safe(text) : "");
	}
	fflush(stdout);
	draw_status();
	pthread_mutex_unlock(&out_lock);
	json_decref(fields);
}

void fleet_out_running(int delta)
{
	pthread_mutex_lock(&out_lock);
	running += delta;
	draw_status();
	pthread_mutex_unlock(&out_lock);
}

int fleet_out_finish(int interrupted)
{
	pthread_mutex_lock(&out_lock);
	clear_status();
	if (!opts->json) {
		printf("\n%-16s %8s %8s\n", "HOST", "OK", "FAILED");
		for (size_t i = 0; i < n_table; i++)
			printf("%-16s %8u %8u\n", cli_safe(table[i].name), table[i].ok,
			       table[i].failed);
		printf("%-16s %8u %8u\n", "total", n_ok, n_failed);
	}
	if (interrupted)
		fprintf(stderr, "hvsnap: interrupted: %u of %u targets done\n", n_ok,
		        n_ok + n_failed);
	fflush(stdout);
	free(table);
	table = NULL;
	n_table = 0;
	int rc = interrupted ? EXIT_INTERRUPTED : common_exit < 0 ? EXIT_OK : common_exit;
	if (!interrupted && n_ok + n_failed == 0) {
		fprintf(stderr, "hvsnap: no VM matched\n");
		rc = EXIT_NOT_FOUND;
	}
	pthread_mutex_unlock(&out_lock);
	return rc;
}
