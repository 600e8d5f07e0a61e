/* Generic WMI instances (class + typed property bag) and EPRs. The model
 * builds these on demand; the writer, WQL and association walks only ever
 * see this shape, so one writer serves every class. Out of memory aborts:
 * a test simulator has no useful way to degrade. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim.h"
#include "util/strutil.h"

static void *xalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (!p) {
		fputs("hvsim: out of memory\n", stderr);
		abort();
	}
	return p;
}

static char *xdup(const char *s)
{
	char *d;
	if (!s)
		return NULL;
	d = hvs_str_dup(s);
	if (!d) {
		fputs("hvsim: out of memory\n", stderr);
		abort();
	}
	return d;
}

sim_inst *inst_new(const char *cls)
{
	sim_inst *in = xalloc(sizeof(*in));
	in->cls = xdup(cls);
	return in;
}

static void prop_clear(sim_prop *p)
{
	size_t i;
	free(p->name);
	free(p->text);
	for (i = 0; i < p->nitems; i++)
		free(p->items[i]);
	free(p->items);
	epr_clear(&p->epr);
	memset(p, 0, sizeof(*p));
}

void inst_free(sim_inst *in)
{
	size_t i;
	if (!in)
		return;
	for (i = 0; i < in->n; i++)
		prop_clear(&in->props[i]);
	free(in->props);
	free(in->cls);
	free(in);
}

/* Returns the property slot for name, emptied, creating it if needed. */
static sim_prop *slot(sim_inst *in, const char *name)
{
	size_t i;
	for (i = 0; i < in->n; i++)
		if (strcmp(in->props[i].name, name) == 0) {
			prop_clear(&in->props[i]);
			in->props[i].name = xdup(name);
			return &in->props[i];
		}
	if (in->n == in->cap) {
		size_t nc = in->cap ? in->cap * 2 : 32;
		sim_prop *np = realloc(in->props, nc * sizeof(*np));
		if (!np)
			abort();
		in->props = np;
		in->cap = nc;
	}
	memset(&in->props[in->n], 0, sizeof(sim_prop));
	in->props[in->n].name = xdup(name);
	return &in->props[in->n++];
}

sim_inst *inst_clone(const sim_inst *src)
{
	sim_inst *in = inst_new(src->cls);
	size_t i, k;
	for (i = 0; i < src->n; i++) {
		const sim_prop *s = &src->props[i];
		sim_prop *d = slot(in, s->name);
		d->kind = s->kind;
		d->text = xdup(s->text);
		if (s->nitems) {
			d->items = xalloc(s->nitems * sizeof(char *));
			for (k = 0; k < s->nitems; k++)
				d->items[k] = xdup(s->items[k]);
			d->nitems = s->nitems;
		}
		epr_copy(&d->epr, &s->epr);
	}
	return in;
}

void inst_set_text(sim_inst *in, const char *name, const char *text)
{
	sim_prop *p = slot(in, name);
	p->kind = text ? PK_TEXT : PK_NIL;
	p->text = xdup(text);
}

void inst_set_fmt(sim_inst *in, const char *name, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	inst_set_text(in, name, tmp);
}

void inst_set_nil(sim_inst *in, const char *name)
{
	slot(in, name)->kind = PK_NIL;
}

void inst_set_bool(sim_inst *in, const char *name, int v)
{
	inst_set_text(in, name, v ? "true" : "false");
}

void inst_set_uint(sim_inst *in, const char *name, unsigned long long v)
{
	inst_set_fmt(in, name, "%llu", v);
}

void iso8601_from_ms(long long ms, char out[40])
{
	struct tm tm;
	time_t t;
	int frac;
	if (ms < 0) {
		strcpy(out, "1601-01-01T00:00:00Z");
		return;
	}
	t = (time_t)(ms / 1000);
	frac = (int)(ms % 1000);
	gmtime_r(&t, &tm);
	if (frac == 0) {
		strftime(out, 40, "%Y-%m-%dT%H:%M:%SZ", &tm);
	} else {
		char base[24], f[4];
		size_t l;
		strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(f, sizeof(f), "%03d", frac);
		/* WMI trims trailing zeros of the fraction (".68424Z") */
		l = strlen(f);
		while (l > 1 && f[l - 1] == '0')
			f[--l] = '\0';
		snprintf(out, 40, "%s.%sZ", base, f);
	}
}

void inst_set_datetime(sim_inst *in, const char *name, long long ms)
{
	char tmp[40];
	sim_prop *p;
	iso8601_from_ms(ms, tmp);
	p = slot(in, name);
	p->kind = PK_DATETIME;
	p->text = xdup(tmp);
}

void inst_set_interval(sim_inst *in, const char *name, unsigned long long ms)
{
	char tmp[80];
	unsigned long long s = ms / 1000, d = s / 86400;
	sim_prop *p;
	if (ms % 1000)
		snprintf(tmp, sizeof(tmp), "P%lluDT%lluH%lluM%llu.%03lluS", d,
		         (s / 3600) % 24, (s / 60) % 60, s % 60, ms % 1000);
	else
		snprintf(tmp, sizeof(tmp), "P%lluDT%lluH%lluM%lluS", d,
		         (s / 3600) % 24, (s / 60) % 60, s % 60);
	p = slot(in, name);
	p->kind = PK_INTERVAL;
	p->text = xdup(tmp);
}

void inst_set_array(sim_inst *in, const char *name, const char *const *items,
                    size_t n)
{
	sim_prop *p = slot(in, name);
	size_t i;
	if (n == 0) {
		p->kind = PK_NIL; /* an empty WMI array is written as nil */
		return;
	}
	p->kind = PK_ARRAY;
	p->items = xalloc(n * sizeof(char *));
	for (i = 0; i < n; i++)
		p->items[i] = xdup(items[i]);
	p->nitems = n;
}

void inst_set_uint_array(sim_inst *in, const char *name, const unsigned *items,
                         size_t n)
{
	char tmp[16][16];
	const char *ptrs[16];
	size_t i;
	if (n > 16)
		n = 16;
	for (i = 0; i < n; i++) {
		snprintf(tmp[i], sizeof(tmp[i]), "%u", items[i]);
		ptrs[i] = tmp[i];
	}
	inst_set_array(in, name, ptrs, n);
}

void inst_set_epr(sim_inst *in, const char *name, const sim_epr *e)
{
	sim_prop *p = slot(in, name);
	p->kind = PK_EPR;
	epr_copy(&p->epr, e);
}

const sim_prop *inst_get(const sim_inst *in, const char *name)
{
	size_t i;
	for (i = 0; i < in->n; i++)
		if (hvs_str_case_eq(in->props[i].name, name))
			return &in->props[i];
	return NULL;
}

const char *inst_text(const sim_inst *in, const char *name)
{
	const sim_prop *p = inst_get(in, name);
	if (!p || (p->kind != PK_TEXT && p->kind != PK_DATETIME &&
	           p->kind != PK_INTERVAL))
		return NULL;
	return p->text;
}

/* Case-insensitive first, as WMI's property order is; ties by bytes. */
static int prop_cmp(const void *a, const void *b)
{
	const sim_prop *x = a, *y = b;
	const char *p = x->name, *q = y->name;
	for (; *p && *q; p++, q++) {
		int c1 = (*p >= 'A' && *p <= 'Z') ? *p + 32 : *p;
		int c2 = (*q >= 'A' && *q <= 'Z') ? *q + 32 : *q;
		if (c1 != c2)
			return c1 - c2;
	}
	if (*p || *q)
		return *p ? 1 : -1;
	return strcmp(x->name, y->name);
}

void inst_sort(sim_inst *in)
{
	if (in->n > 1)
		qsort(in->props, in->n, sizeof(sim_prop), prop_cmp);
}

void epr_init(sim_epr *e, const char *cls)
{
	memset(e, 0, sizeof(*e));
	e->cls = xdup(cls);
}

void epr_add(sim_epr *e, const char *name, const char *value)
{
	if (e->nsel >= SIM_MAX_SELECTORS)
		return;
	e->sel[e->nsel].name = xdup(name);
	e->sel[e->nsel].value = xdup(value ? value : "");
	e->nsel++;
}

void epr_clear(sim_epr *e)
{
	size_t i;
	free(e->cls);
	for (i = 0; i < e->nsel; i++) {
		free(e->sel[i].name);
		free(e->sel[i].value);
	}
	memset(e, 0, sizeof(*e));
}

void epr_copy(sim_epr *dst, const sim_epr *src)
{
	size_t i;
	memset(dst, 0, sizeof(*dst));
	if (!src->cls)
		return;
	epr_init(dst, src->cls);
	for (i = 0; i < src->nsel; i++)
		epr_add(dst, src->sel[i].name, src->sel[i].value);
}

int epr_equal(const sim_epr *a, const sim_epr *b)
{
	size_t i, k;
	if (!a->cls || !b->cls || !hvs_str_case_eq(a->cls, b->cls) ||
	    a->nsel != b->nsel)
		return 0;
	for (i = 0; i < a->nsel; i++) {
		int found = 0;
		for (k = 0; k < b->nsel; k++)
			if (hvs_str_case_eq(a->sel[i].name, b->sel[k].name) &&
			    hvs_str_case_eq(a->sel[i].value, b->sel[k].value))
				found = 1;
		if (!found)
			return 0;
	}
	return 1;
}

void list_push(sim_list *l, sim_inst *in)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 16;
		sim_inst **nv = realloc(l->v, nc * sizeof(*nv));
		if (!nv)
			abort();
		l->v = nv;
		l->cap = nc;
	}
	l->v[l->n++] = in;
}

void list_free(sim_list *l)
{
	size_t i;
	for (i = 0; i < l->n; i++)
		inst_free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}
