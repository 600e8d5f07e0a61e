/* WinRM multipart/encrypted framing. The body is untrusted input from the
 * network: every step is bounds-checked and any doubt is a protocol error.
 * Byte layout follows reference/auth-encryption.md §1 exactly, because
 * WinRM compares it literally. */
#include "auth/winrm_crypt.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "util/err.h"

#define BOUNDARY_NAME "Encrypted Boundary"
#define ORIGINAL_TYPE "application/soap+xml;charset=UTF-8"
#define OCTET_STREAM "application/octet-stream"

/* Refuses anything that could break out of the quoted header parameter. */
static int protocol_ok(const char *p)
{
	if (!p || !*p)
		return 0;
	for (; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '"' || *p == ';' || *p == '\\')
			return 0;
	return 1;
}

hvsnap_status hvs_winrm_crypt_content_type(const char *protocol, buf *out,
                                       hvsnap_error *err)
{
	if (!protocol_ok(protocol))
		return hvs_err_set(err, HVSNAP_ERR_INTERNAL, 0,
		               "invalid WinRM encryption protocol string");
	if (hvs_buf_printf(out, "multipart/encrypted;protocol=\"%s\";boundary=\""
	               BOUNDARY_NAME "\"", protocol) != 0)
		return hvs_err_nomem(err);
	return HVSNAP_OK;
}

hvsnap_status hvs_winrm_crypt_build(const char *protocol,
                                const unsigned char *plain, size_t len,
                                winrm_wrap_fn wrap, void *wrap_ctx, buf *body,
                                hvsnap_error *err)
{
	if (!protocol_ok(protocol) || !wrap)
		return hvs_err_set(err, HVSNAP_ERR_INTERNAL, 0,
		               "invalid WinRM encryption parameters");
	buf hdr = BUF_INIT, payload = BUF_INIT;
	hvsnap_status st = wrap(wrap_ctx, plain, len, &hdr, &payload, err);
	if (st != HVSNAP_OK)
		goto out;
	if (hdr.len > UINT32_MAX) {
		st = hvs_err_set(err, HVSNAP_ERR_INTERNAL, 0,
		             "message encryption header too large");
		goto out;
	}
	unsigned char u32[4];
	for (int i = 0; i < 4; i++)
		u32[i] = (unsigned char)(hdr.len >> (8 * i));
	size_t start = body->len;
	if (hvs_buf_printf(body,
	               "--" BOUNDARY_NAME "\r\n"
	               "\tContent-Type: %s\r\n"
	               "\tOriginalContent: type=" ORIGINAL_TYPE ";Length=%zu\r\n"
	               "--" BOUNDARY_NAME "\r\n"
	               "\tContent-Type: " OCTET_STREAM "\r\n",
	               protocol, payload.len) != 0 ||
	    hvs_buf_append(body, u32, 4) != 0 ||
	    hvs_buf_append(body, hdr.data, hdr.len) != 0 ||
	    hvs_buf_append(body, payload.data, payload.len) != 0 ||
	    hvs_buf_append_str(body, "--" BOUNDARY_NAME "--\r\n") != 0) {
		body->len = start;
		st = hvs_err_nomem(err);
	}
out:
	hvs_buf_free(&hdr);
	/* The payload is ciphertext, but a wrap that failed half-way might
	 * have left plaintext behind. */
	hvs_buf_wipe(&payload);
	return st;
}

/* ---- parsing ----------------------------------------------------------- */

typedef struct cursor {
	const unsigned char *p, *end;
} cursor;

static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	       c == '\v';
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int starts_with_ci(const unsigned char *p, const unsigned char *end,
                          const char *lit)
{
	size_t n = strlen(lit);
	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lower(p[i]) != lower((unsigned char)lit[i]))
			return 0;
	return 1;
}

/* Consumes `--\s*Encrypted Boundary\r\n` (pypsrp's regex; Exchange puts a
 * space after the dashes). */
static int take_boundary(cursor *c)
{
	const unsigned char *p = c->p;
	if (c->end - p < 2 || p[0] != '-' || p[1] != '-')
		return 0;
	p += 2;
	while (p < c->end && is_ws(*p))
		p++;
	size_t n = strlen(BOUNDARY_NAME);
	if ((size_t)(c->end - p) < n + 2 || memcmp(p, BOUNDARY_NAME, n) != 0 ||
	    p[n] != '\r' || p[n + 1] != '\n')
		return 0;
	c->p = p + n + 2;
	return 1;
}

/* Returns the next header line (without its CRLF, without leading
 * whitespace) or 0 at a boundary or when no complete line is left. */
static int take_line(cursor *c, const unsigned char **line, size_t *len)
{
	if (c->end - c->p >= 2 && c->p[0] == '-' && c->p[1] == '-')
		return 0;
	const unsigned char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	if (!nl)
		return 0;
	const unsigned char *s = c->p, *e = nl;
	if (e > s && e[-1] == '\r')
		e--;
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	*line = s;
	*len = (size_t)(e - s);
	c->p = nl + 1;
	return 1;
}

/* Value of a "Name: value" line if the name matches, else NULL. */
static const unsigned char *header_value(const unsigned char *line, size_t len,
                                         const char *name, size_t *vlen)
{
	const unsigned char *end = line + len;
	size_t n = strlen(name);
	if (!starts_with_ci(line, end, name) || len < n + 1 || line[n] != ':')
		return NULL;
	const unsigned char *v = line + n + 1;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*vlen = (size_t)(end - v);
	return v;
}

/* Finds ";Length=<digits>" (case-insensitive name) in OriginalContent. */
static int original_length(const unsigned char *v, size_t vlen, size_t *out)
{
	const unsigned char *end = v + vlen;
	for (const unsigned char *p = v; p < end; p++) {
		if (*p != ';')
			continue;
		const unsigned char *q = p + 1;
		while (q < end && *q == ' ')
			q++;
		if (!starts_with_ci(q, end, "length="))
			continue;
		q += 7;
		if (q >= end || *q < '0' || *q > '9')
			return -1;
		uint64_t n = 0;
		while (q < end && *q >= '0' && *q <= '9') {
			if (n > (SIZE_MAX - 9) / 10)
				return -1;
			n = n * 10 + (uint64_t)(*q - '0');
			q++;
		}
		if (q != end && *q != ';' && *q != ' ')
			return -1;
		*out = (size_t)n;
		return 0;
	}
	return -1;
}

/* Locates the closing `--\s*Encrypted Boundary--[\r\n]` at the very end of
 * the body; the ciphertext before it may contain any bytes, so searching
 * forward for the boundary would be wrong. */
static const unsigned char *closing_boundary(const unsigned char *start,
                                             const unsigned char *end)
{
	const unsigned char *e = end;
	if (e - start >= 2 && e[-2] == '\r' && e[-1] == '\n')
		e -= 2;
	const char *tail = BOUNDARY_NAME "--";
	size_t n = strlen(tail);
	if ((size_t)(e - start) < n + 2 || memcmp(e - n, tail, n) != 0)
		return NULL;
	e -= n;
	/* pypsrp's \s* after the dashes; but never eat ciphertext bytes that
	 * merely look like whitespace unless dashes precede them. */
	const unsigned char *d = e;
	while (d > start && is_ws(d[-1]))
		d--;
	if (d - start < 2 || d[-1] != '-' || d[-2] != '-')
		return NULL;
	return d - 2;
}

/* Unverified plaintext must not survive a failed unwrap. */
static void drop_tail(buf *b, size_t start)
{
	if (!b->data)
		return;
	OPENSSL_cleanse(b->data + start, b->len - start);
	b->len = start;
	b->data[start] = '\0';
}

static hvsnap_status bad(hvsnap_error *err, const char *what)
{
	return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
	               "malformed encrypted WinRM response: %s", what);
}

hvsnap_status hvs_winrm_crypt_parse(const char *protocol, const unsigned char *body,
                                size_t len, winrm_unwrap_fn unwrap,
                                void *unwrap_ctx, buf *plain,
                                hvsnap_error *err)
{
	if (!unwrap)
		return hvs_err_set(err, HVSNAP_ERR_INTERNAL, 0, "no unwrap callback");
	if (!body)
		return bad(err, "empty body");
	cursor c = { body, body + len };
	if (!take_boundary(&c))
		return bad(err, "missing opening boundary");

	/* Part 1: protocol and original content (type, Length). */
	int have_type = 0, have_len = 0;
	size_t expected = 0;
	const unsigned char *line;
	size_t llen;
	while (take_line(&c, &line, &llen)) {
		size_t vlen;
		const unsigned char *v;
		if ((v = header_value(line, llen, "Content-Type", &vlen))) {
			if (protocol && (vlen != strlen(protocol) ||
			                 !starts_with_ci(v, v + vlen, protocol)))
				return bad(err, "unexpected encryption protocol");
			have_type = 1;
		} else if ((v = header_value(line, llen, "OriginalContent", &vlen))) {
			if (original_length(v, vlen, &expected) != 0)
				return bad(err, "OriginalContent has no valid Length");
			have_len = 1;
		}
		/* Other headers are ignored, as other clients do. */
	}
	if (!have_type)
		return bad(err, "first part has no Content-Type");
	if (!have_len)
		return bad(err, "first part has no OriginalContent Length");
	if (!take_boundary(&c))
		return bad(err, "missing second boundary");

	/* Part 2: one Content-Type line, then binary up to the closing
	 * boundary. The binary may contain "\n", so read exactly one line. */
	if (!take_line(&c, &line, &llen))
		return bad(err, "second part has no header");
	size_t vlen;
	const unsigned char *v = header_value(line, llen, "Content-Type", &vlen);
	if (!v || vlen != strlen(OCTET_STREAM) ||
	    !starts_with_ci(v, v + vlen, OCTET_STREAM))
		return bad(err, "second part is not application/octet-stream");

	const unsigned char *close = closing_boundary(c.p, c.end);
	if (!close)
		return bad(err, "missing closing boundary");
	size_t blob = (size_t)(close - c.p);
	if (blob < 4)
		return bad(err, "truncated encryption header length");
	uint32_t hlen = (uint32_t)c.p[0] | (uint32_t)c.p[1] << 8 |
	                (uint32_t)c.p[2] << 16 | (uint32_t)c.p[3] << 24;
	if (hlen > blob - 4)
		return bad(err, "encryption header longer than the body");
	const unsigned char *hdr = c.p + 4;
	const unsigned char *payload = hdr + hlen;
	size_t plen = blob - 4 - hlen;

	size_t start = plain->len;
	hvsnap_status st = unwrap(unwrap_ctx, hdr, hlen, payload, plen, expected,
	                          plain, err);
	if (st != HVSNAP_OK) {
		drop_tail(plain, start);
		return st;
	}
	if (plain->len - start != expected) {
		size_t got = plain->len - start;
		drop_tail(plain, start);
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		               "malformed encrypted WinRM response: decrypted %zu "
		               "bytes but Length=%zu", got, expected);
	}
	return HVSNAP_OK;
}

int hvs_winrm_crypt_is_encrypted(const char *content_type)
{
	if (!content_type)
		return 0;
	const unsigned char *p = (const unsigned char *)content_type;
	while (*p == ' ' || *p == '\t')
		p++;
	const unsigned char *end = p + strlen((const char *)p);
	const char *mt = "multipart/encrypted";
	if (!starts_with_ci(p, end, mt))
		return 0;
	p += strlen(mt);
	while (*p == ' ' || *p == '\t')
		p++;
	return *p == '\0' || *p == ';';
}
