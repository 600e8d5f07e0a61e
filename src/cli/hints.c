/* What the tool adds to a library error: the hvsnap option, environment
 * variable or command that fixes it. libhvsnap's messages name no CLI
 * flags (they must read well inside any program); this table, keyed by
 * the error's kind and code and by the options in use, does. Where a
 * probe can tell two causes apart (a port that speaks plain HTTP, a
 * certificate that is not trusted), it asks doctor's probes, so the fix
 * named here is the one `hvsnap doctor` would name. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/doctor.h"

/* A probe after a failure gets little time: the user waits for it. */
#define PROBE_MS 3000

static void add(cli_hints *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(cli_hints *h, const char *fmt, ...)
{
	if (h->n >= CLI_MAX_HINTS)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(h->text[h->n], sizeof(h->text[0]), fmt, ap);
	va_end(ap);
	h->n++;
}

static unsigned port_of(const cli_options *o)
{
	return o->port ? o->port : o->transport == HVSNAP_TRANSPORT_HTTP ? 5985 : 5986;
}

static int probe_ms(const cli_options *o)
{
	return o->timeout_s > 0 && o->timeout_s * 1000 < PROBE_MS ? (int)o->timeout_s * 1000
	                                                           : PROBE_MS;
}

/* https failed: plain HTTP on the port, an untrusted chain, a wrong name,
 * an expired certificate or a changed key each have their own fix. */
static void tls_hints(const cli_options *o, cli_hints *h)
{
	unsigned port = port_of(o);
	doctor_tls t;
	doctor_tls_probe(o->host, port, o->cacert, probe_ms(o), &t);
	if (t.plain_http) {
		add(h, "port %u speaks plain HTTP, not TLS: try --transport http", port);
		return;
	}
	if (!t.handshake_ok) {
		add(h, "use --cacert FILE, --pin sha256//KEY or --insecure if the host's "
		       "certificate is not trusted; 'hvsnap doctor' tells more");
		return;
	}
	if (o->pin && t.pin[0] && strcmp(o->pin, t.pin) != 0) {
		add(h, "the host's key is %s, not the one given with --pin; if it changed on "
		       "purpose, use --pin %s", t.pin, t.pin);
		return;
	}
	if (!t.chain_ok && !o->insecure && !o->pin)
		add(h, "the certificate (%s) is not trusted (%s): use --cacert FILE with the CA "
		       "that issued it (or the self-signed certificate itself), --pin %s, or "
		       "--insecure for a test host", t.subject, t.chain_error, t.pin);
	else if (!t.name_ok && !o->insecure)
		add(h, "the certificate (%s) is not for '%s': connect by a name it holds, or "
		       "use --insecure for a test host", t.subject, o->host);
	else if (t.expired && !o->insecure)
		add(h, "the host's certificate has expired: renew it on the host, or use "
		       "--insecure for a test host");
}

/* http met a connection closed without an answer: a TLS port does that. */
static void closed_hints(const cli_options *o, cli_hints *h)
{
	unsigned port = port_of(o);
	doctor_tls t;
	doctor_tls_probe(o->host, port, NULL, probe_ms(o), &t);
	if (t.handshake_ok)
		add(h, "port %u speaks TLS: try --transport https", port);
}

static int has_domain(const char *user)
{
	return strchr(user, '\\') || strchr(user, '@');
}

static void auth_hints(const cli_options *o, const hvsnap_error *err, cli_hints *h)
{
	if (!o->user) {
		if (o->auth != HVSNAP_AUTH_CERTIFICATE)
			add(h, "give --user USER (or set HVSNAP_USER)");
		return;
	}
	if (err->code != 401)
		return;
	if (o->auth == HVSNAP_AUTH_BASIC && strstr(err->message, "does not accept Basic")) {
		add(h, "use --auth negotiate (the default) or --auth ntlm");
		return;
	}
	if (o->auth == HVSNAP_AUTH_CERTIFICATE)
		return;
	add(h, "the user name sent was '%s'", o->user);
	if (!has_domain(o->user) && o->auth != HVSNAP_AUTH_BASIC)
		add(h, "'%s' names no domain: for DOMAIN\\user quote it ('DOMAIN\\user'), as an "
		       "unquoted backslash is removed by the shell", o->user);
}

/* An answer that no WinRM listener gives: another service on the port. */
static int not_winrm(const hvsnap_error *err)
{
	return err->kind == HVSNAP_ERR_PROTOCOL && err->code_kind == HVSNAP_CODE_HTTP &&
	       err->code != 200 && err->code != 400 && err->code != 500;
}

void cli_hints_for(const cli_options *o, const hvsnap_error *err, cli_hints *h)
{
	h->n = 0;
	switch (err->kind) {
	case HVSNAP_ERR_TLS:
		if (o->host && o->transport == HVSNAP_TRANSPORT_HTTPS)
			tls_hints(o, h);
		if (o->cert && strstr(err->message, "client certificate"))
			add(h, "check the files given with --cert and --key");
		break;
	case HVSNAP_ERR_CONNECT:
		if (o->host && o->transport == HVSNAP_TRANSPORT_HTTP &&
		    strstr(err->message, "closed before"))
			closed_hints(o, h);
		if (strstr(err->message, "timed out"))
			add(h, "the host gave no answer in time: raise --timeout SECS (default 60) "
			       "if it is only slow");
		else if (strstr(err->message, "cannot connect"))
			add(h, "is WinRM listening there? it uses 5986 for https and 5985 for http "
			       "(-P PORT, --transport); 'hvsnap doctor' checks the host");
		break;
	case HVSNAP_ERR_AUTH:
		auth_hints(o, err, h);
		if (strstr(err->detail, "service principal"))
			add(h, "use --spn-host NAME (the host's DNS name) or --spn-service S "
			       "(some hosts use WSMAN)");
		else if (strstr(err->detail, "KDC does not know this user"))
			add(h, "give --user as user@REALM");
		break;
	case HVSNAP_ERR_PROTOCOL:
		if (not_winrm(err))
			add(h, "HTTP %lld is not a WinRM answer: is port %u WinRM's (5985 for http, "
			       "5986 for https)? check -P and --transport", (long long)err->code,
			       port_of(o));
		break;
	case HVSNAP_ERR_USAGE:
		if (o->auth == HVSNAP_AUTH_BASIC && o->transport == HVSNAP_TRANSPORT_HTTP &&
		    !o->allow_insecure_basic && strstr(err->message, "clear text"))
			add(h, "use https, or pass --allow-insecure-basic to accept that");
		else if (strstr(err->message, "needs a user name"))
			add(h, "give --user USER (or set HVSNAP_USER)");
		else if (strstr(err->message, "needs a client certificate"))
			add(h, "give --cert FILE and --key FILE");
		else if (strstr(err->message, "recovery checkpoint"))
			add(h, "name it by its GUID and add --force to use it anyway");
		else if (o->cert && (strstr(err->message, o->cert) ||
		                     (o->key && strstr(err->message, o->key))))
			add(h, "check the files given with --cert and --key");
		break;
	default:
		break;
	}
}
