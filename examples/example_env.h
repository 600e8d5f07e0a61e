/* What the examples share: a session opened from the environment, and one
 * way of printing a failure. A header of static inline functions so that
 * every example still builds alone with
 *     cc example.c $(pkg-config --cflags --libs hvsnap)
 *
 * The environment:
 *   HVSNAP_HOST       host name or address (required unless given in code)
 *   HVSNAP_PORT       port (default 5985 for http, 5986 for https)
 *   HVSNAP_TRANSPORT  "http" or "https" (default https)
 *   HVSNAP_USER       user, DOMAIN\user or user@REALM
 *   HVSNAP_PASSWORD   its password (never take a password from argv: any
 *                     user of the machine can read a process's arguments)
 * Authentication is Negotiate: Kerberos when a ticket can be had, else NTLM.
 * Over http every message is encrypted, as a Windows host demands. */
#ifndef HVSNAP_EXAMPLE_ENV_H
#define HVSNAP_EXAMPLE_ENV_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hvsnap/hvsnap.h>

/* Prints "example: what: message" and the error's details on stderr. */
static inline void example_report(const char *example, const char *what,
                                  const hvsnap_error *err)
{
	fprintf(stderr, "%s: %s: %s (%s)\n", example, what, err->message,
	        hvsnap_status_name(err->kind));
	if (err->detail[0])
		fprintf(stderr, "  %s\n", err->detail);
	if (err->job_id[0])
		fprintf(stderr, "  job %s goes on on the host\n", err->job_id);
}

/* Text the host may have left out: printf must not get a NULL. */
static inline const char *example_text(const char *text)
{
	return text ? text : "-";
}

/* Opens a session to host:port (NULL / 0: from the environment). Returns 0,
 * or prints why not and returns non-zero. */
static inline int example_open(const char *example, const char *host, unsigned port,
                               hvsnap_session **out)
{
	hvsnap_session_options opts = HVSNAP_SESSION_OPTIONS_INIT;
	hvsnap_error err;
	const char *transport = getenv("HVSNAP_TRANSPORT");
	const char *port_text = getenv("HVSNAP_PORT");

	opts.host = host ? host : getenv("HVSNAP_HOST");
	if (!opts.host || !*opts.host) {
		fprintf(stderr, "%s: set HVSNAP_HOST to the Hyper-V host\n", example);
		return 2;
	}
	if (!transport || !*transport || strcmp(transport, "https") == 0) {
		opts.transport = HVSNAP_TRANSPORT_HTTPS;
	} else if (strcmp(transport, "http") == 0) {
		opts.transport = HVSNAP_TRANSPORT_HTTP;
	} else {
		fprintf(stderr, "%s: HVSNAP_TRANSPORT must be http or https, not '%s'\n",
		        example, transport);
		return 2;
	}
	if (port) {
		opts.port = port;
	} else if (port_text && *port_text) {
		char *end = NULL;
		unsigned long p = strtoul(port_text, &end, 10);
		if (*end || p == 0 || p > 65535) {
			fprintf(stderr, "%s: HVSNAP_PORT must be a port number, not '%s'\n",
			        example, port_text);
			return 2;
		}
		opts.port = (unsigned)p;
	}
	opts.auth = HVSNAP_AUTH_NEGOTIATE;
	opts.user = getenv("HVSNAP_USER");
	opts.password = getenv("HVSNAP_PASSWORD");
	if (hvsnap_session_new(out, &opts, &err) != HVSNAP_OK) {
		example_report(example, "cannot set up a session", &err);
		return 2;
	}
	return 0;
}

#endif
