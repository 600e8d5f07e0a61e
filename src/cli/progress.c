/* The progress bar shown on stderr while a job runs, only when stderr is a
 * terminal (a CI log should not fill with carriage returns). */
#include <stdio.h>
#include <unistd.h>

#include "cli/progress.h"

#define BAR_WIDTH 30

void progress_init(progress_bar *p, const char *label)
{
	p->label = label;
	p->enabled = isatty(STDERR_FILENO);
	p->drawn = 0;
}

void progress_update(void *ctx, const hvsnap_job *job)
{
	progress_bar *p = ctx;
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
