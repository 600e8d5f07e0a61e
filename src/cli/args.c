/* Command-line and environment parsing. Connection and output options may
 * stand before or after the command name (CLI.md); command options are
 * accepted only by the commands they belong to. */
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

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
	OPT_INVENTORY, OPT_HOSTS, OPT_ALL, OPT_PARALLEL, OPT_PER_HOST,
	OPT_NO_HEADERS, OPT_OUTPUT
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
	{ OPT_VERSION, "version", 'V', 0, NULL },
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
	{ OPT_NO_HEADERS, "no-headers", 0, 0, "vms" },
	{ OPT_OUTPUT, "output", 'o', 1, "vms" },
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

static int apply_option(cli_options *o, const opt_def *d, const char *v);
static const opt_def *find_long(const char *name, size_t len);

/* Every connection option has its variable (HVSNAP_PASSWORD, read only
 * when needed, is in credentials.c). */
static const struct {
	const char *var;
	const char *option;
} env_options[] = {
	{ "HVSNAP_HOST", "host" }, { "HVSNAP_PORT", "port" },
	{ "HVSNAP_TRANSPORT", "transport" }, { "HVSNAP_USER", "user" },
	{ "HVSNAP_PASSWORD_FILE", "password-file" }, { "HVSNAP_AUTH", "auth" },
	{ "HVSNAP_ENCRYPTION", "encryption" }, { "HVSNAP_CACERT", "cacert" },
	{ "HVSNAP_INSECURE", "insecure" }, { "HVSNAP_PIN", "pin" },
	{ "HVSNAP_CERT", "cert" }, { "HVSNAP_KEY", "key" },
	{ "HVSNAP_TIMEOUT", "timeout" }, { "HVSNAP_SPN_SERVICE", "spn-service" },
	{ "HVSNAP_SPN_HOST", "spn-host" },
	{ "HVSNAP_ALLOW_INSECURE_BASIC", "allow-insecure-basic" },
};

/* Where the value being applied came from, for messages: the variable's
 * name, or NULL for the command line. */
static const char *env_origin;

/* "--port" or "HVSNAP_PORT": how the user gave the option. */
static const char *origin(const opt_def *d)
{
	static char text[64];
	if (env_origin)
		return env_origin;
	snprintf(text, sizeof(text), "--%s", d->long_name);
	return text;
}

/* The environment gives defaults that the command line overrides. Empty
 * means unset; a flag's variable is 1/yes/true/on or 0/no/false/off. */
static int apply_environment(cli_options *o)
{
	for (size_t i = 0; i < sizeof(env_options) / sizeof(env_options[0]); i++) {
		const char *v = getenv(env_options[i].var);
		if (!v || !*v)
			continue;
		const opt_def *d = find_long(env_options[i].option, strlen(env_options[i].option));
		env_origin = env_options[i].var;
		int rc = EXIT_OK;
		if (!d->takes_value) {
			if (!strcmp(v, "1") || !strcasecmp(v, "yes") || !strcasecmp(v, "true") ||
			    !strcasecmp(v, "on"))
				rc = apply_option(o, d, NULL);
			else if (strcmp(v, "0") && strcasecmp(v, "no") && strcasecmp(v, "false") &&
			         strcasecmp(v, "off"))
				rc = usage_error("%s: '%s' is not 1 or 0 (yes/no)", env_origin, v);
		} else {
			rc = apply_option(o, d, v);
		}
		env_origin = NULL;
		if (rc != EXIT_OK)
			return rc;
	}
	return EXIT_OK;
}

static int apply_option(cli_options *o, const opt_def *d, const char *v)
{
	long n;
	switch (d->id) {
	case OPT_HOST: o->host = v; o->host_given = 1; break;
	case OPT_PORT: return set_port(o, v, origin(d));
	case OPT_TRANSPORT:
		if (parse_transport(v, &o->transport) != 0)
			return usage_error("%s: '%s' is not http or https", origin(d), v);
		o->transport_set = 1;
		break;
	case OPT_USER: o->user = v; break;
	case OPT_PASSWORD_FILE: o->password_file = v; break;
	case OPT_AUTH:
		if (parse_auth(v, &o->auth) != 0)
			return usage_error("%s: unknown authentication '%s' "
			                   "(basic, ntlm, kerberos, negotiate, certificate)", origin(d), v);
		o->auth_set = 1;
		break;
	case OPT_ENCRYPTION:
		if (parse_encryption(v, &o->encryption) != 0)
			return usage_error("%s: '%s' is not auto, always or never", origin(d), v);
		break;
	case OPT_CACERT: o->cacert = v; break;
	case OPT_INSECURE: o->insecure = 1; break;
	case OPT_PIN: o->pin = v; break;
	case OPT_CERT: o->cert = v; break;
	case OPT_KEY: o->key = v; break;
	case OPT_TIMEOUT:
		if (parse_long(v, 1, 86400, &n) != 0)
			return usage_error("%s: '%s' is not a number of seconds (1-86400)", origin(d), v);
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
	case OPT_NO_HEADERS: o->no_headers = 1; break;
	case OPT_OUTPUT:
		if (strcmp(v, "name") != 0 && strcmp(v, "wide") != 0)
			return usage_error("--output: '%s' is not name or wide", v);
		o->output = v;
		break;
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

/* -H accepts a URL (https://h:5986/wsman), which sets transport and
 * port too; "host:port" is refused with the way to say it. */
static int normalize_host(cli_options *o)
{
	const char *h = o->host;
	if (!h || !*h)
		return EXIT_OK;
	hvsnap_transport t = HVSNAP_TRANSPORT_HTTPS;
	size_t skip = 0;
	if (strncasecmp(h, "https://", 8) == 0) {
		t = HVSNAP_TRANSPORT_HTTPS;
		skip = 8;
	} else if (strncasecmp(h, "http://", 7) == 0) {
		t = HVSNAP_TRANSPORT_HTTP;
		skip = 7;
	}
	if (!skip) {
		const char *colon = strrchr(h, ':');
		int bracketed = h[0] == '[';
		int one_colon = colon && strchr(h, ':') == colon;
		if (colon && (one_colon || (bracketed && colon[-1] == ']')) &&
		    colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1))
			return usage_error("host '%s' carries a port: use -H %.*s -P %s "
			                   "(or a URL, -H http://HOST:PORT/wsman)", h,
			                   (int)(colon - h), h, colon + 1);
		return EXIT_OK;
	}
	const char *rest = h + skip;
	size_t hostlen;
	const char *after;
	if (rest[0] == '[') {
		const char *close = strchr(rest, ']');
		if (!close)
			return usage_error("'%s': no ']' after the IPv6 address", h);
		hostlen = (size_t)(close - rest) + 1;
		after = close + 1;
	} else {
		hostlen = strcspn(rest, ":/");
		after = rest + hostlen;
	}
	if (hostlen == 0 || hostlen >= sizeof(o->host_buf))
		return usage_error("'%s' names no host", h);
	unsigned port = 0;
	if (*after == ':') {
		char *end;
		errno = 0;
		long p = strtol(after + 1, &end, 10);
		if (errno || end == after + 1 || p < 1 || p > 65535 || (*end && *end != '/'))
			return usage_error("'%s': not a port number after ':'", h);
		port = (unsigned)p;
		after = end;
	}
	if (*after && strcmp(after, "/wsman") != 0 && strcmp(after, "/") != 0)
		return usage_error("'%s': WinRM's path is /wsman, not '%s'", h, after);
	if (o->transport_set && o->transport != t)
		return usage_error("'%s' and --transport/HVSNAP_TRANSPORT disagree", h);
	if (port && o->port && o->port != port)
		return usage_error("'%s' and --port/HVSNAP_PORT disagree", h);
	memcpy(o->host_buf, rest, hostlen);
	o->host_buf[hostlen] = '\0';
	o->host = o->host_buf;
	o->transport = t;
	o->transport_set = 1;
	if (port)
		o->port = port;
	return EXIT_OK;
}

/* A local file named by an option that cannot be read is a configuration
 * error (exit 2), found before anything is sent. */
static int check_file(const char *path, const char *what)
{
	if (!path || strcmp(path, "-") == 0)
		return EXIT_OK;
	struct stat st;
	if (stat(path, &st) != 0)
		return usage_error("%s: cannot read '%s': %s", what, path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return usage_error("%s: '%s' is a directory, not a file", what, path);
	if (access(path, R_OK) != 0)
		return usage_error("%s: cannot read '%s': %s", what, path, strerror(errno));
	return EXIT_OK;
}

static int check_files(const cli_options *o)
{
	int rc = check_file(o->cacert, "--cacert");
	if (rc == EXIT_OK)
		rc = check_file(o->cert, "--cert");
	if (rc == EXIT_OK)
		rc = check_file(o->key, "--key");
	if (rc == EXIT_OK)
		rc = check_file(o->password_file, "--password-file");
	return rc;
}

static size_t command_count(void)
{
	size_t n = 0;
	while (cli_command_name_at(NULL, n))
		n++;
	return n;
}

static int unknown_command(const char *name)
{
	const char *near = cli_closest(name, cli_command_name_at, NULL, command_count());
	if (near)
		return usage_error("unknown command '%s'; did you mean '%s'?", name, near);
	return usage_error("unknown command '%s'", name);
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

	/* "hvsnap help [COMMAND]" is "hvsnap [COMMAND] --help". */
	if (rc == EXIT_OK && o->command && strcmp(o->command, "help") == 0) {
		o->help = 1;
		o->command = o->n_args ? o->args[0] : NULL;
		if (o->n_args > 1)
			rc = usage_error("help takes one command");
		else if (o->command && !cli_find_command(o->command))
			rc = unknown_command(o->command);
	}
	if (rc == EXIT_OK && o->help && o->command && !cli_find_command(o->command))
		rc = unknown_command(o->command);
	if (rc == EXIT_OK && !o->help && !o->version) {
		if (!o->command) {
			rc = usage_error("no command given");
		} else {
			const cli_command *c = cli_find_command(o->command);
			if (c)
				o->fleet = fleet_requested(o, c, pending, n_pending);
			if (!c)
				rc = unknown_command(o->command);
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
	if (rc == EXIT_OK && !o->help && !o->version)
		rc = normalize_host(o);
	if (rc == EXIT_OK && !o->help && !o->version)
		rc = check_files(o);
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
