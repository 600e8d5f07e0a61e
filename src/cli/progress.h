/* Progress bar for job waits. */
#ifndef HVSNAP_CLI_PROGRESS_H
#define HVSNAP_CLI_PROGRESS_H

#include "hvsnap/job.h"

typedef struct progress_bar {
	const char *label;
	int enabled;      /* stderr is a terminal: draw a bar */
	int lines;        /* not a terminal but -v: print changes as lines */
	int drawn;
	int last_percent;
	unsigned last_state;
} progress_bar;

void progress_init(progress_bar *p, const char *label, int verbose);
/* An hvsnap_progress_fn; payload is the progress_bar. Never stops the wait. */
int progress_update(const hvsnap_job *job, void *payload);
/* Ends the bar's line. */
void progress_done(progress_bar *p);

#endif
