/* The -v / --trace sink: diagnostics on stderr, never stdout (stdout is
 * for results and JSON). The library hands over only redacted text; an
 * Authorization header line is masked here as well, in case one ever
 * slips into a dump, and control characters are made visible. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/progress.h"

/* SOAP from the host may hold terminal control sequences: everything but
 * newline and tab that a terminal could act on (C0, DEL, C1 as UTF-8) is
 * written as a visible escape instead. */
static void write_terminal_safe(const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *)text, *end = p + len;
	for (; p < end; p++) {
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
			fprintf(stderr, "\\x%02x", (unsigned)*p);
		else if (*p == 0xc2 && p + 1 < end && p[1] >= 0x80 && p[1] <= 0x9f)
			fprintf(stderr, "\\u%04x", (unsigned)*++p);
		else
			fputc(*p, stderr);
	}
}

static void write_redacted(const char *text, size_t len)
{
	static const char marker[] = "Authorization:";
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t line = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		if (line >= sizeof(marker) - 1 && strncmp(p, marker, sizeof(marker) - 1) == 0)
			fputs("Authorization: [redacted]\n", stderr);
		else
			write_terminal_safe(p, line);
		p += line;
	}
}

void cli_trace(void *ctx, hvsnap_trace_kind kind, const char *text, size_t len)
{
	(void)ctx;
	cli_progress_clear();
	switch (kind) {
	case HVSNAP_TRACE_INFO:
		fputs("hvsnap: ", stderr);
		write_redacted(text, len);
		fputc('\n', stderr);
		break;
	case HVSNAP_TRACE_REQUEST:
		fputs("--> request\n", stderr);
		write_redacted(text, len);
		fputc('\n', stderr);
		break;
	case HVSNAP_TRACE_RESPONSE:
		fputs("<-- response\n", stderr);
		write_redacted(text, len);
		fputc('\n', stderr);
		break;
	}
	fflush(stderr);
}
