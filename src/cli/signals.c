/* Ctrl-C (SIGINT) and SIGTERM stop waiting, not the process: every open
 * session is interrupted from the handler (hvsnap_session_interrupt only
 * sets an atomic flag), so no new request leaves, a reply to one already
 * sent is still read, and the command ends with HVSNAP_ERR_CANCELLED and
 * can print the ids of the jobs it leaves running (exit 130). A second
 * signal ends the process at once (the handler is one-shot). */
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>

#include "cli/cli.h"

#define MAX_WATCHED 4096

static _Atomic(hvsnap_session *) watched[MAX_WATCHED];
static atomic_size_t n_watched;
static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
	size_t n = atomic_load(&n_watched);
	for (size_t i = 0; i < n && i < MAX_WATCHED; i++) {
		hvsnap_session *s = atomic_load(&watched[i]);
		if (s)
			hvsnap_session_interrupt(s);
	}
}

void cli_signals_install(void)
{
	struct sigaction sa;
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = (int)SA_RESETHAND;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int cli_signal_received(void)
{
	return got_signal != 0;
}

void cli_signals_watch(hvsnap_session *s)
{
	size_t i = atomic_fetch_add(&n_watched, 1);
	if (i < MAX_WATCHED)
		atomic_store(&watched[i], s);
	/* a signal that came before the session existed still counts */
	if (got_signal)
		hvsnap_session_interrupt(s);
}

void cli_close_session(hvsnap_session *s)
{
	if (!s)
		return;
	size_t n = atomic_load(&n_watched);
	for (size_t i = 0; i < n && i < MAX_WATCHED; i++) {
		hvsnap_session *expected = s;
		atomic_compare_exchange_strong(&watched[i], &expected, NULL);
	}
	hvsnap_session_free(s);
}
