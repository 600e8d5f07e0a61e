/* Display widths and terminal geometry for the text output (textwidth.h).
 * wcwidth() knows the width of each character in the locale's tables, so
 * a table of Japanese VM names lines up as well as one of ASCII names. */
#define _XOPEN_SOURCE 700
#include "cli/textwidth.h"

#include <langinfo.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

int cli_utf8_locale(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

/* Width and length of the character at s (one byte when it is invalid). */
static int next_char(const char *s, size_t *len)
{
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	wchar_t wc;
	size_t n = mbrtowc(&wc, s, strlen(s), &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*len = 1;
		return 1;
	}
	*len = n;
	int w = wcwidth(wc);
	return w < 0 ? 1 : w;
}

int cli_display_width(const char *s)
{
	int cols = 0;
	for (size_t len; s && *s; s += len)
		cols += next_char(s, &len);
	return cols;
}

int cli_terminal_columns(int fd)
{
	struct winsize ws;
	if (!isatty(fd) || ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0)
		return 0;
	return ws.ws_col;
}

void cli_fit(const char *s, int cols, char *out, size_t size)
{
	const char *ellipsis = cli_utf8_locale() ? "\u2026" : "...";
	int ell_cols = cli_utf8_locale() ? 1 : 3;
	if (!size)
		return;
	if (cli_display_width(s) <= cols || cols <= ell_cols) {
		size_t n = strlen(s) < size - 1 ? strlen(s) : size - 1;
		memcpy(out, s, n);
		out[n] = '\0';
		return;
	}
	size_t used = 0;
	int width = 0;
	for (size_t len; *s; s += len) {
		int w = next_char(s, &len);
		if (width + w > cols - ell_cols || used + len + strlen(ellipsis) + 1 > size)
			break;
		memcpy(out + used, s, len);
		used += len;
		width += w;
	}
	memcpy(out + used, ellipsis, strlen(ellipsis) + 1);
}
