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
	      "             [--log FILE] [--version]\n"
	      "A simulated Hyper-V host speaking WS-Management (WinRM).\n"
	      "Without --scenario: the built-in demo host (HVHOST; web01, db01,\n"
	      "ci-runner, ci-test; user HVHOST\\demo, password demo). Default\n"
	      "listen 127.0.0.1:5985 (5986 with --https); port 0 picks a free port.\n", f);
}

int main(int argc, char **argv)
{
	struct sim_options o;
	const char *scenario = NULL, *log_path = NULL;
	sim_ctx ctx;
	sim_scenario sc;
	sigset_t set;
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

	/* Block before anything can start a thread (MHD, GSSAPI plugins) so
	 * only sigwait sees them; a SIGTERM during startup then waits for it
	 * instead of killing hvsim before it can remove its NTLM_USER_FILE. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	xmlInitParser();
	memset(&ctx, 0, sizeof(ctx));
	pthread_mutex_init(&ctx.lock, NULL);
	pthread_mutex_init(&ctx.log_lock, NULL);
	ctx.model = model_new();
	ctx.sc = &sc;
	if (scenario) {
		char *err = NULL;
		if (scenario_load(scenario, ctx.model, &sc, &err) != 0) {
			fprintf(stderr, "hvsim: bad scenario: %s\n", err);
			free(err);
			scenario_free(&sc);
			model_free(ctx.model);
			xmlCleanupParser();
			return 2;
		}
	} else {
		scenario_demo(ctx.model, &sc);
	}
	{
		char *err = NULL;
		if (cert_init(&ctx, &err) != 0) {
			fprintf(stderr, "hvsim: bad scenario: %s: %s\n", scenario,
			        err ? err : "client certificates");
			free(err);
			scenario_free(&sc);
			model_free(ctx.model);
			xmlCleanupParser();
			return 2;
		}
	}
	if (log_path) {
		ctx.log = fopen(log_path, "a");
		if (!ctx.log) {
			perror(log_path);
			scenario_free(&sc);
			model_free(ctx.model);
			xmlCleanupParser();
			return 2;
		}
	}

	/* GSSAPI setup (NTLM_USER_FILE in the environment) must happen while
	 * hvsim is still single-threaded. */
	{
		char *err = NULL;
		if (nego_init(&ctx, o.https ? o.cert : NULL, &err) != 0) {
			fprintf(stderr, "hvsim: %s\n", err ? err : "negotiate setup failed");
			free(err);
			nego_shutdown();
			free(ctx.cbt_app);
			if (ctx.log)
				fclose(ctx.log);
			scenario_free(&sc);
			model_free(ctx.model);
			xmlCleanupParser();
			return 2;
		}
	}

	rc = server_run(&ctx, &o);

	nego_shutdown();
	free(ctx.cbt_app);
	enum_free_all();
	if (ctx.log)
		fclose(ctx.log);
	scenario_free(&sc);
	model_free(ctx.model);
	pthread_mutex_destroy(&ctx.lock);
	pthread_mutex_destroy(&ctx.log_lock);
	xmlCleanupParser();
	return rc;
}
