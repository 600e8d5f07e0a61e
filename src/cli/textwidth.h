/* Text on a terminal: display width of UTF-8 names (wide CJK characters
 * take two columns, combining marks none), the terminal's width, and
 * whether the locale can show UTF-8 at all (else trees are drawn in
 * ASCII). main() sets LC_CTYPE from the environment for these. */
#ifndef HVSNAP_CLI_TEXTWIDTH_H
#define HVSNAP_CLI_TEXTWIDTH_H

#include <stddef.h>

/* Columns s takes on a terminal; an invalid byte counts as one. */
int cli_display_width(const char *s);
/* The width of the terminal on fd, or 0 when fd is not a terminal. */
int cli_terminal_columns(int fd);
/* Whether the locale's character set is UTF-8. */
int cli_utf8_locale(void);
/* Copies s into out (size bytes) cut to at most cols columns, with "..."
 * (or "…" in a UTF-8 locale) when it was cut. */
void cli_fit(const char *s, int cols, char *out, size_t size);

#endif
