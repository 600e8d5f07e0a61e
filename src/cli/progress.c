/* Job progress on stderr. On a terminal, a bar redrawn in place and fitted
 * to the terminal's width (a line that wraps cannot be redrawn: every
 * update would add lines). Elsewhere (a CI log), one line per change with
 * -v, and without -v a line every HVSNAP_PROGRESS_INTERVAL seconds (10 by
 * default) once the job has run that long, so a long job shows it lives
 * while a short one stays silent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli/progress.h"

#define DEFAULT_INTERVAL_S 10L
#define MIN_BAR 10
#define MAX_BAR 40

/* The bar on screen now, if any: cli_progress_clear wipes it. */
static progress_bar *shown;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int terminal_width(void)
{
	struct winsize ws;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	const char *c = getenv("COLUMNS");
	int n = c ? atoi(c) : 0;
	return n > 0 ? n : 80;
}

static long interval_from_env(void)
{
	const char *v = getenv("HVSNAP_PROGRESS_INTERVAL");
	if (!v || !*v)
		return DEFAULT_INTERVAL_S;
	char *end;
	long n = strtol(v, &end, 10);
	return *end || n < 0 ? DEFAULT_INTERVAL_S : n;
}

void progress_init(progress_bar *p, const char *label, int verbose)
{
	memset(p, 0, sizeof(*p));
	p->label = label;
	p->enabled = isatty(STDERR_FILENO);
	p->lines = !p->enabled && verbose;
	p->last_percent = -1;
	p->started_ms = now_ms();
	p->last_line_ms = p->started_ms;
	p->interval_s = interval_from_env();
}

void progress_format(char *out, size_t size, int width, const char *label,
                     unsigned percent, const char *state)
{
	/* One column stays free: a line exactly as wide as the terminal
	 * wraps on some terminals. The text is ASCII, so bytes are columns. */
	int room = width - 1;
	if (percent > 100)
		percent = 100;
	int fixed = (int)strlen(label) + (int)strlen(state) + 8; /* " [" "] " "100% " */
	int bar = room - fixed;
	if (bar > MAX_BAR)
		bar = MAX_BAR;
	char line[256];
	if (bar >= MIN_BAR) {
		char b[MAX_BAR + 1];
		int filled = (int)percent * bar / 100;
		for (int i = 0; i < bar; i++)
			b[i] = i < filled ? '#' : '.';
		b[bar] = '\0';
		snprintf(line, sizeof(line), "%s [%s] %3u%% %s", label, b, percent, state);
	} else {
		snprintf(line, sizeof(line), "%s %u%% %s", label, percent, state);
	}
	if (room < 1)
		room = 1;
	if ((int)strlen(line) > room)
		line[room] = '\0';
	snprintf(out, size, "%s", line);
}

static void sparse_line(progress_bar *p, const hvsnap_job *job)
{
	uint64_t now = now_ms();
	if (p->interval_s <= 0 || now - p->last_line_ms < (uint64_t)p->interval_s * 1000u)
		return;
	p->last_line_ms = now;
	fprintf(stderr, "hvsnap: %s: %u%% %s (%llu s)\n", p->label, hvsnap_job_percent(job),
	        hvsnap_job_state_text(hvsnap_job_state_code(job)),
	        (unsigned long long)((now - p->started_ms) / 1000u));
	fflush(stderr);
}

int progress_update(const hvsnap_job *job, void *payload)
{
	progress_bar *p = payload;
	unsigned percent = hvsnap_job_percent(job);
	const char *state = hvsnap_job_state_text(hvsnap_job_state_code(job));
	if (p->lines) {
		if ((int)percent != p->last_percent || hvsnap_job_state_code(job) != p->last_state) {
			fprintf(stderr, "hvsnap: %s: %u%% %s\n", p->label, percent, state);
			p->last_percent = (int)percent;
			p->last_state = hvsnap_job_state_code(job);
		}
		return 0;
	}
	if (!p->enabled) {
		sparse_line(p, job);
		return 0;
	}
	char line[256];
	progress_format(line, sizeof(line), terminal_width(), p->label, percent, state);
	/* \r and erase-to-end: the new text may be shorter than the old. */
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	p->drawn = 1;
	shown = p;
	return 0;
}

void cli_progress_clear(void)
{
	if (shown && shown->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		shown->drawn = 0;
	}
}

void progress_done(progress_bar *p)
{
	if (shown == p) {
		cli_progress_clear();
		shown = NULL;
	}
}
