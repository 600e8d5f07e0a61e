/* The enumeration iterator: Enumerate once, then Pull as items run out, and
 * Release the context when the caller stops before the end. Callers see one
 * item at a time whatever the host's paging (Windows sends one per Pull
 * unless MaxElements is given). */
#include <stdlib.h>
#include <string.h>

#include "hvsnap/wsman.h"
#include "util/err.h"
#include "wsman/pager.h"
#include "wsman/response.h"

struct hvsnap_enum {
	wsman_pager pager;
	wsman_enum_page page;  /* current page; items handed out are NULLed */
	size_t next;           /* index of the next item in page */
};

/* Parses the answer to the Enumerate or a Pull into e's page, and has the
 * pager count it. */
static hvsnap_status take_answer(hvsnap_enum *e, xmlDocPtr resp, int first, hvsnap_error *err)
{
	wsman_enum_page page;
	memset(&page, 0, sizeof(page));
	size_t limit = hvs_pager_page_limit(&e->pager);
	hvsnap_status st = first ? hvs_wsman_parse_enumerate(resp, limit, &page, err)
	                         : hvs_wsman_parse_pull(resp, limit, &page, err);
	xmlFreeDoc(resp);
	if (st != HVSNAP_OK)
		return st;
	hvs_wsman_enum_page_clear(&e->page);
	e->page = page;
	e->next = 0;
	char *context = e->page.context;
	e->page.context = NULL; /* the pager's now */
	return hvs_pager_took(&e->pager, context, e->page.end_of_sequence, e->page.n_items, err);
}

hvsnap_status hvsnap_enum_options_init(hvsnap_enum_options *opts, unsigned int version)
{
	HVS_INIT_FROM_TEMPLATE(opts, version, HVSNAP_ENUM_OPTIONS_VERSION, hvsnap_enum_options,
	                       HVSNAP_ENUM_OPTIONS_INIT);
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
	xmlDocPtr resp = NULL;
	hvsnap_status st = hvs_pager_start(&e->pager, s, opts, &resp, err);
	if (st == HVSNAP_OK)
		st = take_answer(e, resp, 1, err);
	if (st != HVSNAP_OK) {
		hvsnap_enum_free(e);
		return st;
	}
	*out = e;
	return HVSNAP_OK;
}

hvsnap_status hvsnap_enum_next(hvsnap_enum *e, hvsnap_cim_instance **item,
                               hvsnap_error *err)
{
	hvsnap_error_clear(err);
	*item = NULL;
	while (e->next >= e->page.n_items) {
		if (!hvs_pager_more(&e->pager))
			return HVSNAP_OK;
		xmlDocPtr resp = NULL;
		hvsnap_status st = hvs_pager_pull(&e->pager, &resp, err);
		if (st == HVSNAP_OK)
			st = take_answer(e, resp, 0, err);
		if (st != HVSNAP_OK)
			return st;
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
	hvs_pager_close(&e->pager);
	hvs_wsman_enum_page_clear(&e->page);
	free(e);
}
