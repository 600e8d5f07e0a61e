/* Random (version 4) UUIDs, for WS-Addressing MessageIDs and hvsim ids. */
#ifndef HVSNAP_UTIL_UUID_H
#define HVSNAP_UTIL_UUID_H

#define UUID_STR_LEN 37 /* 36 characters + NUL */

/* Writes a lower-case UUID into out; returns 0, or -1 when no randomness is
 * available. */
int hvs_uuid_random(char out[UUID_STR_LEN]);

#endif
