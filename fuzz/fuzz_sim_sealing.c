/* libFuzzer target for hvsim's multipart/encrypted framing (sealing.c):
 * the bytes are a request body a client sent as multipart/encrypted. The
 * security context is replaced by a pass-through stub of nego_unwrap and
 * nego_wrap (16-byte "signature", then the plaintext), so the framing and
 * length checks are reached without a valid GSSAPI session. Each input is
 * opened with hvsim's own Content-Type, then with its first line taken as
 * the Content-Type and the rest as the body; finally it is sealed as a
 * reply, which must open again to the same bytes, and tampered, which
 * must leave the framing intact. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sim/sim.h"

static volatile size_t sink;

/* The stub context: NTLM's layout (hdr_len 16) and its exact Length rule. */
int nego_unwrap(sim_conn *conn, const unsigned char *in, size_t len,
                size_t hdr_len, size_t expect, buf *out)
{
	(void)conn;
	if (hdr_len != 16 || hdr_len > len || len - hdr_len != expect)
		return -1;
	sink += in[0];
	return hvs_buf_append(out, in + hdr_len, len - hdr_len) == 0 ? 0 : -1;
}

int nego_wrap(sim_conn *conn, const void *msg, size_t len, buf *out)
{
	static const unsigned char hdr[4 + 16] = { 16 };
	(void)conn;
	if (hvs_buf_append(out, hdr, sizeof(hdr)) != 0 ||
	    hvs_buf_append(out, msg, len) != 0)
		return -1;
	return 0;
}

/* Opens body (exactly len bytes, so ASan sees any over-read). */
static void open_one(const char *ct, const uint8_t *body, size_t len)
{
	sim_conn conn;
	buf out = BUF_INIT;
	const char *orig = NULL;
	char *copy = malloc(len ? len : 1);
	int rc;
	if (!copy)
		return;
	memcpy(copy, body, len);
	memset(&conn, 0, sizeof(conn));
	sink += (size_t)seal_is_encrypted(ct);
	rc = seal_open(&conn, ct, copy, len, &out, &orig);
	if (rc == 0) {
		sink += out.len;
		if (orig)
			sink += strlen(orig);
	} else if (out.len != 0) {
		abort(); /* a failed open must leave no plaintext behind */
	}
	hvs_buf_free(&out);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size < 512 ? size : 512);
	sim_conn conn;
	buf frame = BUF_INIT, back = BUF_INIT;
	const char *orig = NULL;

	open_one(SEAL_CONTENT_TYPE, data, size);

	if (nl) {
		size_t cl = (size_t)(nl - data);
		char *ct = malloc(cl + 1);
		if (ct) {
			memcpy(ct, data, cl);
			ct[cl] = '\0';
			open_one(ct, nl + 1, size - cl - 1);
			free(ct);
		}
	}

	/* a reply sealed by hvsim must open again, byte for byte */
	memset(&conn, 0, sizeof(conn));
	if (seal_close(&conn, (const char *)data, size, &frame) != 0)
		abort();
	if (seal_open(&conn, SEAL_CONTENT_TYPE, frame.data, frame.len, &back,
	              &orig) != 0 || back.len != size ||
	    (size && memcmp(back.data, data, size) != 0) || !orig)
		abort();
	hvs_buf_free(&back);
	/* the tamper fault changes sealed bytes only, never the framing */
	if (seal_tamper(&frame) != 0)
		abort();
	if (seal_open(&conn, SEAL_CONTENT_TYPE, frame.data, frame.len, &back,
	              &orig) != 0 || back.len != size)
		abort();
	hvs_buf_free(&back);
	hvs_buf_free(&frame);
	return 0;
}
