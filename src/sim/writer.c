/* Response XML in the exact shape a real Windows WinRM/WMI host writes
 * (reference/hyperv-wmi.md §7): fixed prefixes s/a/n/w/p, xml:lang on the
 * envelope, per-item xsi/p/cim declarations, alphabetical properties, nil,
 * cim:Datetime, EPRs without an EndpointReference wrapper. Written by hand
 * so the byte layout is under control; every text goes through xw_text or
 * xw_attr, which escape everything XML needs. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "util/uuid.h"

static void put(buf *b, const char *s)
{
	if (hvs_buf_append_str(b, s) != 0)
		abort();
}

static void xw_escape(buf *b, const char *s, int attr)
{
	const char *start = s;
	for (; *s; s++) {
		const char *rep = NULL;
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = attr ? "&quot;" : NULL; break;
		case '\r': rep = "&#xD;"; break;
		case '\t': rep = attr ? "&#x9;" : NULL; break;
		case '\n': rep = attr ? "&#xA;" : NULL; break;
		default:
			/* control characters cannot appear in XML 1.0 at all */
			if (c < 0x20)
				rep = "?";
		}
		if (rep) {
			if (hvs_buf_append(b, start, (size_t)(s - start)) != 0)
				abort();
			put(b, rep);
			start = s + 1;
		}
	}
	if (hvs_buf_append(b, start, (size_t)(s - start)) != 0)
		abort();
}

void xw_text(buf *b, const char *s)
{
	xw_escape(b, s ? s : "", 0);
}

void xw_attr(buf *b, const char *s)
{
	xw_escape(b, s ? s : "", 1);
}

void xw_uuid(char out[48])
{
	char u[UUID_STR_LEN];
	size_t i;
	if (hvs_uuid_random(u) != 0)
		abort();
	for (i = 0; u[i]; i++)
		u[i] = (char)toupper((unsigned char)u[i]);
	snprintf(out, 48, "uuid:%s", u);
}

void xw_envelope_open(buf *b, const char *lang, const char *action,
                      const char *relates_to)
{
	put(b, "<s:Envelope xml:lang=\"");
	xw_attr(b, lang);
	put(b, "\" xmlns:s=\"" SIM_NS_SOAP "\" xmlns:a=\"" SIM_NS_WSA
	       "\" xmlns:n=\"" SIM_NS_WSEN "\" xmlns:w=\"" SIM_NS_WSMAN "\"");
	if (action && strncmp(action, SIM_NS_WXF, strlen(SIM_NS_WXF)) == 0)
		put(b, " xmlns:x=\"" SIM_NS_WXF "\"");
	put(b, ">");
	xw_header(b, action, relates_to);
	put(b, "<s:Body>");
}

void xw_header(buf *b, const char *action, const char *relates_to)
{
	char mid[48];
	put(b, "<s:Header><a:Action>");
	xw_text(b, action);
	put(b, "</a:Action><a:MessageID>");
	xw_uuid(mid);
	put(b, mid);
	put(b, "</a:MessageID><a:To>" SIM_ANONYMOUS "</a:To>");
	if (relates_to) {
		put(b, "<a:RelatesTo>");
		xw_text(b, relates_to);
		put(b, "</a:RelatesTo>");
	}
	put(b, "</s:Header>");
}

void xw_envelope_close(buf *b)
{
	put(b, "</s:Body></s:Envelope>");
}

static void epr_body(buf *b, const sim_epr *e)
{
	size_t i;
	put(b, "<a:Address>" SIM_ANONYMOUS "</a:Address><a:ReferenceParameters>"
	       "<w:ResourceURI>" SIM_WMI_V2);
	xw_text(b, e->cls);
	put(b, "</w:ResourceURI><w:SelectorSet>");
	for (i = 0; i < e->nsel; i++) {
		put(b, "<w:Selector Name=\"");
		xw_attr(b, e->sel[i].name);
		put(b, "\">");
		xw_text(b, e->sel[i].value);
		put(b, "</w:Selector>");
	}
	put(b, "</w:SelectorSet></a:ReferenceParameters>");
}

void xw_epr(buf *b, const char *tag, const sim_epr *e, int decl)
{
	hvs_buf_printf(b, "<%s", tag);
	if (decl)
		put(b, " xmlns:a=\"" SIM_NS_WSA "\" xmlns:w=\"" SIM_NS_WSMAN "\"");
	put(b, ">");
	epr_body(b, e);
	hvs_buf_printf(b, "</%s>", tag);
}

void xw_epr_item(buf *b, const sim_epr *e)
{
	put(b, "<a:EndpointReference>");
	epr_body(b, e);
	put(b, "</a:EndpointReference>");
}

static void prop_open(buf *b, const char *name, const char *extra)
{
	hvs_buf_printf(b, "<p:%s%s>", name, extra ? extra : "");
}

void xw_instance(buf *b, const sim_inst *in)
{
	size_t i, k;
	put(b, "<p:");
	put(b, in->cls);
	put(b, " xmlns:p=\"" SIM_WMI_V2);
	xw_attr(b, in->cls);
	put(b, "\" xmlns:cim=\"" SIM_NS_CIM "\" xmlns:xsi=\"" SIM_NS_XSI
	       "\" xsi:type=\"p:");
	xw_attr(b, in->cls);
	put(b, "_Type\">");
	for (i = 0; i < in->n; i++) {
		const sim_prop *p = &in->props[i];
		switch (p->kind) {
		case PK_NIL:
			hvs_buf_printf(b, "<p:%s xsi:nil=\"true\"/>", p->name);
			break;
		case PK_TEXT:
			prop_open(b, p->name, NULL);
			xw_text(b, p->text);
			hvs_buf_printf(b, "</p:%s>", p->name);
			break;
		case PK_DATETIME:
		case PK_INTERVAL:
			prop_open(b, p->name, NULL);
			put(b, p->kind == PK_DATETIME ? "<cim:Datetime>"
			                              : "<cim:Interval>");
			xw_text(b, p->text);
			put(b, p->kind == PK_DATETIME ? "</cim:Datetime>"
			                              : "</cim:Interval>");
			hvs_buf_printf(b, "</p:%s>", p->name);
			break;
		case PK_EPR: {
			char tag[128];
			snprintf(tag, sizeof(tag), "p:%s", p->name);
			xw_epr(b, tag, &p->epr, 1);
			break;
		}
		case PK_ARRAY:
			for (k = 0; k < p->nitems; k++) {
				prop_open(b, p->name, NULL);
				xw_text(b, p->items[k]);
				hvs_buf_printf(b, "</p:%s>", p->name);
			}
			break;
		}
	}
	put(b, "</p:");
	put(b, in->cls);
	put(b, ">");
}

void xw_cimxml_instance(buf *b, const char *cls, const xw_cimprop *props,
                        size_t n)
{
	size_t i;
	put(b, "<INSTANCE CLASSNAME=\"");
	xw_attr(b, cls);
	put(b, "\">");
	for (i = 0; i < n; i++) {
		const xw_cimprop *p = &props[i];
		put(b, p->array ? "<PROPERTY.ARRAY NAME=\"" : "<PROPERTY NAME=\"");
		xw_attr(b, p->name);
		put(b, "\"");
		if (p->origin) {
			/* Windows' GetText names where each property comes from;
			 * readers must skip attributes they do not know */
			put(b, " CLASSORIGIN=\"");
			xw_attr(b, p->origin);
			put(b, "\"");
		}
		put(b, " TYPE=\"");
		xw_attr(b, p->type);
		put(b, "\">");
		if (p->value) {
			put(b, p->array ? "<VALUE.ARRAY><VALUE>" : "<VALUE>");
			xw_text(b, p->value);
			put(b, p->array ? "</VALUE></VALUE.ARRAY>" : "</VALUE>");
		}
		put(b, p->array ? "</PROPERTY.ARRAY>" : "</PROPERTY>");
	}
	put(b, "</INSTANCE>");
}

size_t xw_utf8_chars(const char *s)
{
	size_t n = 0;
	/* libxml2 has already rejected invalid UTF-8, so every byte that is
	 * not 10xxxxxx starts one code point */
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}
