/* The checks every request builder shares so that nothing a caller passes
 * can make an envelope that is not well-formed XML: text made only of XML
 * characters, element names that are NCNames, EPRs made of both. */
#include "wsman/xmltext.h"

#include <stdint.h>
#include <libxml/tree.h>

#include "wsman/cim_int.h"

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
