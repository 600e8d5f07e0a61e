/* WinRM message encryption framing, hvsim's own reading of MS-WSMV 2.2.9.1
 * (not the client's src/auth/winrm_crypt.c: a shared bug would hide
 * itself). A body is two MIME-like parts: a header part naming the
 * protocol and OriginalContent with the plaintext Length, then an
 * octet-stream part holding u32le(header length) | header | sealed data,
 * then the closing boundary with no CRLF before it. The parser accepts
 * what real clients send (part headers with or without the leading TAB,
 * the closing CRLF optional) and checks every length against the body. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model.h"
#include "util/strutil.h"

#define BOUNDARY "--Encrypted Boundary"

static const char *find(const char *h, size_t hlen, const char *needle)
{
	size_t n = strlen(needle), i;
	if (n > hlen)
		return NULL;
	for (i = 0; i + n <= hlen; i++)
		if (memcmp(h + i, needle, n) == 0)
			return h + i;
	return NULL;
}

static const char *find_nocase(const char *h, size_t hlen, const char *needle)
{
	size_t n = strlen(needle), i;
	if (n > hlen)
		return NULL;
	for (i = 0; i + n <= hlen; i++)
		if (strncasecmp(h + i, needle, n) == 0)
			return h + i;
	return NULL;
}

int seal_is_encrypted(const char *ct)
{
	return ct && (strncasecmp(ct, "multipart/encrypted", 19) == 0 ||
	              strncasecmp(ct, "multipart/x-multi-encrypted", 27) == 0);
}

/* Skips spaces and TABs. */
static const char *ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

int seal_open(sim_conn *conn, const char *ct, const char *body, size_t len,
              buf *out, const char **orig_type)
{
	const char *end = body + len, *p, *hdr_end, *line, *lenp, *data;
	const unsigned char *payload;
	size_t plen, hlen, expect = 0, digits = 0;
	*orig_type = NULL;
	/* CredSSP's chunked form is not spoken here; Negotiate and Kerberos
	 * name their own protocol strings. */
	if (strncasecmp(ct, "multipart/encrypted", 19) != 0 ||
	    (!find_nocase(ct, strlen(ct), "protocol=\"" SEAL_PROTOCOL "\"") &&
	     !find_nocase(ct, strlen(ct),
	                  "protocol=\"application/HTTP-Kerberos-session-encrypted\"")))
		return -1;
	if (len < sizeof(BOUNDARY "\r\n") - 1 ||
	    memcmp(body, BOUNDARY "\r\n", sizeof(BOUNDARY "\r\n") - 1) != 0)
		return -1;
	p = body + sizeof(BOUNDARY "\r\n") - 1;
	hdr_end = find(p, (size_t)(end - p), BOUNDARY "\r\n");
	if (!hdr_end)
		return -1;
	/* the first part: Content-Type and OriginalContent lines */
	for (line = p; line < hdr_end;) {
		const char *eol = find(line, (size_t)(hdr_end - line), "\r\n");
		const char *q = ws(line, hdr_end);
		if (!eol)
			return -1;
		if ((size_t)(eol - q) > 16 &&
		    strncasecmp(q, "OriginalContent:", 16) == 0) {
			q = ws(q + 16, eol);
			if ((size_t)(eol - q) < 5 || strncasecmp(q, "type=", 5) != 0)
				return -1;
			q += 5;
			if ((size_t)(eol - q) >= 20 &&
			    strncasecmp(q, "application/soap+xml", 20) == 0)
				*orig_type = "application/soap+xml";
			lenp = find_nocase(q, (size_t)(eol - q), "Length=");
			if (!lenp)
				return -1;
			for (lenp += 7; lenp < eol && *lenp >= '0' && *lenp <= '9';
			     lenp++) {
				if (++digits > 9)
					return -1; /* far above SIM_MAX_BODY */
				expect = expect * 10 + (size_t)(*lenp - '0');
			}
			if (!digits)
				return -1;
		}
		line = eol + 2;
	}
	if (!digits)
		return -1;
	/* the second part: its Content-Type line, then the binary payload */
	p = hdr_end + sizeof(BOUNDARY "\r\n") - 1;
	p = ws(p, end);
	if ((size_t)(end - p) < 13 || strncasecmp(p, "Content-Type:", 13) != 0)
		return -1;
	data = find(p, (size_t)(end - p), "\r\n");
	if (!data)
		return -1;
	data += 2;
	/* the closing boundary ends the body; the payload is what precedes
	 * it (binary, so it is never searched for the boundary text) */
	if ((size_t)(end - data) >= sizeof(BOUNDARY "--\r\n") - 1 &&
	    memcmp(end - (sizeof(BOUNDARY "--\r\n") - 1), BOUNDARY "--\r\n",
	           sizeof(BOUNDARY "--\r\n") - 1) == 0)
		end -= sizeof(BOUNDARY "--\r\n") - 1;
	else if ((size_t)(end - data) >= sizeof(BOUNDARY "--") - 1 &&
	         memcmp(end - (sizeof(BOUNDARY "--") - 1), BOUNDARY "--",
	                sizeof(BOUNDARY "--") - 1) == 0)
		end -= sizeof(BOUNDARY "--") - 1;
	else
		return -1;
	payload = (const unsigned char *)data;
	plen = (size_t)(end - data);
	if (plen < 4)
		return -1;
	hlen = (size_t)payload[0] | (size_t)payload[1] << 8 |
	       (size_t)payload[2] << 16 | (size_t)payload[3] << 24;
	if (hlen > plen - 4)
		return -1;
	if (nego_unwrap(conn, payload + 4, plen - 4, hlen, expect, out) != 0)
		return -2;
	return 0;
}

int seal_close(sim_conn *conn, const char *msg, size_t len, buf *out)
{
	buf payload = BUF_INIT;
	if (nego_wrap(conn, msg, len, &payload) != 0) {
		hvs_buf_free(&payload);
		return -1;
	}
	hvs_buf_printf(out, BOUNDARY "\r\n"
	           "\tContent-Type: " SEAL_PROTOCOL "\r\n"
	           "\tOriginalContent: type=application/soap+xml;"
	           "charset=UTF-8;Length=%zu\r\n"
	           BOUNDARY "\r\n"
	           "\tContent-Type: application/octet-stream\r\n", len);
	hvs_buf_append(out, payload.data, payload.len);
	hvs_buf_append_str(out, BOUNDARY "--\r\n");
	hvs_buf_free(&payload);
	return 0;
}

int seal_tamper(buf *frame)
{
	static const char part2[] = "Content-Type: application/octet-stream\r\n";
	unsigned char *p;
	size_t off, hlen, data_off, tail = sizeof(BOUNDARY "--\r\n") - 1;
	const char *at;
	if (!frame->data)
		return -1;
	/* the text parts come first, so the first match is the header of
	 * the binary part, never bytes of the payload */
	at = find(frame->data, frame->len, part2);
	if (!at)
		return -1;
	off = (size_t)(at - frame->data) + sizeof(part2) - 1;
	if (frame->len < off + 4 + tail)
		return -1;
	p = (unsigned char *)frame->data + off;
	hlen = (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 |
	       (size_t)p[3] << 24;
	if (hlen > frame->len - off - 4 - tail)
		return -1;
	data_off = off + 4 + hlen;
	if (frame->len - tail > data_off) {
		/* the middle of the sealed data: the plaintext length, the
		 * framing and the signature all still look right, so only
		 * the integrity check can notice */
		frame->data[data_off + (frame->len - tail - data_off) / 2] ^= 0x5A;
		return 0;
	}
	if (hlen) {
		/* nothing was sealed (empty reply): the signature then */
		frame->data[off + 4 + hlen - 1] ^= 0x5A;
		return 0;
	}
	return -1;
}
