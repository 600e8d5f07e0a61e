/* Waiting on a session: the one sleep every retry and poll loop uses, cut
 * in short slices so that hvsnap_session_interrupt ends it at once. */
#ifndef HVSNAP_WSMAN_PAUSE_H
#define HVSNAP_WSMAN_PAUSE_H

#include "hvsnap/session.h"

/* Sleeps ms in 50 ms slices; non-zero when the session was (or became)
 * interrupted, at most 50 ms after it was. */
int hvs_session_pause(const hvsnap_session *s, unsigned ms);

#endif
