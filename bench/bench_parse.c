/* Benchmarks of the WS-Man response parser and the request envelope
 * builders: parse+decode of a 1-item Pull fixture, a 500-item optimized
 * EnumerateResponse generated in memory, and a ConcreteJob Get; then
 * build+serialise of an Enumerate (WQL) and an Invoke CreateSnapshot.
 * Prints ops/s, items/s, MB/s, peak RSS, and ratios between the cases
 * (ratios travel between machines better than absolute figures).
 *
 * usage: bench_parse [-t SECONDS_PER_CASE] [FIXTURES_DIR] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <libxml/tree.h>

#include "hvsnap/hyperv.h"
#include "wsman/cim_int.h"
#include "hvsnap/cim.h"
#include "hvsnap/wsman.h"
#include "bench_util.h"
#include "util/buf.h"
#include "wsman/envelope.h"
#include "wsman/response.h"

#ifndef HVSNAP_SOURCE_DIR
#define HVSNAP_SOURCE_DIR "."
#endif

#define ENUM_ITEMS 500
#define VM_URI HVSNAP_WMI_V2_URI "Msvm_ComputerSystem"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Peak resident set size so far, in KiB (Linux reports ru_maxrss in KiB). */
static long peak_rss_kib(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return -1;
	return ru.ru_maxrss;
}

static void die(const char *what)
{
	bench_die("bench_parse", what);
}

static char *read_fixture(const char *dir, const char *name, size_t *len)
{
	return bench_read_file("bench_parse", dir, name, len);
}

/* Text between the end of open and the start of close in s, copied. */
static char *slice(const char *s, const char *open, const char *close)
{
	const char *a = strstr(s, open);
	const char *b = a ? strstr(a + strlen(open), close) : NULL;
	if (!a || !b)
		die("fixture does not have the expected shape");
	a += strlen(open);
	size_t n = (size_t)(b - a);
	char *out = malloc(n + 1);
	if (!out)
		die("out of memory");
	memcpy(out, a, n);
	out[n] = '\0';
	return out;
}

/* A 500-item optimized EnumerateResponse in the recorded format: the
 * header and framing of enumerate_optimized_response.xml around ENUM_ITEMS
 * copies of the full Msvm_ComputerSystem item from the Pull fixture (so
 * per-item costs compare like with like), each with its own ElementName. */
static char *make_enum(const char *enum_fixture, const char *pull_fixture,
                       size_t *len)
{
	const char *items_at = strstr(enum_fixture, "<w:Items>");
	const char *items_end = strstr(enum_fixture, "</w:Items>");
	if (!items_at || !items_end)
		die("enumerate fixture has no w:Items");
	char *item = slice(pull_fixture, "<n:Items>", "</n:Items>");
	const char *name_tag = "<p:ElementName>";
	char *name_at = strstr(item, name_tag);
	char *name_end = name_at ? strstr(name_at, "</p:ElementName>") : NULL;
	if (!name_at || !name_end)
		die("pull fixture item has no ElementName");
	name_at += strlen(name_tag);

	buf b = BUF_INIT;
	int rc = hvs_buf_append(&b, enum_fixture,
	                    (size_t)(items_at - enum_fixture) + strlen("<w:Items>"));
	for (int i = 0; i < ENUM_ITEMS && rc == 0; i++) {
		rc |= hvs_buf_append(&b, item, (size_t)(name_at - item));
		rc |= hvs_buf_printf(&b, "bench-vm-%03d", i);
		rc |= hvs_buf_append_str(&b, name_end);
	}
	rc |= hvs_buf_append_str(&b, items_end);
	free(item);
	if (rc != 0)
		die("out of memory");
	*len = b.len;
	return hvs_buf_detach(&b);
}

/* --- the measured operations ------------------------------------------ */

typedef struct parse_case {
	const char *bytes;
	size_t len;
	int kind; /* 0 pull, 1 enumerate, 2 get */
	size_t items; /* items decoded by the last run */
} parse_case;

static void run_parse(void *arg)
{
	parse_case *pc = arg;
	hvsnap_error err;
	xmlDocPtr doc;
	if (hvs_wsman_parse_document(pc->bytes, pc->len, 0, &doc, &err) != HVSNAP_OK)
		die(err.message);
	if (pc->kind == 2) {
		hvsnap_cim_instance *inst;
		if (hvs_wsman_parse_instance_body(doc, &inst, &err) != HVSNAP_OK)
			die(err.message);
		pc->items = 1;
		hvsnap_cim_instance_free(inst);
	} else {
		wsman_enum_page page;
		hvsnap_status st = pc->kind == 0 ? hvs_wsman_parse_pull(doc, 0, &page, &err)
		                                 : hvs_wsman_parse_enumerate(doc, 0, &page, &err);
		if (st != HVSNAP_OK)
			die(err.message);
		pc->items = page.n_items;
		hvs_wsman_enum_page_clear(&page);
	}
	xmlFreeDoc(doc);
}

typedef struct build_case {
	int kind; /* 0 enumerate WQL, 1 invoke CreateSnapshot */
	const hvsnap_params *params;
	size_t bytes; /* serialised size of the last run */
} build_case;

static void run_build(void *arg)
{
	build_case *bc = arg;
	wsman_request_opts o = {
		.to = "http://hv01.example.com:5985/wsman",
		.operation_timeout_ms = 60000,
		.max_envelope_size = 512000,
		.locale = "en-US",
	};
	xmlDocPtr doc;
	if (bc->kind == 0) {
		doc = bench_build_vm_lookup(&o, "o''brien-db");
	} else {
		doc = bench_build_create_snapshot(&o, bc->params);
	}
	if (!doc)
		die("envelope builder failed");
	size_t len;
	char *bytes = hvs_wsman_doc_to_bytes(doc, &len);
	if (!bytes)
		die("serialisation failed");
	bc->bytes = len;
	free(bytes);
	xmlFreeDoc(doc);
}

static hvsnap_params *create_snapshot_params(void)
{
	hvsnap_params *p = hvsnap_params_new();
	hvsnap_epr *vm = hvsnap_epr_new(VM_URI);
	if (!p || !vm ||
	    hvsnap_epr_add_selector(vm, "CreationClassName", "Msvm_ComputerSystem") ||
	    hvsnap_epr_add_selector(vm, "Name", "00000000-0000-4000-8000-000000000012") ||
	    hvsnap_params_add_epr(p, "AffectedSystem", vm) ||
	    hvsnap_params_add_instance(p, "SnapshotSettings", NULL) ||
	    hvsnap_params_add_uint(p, "SnapshotType", 2))
		die("cannot build CreateSnapshot parameters");
	hvsnap_epr_free(vm);
	return p;
}

/* --- timing ------------------------------------------------------------ */

typedef struct result {
	const char *name;
	double ops_per_s;
	double s_per_op;
	double items_per_s;
	double mb_per_s;
	size_t bytes;
	size_t items; /* per op; 0 for the builders */
	long rss_before, rss_after;
} result;

/* Runs fn until seconds have passed (after a short warm-up), at least 20
 * times; reports the mean time per call. */
static result measure(const char *name, void (*fn)(void *), void *arg,
                      double seconds)
{
	result r = { .name = name };
	r.rss_before = peak_rss_kib();
	double warm_end = now_s() + seconds / 10;
	do
		fn(arg);
	while (now_s() < warm_end);
	unsigned long n = 0;
	double start = now_s(), elapsed;
	do {
		for (int i = 0; i < 10; i++)
			fn(arg);
		n += 10;
		elapsed = now_s() - start;
	} while (elapsed < seconds || n < 20);
	r.rss_after = peak_rss_kib();
	r.ops_per_s = (double)n / elapsed;
	r.s_per_op = elapsed / (double)n;
	return r;
}

static void print_result(const result *r)
{
	char items[32];
	if (r->items)
		snprintf(items, sizeof(items), "%11.0f", r->items_per_s);
	else
		snprintf(items, sizeof(items), "%11s", "-");
	printf("%-34s %9.0f ops/s %9.2f us/op %s items/s %6.1f MB/s"
	       " %8zu B  peak RSS %ld -> %ld KiB\n",
	       r->name, r->ops_per_s, r->s_per_op * 1e6, items, r->mb_per_s,
	       r->bytes, r->rss_before, r->rss_after);
}

static void fill_rates(result *r, size_t bytes, size_t items)
{
	r->bytes = bytes;
	r->items = items;
	r->items_per_s = r->ops_per_s * (double)items;
	r->mb_per_s = r->ops_per_s * (double)bytes / 1e6;
}

int main(int argc, char **argv)
{
	double seconds = 1.0;
	const char *dir = HVSNAP_SOURCE_DIR "/fixtures";
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
			seconds = atof(argv[++i]);
			if (seconds <= 0)
				die("-t needs a positive number of seconds");
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "usage: %s [-t SECONDS_PER_CASE] [FIXTURES_DIR]\n",
			        argv[0]);
			return 2;
		} else {
			dir = argv[i];
		}
	}

	long rss_start = peak_rss_kib();
	size_t pull_len, enum_fx_len, job_len, enum_len;
	char *pull = read_fixture(dir, "computersystem_pull_vm_off.xml", &pull_len);
	char *enum_fx = read_fixture(dir, "enumerate_optimized_response.xml", &enum_fx_len);
	char *job = read_fixture(dir, "concretejob_get_running.xml", &job_len);
	char *big = make_enum(enum_fx, pull, &enum_len);
	hvsnap_params *params = create_snapshot_params();

	printf("hvsnap bench_parse: %.1f s per case, fixtures from %s\n", seconds, dir);
	printf("peak RSS at start: %ld KiB\n\n", rss_start);

	parse_case pc_pull = { pull, pull_len, 0, 0 };
	parse_case pc_enum = { big, enum_len, 1, 0 };
	parse_case pc_job = { job, job_len, 2, 0 };
	build_case bc_enum = { 0, NULL, 0 };
	build_case bc_inv = { 1, params, 0 };

	result r_pull = measure("parse Pull (1 item)", run_parse, &pc_pull, seconds);
	fill_rates(&r_pull, pull_len, pc_pull.items);
	print_result(&r_pull);
	result r_enum = measure("parse Enumerate optimized (500)", run_parse, &pc_enum,
	                        seconds);
	fill_rates(&r_enum, enum_len, pc_enum.items);
	print_result(&r_enum);
	if (pc_pull.items != 1 || pc_enum.items != ENUM_ITEMS)
		die("decoded item counts differ from the fixtures'");
	result r_job = measure("parse Get ConcreteJob", run_parse, &pc_job, seconds);
	fill_rates(&r_job, job_len, 1);
	print_result(&r_job);
	result r_benum = measure("build+serialise Enumerate WQL", run_build, &bc_enum,
	                         seconds);
	fill_rates(&r_benum, bc_enum.bytes, 0);
	print_result(&r_benum);
	result r_binv = measure("build+serialise Invoke CreateSnap", run_build, &bc_inv,
	                        seconds);
	fill_rates(&r_binv, bc_inv.bytes, 0);
	print_result(&r_binv);

	double per_item_enum = r_enum.s_per_op / ENUM_ITEMS;
	printf("\nratios (machine-independent-ish):\n");
	printf("  500-item enum, cost per item / 1-item pull cost:     %.3f\n",
	       per_item_enum / r_pull.s_per_op);
	printf("  500-item enum, cost per byte / 1-item pull per byte: %.3f\n",
	       (r_enum.s_per_op / (double)enum_len) /
	       (r_pull.s_per_op / (double)pull_len));
	printf("  500-item enum total / 1-item pull:                   %.1f\n",
	       r_enum.s_per_op / r_pull.s_per_op);
	printf("  Get ConcreteJob / 1-item pull:                       %.3f\n",
	       r_job.s_per_op / r_pull.s_per_op);
	printf("  build Enumerate / parse 1-item pull:                 %.3f\n",
	       r_benum.s_per_op / r_pull.s_per_op);
	printf("  build Invoke CreateSnapshot / build Enumerate:       %.3f\n",
	       r_binv.s_per_op / r_benum.s_per_op);
	printf("\npeak RSS: %ld KiB at start, %ld KiB at end (500-item document %zu bytes)\n",
	       rss_start, peak_rss_kib(), enum_len);

	hvsnap_params_free(params);
	free(pull);
	free(enum_fx);
	free(job);
	free(big);
	return 0;
}
