/* Job progress on stderr: a bar redrawn in place when stderr is a terminal;
 * otherwise, with -v, one line per change (a CI log should not fill with
 * carriage returns, but should still show what happened). */
#include <stdio.h>
#include <unistd.h>

#include "cli/progress.h"

#define BAR_WIDTH 30

void progress_init(progress_bar *p, const char *label, int verbose)
{
	p->label = label;
	p->enabled = isatty(STDERR_FILENO);
	p->lines = !p->enabled && verbose;
	p->drawn = 0;
	p->last_percent = -1;
	p->last_state = 0;
}

void progress_update(void *ctx, const hvsnap_job *job)
{
	progress_bar *p = ctx;
	if (p->lines && ((int)job->percent != p->last_percent || job->state != p->last_state)) {
		fprintf(stderr, "hvsnap: %s: %u%% %s\n", p->label, job->percent,
		        hvsnap_job_state_text(job->state));
		p->last_percent = (int)job->percent;
		p->last_state = job->state;
	}
	if (!p->enabled)
		return;
	unsigned filled = job->percent * BAR_WIDTH / 100;
	char bar[BAR_WIDTH + 1];
	for (unsigned i = 0; i < BAR_WIDTH; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[BAR_WIDTH] = '\0';
	fprintf(stderr, "\r%s [%s] %3u%% %-22s", p->label, bar, job->percent,
	        hvsnap_job_state_text(job->state));
	fflush(stderr);
	p->drawn = 1;
}

void progress_done(progress_bar *p)
{
	if (p->enabled && p->drawn) {
		fputc('\n', stderr);
		fflush(stderr);
	}
}
