/* The library's own entry to the global set-up: what hvsnap_session_new
 * calls so that a caller who never called hvsnap_global_init still gets
 * libcurl, libxml2 and OpenSSL set up once, under the same lock. */
#ifndef HVSNAP_WSMAN_GLOBAL_INT_H
#define HVSNAP_WSMAN_GLOBAL_INT_H

#include "hvsnap/error.h"

/* Sets the libraries up unless done; takes no reference. */
hvsnap_status hvs_global_ensure(void);

#endif
