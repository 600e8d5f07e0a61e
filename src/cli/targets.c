/* Fleet targets: which hosts a run covers and which of their VMs. Hosts
 * come from the inventory (narrowed with --hosts, by host or group name)
 * or are the one --host; each host's connection settings are its section,
 * then [defaults], with command-line options over both (CLI.md). VMs come
 * from the command line's operands, else the inventory's "vms", else all
 * with --all (or for 'vms'). */
#define _GNU_SOURCE /* FNM_CASEFOLD: VM names compare as on Windows */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/fleet.h"

int fleet_is_glob(const char *text)
{
	return strpbrk(text, "*?[") != NULL;
}

static const char *pick(const char *host_value, const char *default_value)
{
	return host_value ? host_value : default_value;
}

int fleet_vm_matches(const char *item, const char *name, const char *id)
{
	if (id && strcasecmp(item, id) == 0)
		return 1;
	if (name && fleet_is_glob(item))
		return fnmatch(item, name, FNM_CASEFOLD) == 0;
	return name && strcasecmp(item, name) == 0;
}

/* Whether a comma-separated list of globs names host h (or a group it is
 * in). */
static int host_selected(const inventory *inv, const char *host, const char *globs)
{
	char *copy = strdup(globs);
	int hit = 0;
	if (!copy)
		return 0;
	for (char *save = NULL, *g = strtok_r(copy, ",", &save); g && !hit;
	     g = strtok_r(NULL, ",", &save)) {
		while (*g == ' ')
			g++;
		if (!*g)
			continue;
		if (fnmatch(g, host, FNM_CASEFOLD) == 0) {
			hit = 1;
			break;
		}
		for (size_t i = 0; i < inv->n_groups && !hit; i++) {
			if (fnmatch(g, inv->groups[i].name, FNM_CASEFOLD) != 0)
				continue;
			for (size_t k = 0; k < inv->groups[i].n && !hit; k++)
				hit = strcasecmp(inv->groups[i].hosts[k], host) == 0;
		}
	}
	free(copy);
	return hit;
}

/* The VM operands joined by commas, or NULL when there are none. */
static char *operand_vms(const cli_options *o, int n_vms)
{
	if (n_vms <= 0)
		return NULL;
	size_t len = 1;
	for (int i = 0; i < n_vms; i++)
		len += strlen(o->args[i]) + 1;
	char *s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (int i = 0; i < n_vms; i++) {
		if (i)
			strcat(s, ",");
		strcat(s, o->args[i]);
	}
	return s;
}

static void apply_settings(const cli_options *cmd, const inv_settings *h,
                           const inv_settings *d, const char *name, cli_options *out)
{
	*out = *cmd;
	/* the command line wins: only what it left unset comes from the file */
	const char *address = pick(h->address, d->address);
	out->host = address ? address : name;
	if (!cmd->port)
		out->port = h->port ? h->port : d->port;
	const char *t = pick(h->transport, d->transport);
	if (!cmd->transport_set && t) {
		out->transport = strcmp(t, "http") == 0 ? HVSNAP_TRANSPORT_HTTP
		                                        : HVSNAP_TRANSPORT_HTTPS;
		out->transport_set = 1;
	}
	const char *a = pick(h->auth, d->auth);
	if (!cmd->auth_set && a) {
		static const struct { const char *n; hvsnap_auth v; } names[] = {
			{ "negotiate", HVSNAP_AUTH_NEGOTIATE }, { "basic", HVSNAP_AUTH_BASIC },
			{ "ntlm", HVSNAP_AUTH_NTLM }, { "kerberos", HVSNAP_AUTH_KERBEROS },
			{ "certificate", HVSNAP_AUTH_CERTIFICATE },
		};
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(a, names[i].n) == 0)
				out->auth = names[i].v;
		out->auth_set = 1;
	}
	/* --user wins; HVSNAP_USER (which args.c stores as getenv's own
	 * pointer) gives way to the file */
	if (pick(h->user, d->user) && (!cmd->user || cmd->user == getenv("HVSNAP_USER")))
		out->user = pick(h->user, d->user);
	if (!cmd->password_file)
		out->password_file = pick(h->password_file, d->password_file);
	if (!cmd->cacert)
		out->cacert = pick(h->cacert, d->cacert);
	if (!cmd->insecure) {
		int ins = h->insecure >= 0 ? h->insecure : d->insecure;
		out->insecure = ins > 0;
	}
	if (!cmd->pin)
		out->pin = pick(h->pin, d->pin);
	if (!cmd->cert)
		out->cert = pick(h->cert, d->cert);
	if (!cmd->key)
		out->key = pick(h->key, d->key);
	if (!cmd->spn_service)
		out->spn_service = pick(h->spn_service, d->spn_service);
	if (!cmd->spn_host)
		out->spn_host = pick(h->spn_host, d->spn_host);
	if (!cmd->timeout_s)
		out->timeout_s = h->timeout_s ? h->timeout_s : d->timeout_s;
}

void fleet_plan_free(fleet_plan *plan)
{
	for (size_t i = 0; i < plan->n_hosts; i++) {
		free(plan->hosts[i].name);
		free(plan->hosts[i].vms);
		cli_wipe_password(plan->hosts[i].password);
	}
	free(plan->hosts);
	if (plan->have_inv)
		inventory_free(&plan->inv);
	memset(plan, 0, sizeof(*plan));
}

int fleet_plan_build(const cli_options *o, fleet_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	const cli_command *c = cli_find_command(o->command);
	int n_vms = o->n_args;
	if (c->fleet == CLI_FLEET_VMS_SNAPSHOT) {
		plan->snapshot = o->args[o->n_args - 1];
		n_vms--;
	}
	char *operands = operand_vms(o, n_vms);
	if (n_vms > 0 && !operands)
		return cli_report_usage(o, "out of memory");
	const char *fallback = o->all || strcmp(o->command, "vms") == 0 ? "*" : NULL;

	if (o->inventory) {
		char why[700];
		if (inventory_load(o->inventory, &plan->inv, why, sizeof(why)) != 0) {
			free(operands);
			return cli_report_usage(o, "%s", why);
		}
		plan->have_inv = 1;
		plan->hosts = calloc(plan->inv.n_hosts, sizeof(*plan->hosts));
		if (!plan->hosts) {
			free(operands);
			fleet_plan_free(plan);
			return cli_report_usage(o, "out of memory");
		}
		for (size_t i = 0; i < plan->inv.n_hosts; i++) {
			const inv_host *ih = &plan->inv.hosts[i];
			if (o->hosts && !host_selected(&plan->inv, ih->name, o->hosts))
				continue;
			fleet_host *h = &plan->hosts[plan->n_hosts];
			apply_settings(o, &ih->s, &plan->inv.defaults, ih->name, &h->o);
			if (!o->password_file)
				h->password_env = pick(ih->s.password_env,
				                       plan->inv.defaults.password_env);
			h->name = strdup(ih->name);
			const char *vms = operands ? operands
			                : o->all ? "*" : pick(ih->s.vms, plan->inv.defaults.vms);
			if (!vms)
				vms = fallback;
			if (!vms) {
				free(operands);
				int rc = cli_report_usage(o, "%s:%d: [host %s] has no 'vms' (and "
				                          "[defaults] none): name VMs, or use --all",
				                          o->inventory, ih->line, ih->name);
				plan->n_hosts++;
				fleet_plan_free(plan);
				return rc;
			}
			h->vms = strdup(vms);
			plan->n_hosts++;
		}
		if (plan->n_hosts == 0) {
			free(operands);
			int rc = cli_report_usage(o, "--hosts %s: no host or group of %s matches",
			                          o->hosts ? o->hosts : "", o->inventory);
			fleet_plan_free(plan);
			return rc;
		}
	} else {
		if (o->hosts) {
			free(operands);
			return cli_report_usage(o, "--hosts needs an inventory (--inventory FILE "
			                        "or HVSNAP_INVENTORY)");
		}
		if (!o->host || !*o->host) {
			free(operands);
			return cli_report_usage(o, "no host given: use --host HOST, --inventory FILE "
			                        "or set HVSNAP_HOST");
		}
		const char *vms = operands ? operands : fallback;
		if (!vms)
			return cli_report_usage(o, "no VMs named: give VM names or globs, or --all");
		plan->hosts = calloc(1, sizeof(*plan->hosts));
		if (!plan->hosts) {
			free(operands);
			return cli_report_usage(o, "out of memory");
		}
		plan->hosts[0].o = *o;
		plan->hosts[0].name = strdup(o->host);
		plan->hosts[0].vms = strdup(vms);
		plan->n_hosts = 1;
	}
	free(operands);
	for (size_t i = 0; i < plan->n_hosts; i++)
		if (!plan->hosts[i].name || !plan->hosts[i].vms) {
			fleet_plan_free(plan);
			return cli_report_usage(o, "out of memory");
		}
	return EXIT_OK;
}
