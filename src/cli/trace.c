/* The -v / --trace sink: diagnostics on stderr, never stdout (stdout is
 * for results and JSON). The library hands over only redacted text; an
 * Authorization header line is masked here as well, in case one ever
 * slips into a dump. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

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
			fwrite(p, 1, line, stderr);
		p += line;
	}
}

void cli_trace(void *ctx, hvsnap_trace_kind kind, const char *text, size_t len)
{
	(void)ctx;
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
