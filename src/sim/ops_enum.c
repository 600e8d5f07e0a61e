/* WS-Enumeration: Enumerate (plain class URI, or WQL on the * URI), Pull
 * and Release, with Windows' habits: an EnumerateResponse holds only the
 * context (unless OptimizeEnumeration), each Pull returns one item unless
 * MaxElements says more, every Pull hands out a fresh context, and the last
 * one has no context and an EndOfSequence. Results are a snapshot taken at
 * Enumerate time, as WMI's are. */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "model.h"
#include "util/strutil.h"
#include "wql.h"

#define ENUM_TIMEOUT_MS 240000 /* WinRM EnumerationTimeoutms default */
#define ENUM_MAX 1024

enum enum_mode { EM_OBJECT, EM_EPR, EM_OBJECT_AND_EPR };

typedef struct enum_ctx {
	char id[48];
	sim_list items;
	size_t pos;
	enum enum_mode mode;
	long long touched_ms;
	struct enum_ctx *next;
} enum_ctx;

/* One list for every host hvsim serves (context ids are UUIDs), so it has
 * its own lock, taken inside the host's ctx->lock by the op_ wrappers. */
static pthread_mutex_t contexts_lock = PTHREAD_MUTEX_INITIALIZER;
static enum_ctx *contexts;
static size_t ncontexts;

static void ctx_free(enum_ctx *e)
{
	list_free(&e->items);
	free(e);
}

void enum_free_all(void)
{
	while (contexts) {
		enum_ctx *e = contexts;
		contexts = e->next;
		ctx_free(e);
	}
	ncontexts = 0;
}

static void expire(long long now)
{
	enum_ctx **pp = &contexts;
	while (*pp) {
		enum_ctx *e = *pp;
		if (now - e->touched_ms > ENUM_TIMEOUT_MS) {
			*pp = e->next;
			ctx_free(e);
			ncontexts--;
		} else {
			pp = &e->next;
		}
	}
}

static enum_ctx **find(const char *id)
{
	enum_ctx **pp;
	for (pp = &contexts; *pp; pp = &(*pp)->next)
		if (strcmp((*pp)->id, id) == 0)
			return pp;
	return NULL;
}

static void write_item(buf *b, const sim_inst *in, enum enum_mode mode)
{
	sim_epr e;
	if (mode == EM_OBJECT) {
		xw_instance(b, in);
		return;
	}
	class_epr(in, &e);
	if (mode == EM_EPR) {
		xw_epr_item(b, &e);
	} else {
		hvs_buf_append_str(b, "<w:Item>");
		xw_instance(b, in);
		xw_epr_item(b, &e);
		hvs_buf_append_str(b, "</w:Item>");
	}
	epr_clear(&e);
}

/* Room kept for the envelope around the items (headers, context). */
#define ENVELOPE_OVERHEAD 4096

/* Emits up to max items from e, and, as Windows does, no more than fit in
 * the client's MaxEnvelopeSize (envelope bytes, 0: no limit; one item is
 * always sent); returns 1 when the sequence has ended. */
static int write_items(buf *b, enum_ctx *e, size_t max, size_t envelope)
{
	size_t n = 0, start = b->len;
	size_t room = envelope > ENVELOPE_OVERHEAD ? envelope - ENVELOPE_OVERHEAD : 0;
	while (e->pos < e->items.n && n < max) {
		size_t before = b->len;
		write_item(b, e->items.v[e->pos], e->mode);
		if (envelope && n > 0 && b->len - start > room) {
			b->len = before; /* this one goes in the next page */
			b->data[before] = '\0';
			break;
		}
		e->pos++;
		n++;
	}
	return e->pos >= e->items.n;
}

static int epr_has_keys(const sim_epr *e, const sim_epr *keys)
{
	size_t i, k;
	if (!hvs_str_case_eq(e->cls, keys->cls))
		return 0;
	for (i = 0; i < keys->nsel; i++) {
		int ok = 0;
		for (k = 0; k < e->nsel; k++)
			if (hvs_str_case_eq(e->sel[k].name, keys->sel[i].name) &&
			    hvs_str_case_eq(e->sel[k].value, keys->sel[i].value))
				ok = 1;
		if (!ok)
			return 0;
	}
	return 1;
}

static enum sim_fault associators(sim_ctx *ctx, const wql_query *q,
                                  const char *lang, sim_list *out)
{
	const sim_epr *src = wql_source(q);
	const char *ac = wql_assoc_class(q), *rc = wql_result_class(q);
	sim_inst *source;
	sim_epr seen[256];
	size_t nseen = 0, a, i, k;

	if (!class_known(src->cls) || (ac && !class_is_association(ac)) ||
	    (rc && !class_known(rc)))
		return F_FILTER;
	source = class_resolve(ctx->model, src, lang);
	if (!source)
		return F_NOT_FOUND;
	inst_free(source);
	for (a = 0; class_association(a); a++) {
		sim_list rows = { 0 };
		if (ac && !hvs_str_case_eq(ac, class_association(a)))
			continue;
		class_instances(ctx->model, class_association(a), lang, &rows);
		for (i = 0; i < rows.n; i++) {
			const sim_prop *ends[2];
			size_t ne = 0;
			for (k = 0; k < rows.v[i]->n && ne < 2; k++)
				if (rows.v[i]->props[k].kind == PK_EPR)
					ends[ne++] = &rows.v[i]->props[k];
			for (k = 0; ne == 2 && k < 2; k++) {
				const sim_prop *me = ends[k], *other = ends[1 - k];
				sim_inst *res;
				size_t s;
				int dup = 0;
				if (!epr_has_keys(&me->epr, src))
					continue;
				if (wql_role(q) && !hvs_str_case_eq(wql_role(q), me->name))
					continue;
				if (wql_result_role(q) &&
				    !hvs_str_case_eq(wql_result_role(q), other->name))
					continue;
				if (rc && !hvs_str_case_eq(rc, other->epr.cls))
					continue;
				for (s = 0; s < nseen; s++)
					if (epr_equal(&seen[s], &other->epr))
						dup = 1;
				if (dup || nseen >= 256)
					continue;
				res = class_resolve(ctx->model, &other->epr, lang);
				if (!res)
					continue;
				epr_copy(&seen[nseen++], &other->epr);
				list_push(out, res);
			}
		}
		list_free(&rows);
	}
	for (i = 0; i < nseen; i++)
		epr_clear(&seen[i]);
	return F_NONE;
}

static int case_prefix(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++) {
		char a = *s >= 'a' && *s <= 'z' ? (char)(*s - 32) : *s;
		if (a != *prefix)
			return 0;
	}
	return 1;
}

/* A job poll ("SELECT * FROM Msvm_ConcreteJob WHERE InstanceID = 'a' OR
 * InstanceID = 'b' ...") can only match jobs whose id is in its text, so
 * only those are built: a fleet host keeps hundreds of jobs. True only
 * when every comparison is an InstanceID equality joined by OR (as many
 * '=' as "InstanceID", no other operator, no AND/NOT); anything else takes
 * the general path. */
static int names_jobs_only(const char *text, const char *cls)
{
	size_t eq = 0, ids = 0;
	const char *p;
	if (!hvs_str_case_eq(cls, "Msvm_ConcreteJob"))
		return 0;
	for (p = text; *p; p++) {
		if (*p == '=')
			eq++;
		if (*p == '<' || *p == '>' || *p == '!')
			return 0;
		if (strncmp(p, "InstanceID", 10) == 0)
			ids++;
		if ((p == text || p[-1] == ' ') &&
		    (case_prefix(p, "AND ") || case_prefix(p, "NOT ") ||
		     case_prefix(p, "LIKE ")))
			return 0;
	}
	return eq > 0 && eq == ids;
}

static void enumerate_unlocked(sim_ctx *ctx, sim_req *req, sim_resp *r)
{
	xmlNodePtr en = req_child(req->body, SIM_NS_WSEN, "Enumerate"), n;
	const char *lang = sim_lang(ctx, req);
	enum_ctx *e;
	int optimize = 0, ended;
	size_t max = 1;
	char *mode = NULL;
	enum sim_fault f = F_NONE;
	long long now = now_ms();

	if (!en) {
		sim_fault(ctx, req, r, F_SCHEMA, "The body has no Enumerate.");
		return;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		abort();
	n = req_child(en, SIM_NS_WSMAN, "EnumerationMode");
	if (n) {
		mode = req_text(n);
		if (strcmp(mode, "EnumerateEPR") == 0)
			e->mode = EM_EPR;
		else if (strcmp(mode, "EnumerateObjectAndEPR") == 0)
			e->mode = EM_OBJECT_AND_EPR;
		else
			f = F_SCHEMA;
		free(mode);
	}
	if (req_child(en, SIM_NS_WSMAN, "OptimizeEnumeration"))
		optimize = 1;
	n = req_child(en, SIM_NS_WSMAN, "MaxElements");
	if (n && f == F_NONE) {
		char *t = req_text(n);
		uint64_t v;
		if (hvs_str_to_u64(t, 32000, &v) != 0 || v == 0)
			f = F_SCHEMA;
		else
			max = (size_t)v;
		free(t);
	}
	n = req_child(en, SIM_NS_WSMAN, "Filter");
	if (f == F_NONE && req_child(en, SIM_NS_WSEN, "Filter"))
		f = F_FILTER; /* WinRM filters through wsman:Filter only */
	if (f == F_NONE && n) {
		xmlChar *d = xmlGetProp(n, (const xmlChar *)"Dialect");
		char *text = req_text(n), err[128];
		wql_query *q = NULL;
		if (!d || strcmp((const char *)d, SIM_WQL_DIALECT) != 0)
			f = F_DIALECT;
		else if (strcmp(req->cls, "*") != 0)
			f = F_WQL_URI;
		else if (wql_parse(text, &q, err, sizeof(err)) != 0)
			f = F_FILTER;
		else if (wql_is_associators(q))
			f = associators(ctx, q, lang, &e->items);
		else if (!class_known(wql_class(q)))
			f = F_FILTER;
		else {
			sim_list all = { 0 };
			size_t i;
			if (names_jobs_only(text, wql_class(q)))
				class_jobs_named(ctx->model, text, &all);
			else
				class_instances(ctx->model, wql_class(q), lang, &all);
			for (i = 0; i < all.n; i++)
				if (wql_match(q, all.v[i])) {
					list_push(&e->items, all.v[i]);
					all.v[i] = NULL;
				}
			list_free(&all);
		}
		wql_free(q);
		xmlFree(d);
		free(text);
	} else if (f == F_NONE) {
		if (strcmp(req->cls, "*") == 0)
			f = F_FILTER; /* the star URI needs a query */
		else
			class_instances(ctx->model, req->cls, lang, &e->items);
	}
	if (f != F_NONE) {
		ctx_free(e);
		sim_fault(ctx, req, r, f, NULL);
		return;
	}
	expire(now);
	xw_uuid(e->id);
	e->touched_ms = now;
	xw_envelope_open(&r->body, lang, SIM_NS_WSEN "/EnumerateResponse",
	                 req->message_id);
	hvs_buf_append_str(&r->body, "<n:EnumerateResponse>");
	if (optimize) {
		buf tmp = BUF_INIT;
		hvs_buf_append_str(&tmp, "<w:Items>");
		ended = write_items(&tmp, e, max, req->max_envelope);
		hvs_buf_append_str(&tmp, "</w:Items>");
		if (!ended)
			hvs_buf_printf(&r->body, "<n:EnumerationContext>%s"
			           "</n:EnumerationContext>", e->id);
		hvs_buf_append(&r->body, tmp.data, tmp.len);
		hvs_buf_free(&tmp);
		if (ended)
			hvs_buf_append_str(&r->body, "<w:EndOfSequence/>");
	} else {
		ended = 0;
		hvs_buf_printf(&r->body, "<n:EnumerationContext>%s"
		           "</n:EnumerationContext>", e->id);
	}
	hvs_buf_append_str(&r->body, "</n:EnumerateResponse>");
	xw_envelope_close(&r->body);
	if (ended || ncontexts >= ENUM_MAX) {
		ctx_free(e);
	} else {
		e->next = contexts;
		contexts = e;
		ncontexts++;
	}
}

static enum_ctx **context_of(sim_req *req, const char *op)
{
	xmlNodePtr n = req_child(req_child(req->body, SIM_NS_WSEN, op),
	                         SIM_NS_WSEN, "EnumerationContext");
	char *id = req_text(n);
	enum_ctx **pp;
	if (!id)
		return NULL;
	{
		/* tolerate whitespace around the context */
		char *p = id, *end;
		while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
			p++;
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\n' ||
		                   end[-1] == '\t' || end[-1] == '\r'))
			*--end = '\0';
		pp = find(p);
	}
	free(id);
	return pp;
}

static void pull_unlocked(sim_ctx *ctx, sim_req *req, sim_resp *r)
{
	xmlNodePtr pull = req_child(req->body, SIM_NS_WSEN, "Pull"), n;
	enum_ctx **pp, *e;
	size_t max = 1;
	int ended;
	long long now = now_ms();

	if (!pull) {
		sim_fault(ctx, req, r, F_SCHEMA, "The body has no Pull.");
		return;
	}
	expire(now);
	n = req_child(pull, SIM_NS_WSEN, "MaxElements");
	if (n) {
		char *t = req_text(n);
		uint64_t v;
		int bad = hvs_str_to_u64(t, 32000, &v) != 0 || v == 0;
		free(t);
		if (bad) {
			sim_fault(ctx, req, r, F_SCHEMA, "MaxElements is invalid.");
			return;
		}
		max = (size_t)v;
	}
	pp = context_of(req, "Pull");
	if (!pp) {
		sim_fault(ctx, req, r, F_ENUM_CONTEXT, NULL);
		return;
	}
	e = *pp;
	xw_envelope_open(&r->body, sim_lang(ctx, req), SIM_NS_WSEN "/PullResponse",
	                 req->message_id);
	hvs_buf_append_str(&r->body, "<n:PullResponse>");
	{
		buf tmp = BUF_INIT;
		hvs_buf_append_str(&tmp, "<n:Items>");
		ended = write_items(&tmp, e, max, req->max_envelope);
		hvs_buf_append_str(&tmp, "</n:Items>");
		if (!ended) {
			xw_uuid(e->id); /* every Pull hands out a new context */
			e->touched_ms = now;
			hvs_buf_printf(&r->body, "<n:EnumerationContext>%s"
			           "</n:EnumerationContext>", e->id);
		}
		hvs_buf_append(&r->body, tmp.data, tmp.len);
		hvs_buf_free(&tmp);
	}
	if (ended) {
		hvs_buf_append_str(&r->body, "<n:EndOfSequence/>");
		*pp = e->next;
		ctx_free(e);
		ncontexts--;
	}
	hvs_buf_append_str(&r->body, "</n:PullResponse>");
	xw_envelope_close(&r->body);
}

static void release_unlocked(sim_ctx *ctx, sim_req *req, sim_resp *r)
{
	enum_ctx **pp, *e;
	if (!req_child(req->body, SIM_NS_WSEN, "Release")) {
		sim_fault(ctx, req, r, F_SCHEMA, "The body has no Release.");
		return;
	}
	pp = context_of(req, "Release");
	if (!pp) {
		sim_fault(ctx, req, r, F_ENUM_CONTEXT, NULL);
		return;
	}
	e = *pp;
	*pp = e->next;
	ctx_free(e);
	ncontexts--;
	xw_envelope_open(&r->body, sim_lang(ctx, req),
	                 SIM_NS_WSEN "/ReleaseResponse", req->message_id);
	xw_envelope_close(&r->body);
}

void op_enumerate(sim_ctx *ctx, sim_req *req, sim_resp *r)
{
	pthread_mutex_lock(&contexts_lock);
	enumerate_unlocked(ctx, req, r);
	pthread_mutex_unlock(&contexts_lock);
}

void op_pull(sim_ctx *ctx, sim_req *req, sim_resp *r)
{
	pthread_mutex_lock(&contexts_lock);
	pull_unlocked(ctx, req, r);
	pthread_mutex_unlock(&contexts_lock);
}

void op_release(sim_ctx *ctx, sim_req *req, sim_resp *r)
{
	pthread_mutex_lock(&contexts_lock);
	release_unlocked(ctx, req, r);
	pthread_mutex_unlock(&contexts_lock);
}
