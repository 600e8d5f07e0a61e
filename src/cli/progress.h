/* Job progress on stderr, and the rule that keeps it from mixing with
 * other stderr lines. */
#ifndef HVSNAP_CLI_PROGRESS_H
#define HVSNAP_CLI_PROGRESS_H

#include <stdint.h>
#include "hvsnap/job.h"

typedef struct progress_bar {
	const char *label;
	int enabled;      /* stderr is a terminal: draw a bar */
	int lines;        /* not a terminal but -v: print changes as lines */
	int drawn;
	int last_percent;
	unsigned last_state;
	uint64_t started_ms;
	uint64_t last_line_ms; /* not a terminal: when the last sparse line went out */
	long interval_s;       /* between sparse lines; 0: none */
} progress_bar;

void progress_init(progress_bar *p, const char *label, int verbose);
/* An hvsnap_progress_fn; payload is the progress_bar. Never stops the wait. */
int progress_update(const hvsnap_job *job, void *payload);
/* Ends the bar: the line is cleared, so the result starts on a clean one. */
void progress_done(progress_bar *p);
/* Clears a drawn bar (it is redrawn at the next update): every other line
 * written to stderr calls this first, so no line is glued to the bar. */
void cli_progress_clear(void);

/* Text of width columns at most, the bar fitted in (exposed for tests of
 * the layout: width 40 never wraps). */
void progress_format(char *out, size_t size, int width, const char *label,
                     unsigned percent, const char *state);

#endif
