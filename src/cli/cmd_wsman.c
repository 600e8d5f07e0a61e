/* hvsnap wsman identify|get|enumerate|invoke|put: raw WS-Management on any
 * resource, with the session, authentication and errors of every other
 * command. Prints the answer's Body as indented XML, or with --json the
 * generic mapping of wsman_json.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/wsman_json.h"

#define WMI_PREFIX "http://schemas.microsoft.com/wbem/wsman/1/wmi/"
#define DEFAULT_NAMESPACE "root/virtualization/v2"
#define MAX_INPUT_BYTES (16u * 1024u * 1024u)

typedef enum sub { SUB_IDENTIFY, SUB_GET, SUB_ENUMERATE, SUB_INVOKE, SUB_PUT } sub;

static const struct {
	const char *name;
	sub id;
	int n_args; /* operands after the subcommand's name */
} subs[] = {
	{ "identify", SUB_IDENTIFY, 0 }, { "get", SUB_GET, 1 },
	{ "enumerate", SUB_ENUMERATE, 1 }, { "invoke", SUB_INVOKE, 2 }, { "put", SUB_PUT, 1 },
};

/* A full URI as given; a class name becomes the WMI URI of the class in
 * the namespace (backslashes accepted, as Windows writes them); "*" the
 * namespace's URI for WQL. malloc'd. */
static char *resource_uri(const cli_options *o, const char *resource, int star)
{
	if (strstr(resource, "://"))
		return strdup(resource);
	const char *ns = o->namespace_ ? o->namespace_ : DEFAULT_NAMESPACE;
	size_t n = sizeof(WMI_PREFIX) + strlen(ns) + 1 + strlen(resource) + 1;
	char *uri = malloc(n);
	if (!uri)
		return NULL;
	snprintf(uri, n, "%s%s/%s", WMI_PREFIX, ns, star ? "*" : resource);
	for (char *p = uri; *p; p++)
		if (*p == '\\')
			*p = '/';
	return uri;
}

/* Reads a whole file ("-": stdin) of at most MAX_INPUT_BYTES. */
static char *read_input(const cli_options *o, const char *path, size_t *len, int *rc)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		*rc = cli_report_usage(o, "cannot read '%s': %s", path, strerror(errno));
		return NULL;
	}
	char *data = malloc(MAX_INPUT_BYTES + 1);
	size_t n = data ? fread(data, 1, MAX_INPUT_BYTES + 1, f) : 0;
	int bad = ferror(f);
	if (f != stdin)
		fclose(f);
	if (!data || bad || n > MAX_INPUT_BYTES || n == 0) {
		free(data);
		*rc = cli_report_usage(o, "'%s' is %s", path,
		                       !data ? "too big to hold in memory" : bad ? "unreadable"
		                       : n == 0 ? "empty" : "over 16 MiB");
		return NULL;
	}
	data[n] = '\0';
	*len = n;
	return data;
}

static int split_pair(const cli_options *o, const char *text, const char *what,
                      char **name, const char **value)
{
	*name = NULL;
	*value = NULL;
	const char *eq = strchr(text, '=');
	if (!eq || eq == text)
		return cli_report_usage(o, "%s '%s' is not NAME=VALUE", what, text);
	*name = strndup(text, (size_t)(eq - text));
	*value = eq + 1;
	return *name ? EXIT_OK : cli_report_usage(o, "out of memory");
}

static int build_target(const cli_options *o, const char *uri, hvsnap_epr **out)
{
	hvsnap_epr *epr = hvsnap_epr_new(uri);
	if (!epr)
		return cli_report_usage(o, "out of memory");
	for (int i = 0; i < o->n_selectors; i++) {
		char *name = NULL;
		const char *value = NULL;
		int rc = split_pair(o, o->selectors[i], "selector", &name, &value);
		if (rc == EXIT_OK && hvsnap_epr_add_selector(epr, name, value) != HVSNAP_OK)
			rc = cli_report_usage(o, "selector '%s' cannot be used", o->selectors[i]);
		free(name);
		if (rc != EXIT_OK) {
			hvsnap_epr_free(epr);
			return rc;
		}
	}
	*out = epr;
	return EXIT_OK;
}

/* -p NAME=VALUE as text; -p NAME=@FILE sends FILE's CIM-XML INSTANCE as an
 * embedded-instance string. */
static int build_params(const cli_options *o, hvsnap_params **out)
{
	hvsnap_params *p = hvsnap_params_new();
	if (!p)
		return cli_report_usage(o, "out of memory");
	int rc = EXIT_OK;
	for (int i = 0; i < o->n_params && rc == EXIT_OK; i++) {
		char *name = NULL, *file = NULL;
		const char *value = NULL;
		rc = split_pair(o, o->params[i], "parameter", &name, &value);
		if (rc == EXIT_OK && value[0] == '@') {
			size_t len;
			file = read_input(o, value + 1, &len, &rc);
			const char *t = file;
			while (t && (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n'))
				t++;
			if (t && strncmp(t, "<INSTANCE", 9) != 0)
				rc = cli_report_usage(o, "'%s' does not hold a CIM-XML <INSTANCE> "
				                      "(for parameter %s)", value + 1, name);
			value = t;
		}
		if (rc == EXIT_OK && hvsnap_params_add_value(p, name, value) != HVSNAP_OK)
			rc = cli_report_usage(o, "parameter '%s' cannot be used", name);
		free(name);
		free(file);
	}
	if (rc != EXIT_OK) {
		hvsnap_params_free(p);
		return rc;
	}
	*out = p;
	return EXIT_OK;
}

static int check_usage(const cli_options *o, sub id)
{
	if (id != SUB_INVOKE && (o->n_params || (o->input && id != SUB_PUT)))
		return cli_report_usage(o, "-p and --input belong to 'wsman invoke' (and --input to 'put')");
	if (id == SUB_PUT && !o->input)
		return cli_report_usage(o, "'wsman put' needs --input FILE (the new representation)");
	if (id == SUB_INVOKE && o->input && o->n_params)
		return cli_report_usage(o, "give the parameters either with -p or in --input, not both");
	if (id != SUB_ENUMERATE && (o->wql || o->epr))
		return cli_report_usage(o, "--wql and --epr belong to 'wsman enumerate'");
	if ((id == SUB_ENUMERATE || id == SUB_IDENTIFY) && o->n_selectors)
		return cli_report_usage(o, "-s selectors do not apply to 'wsman %s'",
		                        id == SUB_IDENTIFY ? "identify" : "enumerate");
	return EXIT_OK;
}

static int print_body(const cli_options *o, const char *body)
{
	if (!o->json) {
		fputs(body, stdout);
		return EXIT_OK;
	}
	json_t *j = wsman_body_json(body, strlen(body));
	if (!j) {
		hvsnap_error err;
		hvsnap_error_clear(&err);
		err.kind = HVSNAP_ERR_PROTOCOL;
		snprintf(err.message, sizeof(err.message),
		         "the answer's Body is not one XML element, so it has no JSON form");
		snprintf(err.detail, sizeof(err.detail), "run without --json to see it");
		return cli_report_error(o, &err);
	}
	json_print(j);
	return EXIT_OK;
}

int cmd_wsman(const cli_options *o)
{
	const char *name = o->args[0];
	size_t k = 0;
	while (k < sizeof(subs) / sizeof(subs[0]) && strcmp(subs[k].name, name) != 0)
		k++;
	if (k == sizeof(subs) / sizeof(subs[0]))
		return cli_report_usage(o, "unknown wsman subcommand '%s' "
		                        "(identify, get, enumerate, invoke, put)", name);
	if (o->n_args - 1 != subs[k].n_args)
		return cli_report_usage(o, "'wsman %s' takes %d argument%s; see 'hvsnap wsman --help'",
		                        name, subs[k].n_args, subs[k].n_args == 1 ? "" : "s");
	sub id = subs[k].id;
	int rc = check_usage(o, id);
	if (rc != EXIT_OK)
		return rc;

	/* Everything local is checked before the password prompt. */
	char *uri = NULL, *input = NULL;
	size_t input_len = 0;
	hvsnap_epr *target = NULL;
	hvsnap_params *params = NULL;
	if (id != SUB_IDENTIFY) {
		uri = resource_uri(o, o->args[1], id == SUB_ENUMERATE && o->wql &&
		                                  !strstr(o->args[1], "://"));
		if (!uri)
			return cli_report_usage(o, "out of memory");
		rc = build_target(o, uri, &target);
	}
	if (rc == EXIT_OK && o->input)
		input = read_input(o, o->input, &input_len, &rc);
	if (rc == EXIT_OK && id == SUB_INVOKE && !o->input)
		rc = build_params(o, &params);

	hvsnap_session *s = NULL;
	if (rc == EXIT_OK)
		rc = cli_open_session(o, id != SUB_IDENTIFY, &s);
	if (rc == EXIT_OK) {
		hvsnap_error err;
		hvsnap_status st = HVSNAP_OK;
		char *body = NULL;
		switch (id) {
		case SUB_IDENTIFY:
			st = hvsnap_raw_identify(s, &body, &err);
			break;
		case SUB_GET:
			st = hvsnap_raw_get(s, target, &body, &err);
			break;
		case SUB_PUT:
			st = hvsnap_raw_put(s, target, input, input_len, &body, &err);
			break;
		case SUB_INVOKE:
			st = hvsnap_raw_invoke(s, target, o->args[2], params, input, input_len,
			                       &body, &err);
			break;
		case SUB_ENUMERATE: {
			hvsnap_enum_options eo = HVSNAP_ENUM_OPTIONS_INIT;
			eo.resource_uri = uri;
			eo.wql = o->wql;
			eo.mode = o->epr ? HVSNAP_ENUM_EPRS : HVSNAP_ENUM_OBJECTS;
			st = hvsnap_raw_enumerate(s, &eo, &body, &err);
			break;
		}
		}
		rc = st == HVSNAP_OK ? print_body(o, body) : cli_report_error(o, &err);
		hvsnap_raw_free(body);
	}
	cli_close_session(s);
	hvsnap_params_free(params);
	hvsnap_epr_free(target);
	free(input);
	free(uri);
	return rc;
}
