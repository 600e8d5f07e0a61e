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

int progress_update(const hvsnap_job *job, void *payload)
{
	progress_bar *p = payload;
	if (p->lines && ((int)hvsnap_job_percent(job) != p->last_percent || hvsnap_job_state_code(job) != p->last_state)) {
		fprintf(stderr, "hvsnap: %s: %u%% %s\n", p->label, hvsnap_job_percent(job),
		        hvsnap_job_state_text(hvsnap_job_state_code(job)));
		p->last_percent = (int)hvsnap_job_percent(job);
		p->last_state = hvsnap_job_state_code(job);
	}
	if (!p->enabled)
		return 0;
	unsigned filled = hvsnap_job_percent(job) * BAR_WIDTH / 100;
	char bar[BAR_WIDTH + 1];
	for (unsigned i = 0; i < BAR_WIDTH; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[BAR_WIDTH] = '\0';
	fprintf(stderr, "\r%s [%s] %3u%% %-22s", p->label, bar, hvsnap_job_percent(job),
	        hvsnap_job_state_text(hvsnap_job_state_code(job)));
	fflush(stderr);
	p->drawn = 1;
	return 0;
}

void progress_done(progress_bar *p)
{
	if (p->enabled && p->drawn) {
		fputc('\n', stderr);
		fflush(stderr);
	}
}
