/* Invoke input parameters (hvsnap_params): an ordered list the caller fills
 * and the envelope builder turns into <p:METHOD_INPUT> children. Values are
 * checked when added, so a bad parameter is reported where it was made
 * rather than as an unexplained NULL envelope later. */
#include "wsman/params.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/tree.h>

#include "util/strutil.h"
#include "wsman/envelope.h"

struct hvsnap_params {
	wsman_param *items;
	size_t n;
	size_t cap;
};

/* Decodes one UTF-8 sequence at s (rejecting overlong forms, surrogates and
 * values past U+10FFFF, which libxml2 would otherwise write out as bytes no
 * peer can parse); returns its length or 0. */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t len;
	uint32_t min;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		min = 0x80;
		*cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		min = 0x800;
		*cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		min = 0x10000;
		*cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0; /* also stops at the terminating NUL */
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

int hvs_wsman_text_ok(const char *s)
{
	if (!s)
		return 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t cp;
		size_t n = utf8_decode(p, &cp);
		if (n == 0)
			return 0;
		/* XML 1.0 Char: control characters other than tab, LF and CR
		 * cannot appear even as character references. */
		if (cp < 0x20 && cp != 0x09 && cp != 0x0a && cp != 0x0d)
			return 0;
		if (cp == 0xfffe || cp == 0xffff)
			return 0;
		p += n;
	}
	return 1;
}

int hvs_wsman_ncname_ok(const char *name)
{
	if (!name || !*name || !hvs_wsman_text_ok(name))
		return 0;
	return xmlValidateNCName((const xmlChar *)name, 0) == 0;
}

int hvs_wsman_epr_ok(const hvsnap_epr *epr)
{
	if (!epr || !epr->resource_uri || !*epr->resource_uri ||
	    !hvs_wsman_text_ok(epr->resource_uri))
		return 0;
	if (epr->address && !hvs_wsman_text_ok(epr->address))
		return 0;
	for (size_t i = 0; i < epr->n_selectors; i++) {
		if (!hvs_wsman_ncname_ok(epr->selectors[i].name) ||
		    !hvs_wsman_text_ok(epr->selectors[i].value))
			return 0;
	}
	return 1;
}

hvsnap_params *hvsnap_params_new(void)
{
	return calloc(1, sizeof(hvsnap_params));
}

static void param_clear(wsman_param *w)
{
	free(w->name);
	free(w->text);
	for (size_t i = 0; i < w->n_items; i++)
		free(w->items[i]);
	free(w->items);
	hvsnap_epr_free(w->epr);
}

void hvsnap_params_free(hvsnap_params *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		param_clear(&p->items[i]);
	free(p->items);
	free(p);
}

size_t hvs_wsman_params_count(const hvsnap_params *p)
{
	return p ? p->n : 0;
}

const wsman_param *hvs_wsman_params_at(const hvsnap_params *p, size_t i)
{
	return p && i < p->n ? &p->items[i] : NULL;
}

/* Checks that name can be added. A repeated name is refused: the host
 * would read two same-named elements as an array, which is never what a
 * second add_value meant. */
static hvsnap_status check_name(const hvsnap_params *p, const char *name)
{
	if (!p || !hvs_wsman_ncname_ok(name))
		return HVSNAP_ERR_USAGE;
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->items[i].name, name) == 0)
			return HVSNAP_ERR_USAGE;
	return HVSNAP_OK;
}

/* Appends w (taking what it owns) or clears it on failure. */
static hvsnap_status append(hvsnap_params *p, wsman_param *w)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		wsman_param *np = realloc(p->items, cap * sizeof(*np));
		if (!np) {
			param_clear(w);
			return HVSNAP_ERR_NOMEM;
		}
		p->items = np;
		p->cap = cap;
	}
	p->items[p->n++] = *w;
	return HVSNAP_OK;
}

hvsnap_status hvsnap_params_add_value(hvsnap_params *p, const char *name,
                                      const char *text)
{
	hvsnap_status st = check_name(p, name);
	if (st != HVSNAP_OK)
		return st;
	if (!hvs_wsman_text_ok(text))
		return HVSNAP_ERR_USAGE;
	wsman_param w = { .kind = WSMAN_PARAM_VALUE };
	w.name = hvs_str_dup(name);
	w.text = hvs_str_dup(text);
	if (!w.name || !w.text) {
		param_clear(&w);
		return HVSNAP_ERR_NOMEM;
	}
	return append(p, &w);
}

hvsnap_status hvsnap_params_add_uint(hvsnap_params *p, const char *name,
                                     uint64_t value)
{
	char text[24];
	snprintf(text, sizeof(text), "%" PRIu64, value);
	return hvsnap_params_add_value(p, name, text);
}

hvsnap_status hvsnap_params_add_array(hvsnap_params *p, const char *name,
                                      const char *const *texts, size_t n)
{
	hvsnap_status st = check_name(p, name);
	if (st != HVSNAP_OK)
		return st;
	if (n && !texts)
		return HVSNAP_ERR_USAGE;
	for (size_t i = 0; i < n; i++)
		if (!hvs_wsman_text_ok(texts[i]))
			return HVSNAP_ERR_USAGE;
	wsman_param w = { .kind = WSMAN_PARAM_ARRAY };
	w.name = hvs_str_dup(name);
	if (!w.name)
		return HVSNAP_ERR_NOMEM;
	if (n) {
		w.items = calloc(n, sizeof(*w.items));
		if (!w.items) {
			param_clear(&w);
			return HVSNAP_ERR_NOMEM;
		}
	}
	for (size_t i = 0; i < n; i++) {
		w.items[i] = hvs_str_dup(texts[i]);
		w.n_items = i + 1;
		if (!w.items[i]) {
			param_clear(&w);
			return HVSNAP_ERR_NOMEM;
		}
	}
	return append(p, &w);
}

hvsnap_status hvsnap_params_add_epr(hvsnap_params *p, const char *name,
                                    const hvsnap_epr *epr)
{
	hvsnap_status st = check_name(p, name);
	if (st != HVSNAP_OK)
		return st;
	if (!hvs_wsman_epr_ok(epr))
		return HVSNAP_ERR_USAGE;
	wsman_param w = { .kind = WSMAN_PARAM_EPR };
	w.name = hvs_str_dup(name);
	w.epr = hvsnap_epr_dup(epr);
	if (!w.name || !w.epr) {
		param_clear(&w);
		return HVSNAP_ERR_NOMEM;
	}
	return append(p, &w);
}

/* The instance is serialised now, not when the envelope is built, so the
 * caller may free or change it right after this call. */
hvsnap_status hvsnap_params_add_instance(hvsnap_params *p, const char *name,
                                         const hvsnap_cim_instance *inst)
{
	hvsnap_status st = check_name(p, name);
	if (st != HVSNAP_OK)
		return st;
	wsman_param w = { .kind = WSMAN_PARAM_INSTANCE };
	if (inst) {
		/* NULL here is almost always an instance the writer refuses
		 * (an EPR property, bad text), rarely memory. */
		w.text = hvs_wsman_cimxml_serialize(inst);
		if (!w.text)
			return HVSNAP_ERR_USAGE;
	} else {
		w.text = hvs_str_dup("");
		if (!w.text)
			return HVSNAP_ERR_NOMEM;
	}
	w.name = hvs_str_dup(name);
	if (!w.name) {
		param_clear(&w);
		return HVSNAP_ERR_NOMEM;
	}
	return append(p, &w);
}
