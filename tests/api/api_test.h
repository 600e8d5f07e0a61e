/* What the tests of the public API share: checks that count and report,
 * the error contract every failing call must keep, a session from the
 * environment (the examples' helper, so there is one way to open one), and
 * questions about hvsim's request log (HVSIM_LOG, one JSON line per
 * request, written by tests/api/driver.sh's hvsim).
 * Static inline so each test is one file plus this header, like a caller. */
#ifndef HVSNAP_API_TEST_H
#define HVSNAP_API_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hvsnap/hvsnap.h>

#include "example_env.h"

static int api_checks, api_failures;

#define CHECK(cond, ...)                                                        \
	do {                                                                    \
		if (cond) {                                                     \
			api_checks++;                                           \
		} else {                                                        \
			api_failures++;                                         \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                           \
			fputc('\n', stderr);                                    \
		}                                                               \
	} while (0)

/* Ends a test: a summary line, exit 0 only when every check passed. */
static inline int api_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, api_checks + api_failures, api_failures);
	return api_failures ? 1 : 0;
}

/* The contract of a failed call: it returned want, err->kind says the same,
 * the message is one readable sentence for a library caller (it never
 * names a CLI flag), code_kind says what code is, and a kind has a name. */
static inline void api_expect_error(const char *what, hvsnap_status got, hvsnap_status want,
                                    const hvsnap_error *err)
{
	CHECK(got == want, "%s: status %s, expected %s (%s)", what, hvsnap_status_name(got),
	      hvsnap_status_name(want), err->message);
	CHECK(err->kind == got, "%s: err->kind %s but the call returned %s", what,
	      hvsnap_status_name(err->kind), hvsnap_status_name(got));
	CHECK(err->message[0] != '\0', "%s: empty message", what);
	CHECK(strstr(err->message, "--") == NULL && strstr(err->detail, "--") == NULL,
	      "%s: message names a CLI option: %s / %s", what, err->message, err->detail);
	CHECK((err->code == 0) == (err->code_kind == HVSNAP_CODE_NONE),
	      "%s: code %lld with code_kind %d", what, (long long)err->code, (int)err->code_kind);
	CHECK(strcmp(hvsnap_status_name(got), "unknown") != 0, "%s: status without a name", what);
}

/* A session to the driver's hvsim; exits when there is none. */
static inline hvsnap_session *api_session(void)
{
	hvsnap_session *s = NULL;
	if (example_open("api", NULL, 0, &s) != 0)
		exit(2);
	return s;
}

/* Lines in hvsim's request log so far. */
static inline size_t api_log_lines(void)
{
	const char *path = getenv("HVSIM_LOG");
	FILE *f = path ? fopen(path, "r") : NULL;
	size_t n = 0;
	int c;
	if (!f) {
		fprintf(stderr, "api: HVSIM_LOG is not readable\n");
		exit(2);
	}
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* Log lines after the first `from` that contain a and (when not NULL) b.
 * The log is compact JSON written by jansson, so "\"method\":\"X\"" and
 * the like match exactly. */
static inline size_t api_log_count(size_t from, const char *a, const char *b)
{
	FILE *f = fopen(getenv("HVSIM_LOG"), "r");
	char line[8192];
	size_t n = 0, at = 0;
	if (!f)
		exit(2);
	while (fgets(line, sizeof(line), f)) {
		if (at++ < from)
			continue;
		if (strstr(line, a) && (!b || strstr(line, b)))
			n++;
	}
	fclose(f);
	return n;
}

#define LOG_GET "\"action\":\"http://schemas.xmlsoap.org/ws/2004/09/transfer/Get\""
#define LOG_PUT "\"action\":\"http://schemas.xmlsoap.org/ws/2004/09/transfer/Put\""
#define LOG_ENUMERATE "\"action\":\"http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate\""
#define LOG_PULL "\"action\":\"http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull\""
#define LOG_RELEASE "\"action\":\"http://schemas.xmlsoap.org/ws/2004/09/enumeration/Release\""
#define LOG_JOB_URI "Msvm_ConcreteJob\""
#define LOG_ANY_METHOD "\"method\":\""

#endif
