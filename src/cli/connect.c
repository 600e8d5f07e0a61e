/* Turns the parsed options into a libhvsnap session, reading the password
 * only when the command needs one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

void cli_session_options(const cli_options *o, hvsnap_session_options *so_out)
{
	hvsnap_session_options so = HVSNAP_SESSION_OPTIONS_INIT;
	so.host = o->host;
	so.port = o->port;
	so.transport = o->transport;
	so.auth = o->auth;
	so.encryption = o->encryption;
	so.user = o->user;
	so.cacert = o->cacert;
	so.insecure = o->insecure;
	so.pin = o->pin;
	so.client_cert = o->cert;
	so.client_key = o->key;
	so.allow_insecure_basic = o->allow_insecure_basic;
	so.spn_service = o->spn_service;
	so.spn_host = o->spn_host;
	if (o->timeout_s > 0) {
		so.timeout_ms = (uint32_t)(o->timeout_s * 1000L);
		so.connect_timeout_ms = so.timeout_ms;
	}
	if (o->verbose) {
		so.trace = cli_trace;
		so.trace_soap = o->trace;
	}
	*so_out = so;
}

int cli_open_session(const cli_options *o, int need_auth, hvsnap_session **out)
{
	hvsnap_session_options so;
	cli_session_options(o, &so);
	if (!o->host || !*o->host)
		return cli_report_usage(o, "no host given: use --host HOST or set HVSNAP_HOST");

	hvsnap_error err;
	hvsnap_error_clear(&err);
	char *password = NULL;
	const char *env_password = getenv("HVSNAP_PASSWORD");
	int given = o->password_file || (env_password && *env_password);
	if (!need_auth && !o->user && !o->auth_set) {
		so.auth = HVSNAP_AUTH_NONE;
	} else if (so.auth == HVSNAP_AUTH_KERBEROS && !given) {
		/* Kerberos without a password uses the ticket cache (kinit). */
	} else if (so.auth == HVSNAP_AUTH_NEGOTIATE && !given &&
	           (!o->user || hvsnap_kerberos_has_credential(o->user))) {
		/* Kerberos from the ticket cache or a client keytab: with a user
		 * only when it holds a credential for that principal, so that a
		 * CI job that ran kinit (or has KRB5_CLIENT_KTNAME) needs no
		 * password; otherwise the password is asked for below. */
	} else if (so.auth != HVSNAP_AUTH_CERTIFICATE) {
		if (!o->user)
			return cli_report_usage(o, "no user given: use --user USER or set HVSNAP_USER");
		password = cli_read_password(o, &err);
		if (!password)
			return cli_report_error(o, &err);
		so.password = password;
	}
	hvsnap_status st = hvsnap_session_new(out, &so, &err);
	cli_wipe_password(password);
	if (st != HVSNAP_OK)
		return cli_report_error(o, &err);
	cli_signals_watch(*out);
	return EXIT_OK;
}
