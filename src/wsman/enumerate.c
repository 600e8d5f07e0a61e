/* The enumeration iterator: Enumerate once, then Pull as items run out, and
 * Release the context when the caller stops before the end. Callers see one
 * item at a time whatever the host's paging (Windows sends one per Pull
 * unless MaxElements is given). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvsnap/wsman.h"
#include "platform/platform.h"
#include "util/err.h"
#include "util/strutil.h"
#include "wsman/envelope.h"
#include "wsman/response.h"
#include "wsman/session_int.h"

/* A host that keeps sending empty pages with a context would loop forever. */
#define MAX_EMPTY_PULLS 64

/* A host that keeps sending items with a context would too, taking memory
 * as it goes (callers usually collect every item). No Hyper-V enumeration
 * comes near these: a host holds at most 1,024 VMs of 50 checkpoints each,
 * so even every settings object of a full host is about 52,000 items of a
 * few KiB. Pages are bounded separately from items because a host may send
 * one item per page; the whole enumeration also ends at the session's
 * request timeout, counted from the Enumerate. */
#define MAX_ENUM_ITEMS 100000u
#define MAX_ENUM_PAGES 100000u
#define MAX_ENUM_BYTES ((uint64_t)256 * 1024 * 1024)

struct hvsnap_enum {
	hvsnap_session *session;
	char *pull_uri;        /* Pull and Release repeat the Enumerate's URI */
	unsigned max_elements;
	wsman_enum_page page;  /* current page; items handed out are NULLed */
	size_t next;           /* index of the next item in page */
	int finished;          /* no context left on the host */
	/* what the host has sent so far, against the MAX_ENUM_* bounds */
	unsigned long pages, items;
	uint64_t bytes;
	uint64_t deadline_ms;  /* monotonic time the enumeration must end by */
};

/* Most items one page may hold: what MaxElements asked for, or the one
 * item WS-Enumeration defaults to when it was not sent. */
static size_t page_limit(const hvsnap_enum *e)
{
	return e->max_elements ? e->max_elements : 1;
}

/* Counts a page just received; an error names the bound it exceeded. */
static hvsnap_status count_page(hvsnap_enum *e, size_t n_items, hvsnap_error *err)
{
	e->pages++;
	e->items += n_items;
	e->bytes += e->session->reply_bytes;
	char why[80];
	if (e->items > MAX_ENUM_ITEMS)
		snprintf(why, sizeof(why), "more than %u items", MAX_ENUM_ITEMS);
	else if (e->pages > MAX_ENUM_PAGES)
		snprintf(why, sizeof(why), "more than %u pages", MAX_ENUM_PAGES);
	else if (e->bytes > MAX_ENUM_BYTES)
		snprintf(why, sizeof(why), "more than %llu MiB",
		         (unsigned long long)(MAX_ENUM_BYTES >> 20));
	else if (!e->finished && hvs_platform_monotonic_ms() >= e->deadline_ms)
		snprintf(why, sizeof(why), "the %lu s request timeout",
		         (unsigned long)(e->session->opts.timeout_ms + 999) / 1000);
	else
		return HVSNAP_OK;
	e->finished = 1; /* the host's context is not worth a Release now */
	hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
	        "the host's enumeration was stopped after %s: it sent %lu pages, "
	        "%lu items and %llu bytes and still had more",
	        why, e->pages, e->items, (unsigned long long)e->bytes);
	hvs_err_add_detail(err, "resource %s", e->pull_uri);
	return HVSNAP_ERR_PROTOCOL;
}

static void take_page(hvsnap_enum *e, wsman_enum_page *page)
{
	hvs_wsman_enum_page_clear(&e->page);
	e->page = *page;
	memset(page, 0, sizeof(*page));
	e->next = 0;
	if (e->page.end_of_sequence || !e->page.context)
		e->finished = 1;
}

hvsnap_status hvsnap_enum_options_init(hvsnap_enum_options *opts, unsigned int version)
{
	/* The same defaults as HVSNAP_ENUM_OPTIONS_INIT, from one definition. */
	static const hvsnap_enum_options defaults = HVSNAP_ENUM_OPTIONS_INIT;
	if (!opts || version != HVSNAP_ENUM_OPTIONS_VERSION)
		return HVSNAP_ERR_USAGE;
	*opts = defaults;
	return HVSNAP_OK;
}

hvsnap_status hvsnap_enum_start(hvsnap_session *s, const hvsnap_enum_options *opts,
                                hvsnap_enum **out, hvsnap_error *err)
{
	hvsnap_error_clear(err);
	*out = NULL;
	if (opts && hvs_check_version(err, "enumeration options", opts, HVSNAP_ENUM_OPTIONS_VERSION))
		return HVSNAP_ERR_USAGE;
	if (!opts || !opts->resource_uri || !*opts->resource_uri)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "no resource URI given to enumerate");
	/* What the request builder refuses, said here in the caller's terms. */
	if (opts->mode != HVSNAP_ENUM_OBJECTS && opts->mode != HVSNAP_ENUM_EPRS)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "unknown enumeration mode %d",
		                   (int)opts->mode);
	if (opts->wql && opts->wql[strspn(opts->wql, " \t\r\n")] == '\0')
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "the WQL filter is empty");
	size_t uri_len = strlen(opts->resource_uri);
	if (opts->wql && (uri_len < 2 || strcmp(opts->resource_uri + uri_len - 2, "/*") != 0))
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		                   "a WQL filter needs a namespace's \"*\" resource URI "
		                   "(HVSNAP_WMI_V2_ALL for Hyper-V), not %s", opts->resource_uri);
	hvsnap_enum *e = calloc(1, sizeof(*e));
	if (!e)
		return hvs_err_nomem(err);
	e->session = s;
	e->max_elements = opts->max_elements;
	e->deadline_ms = hvs_platform_monotonic_ms() + (uint64_t)s->opts.timeout_ms;
	e->pull_uri = hvs_str_dup(opts->resource_uri);
	if (!e->pull_uri) {
		free(e);
		return hvs_err_nomem(err);
	}
	wsman_request_opts o;
	hvs_wsman_session_request_opts(s, &o, opts->resource_uri, NULL, 0);
	xmlDocPtr req = hvs_wsman_build_enumerate(&o, opts);
	if (!req) {
		hvsnap_enum_free(e);
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "cannot build an Enumerate request");
	}
	xmlDocPtr resp = NULL;
	/* Resending an Enumerate whose answer was lost is safe: at worst the
	 * host keeps an unused context until its own timeout drops it. */
	hvsnap_status st = hvs_wsman_session_call(s, req, "Enumerate", WINRM_RESEND_ON_RECONNECT,
	                                      &resp, err);
	xmlFreeDoc(req);
	wsman_enum_page page;
	memset(&page, 0, sizeof(page));
	if (st == HVSNAP_OK)
		st = hvs_wsman_parse_enumerate(resp, page_limit(e), &page, err);
	xmlFreeDoc(resp);
	if (st != HVSNAP_OK) {
		e->finished = 1;
		hvsnap_enum_free(e);
		return st;
	}
	take_page(e, &page);
	st = count_page(e, e->page.n_items, err);
	if (st != HVSNAP_OK) {
		hvsnap_enum_free(e);
		return st;
	}
	*out = e;
	return HVSNAP_OK;
}

static hvsnap_status pull(hvsnap_enum *e, hvsnap_error *err)
{
	wsman_request_opts o;
	hvs_wsman_session_request_opts(e->session, &o, e->pull_uri, NULL, 0);
	xmlDocPtr req = hvs_wsman_build_pull(&o, e->page.context, e->max_elements);
	if (!req)
		return hvs_err_nomem(err);
	xmlDocPtr resp = NULL;
	/* A Pull advances the host's cursor, so a resend after a lost answer
	 * could skip items; it is not retried. */
	hvsnap_status st = hvs_wsman_session_call(e->session, req, "Pull", WINRM_NEVER_RESEND,
	                                      &resp, err);
	xmlFreeDoc(req);
	wsman_enum_page page;
	memset(&page, 0, sizeof(page));
	if (st == HVSNAP_OK)
		st = hvs_wsman_parse_pull(resp, page_limit(e), &page, err);
	xmlFreeDoc(resp);
	if (st != HVSNAP_OK) {
		e->finished = 1; /* the context is in an unknown state */
		return st;
	}
	take_page(e, &page);
	return count_page(e, e->page.n_items, err);
}

hvsnap_status hvsnap_enum_next(hvsnap_enum *e, hvsnap_cim_instance **item,
                               hvsnap_error *err)
{
	hvsnap_error_clear(err);
	*item = NULL;
	unsigned empty_pulls = 0;
	while (e->next >= e->page.n_items) {
		if (e->finished)
			return HVSNAP_OK;
		hvsnap_status st = pull(e, err);
		if (st != HVSNAP_OK)
			return st;
		if (e->page.n_items == 0 && ++empty_pulls > MAX_EMPTY_PULLS) {
			e->finished = 1;
			return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
			               "the host sent %u empty Pull responses in a row", empty_pulls - 1);
		}
	}
	*item = e->page.items[e->next];
	e->page.items[e->next] = NULL;
	e->next++;
	return HVSNAP_OK;
}

void hvsnap_enum_free(hvsnap_enum *e)
{
	if (!e)
		return;
	if (!e->finished && e->page.context) {
		/* Leaving a context open holds resources on the host until it
		 * times out; a failed Release changes nothing for the caller. */
		wsman_request_opts o;
		hvs_wsman_session_request_opts(e->session, &o, e->pull_uri, NULL, 0);
		xmlDocPtr req = hvs_wsman_build_release(&o, e->page.context);
		if (req) {
			xmlDocPtr resp = NULL;
			if (hvs_wsman_session_call(e->session, req, "Release", WINRM_NEVER_RESEND, &resp,
			                       NULL) == HVSNAP_OK)
				xmlFreeDoc(resp);
			xmlFreeDoc(req);
		}
	}
	hvs_wsman_enum_page_clear(&e->page);
	free(e->pull_uri);
	free(e);
}
