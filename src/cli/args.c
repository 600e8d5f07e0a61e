/* Command-line and environment parsing. Connection and output options may
 * stand before or after the command name (CLI.md); command options are
 * accepted only by the commands they belong to. */
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

typedef enum opt_id {
	OPT_HOST, OPT_PORT, OPT_TRANSPORT, OPT_USER, OPT_PASSWORD_FILE, OPT_AUTH,
	OPT_ENCRYPTION, OPT_CACERT, OPT_INSECURE, OPT_PIN, OPT_CERT, OPT_KEY,
	OPT_TIMEOUT, OPT_SPN_SERVICE, OPT_SPN_HOST, OPT_ALLOW_INSECURE_BASIC, OPT_JSON, OPT_VERBOSE, OPT_TRACE,
	OPT_HELP, OPT_VERSION,
	OPT_NAME, OPT_TYPE, OPT_NO_WAIT, OPT_WAIT_TIMEOUT, OPT_TREE, OPT_WAIT,
	OPT_TURN_OFF, OPT_FORCE, OPT_READY, OPT_IP, OPT_STATE, OPT_NO_START, OPT_WAIT_READY,
	OPT_WAIT_IP, OPT_AUTO_CHECKPOINTS,
	OPT_KIND, OPT_CONSISTENCY, OPT_IGNORE_NONSNAP, OPT_GUEST_BACKUP_TYPE,
	OPT_INCLUDE_RECOVERY,
	OPT_NAMESPACE, OPT_SELECTOR, OPT_PARAM, OPT_WQL, OPT_EPR, OPT_INPUT,
	OPT_INVENTORY, OPT_HOSTS, OPT_ALL, OPT_PARALLEL, OPT_PER_HOST
} opt_id;

#define FLEET_COMMANDS "vms list create delete apply reset start stop save"

typedef struct opt_def {
	opt_id id;
	const char *long_name;
	char short_name;
	int takes_value;
	const char *commands; /* NULL: global; else space-separated commands */
} opt_def;

static const opt_def options[] = {
	{ OPT_HOST, "host", 'H', 1, NULL },
	{ OPT_PORT, "port", 'P', 1, NULL },
	{ OPT_TRANSPORT, "transport", 0, 1, NULL },
	{ OPT_USER, "user", 'u', 1, NULL },
	{ OPT_PASSWORD_FILE, "password-file", 0, 1, NULL },
	{ OPT_AUTH, "auth", 'a', 1, NULL },
	{ OPT_ENCRYPTION, "encryption", 0, 1, NULL },
	{ OPT_CACERT, "cacert", 0, 1, NULL },
	{ OPT_INSECURE, "insecure", 0, 0, NULL },
	{ OPT_PIN, "pin", 0, 1, NULL },
	{ OPT_CERT, "cert", 0, 1, NULL },
	{ OPT_KEY, "key", 0, 1, NULL },
	{ OPT_TIMEOUT, "timeout", 0, 1, NULL },
	{ OPT_SPN_SERVICE, "spn-service", 0, 1, NULL },
	{ OPT_SPN_HOST, "spn-host", 0, 1, NULL },
	{ OPT_ALLOW_INSECURE_BASIC, "allow-insecure-basic", 0, 0, NULL },
	{ OPT_JSON, "json", 0, 0, NULL },
	{ OPT_VERBOSE, "verbose", 'v', 0, NULL },
	{ OPT_TRACE, "trace", 0, 0, NULL },
	{ OPT_HELP, "help", 'h', 0, NULL },
	{ OPT_VERSION, "version", 0, 0, NULL },
	{ OPT_NAME, "name", 0, 1, "create" },
	{ OPT_TYPE, "type", 0, 1, "create policy" },
	{ OPT_NO_WAIT, "no-wait", 0, 0, "create" },
	{ OPT_WAIT_TIMEOUT, "wait-timeout", 0, 1,
	  "create job apply delete rename clear-state refpoint start stop save pause resume wait "
	  "reset" },
	{ OPT_TREE, "tree", 0, 0, "delete" },
	{ OPT_WAIT, "wait", 0, 0, "job" },
	{ OPT_TURN_OFF, "turn-off", 0, 0, "stop" },
	{ OPT_FORCE, "force", 0, 0, "stop apply rename reset" },
	{ OPT_READY, "ready", 0, 0, "wait" },
	{ OPT_IP, "ip", 0, 0, "wait" },
	{ OPT_STATE, "state", 0, 1, "wait" },
	{ OPT_NO_START, "no-start", 0, 0, "reset" },
	{ OPT_WAIT_READY, "wait-ready", 0, 0, "start reset" },
	{ OPT_WAIT_IP, "wait-ip", 0, 0, "reset" },
	{ OPT_AUTO_CHECKPOINTS, "auto-checkpoints", 0, 1, "policy" },
	{ OPT_KIND, "kind", 0, 1, "create" },
	{ OPT_CONSISTENCY, "consistency", 0, 1, "create" },
	{ OPT_IGNORE_NONSNAP, "ignore-non-snapshottable-disks", 0, 0, "create" },
	{ OPT_GUEST_BACKUP_TYPE, "guest-backup-type", 0, 1, "create" },
	{ OPT_INCLUDE_RECOVERY, "include-recovery", 0, 0, "list" },
	{ OPT_NAMESPACE, "namespace", 0, 1, "wsman" },
	{ OPT_SELECTOR, "selector", 's', 1, "wsman" },
	{ OPT_PARAM, "param", 'p', 1, "wsman" },
	{ OPT_WQL, "wql", 0, 1, "wsman" },
	{ OPT_EPR, "epr", 0, 0, "wsman" },
	{ OPT_INPUT, "input", 0, 1, "wsman" },
	{ OPT_INVENTORY, "inventory", 0, 1, FLEET_COMMANDS },
	{ OPT_HOSTS, "hosts", 0, 1, FLEET_COMMANDS },
	{ OPT_ALL, "all", 0, 0, FLEET_COMMANDS },
	{ OPT_PARALLEL, "parallel", 0, 1, FLEET_COMMANDS },
	{ OPT_PER_HOST, "per-host", 0, 1, FLEET_COMMANDS },
};

static int word_in(const char *word, const char *list)
{
	size_t n = strlen(word);
	for (const char *p = list; *p;) {
		size_t m = strcspn(p, " ");
		if (m == n && strncmp(p, word, n) == 0)
			return 1;
		p += m;
		while (*p == ' ')
			p++;
	}
	return 0;
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Kept so that a --json run can also get the reason as a JSON error. */
static char last_usage[512];

static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_usage, sizeof(last_usage), fmt, ap);
	va_end(ap);
	fprintf(stderr, "hvsnap: %s\nTry 'hvsnap --help'.\n", last_usage);
	return EXIT_USAGE;
}

/* --json anywhere before "--", even after the word that was wrong: scripts
 * parse stdout, so a usage error must reach them as {"error":...} too. */
static int wants_json(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--json") == 0)
			return 1;
	return 0;
}

static void json_usage_error(cli_options *o, int argc, char **argv)
{
	if (!wants_json(argc, argv))
		return;
	hvsnap_error err;
	hvsnap_error_clear(&err);
	err.kind = HVSNAP_ERR_USAGE;
	snprintf(err.message, sizeof(err.message), "%s", last_usage);
	o->json = 1;
	cli_report_error(o, &err);
}

static int parse_long(const char *text, long min, long max, long *out)
{
	if (!text || !*text)
		return -1;
	char *end = NULL;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_transport(const char *v, hvsnap_transport *out)
{
	if (strcmp(v, "https") == 0) { *out = HVSNAP_TRANSPORT_HTTPS; return 0; }
	if (strcmp(v, "http") == 0) { *out = HVSNAP_TRANSPORT_HTTP; return 0; }
	return -1;
}

static int parse_auth(const char *v, hvsnap_auth *out)
{
	static const struct { const char *name; hvsnap_auth auth; } names[] = {
		{ "negotiate", HVSNAP_AUTH_NEGOTIATE }, { "basic", HVSNAP_AUTH_BASIC },
		{ "ntlm", HVSNAP_AUTH_NTLM }, { "kerberos", HVSNAP_AUTH_KERBEROS },
		{ "certificate", HVSNAP_AUTH_CERTIFICATE },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(v, names[i].name) == 0) {
			*out = names[i].auth;
			return 0;
		}
	return -1;
}

static int parse_encryption(const char *v, hvsnap_encryption *out)
{
	if (strcmp(v, "auto") == 0) { *out = HVSNAP_ENCRYPTION_AUTO; return 0; }
	if (strcmp(v, "always") == 0) { *out = HVSNAP_ENCRYPTION_ALWAYS; return 0; }
	if (strcmp(v, "never") == 0) { *out = HVSNAP_ENCRYPTION_NEVER; return 0; }
	return -1;
}

static int set_port(cli_options *o, const char *v, const char *origin)
{
	long port;
	if (parse_long(v, 1, 65535, &port) != 0)
		return usage_error("%s: '%s' is not a port number (1-65535)", origin, v);
	o->port = (unsigned)port;
	return EXIT_OK;
}

/* The environment gives defaults that the command line overrides. */
static int apply_environment(cli_options *o)
{
	const char *v;
	if ((v = getenv("HVSNAP_HOST")) && *v)
		o->host = v;
	if ((v = getenv("HVSNAP_PORT")) && *v && set_port(o, v, "HVSNAP_PORT") != EXIT_OK)
		return EXIT_USAGE;
	if ((v = getenv("HVSNAP_TRANSPORT")) && *v) {
		if (parse_transport(v, &o->transport) != 0)
			return usage_error("HVSNAP_TRANSPORT: '%s' is not http or https", v);
		o->transport_set = 1;
	}
	if ((v = getenv("HVSNAP_USER")) && *v)
		o->user = v;
	if ((v = getenv("HVSNAP_AUTH")) && *v) {
		if (parse_auth(v, &o->auth) != 0)
			return usage_error("HVSNAP_AUTH: unknown authentication '%s'", v);
		o->auth_set = 1;
	}
	return EXIT_OK;
}

static int apply_option(cli_options *o, const opt_def *d, const char *v)
{
	long n;
	switch (d->id) {
	case OPT_HOST: o->host = v; o->host_given = 1; break;
	case OPT_PORT: return set_port(o, v, "--port");
	case OPT_TRANSPORT:
		if (parse_transport(v, &o->transport) != 0)
			return usage_error("--transport: '%s' is not http or https", v);
		o->transport_set = 1;
		break;
	case OPT_USER: o->user = v; break;
	case OPT_PASSWORD_FILE: o->password_file = v; break;
	case OPT_AUTH:
		if (parse_auth(v, &o->auth) != 0)
			return usage_error("--auth: unknown authentication '%s' "
			                   "(basic, ntlm, kerberos, negotiate, certificate)", v);
		o->auth_set = 1;
		break;
	case OPT_ENCRYPTION:
		if (parse_encryption(v, &o->encryption) != 0)
			return usage_error("--encryption: '%s' is not auto, always or never", v);
		break;
	case OPT_CACERT: o->cacert = v; break;
	case OPT_INSECURE: o->insecure = 1; break;
	case OPT_PIN: o->pin = v; break;
	case OPT_CERT: o->cert = v; break;
	case OPT_KEY: o->key = v; break;
	case OPT_TIMEOUT:
		if (parse_long(v, 1, 86400, &n) != 0)
			return usage_error("--timeout: '%s' is not a number of seconds (1-86400)", v);
		o->timeout_s = n;
		break;
	case OPT_SPN_SERVICE: o->spn_service = v; break;
	case OPT_SPN_HOST: o->spn_host = v; break;
	case OPT_ALLOW_INSECURE_BASIC: o->allow_insecure_basic = 1; break;
	case OPT_JSON: o->json = 1; break;
	case OPT_VERBOSE: o->verbose = 1; break;
	case OPT_TRACE: o->trace = 1; o->verbose = 1; break;
	case OPT_HELP: o->help = 1; break;
	case OPT_VERSION: o->version = 1; break;
	case OPT_NAME: o->name = v; break;
	case OPT_TYPE: o->type = v; break;
	case OPT_NO_WAIT: o->no_wait = 1; break;
	case OPT_WAIT_TIMEOUT:
		if (parse_long(v, 0, 7 * 86400, &n) != 0)
			return usage_error("--wait-timeout: '%s' is not a number of seconds", v);
		o->wait_timeout_s = n;
		break;
	case OPT_TREE: o->tree = 1; break;
	case OPT_WAIT: o->wait = 1; break;
	case OPT_TURN_OFF: o->turn_off = 1; break;
	case OPT_FORCE: o->force = 1; break;
	case OPT_READY: o->until_ready = 1; break;
	case OPT_IP: o->until_ip = 1; break;
	case OPT_STATE: o->until_state = v; break;
	case OPT_NO_START: o->no_start = 1; break;
	case OPT_WAIT_READY: o->wait_ready = 1; break;
	case OPT_WAIT_IP: o->wait_ip = 1; break;
	case OPT_AUTO_CHECKPOINTS: o->auto_checkpoints = v; break;
	case OPT_KIND: o->kind = v; break;
	case OPT_CONSISTENCY: o->consistency = v; break;
	case OPT_IGNORE_NONSNAP: o->ignore_nonsnap = 1; break;
	case OPT_GUEST_BACKUP_TYPE: o->guest_backup_type = v; break;
	case OPT_INCLUDE_RECOVERY: o->include_recovery = 1; break;
	case OPT_NAMESPACE: o->namespace_ = v; break;
	case OPT_SELECTOR:
		if (o->n_selectors >= CLI_MAX_REPEAT)
			return usage_error("at most %d selectors (-s)", CLI_MAX_REPEAT);
		o->selectors[o->n_selectors++] = v;
		break;
	case OPT_PARAM:
		if (o->n_params >= CLI_MAX_REPEAT)
			return usage_error("at most %d parameters (-p)", CLI_MAX_REPEAT);
		o->params[o->n_params++] = v;
		break;
	case OPT_WQL: o->wql = v; break;
	case OPT_EPR: o->epr = 1; break;
	case OPT_INPUT: o->input = v; break;
	case OPT_INVENTORY: o->inventory = v; break;
	case OPT_HOSTS: o->hosts = v; break;
	case OPT_ALL: o->all = 1; break;
	case OPT_PARALLEL:
		if (parse_long(v, 1, 1024, &n) != 0)
			return usage_error("--parallel: '%s' is not a number of hosts (1-1024)", v);
		o->parallel = n;
		break;
	case OPT_PER_HOST:
		/* the WMI provider allows 15 operations per user at once */
		if (parse_long(v, 1, 15, &n) != 0)
			return usage_error("--per-host: '%s' is not a number of jobs (1-15: the "
			                   "WMI provider allows 15 operations per user)", v);
		o->per_host = n;
		break;
	}
	return EXIT_OK;
}

static const opt_def *find_long(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (strlen(options[i].long_name) == len &&
		    strncmp(options[i].long_name, name, len) == 0)
			return &options[i];
	return NULL;
}

static const opt_def *find_short(char c)
{
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (options[i].short_name == c)
			return &options[i];
	return NULL;
}

/* Command options are checked once the command is known. */
typedef struct pending_opt {
	const opt_def *def;
	const char *value;
	const char *spelled;
} pending_opt;

static int has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* Fleet mode (CLI.md) comes from the command line alone: --all,
 * --inventory (or HVSNAP_INVENTORY when no --host is given), a glob
 * among the VM operands, or more than one VM operand. */
static int fleet_requested(const cli_options *o, const cli_command *c,
                           const pending_opt *pending, size_t n_pending)
{
	if (c->fleet == CLI_FLEET_NO)
		return 0;
	for (size_t k = 0; k < n_pending; k++)
		if (pending[k].def->id == OPT_ALL || pending[k].def->id == OPT_INVENTORY)
			return 1;
	const char *env = getenv("HVSNAP_INVENTORY");
	if (env && *env && !o->host_given)
		return 1;
	int n_vms = o->n_args - (c->fleet == CLI_FLEET_VMS_SNAPSHOT);
	for (int i = 0; i < n_vms; i++)
		if (has_glob(o->args[i]))
			return 1;
	return n_vms > 1;
}

int cli_parse_args(int argc, char **argv, cli_options *o)
{
	memset(o, 0, sizeof(*o));
	o->wait_timeout_s = -1;
	if (apply_environment(o) != EXIT_OK) {
		json_usage_error(o, argc, argv);
		return EXIT_USAGE;
	}

	pending_opt *pending = calloc((size_t)argc + 1, sizeof(*pending));
	if (!pending)
		return EXIT_USAGE;
	size_t n_pending = 0;
	int rc = EXIT_OK;
	int only_operands = 0;

	for (int i = 1; i < argc && rc == EXIT_OK; i++) {
		const char *a = argv[i];
		if (only_operands || a[0] != '-' || a[1] == '\0') {
			if (!o->command)
				o->command = a;
			else if (o->n_args < CLI_MAX_ARGS)
				o->args[o->n_args++] = a;
			else
				rc = usage_error("too many arguments (at '%s')", a);
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_operands = 1;
			continue;
		}
		const opt_def *d;
		const char *value = NULL;
		if (a[1] == '-') {
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			d = find_long(name, len);
			if (!d) {
				rc = usage_error("unknown option '%s'", a);
				break;
			}
			if (eq) {
				if (!d->takes_value) {
					rc = usage_error("option '--%s' takes no value", d->long_name);
					break;
				}
				value = eq + 1;
			}
		} else {
			if (a[2] != '\0') {
				/* "-Hhost" style is ambiguous with grouped flags; keep it simple. */
				d = find_short(a[1]);
				if (d && d->takes_value) {
					value = a + 2;
				} else {
					rc = usage_error("unknown option '%s'", a);
					break;
				}
			} else {
				d = find_short(a[1]);
			}
			if (!d) {
				rc = usage_error("unknown option '%s'", a);
				break;
			}
		}
		if (d->takes_value && !value) {
			if (i + 1 >= argc) {
				rc = usage_error("option '%s' needs a value", a);
				break;
			}
			value = argv[++i];
		}
		if (d->commands) {
			pending[n_pending].def = d;
			pending[n_pending].value = value;
			pending[n_pending].spelled = a;
			n_pending++;
		} else {
			rc = apply_option(o, d, value);
		}
	}

	if (rc == EXIT_OK && !o->help && !o->version) {
		if (!o->command) {
			rc = usage_error("no command given");
		} else {
			const cli_command *c = cli_find_command(o->command);
			if (c)
				o->fleet = fleet_requested(o, c, pending, n_pending);
			if (!c)
				rc = usage_error("unknown command '%s'", o->command);
			else if (o->fleet)
				rc = o->n_args < (c->fleet == CLI_FLEET_VMS_SNAPSHOT) ?
				     usage_error("'%s' needs a SNAPSHOT (the last argument) in fleet "
				                 "mode; see 'hvsnap %s --help'", o->command, o->command)
				     : EXIT_OK;
			else if (o->n_args < c->min_args)
				rc = usage_error("'%s' needs more arguments; see 'hvsnap %s --help'",
				                 o->command, o->command);
			else if (o->n_args > c->max_args)
				rc = usage_error("too many arguments for '%s'", o->command);
		}
	}
	for (size_t k = 0; rc == EXIT_OK && k < n_pending; k++) {
		if (!o->command || !word_in(o->command, pending[k].def->commands))
			rc = usage_error("option '%s' does not apply to this command",
			                 pending[k].spelled);
		else
			rc = apply_option(o, pending[k].def, pending[k].value);
	}
	if (rc == EXIT_OK && !o->transport_set)
		o->transport = HVSNAP_TRANSPORT_HTTPS;
	if (rc == EXIT_OK && o->fleet && !o->inventory) {
		const char *env = getenv("HVSNAP_INVENTORY");
		if (env && *env && !o->host_given)
			o->inventory = env;
	}
	if (rc == EXIT_OK && !o->fleet && (o->hosts || o->parallel || o->per_host))
		rc = usage_error("--hosts, --parallel and --per-host belong to fleet mode "
		                 "(several VMs, a glob, --all or --inventory)");
	free(pending);
	if (rc == EXIT_USAGE)
		json_usage_error(o, argc, argv);
	return rc;
}
