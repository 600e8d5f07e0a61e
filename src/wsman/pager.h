/* One enumeration's conversation with the host, shared by the decoding
 * iterator (enumerate.c) and the raw one (raw.c): the Enumerate, a Pull
 * while the host hands back a context, a Release when the caller stops
 * early; and the bounds every enumeration keeps, so that no host can make
 * one go on forever or fill memory (pages, items, bytes, runs of empty
 * pages, the request deadline). Parsing the answers is the caller's. */
#ifndef HVSNAP_WSMAN_PAGER_H
#define HVSNAP_WSMAN_PAGER_H

#include <libxml/tree.h>
#include <stddef.h>
#include <stdint.h>

#include "hvsnap/session.h"
#include "hvsnap/wsman.h"

typedef struct wsman_pager {
	hvsnap_session *session;
	char *uri;              /* Pull and Release repeat the Enumerate's URI */
	uint32_t max_elements;  /* as sent; 0: not sent */
	char *context;          /* the host's latest, NULL when none is left */
	int settled;            /* the host's context is known (no answer outstanding) */
	unsigned long pages, items;
	unsigned empty_run;     /* empty pages in a row */
	uint64_t bytes;
	uint64_t deadline_ms;   /* monotonic time the enumeration must end by */
} wsman_pager;

/* Sends the Enumerate built from opts (checked by the caller); on success
 * *resp is the answer, the caller's to parse and free. p is usable (and
 * must be closed) whatever the result. */
hvsnap_status hvs_pager_start(wsman_pager *p, hvsnap_session *s, const hvsnap_enum_options *opts,
                              xmlDocPtr *resp, hvsnap_error *err);
/* Sends a Pull for the next page (hvs_pager_more said there is one). */
hvsnap_status hvs_pager_pull(wsman_pager *p, xmlDocPtr *resp, hvsnap_error *err);
/* Records the page just parsed: its context (taken, may be NULL), whether
 * it ended the sequence, and how many items it held. An error names the
 * bound the host went past. */
hvsnap_status hvs_pager_took(wsman_pager *p, char *context, int end, size_t n_items,
                             hvsnap_error *err);
/* Whether the host has more to Pull. */
int hvs_pager_more(const wsman_pager *p);
/* Most items one page may hold: MaxElements, or WS-Enumeration's one. */
size_t hvs_pager_page_limit(const wsman_pager *p);
/* Gives the host its context back when the caller stops before the end
 * (best effort; not when the context's state is unknown), and frees. */
void hvs_pager_close(wsman_pager *p);

#endif
