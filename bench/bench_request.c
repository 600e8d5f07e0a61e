/* The client's cost of one WS-Man request over http + NTLM with message
 * encryption, phase by phase: build + serialise the envelope, seal it
 * (multipart/encrypted body), unseal the reply, parse + decode it. Three
 * requests: a WQL Enumerate (optimized, answered with the optimized
 * fixture), a Get of a Msvm_ConcreteJob (a job poll) and an Invoke of
 * CreateSnapshot. A second NTLM context plays the host: it opens each
 * request and seals the recorded reply, outside the measured phases.
 *
 * Each phase runs inside a function of its own, bench_phase_build,
 * bench_phase_seal, bench_phase_unseal and bench_phase_parse, so that
 *   valgrind --tool=callgrind --toggle-collect='bench_phase_*' bench_request
 * counts instructions in them alone (bench/request_instructions.sh does
 * that and divides by the request count): counts that repeat from run to
 * run, where times do not. Warm-up rounds call the phases' bodies
 * directly, so one-off set-up (the first fetch of a cipher, libxml2's
 * dictionaries) stays out of the counts. Without valgrind it prints the
 * mean time per request.
 *
 * usage: bench_request [-n REQUESTS] [-w WARMUP] [-c enumerate|get|invoke]
 *                      [FIXTURES_DIR] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/tree.h>

#include "auth/ntlm.h"
#include "auth/winrm_crypt.h"
#include "hvsnap/cim.h"
#include "hvsnap/hyperv.h"
#include "hvsnap/wsman.h"
#include "bench_util.h"
#include "util/buf.h"
#include "wsman/cim_int.h"
#include "wsman/envelope.h"
#include "wsman/response.h"

#ifndef HVSNAP_SOURCE_DIR
#define HVSNAP_SOURCE_DIR "."
#endif

#define PROTO WINRM_CRYPT_PROTO_SPNEGO
/* The flags of a Windows host's CHALLENGE (the MS-NLMP 4.2.4 vectors):
 * 128-bit keys, extended session security, SEAL, SIGN, KEY_EXCH. */
#define NTLM_FLAGS 0xE28A8233u

enum kind { K_ENUMERATE, K_GET, K_INVOKE, K_COUNT };

typedef struct request {
	const char *name;
	const char *fixture;   /* the host's reply */
	char *reply;
	size_t reply_len;
	size_t request_bytes;  /* serialised envelope of the last round */
	size_t wire_bytes;     /* its sealed body */
} request;

static request requests[K_COUNT] = {
	{ "enumerate", "enumerate_optimized_response.xml", NULL, 0, 0, 0 },
	{ "get", "concretejob_get_running.xml", NULL, 0, 0, 0 },
	{ "invoke", "createsnapshot_output_4096.xml", NULL, 0, 0, 0 },
};

/* One round's state, handed from phase to phase. */
typedef struct round {
	enum kind kind;
	char *envelope;
	size_t envelope_len;
	buf wire;   /* sealed request, then sealed reply */
	buf plain;  /* the reply opened by the client */
} round;

static ntlm_ctx *client, *host;
static hvsnap_params *create_params;

static void die(const char *what)
{
	bench_die("bench_request", what);
}

static char *read_file(const char *dir, const char *name, size_t *len)
{
	return bench_read_file("bench_request", dir, name, len);
}

static ntlm_ctx *session(int as_server)
{
	ntlm_options o = { .user = "ops", .domain = "HV01", .password = "bench" };
	ntlm_ctx *c = NULL;
	hvsnap_error e;
	static const unsigned char key[16] = { 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
	                                       0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
	                                       0x55, 0x55, 0x55, 0x55 };
	if (hvs_ntlm_new(&c, &o, &e) != HVSNAP_OK ||
	    hvs_ntlm_test_start_session(c, key, NTLM_FLAGS, as_server, &e) != HVSNAP_OK)
		die("cannot start an NTLM session");
	return c;
}

static hvsnap_params *make_create_params(void)
{
	hvsnap_params *p = hvsnap_params_new();
	hvsnap_epr *vm = hvsnap_epr_new(HVSNAP_WMI_V2_URI "Msvm_ComputerSystem");
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

/* ---- the phases' bodies ------------------------------------------------ */

static void do_build(round *r)
{
	wsman_request_opts o = {
		.to = "http://hv01.example.com:5985/wsman",
		.operation_timeout_ms = 60000,
		.max_envelope_size = 512000,
		.locale = "en-US",
	};
	xmlDocPtr doc = NULL;
	if (r->kind == K_ENUMERATE) {
		doc = bench_build_vm_lookup(&o, "web01");
	} else if (r->kind == K_GET) {
		hvsnap_selector sel[] = {
			{ (char *)"InstanceID", (char *)"9EAA8804-58EF-41CC-9471-34838688B7BC" },
		};
		o.resource_uri = HVSNAP_WMI_V2_URI "Msvm_ConcreteJob";
		o.selectors = sel;
		o.n_selectors = 1;
		doc = hvs_wsman_build_get(&o);
	} else {
		doc = bench_build_create_snapshot(&o, create_params);
	}
	if (!doc)
		die("envelope builder failed");
	r->envelope = hvs_wsman_doc_to_bytes(doc, &r->envelope_len);
	xmlFreeDoc(doc);
	if (!r->envelope)
		die("serialisation failed");
}

static void do_seal(round *r)
{
	hvsnap_error e;
	hvs_buf_reset(&r->wire);
	if (hvs_winrm_crypt_build(PROTO, (const unsigned char *)r->envelope,
	                          r->envelope_len, hvs_ntlm_winrm_wrap, client,
	                          &r->wire, &e) != HVSNAP_OK)
		die(e.message);
	requests[r->kind].request_bytes = r->envelope_len;
	requests[r->kind].wire_bytes = r->wire.len;
	free(r->envelope);
	r->envelope = NULL;
}

/* The host's turn, never measured: open the request (which also checks
 * that the client's sealing is right) and seal the recorded reply. */
static void host_turn(round *r)
{
	hvsnap_error e;
	buf plain = BUF_INIT;
	if (hvs_winrm_crypt_parse(PROTO, (const unsigned char *)r->wire.data,
	                          r->wire.len, hvs_ntlm_winrm_unwrap, host, &plain,
	                          &e) != HVSNAP_OK)
		die(e.message);
	if (plain.len < 12 || !strstr(plain.data, "Envelope"))
		die("the host opened something other than an envelope");
	hvs_buf_free(&plain);
	const request *q = &requests[r->kind];
	hvs_buf_reset(&r->wire);
	if (hvs_winrm_crypt_build(PROTO, (const unsigned char *)q->reply,
	                          q->reply_len, hvs_ntlm_winrm_wrap, host, &r->wire,
	                          &e) != HVSNAP_OK)
		die(e.message);
}

static void do_unseal(round *r)
{
	hvsnap_error e;
	hvs_buf_reset(&r->plain);
	if (hvs_winrm_crypt_parse(PROTO, (const unsigned char *)r->wire.data,
	                          r->wire.len, hvs_ntlm_winrm_unwrap, client,
	                          &r->plain, &e) != HVSNAP_OK)
		die(e.message);
}

static void do_parse(round *r)
{
	hvsnap_error e;
	xmlDocPtr doc;
	if (hvs_wsman_parse_document(r->plain.data, r->plain.len, 0, &doc, &e) != HVSNAP_OK)
		die(e.message);
	if (r->kind == K_ENUMERATE) {
		wsman_enum_page page;
		if (hvs_wsman_parse_enumerate(doc, 0, &page, &e) != HVSNAP_OK)
			die(e.message);
		if (page.n_items == 0)
			die("the enumeration reply decoded to no items");
		hvs_wsman_enum_page_clear(&page);
	} else if (r->kind == K_GET) {
		hvsnap_cim_instance *inst;
		if (hvs_wsman_parse_instance_body(doc, &inst, &e) != HVSNAP_OK)
			die(e.message);
		hvsnap_cim_instance_free(inst);
	} else {
		hvsnap_invoke_result *res;
		if (hvs_wsman_parse_invoke(doc, "CreateSnapshot", &res, &e) != HVSNAP_OK)
			die(e.message);
		hvsnap_invoke_result_free(res);
	}
	xmlFreeDoc(doc);
}

/* ---- the measured phases: what callgrind's --toggle-collect names ------ */

void bench_phase_build(round *r);
void bench_phase_seal(round *r);
void bench_phase_unseal(round *r);
void bench_phase_parse(round *r);
__attribute__((noinline)) void bench_phase_build(round *r) { do_build(r); }
__attribute__((noinline)) void bench_phase_seal(round *r) { do_seal(r); }
__attribute__((noinline)) void bench_phase_unseal(round *r) { do_unseal(r); }
__attribute__((noinline)) void bench_phase_parse(round *r) { do_parse(r); }

static void warm_round(round *r)
{
	do_build(r);
	do_seal(r);
	host_turn(r);
	do_unseal(r);
	do_parse(r);
}

static void measured_round(round *r)
{
	bench_phase_build(r);
	bench_phase_seal(r);
	host_turn(r);
	bench_phase_unseal(r);
	bench_phase_parse(r);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long count_arg(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 0 || v > 100000000)
		die("a count must be a number from 0 to 100000000");
	return v;
}

int main(int argc, char **argv)
{
	long n = 1000, warm = 20;
	int only = -1;
	const char *dir = HVSNAP_SOURCE_DIR "/fixtures";
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
			n = count_arg(argv[++i]);
		} else if (strcmp(argv[i], "-w") == 0 && i + 1 < argc) {
			warm = count_arg(argv[++i]);
		} else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
			const char *c = argv[++i];
			for (int k = 0; k < K_COUNT; k++)
				if (strcmp(c, requests[k].name) == 0)
					only = k;
			if (only < 0)
				die("-c takes enumerate, get or invoke");
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "usage: %s [-n REQUESTS] [-w WARMUP] "
			        "[-c enumerate|get|invoke] [FIXTURES_DIR]\n", argv[0]);
			return 2;
		} else {
			dir = argv[i];
		}
	}
	if (n == 0)
		die("-n must be at least 1");

	for (int k = 0; k < K_COUNT; k++)
		requests[k].reply = read_file(dir, requests[k].fixture,
		                              &requests[k].reply_len);
	create_params = make_create_params();
	client = session(0);
	host = session(1);

	printf("hvsnap bench_request: %ld requests per case after %ld warm-up, "
	       "http + NTLM sealing, fixtures from %s\n", n, warm, dir);
	printf("%-10s %10s %10s %10s %12s\n", "request", "envelope_B", "sealed_B",
	       "reply_B", "us/request");
	for (int k = 0; k < K_COUNT; k++) {
		if (only >= 0 && k != only)
			continue;
		round r = { .kind = (enum kind)k, .wire = BUF_INIT, .plain = BUF_INIT };
		for (long i = 0; i < warm; i++)
			warm_round(&r);
		double t0 = now_s();
		for (long i = 0; i < n; i++)
			measured_round(&r);
		double per = (now_s() - t0) / (double)n;
		printf("%-10s %10zu %10zu %10zu %12.2f\n", requests[k].name,
		       requests[k].request_bytes, requests[k].wire_bytes,
		       requests[k].reply_len, per * 1e6);
		hvs_buf_free(&r.wire);
		hvs_buf_free(&r.plain);
	}
	printf("(the times include the simulated host's turn; "
	       "bench/request_instructions.sh counts the client's phases alone)\n");

	hvs_ntlm_free(client);
	hvs_ntlm_free(host);
	hvsnap_params_free(create_params);
	for (int k = 0; k < K_COUNT; k++)
		free(requests[k].reply);
	xmlCleanupParser();
	return 0;
}
