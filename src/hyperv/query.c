/* WQL queries collected into a list. OptimizeEnumeration with MaxElements
 * lets the host answer small result sets in the Enumerate response itself
 * instead of one Pull per item. */
#include "hyperv/query.h"

#include <stdlib.h>

#include "hyperv/wql.h"
#include "util/buf.h"
#include "util/err.h"

#define QUERY_MAX_ELEMENTS 100u

void hvs_instance_list_clear(instance_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		hvsnap_cim_instance_free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

hvsnap_status hvs_query_all(hvsnap_session *s, const char *wql, instance_list *out,
                        hvsnap_error *err)
{
	out->items = NULL;
	out->n = 0;
	hvsnap_enum_options eo = {
		.version = HVSNAP_ENUM_OPTIONS_VERSION,
		.resource_uri = HVSNAP_WMI_V2_ALL,
		.wql = wql,
		.mode = HVSNAP_ENUM_OBJECTS,
		.optimize = 1,
		.max_elements = QUERY_MAX_ELEMENTS,
	};
	hvsnap_enum *e = NULL;
	hvsnap_status st = hvsnap_enum_start(s, &eo, &e, err);
	if (st != HVSNAP_OK)
		return st;
	size_t cap = 0;
	for (;;) {
		hvsnap_cim_instance *item = NULL;
		st = hvsnap_enum_next(e, &item, err);
		if (st != HVSNAP_OK || !item)
			break;
		if (out->n == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			hvsnap_cim_instance **p = realloc(out->items, ncap * sizeof(*p));
			if (!p) {
				hvsnap_cim_instance_free(item);
				st = hvs_err_nomem(err);
				break;
			}
			out->items = p;
			cap = ncap;
		}
		out->items[out->n++] = item;
	}
	hvsnap_enum_free(e);
	if (st != HVSNAP_OK)
		hvs_instance_list_clear(out);
	return st;
}

hvsnap_status hvs_query_literal(hvsnap_session *s, const char *before, const char *literal,
                            const char *after, instance_list *out, hvsnap_error *err)
{
	out->items = NULL;
	out->n = 0;
	buf q = BUF_INIT;
	if (hvs_buf_append_str(&q, before) != 0) {
		hvs_buf_free(&q);
		return hvs_err_nomem(err);
	}
	if (hvs_wql_append_literal(&q, literal) != 0) {
		hvs_buf_free(&q);
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		               "'%s' cannot be used in a query (it holds a control character)", literal);
	}
	if (after && hvs_buf_append_str(&q, after) != 0) {
		hvs_buf_free(&q);
		return hvs_err_nomem(err);
	}
	hvsnap_status st = hvs_query_all(s, q.data, out, err);
	hvs_buf_free(&q);
	return st;
}
