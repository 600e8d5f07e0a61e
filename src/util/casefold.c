/* Case-insensitive comparison of UTF-8 names the way a Windows host
 * compares VM and checkpoint names: simple case folding of the scripts
 * names are written in (ASCII, Latin-1, Latin Extended-A, Greek,
 * Cyrillic), without depending on the process's locale, which a library
 * must not touch. Code points outside those ranges compare as they are. */
#include "util/casefold.h"

#include <stdint.h>

/* The next code point of s (advancing it), or -1 for invalid UTF-8. */
static int32_t next_code_point(const unsigned char **s)
{
	const unsigned char *p = *s;
	int32_t c;
	int extra;
	if (p[0] < 0x80) {
		c = p[0];
		extra = 0;
	} else if ((p[0] & 0xe0) == 0xc0) {
		c = p[0] & 0x1f;
		extra = 1;
	} else if ((p[0] & 0xf0) == 0xe0) {
		c = p[0] & 0x0f;
		extra = 2;
	} else if ((p[0] & 0xf8) == 0xf0) {
		c = p[0] & 0x07;
		extra = 3;
	} else {
		return -1;
	}
	for (int i = 1; i <= extra; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		c = (c << 6) | (p[i] & 0x3f);
	}
	*s = p + 1 + extra;
	return c;
}

static int32_t fold(int32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c >= 0xc0 && c <= 0xde && c != 0xd7)   /* Latin-1 capitals */
		return c + 32;
	if (c == 0x178)                             /* Ÿ */
		return 0xff;
	if (c >= 0x100 && c <= 0x17f) {             /* Latin Extended-A: pairs */
		if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
			return c % 2 ? c + 1 : c;           /* odd capitals here */
		if (c == 0x130 || c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17f)
			return c;                           /* dotted I, dotless i, kra, ... */
		return c % 2 ? c : c + 1;
	}
	if (c >= 0x391 && c <= 0x3ab && c != 0x3a2)   /* Greek capitals */
		return c + 32;
	if (c >= 0x410 && c <= 0x42f)               /* Cyrillic capitals */
		return c + 32;
	if (c >= 0x400 && c <= 0x40f)               /* Cyrillic Ѐ..Џ */
		return c + 80;
	return c;
}

int hvs_utf8_case_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
	while (*p && *q) {
		const unsigned char *p0 = p, *q0 = q;
		int32_t x = next_code_point(&p), y = next_code_point(&q);
		if (x < 0 || y < 0) {
			/* Not UTF-8: those bytes must match exactly. */
			if (*p0 != *q0)
				return 0;
			p = p0 + 1;
			q = q0 + 1;
			continue;
		}
		if (fold(x) != fold(y))
			return 0;
	}
	return *p == *q;
}
