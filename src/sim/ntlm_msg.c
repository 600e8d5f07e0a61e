/* hvsim's own reading of an NTLM AUTHENTICATE message: the names a client
 * claims (so the user file can name it before gss-ntlmssp checks it) and
 * whether it carries channel bindings (Strict CBT). It runs on raw bytes
 * from the network, needs no GSSAPI, and is fuzzed
 * (fuzz/fuzz_sim_ntlm_auth.c). */
#include "ntlm_msg.h"

#include <string.h>

static uint16_t rd16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

uint32_t ntlm_message_type(const unsigned char *m, size_t len)
{
	if (len < 12 || memcmp(m, "NTLMSSP\0", 8) != 0)
		return 0;
	return rd32(m + 8);
}

/* A security buffer (u16 len, u16 max, u32 offset) at off; 0 when it lies
 * inside the message. */
static int secbuf(const unsigned char *m, size_t len, size_t off,
                  const unsigned char **p, size_t *n)
{
	uint32_t o;
	if (off + 8 > len)
		return -1;
	*n = rd16(m + off);
	o = rd32(m + off + 4);
	if (o > len || *n > len - o)
		return -1;
	*p = m + o;
	return 0;
}

/* UTF-16LE (or OEM, taken as Latin-1) to UTF-8; refuses characters that
 * would break the user file. */
static int name_to_utf8(const unsigned char *p, size_t n, int unicode,
                        char *out, size_t cap)
{
	size_t i = 0, o = 0;
	while (i < n) {
		uint32_t c;
		if (unicode) {
			if (i + 2 > n)
				return -1;
			c = rd16(p + i);
			i += 2;
			if (c >= 0xD800 && c <= 0xDBFF) {
				uint32_t lo;
				if (i + 2 > n)
					return -1;
				lo = rd16(p + i);
				if (lo < 0xDC00 || lo > 0xDFFF)
					return -1;
				i += 2;
				c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
			} else if (c >= 0xDC00 && c <= 0xDFFF) {
				return -1;
			}
		} else {
			c = p[i++];
		}
		if (c == 0 || c == ':' || c == '\n' || c == '\r')
			return -1;
		if (o + 5 > cap)
			return -1;
		if (c < 0x80) {
			out[o++] = (char)c;
		} else if (c < 0x800) {
			out[o++] = (char)(0xC0 | c >> 6);
			out[o++] = (char)(0x80 | (c & 0x3F));
		} else if (c < 0x10000) {
			out[o++] = (char)(0xE0 | c >> 12);
			out[o++] = (char)(0x80 | (c >> 6 & 0x3F));
			out[o++] = (char)(0x80 | (c & 0x3F));
		} else {
			out[o++] = (char)(0xF0 | c >> 18);
			out[o++] = (char)(0x80 | (c >> 12 & 0x3F));
			out[o++] = (char)(0x80 | (c >> 6 & 0x3F));
			out[o++] = (char)(0x80 | (c & 0x3F));
		}
	}
	out[o] = '\0';
	return 0;
}

/* MS-NLMP 2.2.1.3: names at 28 (domain) and 36 (user), NtChallengeResponse
 * at 20, flags at 60. An NTLMv2 response is NTProofStr(16), then the
 * 28-byte fixed part of the client challenge, then the AV pairs. */
int ntlm_read_authenticate(const unsigned char *m, size_t len, auth_msg_info *ai)
{
	const unsigned char *p, *nt;
	size_t n, ntlen, pos;
	int unicode;
	memset(ai, 0, sizeof(*ai));
	if (len < 64 || rd32(m + 8) != 3)
		return -1;
	unicode = (rd32(m + 60) & 0x00000001u) != 0;
	if (secbuf(m, len, 28, &p, &n) != 0 ||
	    name_to_utf8(p, n, unicode, ai->domain, sizeof(ai->domain)) != 0)
		return -1;
	if (secbuf(m, len, 36, &p, &n) != 0 ||
	    name_to_utf8(p, n, unicode, ai->user, sizeof(ai->user)) != 0)
		return -1;
	if (secbuf(m, len, 20, &nt, &ntlen) != 0)
		return -1;
	if (ntlen <= 24)
		return 0; /* NTLMv1: no AV pairs, so no channel binding */
	for (pos = 44; pos + 4 <= ntlen;) {
		uint16_t id = rd16(nt + pos), l = rd16(nt + pos + 2);
		if (l > ntlen - pos - 4)
			return -1;
		if (id == 0)
			break;
		if (id == 10 && l == 16) {
			static const unsigned char zero[16];
			ai->has_cbt = memcmp(nt + pos + 4, zero, 16) != 0;
		}
		pos += 4 + (size_t)l;
	}
	return 0;
}
