/* The enumeration conversation and its bounds: see pager.h. */
#include "wsman/pager.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "util/err.h"
#include "util/strutil.h"
#include "wsman/envelope.h"
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

static hvsnap_status send(wsman_pager *p, xmlDocPtr req, const char *label,
                          winrm_resend retry, xmlDocPtr *resp, hvsnap_error *err)
{
	/* Until its answer is parsed, where the host's cursor stands is unknown. */
	p->settled = 0;
	hvsnap_status st = hvs_wsman_session_call(p->session, req, label, retry, resp, err);
	xmlFreeDoc(req);
	return st;
}

hvsnap_status hvs_pager_start(wsman_pager *p, hvsnap_session *s, const hvsnap_enum_options *opts,
                              xmlDocPtr *resp, hvsnap_error *err)
{
	memset(p, 0, sizeof(*p));
	*resp = NULL;
	p->session = s;
	p->max_elements = opts->max_elements;
	p->deadline_ms = hvs_platform_monotonic_ms() + (uint64_t)s->opts.timeout_ms;
	p->uri = hvs_str_dup(opts->resource_uri);
	if (!p->uri)
		return hvs_err_nomem(err);
	wsman_request_opts o;
	hvs_wsman_session_request_opts(s, &o, opts->resource_uri, NULL, 0);
	xmlDocPtr req = hvs_wsman_build_enumerate(&o, opts);
	if (!req)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "cannot build an Enumerate request%s",
		                   opts->wql ? " (a WQL filter needs a namespace's \"*\" URI)" : "");
	/* Resending an Enumerate whose answer was lost is safe: at worst the
	 * host keeps an unused context until its own timeout drops it. */
	return send(p, req, "Enumerate", WINRM_RESEND_ON_RECONNECT, resp, err);
}

hvsnap_status hvs_pager_pull(wsman_pager *p, xmlDocPtr *resp, hvsnap_error *err)
{
	*resp = NULL;
	wsman_request_opts o;
	hvs_wsman_session_request_opts(p->session, &o, p->uri, NULL, 0);
	xmlDocPtr req = hvs_wsman_build_pull(&o, p->context, p->max_elements);
	if (!req)
		return hvs_err_nomem(err);
	/* A Pull advances the host's cursor, so a resend after a lost answer
	 * could skip items; it is not retried. */
	return send(p, req, "Pull", WINRM_NEVER_RESEND, resp, err);
}

hvsnap_status hvs_pager_took(wsman_pager *p, char *context, int end, size_t n_items,
                             hvsnap_error *err)
{
	free(p->context);
	p->context = NULL;
	if (context && *context && !end)
		p->context = context;
	else
		free(context);
	p->pages++;
	p->items += n_items;
	p->bytes += p->session->reply_bytes;
	p->empty_run = n_items ? 0 : p->empty_run + 1;
	p->settled = 1;
	char why[80];
	if (p->items > MAX_ENUM_ITEMS)
		snprintf(why, sizeof(why), "more than %u items", MAX_ENUM_ITEMS);
	else if (p->pages > MAX_ENUM_PAGES)
		snprintf(why, sizeof(why), "more than %u pages", MAX_ENUM_PAGES);
	else if (p->bytes > MAX_ENUM_BYTES)
		snprintf(why, sizeof(why), "more than %llu MiB",
		         (unsigned long long)(MAX_ENUM_BYTES >> 20));
	else if (p->context && p->empty_run > MAX_EMPTY_PULLS)
		snprintf(why, sizeof(why), "%u empty pages in a row", MAX_EMPTY_PULLS);
	else if (p->context && hvs_platform_monotonic_ms() >= p->deadline_ms)
		snprintf(why, sizeof(why), "the %lu s request timeout",
		         (unsigned long)(p->session->opts.timeout_ms + 999) / 1000);
	else
		return HVSNAP_OK;
	p->settled = 0; /* the host's context is not worth a Release now */
	hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
	            "the host's enumeration was stopped after %s: it sent %lu pages, "
	            "%lu items and %llu bytes and still had more",
	            why, p->pages, p->items, (unsigned long long)p->bytes);
	hvs_err_add_detail(err, "resource %s", p->uri);
	return HVSNAP_ERR_PROTOCOL;
}

int hvs_pager_more(const wsman_pager *p)
{
	return p->context != NULL;
}

size_t hvs_pager_page_limit(const wsman_pager *p)
{
	return p->max_elements ? p->max_elements : 1;
}

void hvs_pager_close(wsman_pager *p)
{
	if (p->settled && p->context) {
		/* Leaving a context open holds resources on the host until it
		 * times out; a failed Release changes nothing for the caller. */
		wsman_request_opts o;
		hvs_wsman_session_request_opts(p->session, &o, p->uri, NULL, 0);
		xmlDocPtr req = hvs_wsman_build_release(&o, p->context);
		xmlDocPtr resp = NULL;
		if (req && send(p, req, "Release", WINRM_NEVER_RESEND, &resp, NULL) == HVSNAP_OK)
			xmlFreeDoc(resp);
	}
	free(p->context);
	free(p->uri);
	memset(p, 0, sizeof(*p));
}
