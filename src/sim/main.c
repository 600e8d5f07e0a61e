/* hvsim entry point: options (CLI.md, hvsim section), scenario or built-in
 * demo host, signal setup, then the server until SIGTERM/SIGINT. Exit
 * codes follow CLI.md: 0 clean stop, 2 usage or bad scenario, 3 cannot
 * listen. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <microhttpd.h>

#include "hvsnap/common.h"

#include "model.h"

static void usage(FILE *f)
{
	fputs("usage: hvsim [--scenario FILE] [--listen ADDR:PORT]\n"
	      "             [--https --cert FILE --key FILE] [--port-file FILE]\n"
	      "             [--log FILE] [--hosts N] [--max-ops-per-user N] [--version]\n"
	      "A simulated Hyper-V host speaking WS-Management (WinRM), or a\n"
	      "fleet of them (scenario \"hosts\", or --hosts N copies), each on\n"
	      "its own port.\n"
	      "Without --scenario: the built-in demo host (HVHOST; web01, db01,\n"
	      "ci-runner, ci-test; user HVHOST\\demo, password demo). Default listen 127.0.0.1:5985\n"
	      "(5986 with --https); port 0 picks a free port. --port-file gets\n"
	      "the port, or \"NAME PORT\" per line for several hosts.\n", f);
}

static int parse_count(const char *opt, const char *v, unsigned max,
                       unsigned *out)
{
	char *end = NULL;
	unsigned long n = strtoul(v, &end, 10);
	if (!*v || *end || n < 1 || n > max) {
		fprintf(stderr, "hvsim: %s: expected a number from 1 to %u\n", opt,
		        max);
		return -1;
	}
	*out = (unsigned)n;
	return 0;
}

static void free_ctxs(sim_ctx *ctxs, size_t n)
{
	size_t i, k;
	for (i = 0; i < n; i++) {
		for (k = 0; k < ctxs[i].ninflight; k++)
			free(ctxs[i].inflight[k].user);
		free(ctxs[i].inflight);
		free(ctxs[i].cbt_app);
		pthread_mutex_destroy(&ctxs[i].lock);
	}
	free(ctxs);
}

int main(int argc, char **argv)
{
	struct sim_options o;
	const char *scenario = NULL, *log_path = NULL;
	const char *hosts_arg = NULL, *ops_arg = NULL;
	unsigned copies = 0, max_ops = 0;
	sim_host *hosts = NULL;
	size_t nhosts = 0, h;
	sim_ctx *ctxs;
	FILE *log = NULL;
	sigset_t set;
	char *err = NULL;
	int i, rc;

	memset(&o, 0, sizeof(o));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		if (strcmp(a, "--scenario") == 0) slot = &scenario;
		else if (strcmp(a, "--listen") == 0) slot = &o.listen;
		else if (strcmp(a, "--cert") == 0) slot = &o.cert;
		else if (strcmp(a, "--key") == 0) slot = &o.key;
		else if (strcmp(a, "--port-file") == 0) slot = &o.port_file;
		else if (strcmp(a, "--log") == 0) slot = &log_path;
		else if (strcmp(a, "--hosts") == 0) slot = &hosts_arg;
		else if (strcmp(a, "--max-ops-per-user") == 0) slot = &ops_arg;
		else if (strcmp(a, "--https") == 0) { o.https = 1; continue; }
		else if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
			/* The simulator is released with hvsnap and shares its version. */
			printf("hvsim %s\nlibmicrohttpd %s, libxml2 %s\n", HVSNAP_VERSION_STRING,
			       MHD_get_version(), xmlParserVersion);
			return 0;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "hvsim: unknown option %s\n", a);
			usage(stderr);
			return 2;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "hvsim: %s needs a value\n", a);
			return 2;
		}
		*slot = argv[++i];
	}
	if (o.https && (!o.cert || !o.key)) {
		fputs("hvsim: --https needs --cert FILE and --key FILE\n", stderr);
		return 2;
	}
	if (!o.https && (o.cert || o.key)) {
		fputs("hvsim: --cert and --key need --https\n", stderr);
		return 2;
	}
	if ((hosts_arg && parse_count("--hosts", hosts_arg, 1000, &copies) != 0) ||
	    (ops_arg && parse_count("--max-ops-per-user", ops_arg, 100000, &max_ops) != 0))
		return 2;

	/* Block before anything can start a thread (MHD, GSSAPI plugins) so
	 * only sigwait sees them; a SIGTERM during startup then waits for it
	 * instead of killing hvsim before it can remove its NTLM_USER_FILE. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	xmlInitParser();
	if (scenario_load_hosts(scenario, copies, &hosts, &nhosts, &err) != 0) {
		fprintf(stderr, "hvsim: bad scenario: %s\n", err);
		free(err);
		xmlCleanupParser();
		return 2;
	}
	ctxs = calloc(nhosts, sizeof(*ctxs));
	if (!ctxs)
		abort();
	for (h = 0; h < nhosts; h++) {
		pthread_mutex_init(&ctxs[h].lock, NULL);
		ctxs[h].model = hosts[h].m;
		ctxs[h].sc = &hosts[h].sc;
		ctxs[h].port = hosts[h].port;
		ctxs[h].log_host = nhosts > 1;
		if (max_ops)
			hosts[h].sc.enforce_ops_per_user = max_ops;
	}
	rc = 0;
	for (h = 0; h < nhosts && rc == 0; h++) {
		if (cert_init(&ctxs[h], &err) != 0) {
			fprintf(stderr, "hvsim: bad scenario: %s: %s\n",
			        scenario ? scenario : "demo",
			        err ? err : "client certificates");
			free(err);
			rc = 2;
		}
	}
	if (rc == 0 && log_path) {
		log = fopen(log_path, "a");
		if (!log) {
			perror(log_path);
			rc = 2;
		}
		for (h = 0; h < nhosts; h++)
			ctxs[h].log = log;
	}

	/* GSSAPI setup (NTLM_USER_FILE in the environment) must happen while
	 * hvsim is still single-threaded. It is process-wide: the first host
	 * that offers Negotiate sets it up (its keytab), and every host gets
	 * the channel binding of the one certificate. */
	if (rc == 0) {
		size_t first = 0;
		while (first + 1 < nhosts && !ctxs[first].sc->negotiate)
			first++;
		if (nego_init(&ctxs[first], o.https ? o.cert : NULL, &err) != 0) {
			fprintf(stderr, "hvsim: %s\n", err ? err : "negotiate setup failed");
			free(err);
			rc = 2;
		}
		for (h = 0; rc == 0 && h < nhosts; h++) {
			if (h == first || !ctxs[first].cbt_app)
				continue;
			ctxs[h].cbt_app = malloc(ctxs[first].cbt_len);
			if (!ctxs[h].cbt_app)
				abort();
			memcpy(ctxs[h].cbt_app, ctxs[first].cbt_app, ctxs[first].cbt_len);
			ctxs[h].cbt_len = ctxs[first].cbt_len;
		}
		if (rc == 0)
			rc = server_run(ctxs, nhosts, &o);
		nego_shutdown();
	}

	enum_free_all();
	if (log)
		fclose(log);
	free_ctxs(ctxs, nhosts);
	scenario_free_hosts(hosts, nhosts);
	xmlCleanupParser();
	return rc;
}
