/* hvsnap doctor: diagnoses the connection and the host's WinRM setup one
 * check at a time, in the order a request meets them, each problem with
 * the fix an operator can apply. A check whose premise failed (no TCP, so
 * no TLS) is not run: its result would only repeat the first failure. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/doctor.h"
#include "cli/output.h"

#define CONFIG_URI "http://schemas.microsoft.com/wbem/wsman/1/config"
#define PLUGIN_URI CONFIG_URI "/plugin"
#define V2_SERVICE "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/" \
                   "Msvm_VirtualSystemManagementService"
#define MAX_SKEW_S 300      /* Kerberos' default tolerance */
#define ENVELOPE_KB 500     /* hvsnap asks for 512000-byte envelopes */
#define WMI_QUOTA_DEFAULT 15

typedef enum { ST_OK, ST_WARN, ST_FAIL } status;

typedef struct doctor {
	const cli_options *o;
	json_t *list;   /* --json */
	int failed;
} doctor;

static void report(doctor *d, const char *check, status st, const char *fix,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void report(doctor *d, const char *check, status st, const char *fix,
                   const char *fmt, ...)
{
	static const char *const names[] = { "ok", "warn", "fail" };
	char detail[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (st == ST_FAIL)
		d->failed = 1;
	if (d->list) {
		json_t *c = json_object();
		json_object_set_new(c, "check", json_string(check));
		json_object_set_new(c, "status", json_string(names[st]));
		json_object_set_new(c, "detail", json_str_or_null(detail));
		json_object_set_new(c, "fix", json_str_or_null(st == ST_OK ? NULL : fix));
		json_array_append_new(d->list, c);
		return;
	}
	printf("%-4s  %-22s %s", names[st], check, cli_safe(detail));
	if (st != ST_OK && fix)
		printf(". Fix: %s", fix);
	putchar('\n');
	fflush(stdout);
}

static int uses_gss(const cli_options *o)
{
	return o->auth == HVSNAP_AUTH_NTLM || o->auth == HVSNAP_AUTH_KERBEROS ||
	       o->auth == HVSNAP_AUTH_NEGOTIATE;
}

/* Kerberos is what Negotiate tries first; without a password it is all
 * there is. */
static int may_use_kerberos(const cli_options *o)
{
	const char *env = getenv("HVSNAP_PASSWORD");
	int password = o->password_file || (env && *env);
	return o->auth == HVSNAP_AUTH_KERBEROS || (o->auth == HVSNAP_AUTH_NEGOTIATE && !password);
}

static int is_ip_literal(const char *h)
{
	return strchr(h, ':') || strspn(h, "0123456789.") == strlen(h);
}

static unsigned port_of(const cli_options *o)
{
	return o->port ? o->port : o->transport == HVSNAP_TRANSPORT_HTTP ? 5985 : 5986;
}

static int check_tls(doctor *d, unsigned port, int timeout_ms)
{
	const cli_options *o = d->o;
	doctor_tls t;
	doctor_tls_probe(o->host, port, o->cacert, timeout_ms, &t);
	if (!t.handshake_ok) {
		if (t.plain_http)
			report(d, "tls", ST_FAIL, "use --transport http (WinRM's http port is 5985), "
			       "or point -P at the HTTPS listener (5986)",
			       "port %u speaks plain HTTP, not TLS", port);
		else
			report(d, "tls", ST_FAIL, "check that an HTTPS listener exists on the host: "
			       "winrm enumerate winrm/config/listener",
			       "TLS handshake failed: %s", t.handshake_error);
		return -1;
	}
	int usable = 1;
	if (t.chain_ok)
		report(d, "tls chain", ST_OK, NULL, "trusted (%s)", t.subject);
	else if (o->insecure)
		report(d, "tls chain", ST_WARN, "give --cacert FILE with the CA that issued it, or "
		       "--pin instead of --insecure", "not trusted (%s), accepted because of --insecure; "
		       "its key pin is %s", t.chain_error, t.pin);
	else {
		char fix[256];
		snprintf(fix, sizeof(fix), "--cacert FILE with the CA (or the self-signed "
		         "certificate itself); --insecure only for a test host");
		report(d, "tls chain", ST_FAIL, fix, "not trusted: %s (%s); its key pin is %s",
		       t.chain_error, t.subject, t.pin);
		usable = 0;
	}
	if (t.name_ok)
		report(d, "tls name", ST_OK, NULL, "the certificate names %s", o->host);
	else
		report(d, "tls name", o->insecure ? ST_WARN : ST_FAIL,
		       "connect with -H set to a name the certificate holds, or reissue the listener's "
		       "certificate with this name in its subjectAltName",
		       "the certificate (%s) does not name %s", t.subject, o->host);
	if (!t.name_ok && !o->insecure)
		usable = 0;
	if (t.expired) {
		report(d, "tls expiry", o->insecure ? ST_WARN : ST_FAIL,
		       "renew the listener's certificate and update the listener: "
		       "winrm set winrm/config/Listener?Address=*+Transport=HTTPS "
		       "@{CertificateThumbprint=\"NEW\"}", "the certificate has expired");
		usable = usable && o->insecure;
	} else if (t.days_left < 30) {
		report(d, "tls expiry", ST_WARN, "renew the listener's certificate soon",
		       "the certificate expires in %ld days", t.days_left);
	} else {
		report(d, "tls expiry", ST_OK, NULL, "valid for %ld more days", t.days_left);
	}
	if (o->pin) {
		if (strcmp(o->pin, t.pin) == 0) {
			report(d, "tls pin", ST_OK, NULL, "the key matches --pin");
		} else {
			char fix[160];
			snprintf(fix, sizeof(fix), "if the host's key changed on purpose, use --pin %s", t.pin);
			report(d, "tls pin", ST_FAIL, fix, "the host's key is %s, not the one pinned", t.pin);
			usable = 0;
		}
	}
	return usable ? 0 : -1;
}

static void check_schemes(doctor *d, const doctor_http *h)
{
	const cli_options *o = d->o;
	if (h->status != 401) {
		report(d, "auth schemes", ST_WARN, NULL,
		       "an unauthenticated request got HTTP %ld, not 401 with the schemes", h->status);
		return;
	}
	int basic = 0, negotiate = 0, kerberos = 0;
	for (const char *p = h->schemes; *p;) {
		size_t n = strcspn(p, " ");
		basic |= n == 5 && strncasecmp(p, "Basic", 5) == 0;
		negotiate |= n == 9 && strncasecmp(p, "Negotiate", 9) == 0;
		kerberos |= n == 8 && strncasecmp(p, "Kerberos", 8) == 0;
		p += n;
		p += strspn(p, " ");
	}
	const char *offered = h->schemes[0] ? h->schemes : "none";
	if (o->auth == HVSNAP_AUTH_BASIC && !basic)
		report(d, "auth schemes", ST_FAIL, "use --auth negotiate (the default), or on the host "
		       "(with HTTPS only): winrm set winrm/config/service/auth @{Basic=\"true\"}",
		       "the host offers %s, not Basic", offered);
	else if (uses_gss(o) && !negotiate && !(o->auth == HVSNAP_AUTH_KERBEROS && kerberos))
		report(d, "auth schemes", ST_FAIL, "on the host: winrm set winrm/config/service/auth "
		       "@{Negotiate=\"true\"}, or use --auth basic over https",
		       "the host offers %s, not Negotiate", offered);
	else if (basic && o->transport == HVSNAP_TRANSPORT_HTTP)
		report(d, "auth schemes", ST_WARN, "winrm set winrm/config/service/auth @{Basic=\"false\"}, "
		       "or use HTTPS", "the host offers %s; Basic on plain http would expose passwords",
		       offered);
	else
		report(d, "auth schemes", ST_OK, NULL, "the host offers %s", offered);
}

static void check_clock(doctor *d, const doctor_http *h)
{
	if (!h->has_date) {
		report(d, "clock", ST_WARN, NULL, "the host sent no Date header, so its clock is unknown");
		return;
	}
	long long skew = (long long)h->date - (long long)time(NULL);
	long long mag = skew < 0 ? -skew : skew;
	int kerberos = may_use_kerberos(d->o);
	if (mag <= MAX_SKEW_S)
		report(d, "clock", ST_OK, NULL, "the host's clock is %+lld s from ours", skew);
	else
		report(d, "clock", kerberos ? ST_FAIL : ST_WARN,
		       "synchronise both clocks (on the host: w32tm /resync; here: chrony or "
		       "systemd-timesyncd)", "the host's clock is %+lld s from ours; Kerberos "
		       "refuses more than %d s (KRB_AP_ERR_SKEW)", skew, MAX_SKEW_S);
}

static void check_kerberos(doctor *d)
{
	const cli_options *o = d->o;
	if (!may_use_kerberos(o))
		return;
	const char *service = o->spn_service ? o->spn_service : "HTTP";
	const char *spn_host = o->spn_host ? o->spn_host : o->host;
	const char *cache = getenv("KRB5CCNAME");
	if (is_ip_literal(spn_host))
		report(d, "kerberos", ST_FAIL, "give --spn-host with the host's DNS name (Kerberos "
		       "tickets are issued for names, never addresses)",
		       "the SPN would be %s/%s, an address", service, spn_host);
	else
		report(d, "kerberos", ST_OK, NULL, "SPN %s/%s; ticket cache %s (kinit USER@REALM "
		       "gets a ticket; some hosts register only WSMAN/: --spn-service WSMAN)",
		       service, spn_host, cache && *cache ? cache : "the default");
}

/* The error's text for a detail: message and detail joined. */
static const char *err_text(const hvsnap_error *e)
{
	static char text[1600];
	snprintf(text, sizeof(text), "%s%s%s", e->message, e->detail[0] ? " (" : "",
	         e->detail[0] ? e->detail : "");
	if (e->detail[0])
		strncat(text, ")", sizeof(text) - strlen(text) - 1);
	return text;
}

static int is_access_denied(const hvsnap_error *e)
{
	return strstr(e->fault_subcode, "AccessDenied") != NULL;
}

static int check_auth(doctor *d, hvsnap_session *s)
{
	const cli_options *o = d->o;
	hvsnap_error err;
	char *body = NULL;
	/* Identify on an authenticated session: the handshake (and, on http,
	 * the sealing) without touching WMI yet. */
	hvsnap_status st = hvsnap_raw_identify(s, &body, &err);
	hvsnap_raw_free(body);
	if (st == HVSNAP_OK) {
		report(d, "authentication", ST_OK, NULL, "logged on as %s with %s", o->user ? o->user : "(ticket)",
		       o->auth == HVSNAP_AUTH_BASIC ? "Basic" : o->auth == HVSNAP_AUTH_NTLM ? "NTLM"
		       : o->auth == HVSNAP_AUTH_KERBEROS ? "Kerberos"
		       : o->auth == HVSNAP_AUTH_CERTIFICATE ? "a client certificate" : "Negotiate");
		return 0;
	}
	const char *fix = "check the user name (DOMAIN\\user, or HOST\\user for a local account, "
	                  "or user@REALM) and the password";
	if (strstr(err.message, "nencrypted") || strstr(err.detail, "nencrypted"))
		fix = "keep --encryption auto (the default) on http, or use https; do not set "
		      "AllowUnencrypted=true on the host";
	else if (o->auth == HVSNAP_AUTH_BASIC && o->transport == HVSNAP_TRANSPORT_HTTP)
		fix = "Basic is refused on http while AllowUnencrypted is false (the default): "
		      "use https, or --auth negotiate (NTLM/Kerberos with message encryption)";
	else if (may_use_kerberos(o))
		fix = "kinit USER@REALM for a ticket, check the SPN (--spn-host NAME, "
		      "--spn-service WSMAN) and the clocks; or give -u and a password for NTLM";
	else if (o->transport == HVSNAP_TRANSPORT_HTTPS && uses_gss(o))
		fix = "check the user name and password; with CbtHardeningLevel=Strict "
		      "also that nothing between (a TLS-terminating proxy) changes the certificate";
	report(d, "authentication", ST_FAIL, fix, "%s", err_text(&err));
	return -1;
}

static void check_protection(doctor *d)
{
	const cli_options *o = d->o;
	int https = o->transport == HVSNAP_TRANSPORT_HTTPS;
	if (https)
		report(d, "message encryption", ST_OK, NULL, "TLS protects every message");
	else if (uses_gss(o) && o->encryption != HVSNAP_ENCRYPTION_NEVER)
		report(d, "message encryption", ST_OK, NULL, "messages are sealed with the "
		       "%s session key (WinRM message encryption)",
		       o->auth == HVSNAP_AUTH_NTLM ? "NTLM" : "Negotiate");
	else
		report(d, "message encryption", ST_WARN, "use https, or NTLM/Kerberos with "
		       "--encryption auto", "messages cross the network in plain text");
	if (https && uses_gss(o))
		report(d, "channel binding", ST_OK, NULL, "hvsnap binds authentication to the TLS "
		       "certificate, so CbtHardeningLevel=Strict is fine");
	else
		report(d, "channel binding", ST_OK, NULL, "not used (%s)",
		       https ? "Basic and certificate logons carry none" : "only over https");
}

static int check_namespace(doctor *d, hvsnap_session *s)
{
	hvsnap_error err;
	char *body = NULL;
	hvsnap_enum_options eo = HVSNAP_ENUM_OPTIONS_INIT;
	eo.resource_uri = V2_SERVICE;
	hvsnap_status st = hvsnap_raw_enumerate(s, &eo, &body, &err);
	hvsnap_raw_free(body);
	if (st == HVSNAP_OK) {
		report(d, "root/virtualization/v2", ST_OK, NULL, "the account may use Hyper-V's WMI namespace");
		return 0;
	}
	if (is_access_denied(&err))
		report(d, "root/virtualization/v2", ST_FAIL,
		       "a local administrator other than the built-in one is filtered by UAC over "
		       "the network: on the host run reg add HKLM\\SOFTWARE\\Microsoft\\Windows\\"
		       "CurrentVersion\\Policies\\System /v LocalAccountTokenFilterPolicy /t REG_DWORD "
		       "/d 1 /f, or use a domain account in Administrators or Hyper-V Administrators",
		       "access denied: %s", err_text(&err));
	else if (err.kind == HVSNAP_ERR_NOT_FOUND)
		report(d, "root/virtualization/v2", ST_FAIL, "install Hyper-V and its management "
		       "tools: Install-WindowsFeature Hyper-V -IncludeManagementTools",
		       "the namespace is missing: %s", err_text(&err));
	else
		report(d, "root/virtualization/v2", ST_FAIL, NULL, "%s", err_text(&err));
	return -1;
}

static void check_config(doctor *d, hvsnap_session *s)
{
	hvsnap_error err;
	char *body = NULL;
	hvsnap_epr *target = hvsnap_epr_new(CONFIG_URI);
	hvsnap_status st = target ? hvsnap_raw_get(s, target, &body, &err) : HVSNAP_ERR_NOMEM;
	hvsnap_epr_free(target);
	winrm_config c;
	if (st != HVSNAP_OK) {
		report(d, "winrm/config", ST_WARN, "run hvsnap doctor as an administrator of the host "
		       "to see these settings, or read them there: winrm get winrm/config",
		       "not readable by this account: %s", st == HVSNAP_ERR_NOMEM ? "out of memory"
		       : err_text(&err));
		return;
	}
	if (winrm_config_parse(body, strlen(body), &c) != 0) {
		report(d, "winrm/config", ST_WARN, NULL, "the answer is not a cfg:Config document");
		hvsnap_raw_free(body);
		return;
	}
	hvsnap_raw_free(body);
	report(d, "winrm/config", ST_OK, NULL, "read");
	if (c.allow_unencrypted == 1)
		report(d, "AllowUnencrypted", ST_WARN,
		       "winrm set winrm/config/service @{AllowUnencrypted=\"false\"} (hvsnap encrypts "
		       "on http anyway)", "true: the host accepts unencrypted SOAP on http");
	else if (c.allow_unencrypted == 0)
		report(d, "AllowUnencrypted", ST_OK, NULL, "false");
	if (c.basic == 1)
		report(d, "Basic", ST_WARN, d->o->auth == HVSNAP_AUTH_BASIC ? "use --auth negotiate, "
		       "then winrm set winrm/config/service/auth @{Basic=\"false\"}"
		       : "winrm set winrm/config/service/auth @{Basic=\"false\"}",
		       "true: the host accepts passwords in Basic form");
	else if (c.basic == 0)
		report(d, "Basic", ST_OK, NULL, "false");
	if (c.cbt[0] && strcasecmp(c.cbt, "None") == 0)
		report(d, "CbtHardeningLevel", ST_WARN,
		       "winrm set winrm/config/service/auth @{CbtHardeningLevel=\"Strict\"} "
		       "(hvsnap sends channel bindings)", "None: NTLM over https can be relayed");
	else if (c.cbt[0])
		report(d, "CbtHardeningLevel", ST_OK, NULL, "%s", c.cbt);
	if (c.max_envelope_kb >= 0 && c.max_envelope_kb < ENVELOPE_KB)
		report(d, "MaxEnvelopeSizekb", ST_WARN,
		       "winrm set winrm/config @{MaxEnvelopeSizekb=\"500\"} (or Set-Item "
		       "WSMan:\\localhost\\MaxEnvelopeSizekb 500)",
		       "%lld: answers over %lld KB fail (hvsnap accepts up to 500 KB)",
		       c.max_envelope_kb, c.max_envelope_kb);
	else if (c.max_envelope_kb >= 0)
		report(d, "MaxEnvelopeSizekb", ST_OK, NULL, "%lld", c.max_envelope_kb);
	if (c.max_timeout_ms >= 0 && c.max_timeout_ms < 60000)
		report(d, "MaxTimeoutms", ST_WARN,
		       "winrm set winrm/config @{MaxTimeoutms=\"60000\"}, or a shorter hvsnap "
		       "--timeout (hvsnap asks for 80% of it, at most 60 s)",
		       "%lld ms: requests asking the host to wait longer are refused", c.max_timeout_ms);
	else if (c.max_timeout_ms >= 0)
		report(d, "MaxTimeoutms", ST_OK, NULL, "%lld ms", c.max_timeout_ms);
	if (c.max_ops_per_user >= 0 && c.max_ops_per_user < WMI_QUOTA_DEFAULT)
		report(d, "MaxConcurrentOperationsPerUser", ST_WARN,
		       "winrm set winrm/config/service @{MaxConcurrentOperationsPerUser=\"1500\"}",
		       "%lld: parallel hvsnap runs will be refused as busy", c.max_ops_per_user);
	else if (c.max_ops_per_user >= 0)
		report(d, "MaxConcurrentOperationsPerUser", ST_OK, NULL, "%lld", c.max_ops_per_user);
}

static void check_quota(doctor *d, hvsnap_session *s)
{
	hvsnap_error err;
	char *body = NULL;
	hvsnap_epr *target = hvsnap_epr_new(PLUGIN_URI);
	hvsnap_status st = target && hvsnap_epr_add_selector(target, "Name", "WMI Provider") == HVSNAP_OK
	                   ? hvsnap_raw_get(s, target, &body, &err) : HVSNAP_ERR_NOMEM;
	hvsnap_epr_free(target);
	if (st != HVSNAP_OK) {
		report(d, "WMI quotas", ST_WARN, "read them on the host: winrm get "
		       "winrm/config/plugin?Name=\"WMI Provider\"", "not readable by this account: %s",
		       st == HVSNAP_ERR_NOMEM ? "out of memory" : err_text(&err));
		return;
	}
	long long q = winrm_plugin_quota(body, strlen(body));
	hvsnap_raw_free(body);
	if (q < 0)
		report(d, "WMI quotas", ST_WARN, NULL, "the plugin configuration names no "
		       "MaxConcurrentOperationsPerUser");
	else if (q < WMI_QUOTA_DEFAULT)
		report(d, "WMI quotas", ST_WARN,
		       "Set-Item \"WSMan:\\localhost\\Plugin\\WMI Provider\\Quotas\\"
		       "MaxConcurrentOperationsPerUser\" 15, then Restart-Service WinRM",
		       "MaxConcurrentOperationsPerUser is %lld: more parallel hvsnap operations "
		       "than that are refused as busy (QuotaLimit)", q);
	else
		report(d, "WMI quotas", ST_OK, NULL, "MaxConcurrentOperationsPerUser %lld", q);
}

static void run_checks(doctor *d)
{
	const cli_options *o = d->o;
	unsigned port = port_of(o);
	int timeout_ms = o->timeout_s > 0 ? (int)(o->timeout_s * 1000) : 10000;
	char addr[128], why[256];
	if (doctor_resolve(o->host, port, addr, sizeof(addr), why, sizeof(why)) != 0) {
		report(d, "name resolution", ST_FAIL, "check the spelling and DNS (or /etc/hosts), "
		       "or give the host's address", "%s: %s", o->host, why);
		return;
	}
	report(d, "name resolution", ST_OK, NULL, "%s is %s", o->host, addr);
	int fd = doctor_connect(o->host, port, timeout_ms, why, sizeof(why));
	if (fd < 0) {
		report(d, "tcp", ST_FAIL, o->transport == HVSNAP_TRANSPORT_HTTP
		       ? "on the host: winrm quickconfig (listener on 5985), and allow the port in "
		         "the firewall"
		       : "on the host: create an HTTPS listener (winrm quickconfig -transport:https "
		         "with a certificate for its name) and allow 5986 in the firewall",
		       "cannot connect to port %u: %s", port, why);
		return;
	}
	close(fd);
	report(d, "tcp", ST_OK, NULL, "port %u is open", port);
	if (o->transport == HVSNAP_TRANSPORT_HTTPS && check_tls(d, port, timeout_ms) != 0)
		return;

	/* The first answer any client gets: the schemes and the host's clock. */
	hvsnap_session *anon = NULL;
	cli_options ao = *o;
	ao.user = NULL;
	ao.auth_set = 0;
	ao.verbose = 0;
	if (cli_open_session(&ao, 0, &anon) != EXIT_OK)
		return;
	char url[600];
	snprintf(url, sizeof(url), "%s", hvsnap_session_url(anon));
	doctor_http h;
	doctor_http_probe(url, o->cacert, o->insecure, o->pin, timeout_ms, &h);
	if (!h.ok) {
		int tls = o->transport == HVSNAP_TRANSPORT_HTTP;
		doctor_tls t;
		if (tls) {
			doctor_tls_probe(o->host, port, NULL, timeout_ms, &t);
			tls = t.handshake_ok;
		}
		report(d, "http", ST_FAIL, tls ? "use --transport https (WinRM's https port is 5986)"
		       : "check that this port is WinRM's listener (winrm enumerate "
		         "winrm/config/listener)", "%s%s", h.error,
		       tls ? ": the port speaks TLS" : "");
		cli_close_session(anon);
		return;
	}
	if (h.status == 404) {
		report(d, "http", ST_FAIL, "check the port: this HTTP service has no /wsman",
		       "HTTP 404 for /wsman: not a WinRM listener");
		cli_close_session(anon);
		return;
	}
	hvsnap_identity *id = NULL;
	hvsnap_error err;
	if (hvsnap_wsman_identify(anon, &id, &err) == HVSNAP_OK) {
		report(d, "identify", ST_OK, NULL, "%s, %s", cli_safe(id->product_vendor),
		       cli_safe(id->product_version));
		hvsnap_identity_free(id);
	} else {
		report(d, "identify", ST_WARN, NULL, "no anonymous Identify (%s); fine, if the host "
		       "authenticates it", err.message);
	}
	cli_close_session(anon);
	check_schemes(d, &h);
	check_clock(d, &h);
	check_kerberos(d);
	if (d->failed)
		return; /* authenticating cannot work now; it would only add noise */

	hvsnap_session *s = NULL;
	if (cli_open_session(o, 1, &s) != EXIT_OK) {
		d->failed = 1;
		return;
	}
	if (check_auth(d, s) == 0) {
		check_protection(d);
		check_namespace(d, s);
		check_config(d, s);
		check_quota(d, s);
	}
	cli_close_session(s);
}

int cmd_doctor(const cli_options *o)
{
	if (!o->host || !*o->host)
		return cli_report_usage(o, "no host given: use --host HOST or set HVSNAP_HOST");
	doctor d = { .o = o, .list = o->json ? json_array() : NULL };
	run_checks(&d);
	if (d.list)
		json_print(d.list);
	return d.failed ? EXIT_FAILED : EXIT_OK;
}
