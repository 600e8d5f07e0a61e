/* Looking at many jobs in one round trip: one WQL query on Msvm_ConcreteJob
 * with an OR of their InstanceIDs, so that following a hundred running
 * checkpoints costs one request per poll instead of a hundred Gets. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hvsnap/job.h"
#include "hyperv/classes.h"
#include "hyperv/job_int.h"
#include "hyperv/objects.h"
#include "hyperv/query.h"
#include "hyperv/wql.h"
#include "util/buf.h"
#include "util/err.h"

/* InstanceIDs per query: Windows takes long WQL, but a short OR chain
 * keeps each query far from any host's filter limit. */
#define IDS_PER_QUERY 64

struct hvsnap_job_list {
	hvsnap_job **items;   /* in the order of the ids asked for */
	size_t n;
};

size_t hvsnap_job_list_count(const hvsnap_job_list *list)
{
	return list ? list->n : 0;
}

const hvsnap_job *hvsnap_job_list_at(const hvsnap_job_list *list, size_t i)
{
	return list && i < list->n ? list->items[i] : NULL;
}

const hvsnap_job *hvsnap_job_list_find(const hvsnap_job_list *list, const char *job_id)
{
	for (size_t i = 0; job_id && list && i < list->n; i++)
		if (strcasecmp(list->items[i]->id, job_id) == 0)
			return list->items[i];
	return NULL;
}

void hvsnap_job_list_free(hvsnap_job_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->n; i++)
		hvsnap_job_free(list->items[i]);
	free(list->items);
	free(list);
}

/* SELECT * FROM Msvm_ConcreteJob WHERE InstanceID = '..' OR ... */
static hvsnap_status build_query(buf *q, const char *const *ids, size_t n,
                                 hvsnap_error *err)
{
	if (hvs_buf_append_str(q, "SELECT * FROM " CLASS_CONCRETE_JOB " WHERE ") != 0)
		return hvs_err_nomem(err);
	for (size_t i = 0; i < n; i++) {
		if ((i && hvs_buf_append_str(q, " OR ") != 0) ||
		    hvs_buf_append_str(q, "InstanceID = ") != 0)
			return hvs_err_nomem(err);
		if (hvs_wql_append_literal(q, ids[i]) != 0)
			return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
			                   "job id '%s' cannot be used in a query", ids[i]);
	}
	return HVSNAP_OK;
}

/* Moves the answer's jobs into list, in the order asked for. */
static hvsnap_status collect(hvsnap_job_list *list, instance_list *l,
                             const char *const *ids, size_t n, hvsnap_error *err)
{
	for (size_t k = 0; k < n; k++) {
		for (size_t i = 0; i < l->n; i++) {
			const char *iid = hvsnap_cim_get_text(l->items[i], "InstanceID");
			if (!iid || strcasecmp(iid, ids[k]) != 0)
				continue;
			hvsnap_job *job = NULL;
			hvsnap_status st = hvs_job_from_instance(l->items[i], ids[k], &job, err);
			if (st != HVSNAP_OK)
				return st;
			list->items[list->n++] = job;
			break;
		}
	}
	return HVSNAP_OK;
}

hvsnap_status hvsnap_job_poll(hvsnap_session *s, const char *const *job_ids, size_t n,
                              hvsnap_job_list **out, hvsnap_error *err)
{
	hvsnap_error_clear(err);
	*out = NULL;
	if (n && !job_ids)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "no job ids given");
	for (size_t i = 0; i < n; i++)
		if (!job_ids[i] || !*job_ids[i])
			return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "an empty job id was given");
	hvsnap_job_list *list = calloc(1, sizeof(*list));
	if (!list || !(list->items = calloc(n ? n : 1, sizeof(hvsnap_job *)))) {
		free(list);
		return hvs_err_nomem(err);
	}
	hvsnap_status st = HVSNAP_OK;
	for (size_t at = 0; st == HVSNAP_OK && at < n; at += IDS_PER_QUERY) {
		size_t chunk = n - at < IDS_PER_QUERY ? n - at : IDS_PER_QUERY;
		buf q = BUF_INIT;
		st = build_query(&q, job_ids + at, chunk, err);
		instance_list l = { NULL, 0 };
		if (st == HVSNAP_OK)
			st = hvs_query_all(s, q.data, &l, err);
		if (st == HVSNAP_OK)
			st = collect(list, &l, job_ids + at, chunk, err);
		hvs_instance_list_clear(&l);
		hvs_buf_free(&q);
	}
	if (st != HVSNAP_OK) {
		hvsnap_job_list_free(list);
		return st;
	}
	*out = list;
	return HVSNAP_OK;
}
