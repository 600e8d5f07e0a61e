/* NTLMv2 client with extended session security, key exchange, MIC, target
 * name and channel-binding AV pairs, and connection-oriented sealing
 * (MS-NLMP 3.1.5, 3.3.2, 3.4). The CHALLENGE comes from the network and is
 * parsed defensively; every secret is wiped when no longer needed. */
#include "auth/ntlm.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "auth/legacy_crypto.h"
#include "auth/md5.h"
#include "platform/platform.h"
#include "util/err.h"
#include "util/strutil.h"

enum ntlm_state { ST_NEW, ST_NEGOTIATED, ST_SESSION, ST_BROKEN };

struct ntlm_ctx {
	char *user, *domain, *workstation, *target_spn;
	unsigned char nt_hash[16];
	bool has_cbt;
	unsigned char cbt[16];

	enum ntlm_state state;
	buf negotiate;          /* exact bytes sent, for the MIC */
	uint32_t flags;

	bool fixed_cc, fixed_rsk, fixed_time;
	unsigned char fixed_client_challenge[8];
	unsigned char fixed_random_key[16];
	uint64_t fixed_filetime;

	unsigned char session_base_key[16];
	unsigned char esk[16];  /* exported session key */
	unsigned char sign_out[16], seal_out[16], sign_in[16], seal_in[16];
	legacy_rc4 *rc4_out, *rc4_in;
	uint32_t seq_out, seq_in;
};

static const unsigned char SIGNATURE[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0 };

/* Sent when VERSION is negotiated: Windows Server 2022 (10.0.20348),
 * NTLMSSP revision 15. Only informational. */
static const unsigned char OUR_VERSION[8] = { 10, 0, 0x7c, 0x4f, 0, 0, 0, 15 };

/* ---- small helpers ------------------------------------------------------ */

static void put16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get32(const unsigned char *p)
{
	return get16(p) | get16(p + 2) << 16;
}

static int append16(buf *b, uint32_t v)
{
	unsigned char t[2];
	put16(t, v);
	return hvs_buf_append(b, t, 2);
}

static int append32(buf *b, uint32_t v)
{
	unsigned char t[4];
	put32(t, v);
	return hvs_buf_append(b, t, 4);
}

/* Simple upper-casing of one UTF-16 code unit for NTOWFv2's UPPER(user):
 * ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic and fullwidth Latin.
 * Windows uses a full Unicode table; user names outside these scripts are
 * rare enough that the simple mapping is what other clients ship too. */
static uint32_t upcase(uint32_t c)
{
	if (c >= 'a' && c <= 'z')
		return c - 32;
	if (c < 0x80)
		return c;
	if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
		return c - 32;
	if (c == 0xFF)
		return 0x178;
	if ((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) ||
	    (c >= 0x14A && c <= 0x177))
		return c & ~1u;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
		return (c & 1u) ? c : c - 1;
	if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2)
		return c - 32;
	if (c == 0x3C2)
		return 0x3A3;
	if (c >= 0x430 && c <= 0x44F)
		return c - 32;
	if (c >= 0x450 && c <= 0x45F)
		return c - 80;
	if (c >= 0xFF41 && c <= 0xFF5A)
		return c - 32;
	return c;
}

/* Appends UTF16LE(s) (optionally upper-cased). -1 on invalid UTF-8
 * (overlong forms, surrogates, > U+10FFFF), -2 when memory runs out. */
static int utf16le(buf *out, const char *s, bool upper)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		uint32_t cp;
		int n;
		if (p[0] < 0x80) {
			cp = p[0];
			n = 1;
		} else if ((p[0] & 0xE0) == 0xC0) {
			cp = p[0] & 0x1Fu;
			n = 2;
		} else if ((p[0] & 0xF0) == 0xE0) {
			cp = p[0] & 0x0Fu;
			n = 3;
		} else if ((p[0] & 0xF8) == 0xF0) {
			cp = p[0] & 0x07u;
			n = 4;
		} else {
			return -1;
		}
		for (int i = 1; i < n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return -1;
			cp = cp << 6 | (p[i] & 0x3Fu);
		}
		static const uint32_t min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
		if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return -1;
		p += n;
		int rc;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			rc = append16(out, 0xD800 | (cp >> 10)) |
			     append16(out, 0xDC00 | (cp & 0x3FF));
		} else {
			rc = append16(out, upper ? upcase(cp) : cp);
		}
		if (rc != 0)
			return -2;
	}
	return 0;
}

static hvsnap_status crypto_failed(hvsnap_error *err)
{
	return hvs_err_set(err, HVSNAP_ERR_INTERNAL, 0,
	               "NTLM cryptography failed (OpenSSL without MD5, e.g. in "
	               "FIPS mode, cannot do NTLM)");
}

/* ---- user names ---------------------------------------------------------- */

int hvs_ntlm_split_user(const char *spec, char **user, char **domain)
{
	*user = *domain = NULL;
	if (!spec || !*spec)
		return -1;
	const char *bs = strchr(spec, '\\');
	if (bs) {
		if (bs == spec || bs[1] == '\0')
			return -1;
		*domain = hvs_str_ndup(spec, (size_t)(bs - spec));
		*user = hvs_str_dup(bs + 1);
	} else {
		const char *at = strchr(spec, '@');
		if (at && (at == spec || at[1] == '\0'))
			return -1;
		*user = hvs_str_dup(spec);
		*domain = hvs_str_dup("");
	}
	if (!*user || !*domain) {
		free(*user);
		free(*domain);
		*user = *domain = NULL;
		return -1;
	}
	return 0;
}

/* ---- key derivation ------------------------------------------------------- */

int hvs_ntlm_ntowfv1(const char *password, unsigned char out[16])
{
	buf u = BUF_INIT;
	int rc = utf16le(&u, password, false) == 0 ? 0 : -1;
	if (rc == 0)
		hvs_legacy_md4(u.data ? u.data : "", u.len, out);
	hvs_buf_wipe(&u);
	return rc;
}

static int ntowfv2_from_hash(const unsigned char nt[16], const char *user,
                             const char *domain, unsigned char out[16])
{
	buf id = BUF_INIT;
	int rc = -1;
	if (utf16le(&id, user, true) == 0 && utf16le(&id, domain, false) == 0) {
		hvs_iov v = { id.data, id.len };
		rc = hvs_hmac_md5(nt, 16, &v, 1, out);
	}
	hvs_buf_wipe(&id);
	return rc;
}

int hvs_ntlm_ntowfv2(const char *password, const char *user, const char *domain,
                 unsigned char out[16])
{
	unsigned char nt[16];
	int rc = hvs_ntlm_ntowfv1(password, nt) == 0 &&
	         ntowfv2_from_hash(nt, user, domain, out) == 0 ? 0 : -1;
	OPENSSL_cleanse(nt, sizeof(nt));
	return rc;
}

static void wipe_session(ntlm_ctx *c)
{
	hvs_legacy_rc4_free(c->rc4_out);
	hvs_legacy_rc4_free(c->rc4_in);
	c->rc4_out = c->rc4_in = NULL;
	OPENSSL_cleanse(c->session_base_key, sizeof(c->session_base_key));
	OPENSSL_cleanse(c->esk, sizeof(c->esk));
	OPENSSL_cleanse(c->sign_out, sizeof(c->sign_out));
	OPENSSL_cleanse(c->seal_out, sizeof(c->seal_out));
	OPENSSL_cleanse(c->sign_in, sizeof(c->sign_in));
	OPENSSL_cleanse(c->seal_in, sizeof(c->seal_in));
	c->seq_out = c->seq_in = 0;
	c->flags = 0;
}

/* The magic constants include their terminating NUL (sizeof, not strlen):
 * MS-NLMP 3.4.5.2/3, as Samba and pyspnego hash them. */
static const char C2S_SIGN[] = "session key to client-to-server signing key magic constant";
static const char S2C_SIGN[] = "session key to server-to-client signing key magic constant";
static const char C2S_SEAL[] = "session key to client-to-server sealing key magic constant";
static const char S2C_SEAL[] = "session key to server-to-client sealing key magic constant";

/* Derives sign/seal keys from c->esk and c->flags and starts the two RC4
 * streams, which then run for the whole connection. */
static hvsnap_status start_session(ntlm_ctx *c, bool as_server,
                                   hvsnap_error *err)
{
	size_t seal_len = (c->flags & NTLM_NEGOTIATE_128) ? 16
	                : (c->flags & NTLM_NEGOTIATE_56) ? 7 : 5;
	hvs_iov v[2];
	v[0] = (hvs_iov){ c->esk, 16 };
	v[1] = (hvs_iov){ C2S_SIGN, sizeof(C2S_SIGN) };
	unsigned char c2s_sign[16], s2c_sign[16], c2s_seal[16], s2c_seal[16];
	int rc = hvs_md5v(v, 2, c2s_sign);
	v[1] = (hvs_iov){ S2C_SIGN, sizeof(S2C_SIGN) };
	rc |= hvs_md5v(v, 2, s2c_sign);
	v[0].n = seal_len;
	v[1] = (hvs_iov){ C2S_SEAL, sizeof(C2S_SEAL) };
	rc |= hvs_md5v(v, 2, c2s_seal);
	v[1] = (hvs_iov){ S2C_SEAL, sizeof(S2C_SEAL) };
	rc |= hvs_md5v(v, 2, s2c_seal);
	if (rc == 0) {
		memcpy(c->sign_out, as_server ? s2c_sign : c2s_sign, 16);
		memcpy(c->seal_out, as_server ? s2c_seal : c2s_seal, 16);
		memcpy(c->sign_in, as_server ? c2s_sign : s2c_sign, 16);
		memcpy(c->seal_in, as_server ? c2s_seal : s2c_seal, 16);
	}
	OPENSSL_cleanse(c2s_sign, 16);
	OPENSSL_cleanse(s2c_sign, 16);
	OPENSSL_cleanse(c2s_seal, 16);
	OPENSSL_cleanse(s2c_seal, 16);
	if (rc != 0)
		return crypto_failed(err);
	c->rc4_out = hvs_legacy_rc4_new(c->seal_out, 16);
	c->rc4_in = hvs_legacy_rc4_new(c->seal_in, 16);
	if (!c->rc4_out || !c->rc4_in)
		return crypto_failed(err);
	c->seq_out = c->seq_in = 0;
	c->state = ST_SESSION;
	return HVSNAP_OK;
}

/* ---- context ------------------------------------------------------------- */

static int valid_utf8(const char *s)
{
	buf t = BUF_INIT;
	int rc = utf16le(&t, s, false);
	hvs_buf_wipe(&t);
	return rc;
}

hvsnap_status hvs_ntlm_new(ntlm_ctx **out, const ntlm_options *o, hvsnap_error *err)
{
	*out = NULL;
	if (!o || !o->user || !o->password)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
		               "NTLM needs a user name and a password");
	const char *strs[] = { o->user, o->domain, o->password, o->workstation,
	                       o->target_spn };
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		int rc = valid_utf8(strs[i]);
		if (rc == -2)
			return hvs_err_nomem(err);
		if (rc != 0)
			return hvs_err_set(err, HVSNAP_ERR_USAGE, 0,
			               "NTLM credentials are not valid UTF-8");
	}
	ntlm_ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return hvs_err_nomem(err);
	c->user = hvs_str_dup(o->user);
	c->domain = hvs_str_dup(o->domain ? o->domain : "");
	c->workstation = hvs_str_dup(o->workstation ? o->workstation : "");
	c->target_spn = o->target_spn ? hvs_str_dup(o->target_spn) : NULL;
	if (!c->user || !c->domain || !c->workstation ||
	    (o->target_spn && !c->target_spn)) {
		hvs_ntlm_free(c);
		return hvs_err_nomem(err);
	}
	if (hvs_ntlm_ntowfv1(o->password, c->nt_hash) != 0) {
		hvs_ntlm_free(c);
		return hvs_err_set(err, HVSNAP_ERR_INTERNAL, 0,
		               "cannot compute the NT hash (MD4 unavailable)");
	}
	if (o->cbt_md5) {
		c->has_cbt = true;
		memcpy(c->cbt, o->cbt_md5, 16);
	}
	*out = c;
	return HVSNAP_OK;
}

void hvs_ntlm_set_channel_bindings(ntlm_ctx *c, const unsigned char *cbt_md5)
{
	c->has_cbt = cbt_md5 != NULL;
	if (cbt_md5)
		memcpy(c->cbt, cbt_md5, 16);
	else
		memset(c->cbt, 0, sizeof(c->cbt));
}

void hvs_ntlm_free(ntlm_ctx *c)
{
	if (!c)
		return;
	wipe_session(c);
	free(c->user);
	free(c->domain);
	free(c->workstation);
	free(c->target_spn);
	hvs_buf_free(&c->negotiate);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

uint32_t hvs_ntlm_flags(const ntlm_ctx *c)
{
	return c->state == ST_SESSION || c->state == ST_BROKEN ? c->flags : 0;
}

#ifdef HVSNAP_TEST_HOOKS
void hvs_ntlm_test_set_fixed(ntlm_ctx *c, const unsigned char client_challenge[8],
                         const unsigned char random_session_key[16],
                         const uint64_t *filetime)
{
	if (client_challenge) {
		c->fixed_cc = true;
		memcpy(c->fixed_client_challenge, client_challenge, 8);
	}
	if (random_session_key) {
		c->fixed_rsk = true;
		memcpy(c->fixed_random_key, random_session_key, 16);
	}
	if (filetime) {
		c->fixed_time = true;
		c->fixed_filetime = *filetime;
	}
}

int hvs_ntlm_test_get_keys(const ntlm_ctx *c, ntlm_test_keys *k)
{
	if (c->state != ST_SESSION && c->state != ST_BROKEN)
		return -1;
	memcpy(k->session_base_key, c->session_base_key, 16);
	memcpy(k->exported_session_key, c->esk, 16);
	memcpy(k->sign_out, c->sign_out, 16);
	memcpy(k->seal_out, c->seal_out, 16);
	memcpy(k->sign_in, c->sign_in, 16);
	memcpy(k->seal_in, c->seal_in, 16);
	return 0;
}

hvsnap_status hvs_ntlm_test_start_session(ntlm_ctx *c,
                                      const unsigned char exported_key[16],
                                      uint32_t flags, int as_server,
                                      hvsnap_error *err)
{
	wipe_session(c);
	memcpy(c->esk, exported_key, 16);
	c->flags = flags;
	return start_session(c, as_server != 0, err);
}
#endif

/* ---- NEGOTIATE ----------------------------------------------------------- */

hvsnap_status hvs_ntlm_negotiate(ntlm_ctx *c, buf *out, hvsnap_error *err)
{
	/* A new handshake means a new connection: nothing carries over. */
	wipe_session(c);
	hvs_buf_reset(&c->negotiate);
	c->state = ST_NEW;

	unsigned char m[40];
	memset(m, 0, sizeof(m));
	memcpy(m, SIGNATURE, 8);
	put32(m + 8, 1);
	put32(m + 12, NTLM_CLIENT_FLAGS);
	/* Empty DomainName and Workstation buffers point at the end. */
	put32(m + 20, 40);
	put32(m + 28, 40);
	memcpy(m + 32, OUR_VERSION, 8);
	if (hvs_buf_append(&c->negotiate, m, sizeof(m)) != 0 ||
	    hvs_buf_append(out, m, sizeof(m)) != 0)
		return hvs_err_nomem(err);
	c->state = ST_NEGOTIATED;
	return HVSNAP_OK;
}

/* ---- CHALLENGE parsing --------------------------------------------------- */

typedef struct challenge {
	uint32_t flags;
	const unsigned char *server_challenge;  /* 8 bytes */
	const unsigned char *target_name;       /* bounds-checked, not used */
	size_t target_name_len;
	const unsigned char *target_info;
	size_t target_info_len;
	const unsigned char *timestamp;         /* 8 bytes or NULL */
} challenge;

static hvsnap_status hostile(hvsnap_error *err, const char *what)
{
	return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0, "invalid NTLM CHALLENGE: %s",
	               what);
}

/* Security buffer at off: u16 len, u16 maxlen, u32 offset. */
static int secbuf(const unsigned char *m, size_t mlen, size_t at,
                  const unsigned char **p, size_t *n)
{
	size_t len = get16(m + at), off = get32(m + at + 4);
	if (len == 0) {
		*p = NULL;
		*n = 0;
		return 0;
	}
	if (off > mlen || len > mlen - off)
		return -1;
	*p = m + off;
	*n = len;
	return 0;
}

static hvsnap_status parse_challenge(const unsigned char *m, size_t len,
                                     challenge *ch, hvsnap_error *err)
{
	memset(ch, 0, sizeof(*ch));
	if (!m || len < 12)
		return hostile(err, "message too short");
	if (memcmp(m, SIGNATURE, 8) != 0)
		return hostile(err, "bad signature (not NTLMSSP)");
	if (get32(m + 8) != 2)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		               "invalid NTLM CHALLENGE: message type %u, expected 2",
		               (unsigned)get32(m + 8));
	/* NTLMv2 needs TargetInfo, so the 48-byte header with its buffer. */
	if (len < 48)
		return hostile(err, "message too short");
	if (secbuf(m, len, 12, &ch->target_name, &ch->target_name_len) != 0)
		return hostile(err, "TargetName out of bounds");
	ch->flags = get32(m + 20);
	ch->server_challenge = m + 24;
	if (secbuf(m, len, 40, &ch->target_info, &ch->target_info_len) != 0)
		return hostile(err, "TargetInfo out of bounds");
	if (!(ch->flags & NTLM_NEGOTIATE_UNICODE))
		return hostile(err, "server did not accept Unicode strings");
	if (!ch->target_info)
		return hostile(err, "no TargetInfo (NTLMv2 impossible)");

	/* Walk the AV list: each pair must fit, and the list must end with
	 * MsvAvEOL. */
	const unsigned char *a = ch->target_info, *end = a + ch->target_info_len;
	bool terminated = false;
	while ((size_t)(end - a) >= 4) {
		uint32_t id = get16(a), alen = get16(a + 2);
		if (alen > (size_t)(end - a) - 4)
			return hostile(err, "AV pair longer than TargetInfo");
		if (id == NTLM_AV_EOL) {
			terminated = true;
			break;
		}
		if (id == NTLM_AV_TIMESTAMP) {
			if (alen != 8)
				return hostile(err, "Timestamp AV pair has wrong size");
			ch->timestamp = a + 4;
		} else if (id == NTLM_AV_FLAGS && alen != 4) {
			return hostile(err, "Flags AV pair has wrong size");
		}
		a += 4 + alen;
	}
	if (!terminated)
		return hostile(err, "AV pair list not terminated");
	return HVSNAP_OK;
}

/* ---- AUTHENTICATE -------------------------------------------------------- */

/* AV' (MS-NLMP 3.1.5.1.2): the server's pairs without EOL, MsvAvFlags with
 * the MIC bit when a MIC is sent, our channel bindings and target name,
 * then EOL. Pairs that only a client may send are dropped from the server's
 * list so a hostile server cannot plant them. */
static int build_av(const ntlm_ctx *c, const challenge *ch, bool mic, buf *out)
{
	const unsigned char *a = ch->target_info, *end = a + ch->target_info_len;
	bool have_flags = false;
	while ((size_t)(end - a) >= 4) {
		uint32_t id = get16(a), alen = get16(a + 2);
		if (id == NTLM_AV_EOL)
			break;
		if (id == NTLM_AV_FLAGS) {
			uint32_t f = get32(a + 4) | (mic ? 0x2u : 0);
			if (append16(out, id) || append16(out, 4) || append32(out, f))
				return -2;
			have_flags = true;
		} else if (id != NTLM_AV_TARGET_NAME &&
		           id != NTLM_AV_CHANNEL_BINDINGS) {
			if (hvs_buf_append(out, a, 4 + alen) != 0)
				return -2;
		}
		a += 4 + alen;
	}
	if (mic && !have_flags &&
	    (append16(out, NTLM_AV_FLAGS) || append16(out, 4) || append32(out, 2)))
		return -2;
	if (c->has_cbt && (append16(out, NTLM_AV_CHANNEL_BINDINGS) ||
	                   append16(out, 16) || hvs_buf_append(out, c->cbt, 16)))
		return -2;
	if (c->target_spn) {
		buf t = BUF_INIT;
		int rc = utf16le(&t, c->target_spn, false);
		if (rc != 0 || t.len > 0xFFFF) {
			hvs_buf_free(&t);
			return rc == -2 ? -2 : -1;
		}
		rc = append16(out, NTLM_AV_TARGET_NAME) || append16(out, (uint32_t)t.len) ||
		     (t.len && hvs_buf_append(out, t.data, t.len));
		hvs_buf_free(&t);
		if (rc)
			return -2;
	}
	if (append16(out, NTLM_AV_EOL) || append16(out, 0))
		return -2;
	return 0;
}

static uint64_t now_filetime(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec + 11644473600ull) * 10000000ull +
	       (uint64_t)ts.tv_nsec / 100;
}

/* One payload field: where its security buffer goes and its bytes. */
typedef struct field {
	size_t secbuf_at;
	const void *p;
	size_t n;
} field;

hvsnap_status hvs_ntlm_authenticate(ntlm_ctx *c, const unsigned char *challenge_msg,
                                size_t len, buf *out, hvsnap_error *err)
{
	if (c->state == ST_SESSION || c->state == ST_BROKEN)
		/* The host sent a CHALLENGE again after our AUTHENTICATE: it has
		 * not accepted it, and answering twice is not part of NTLM. */
		return hvs_err_set(err, HVSNAP_ERR_AUTH, 401,
		               "the host answered the NTLM AUTHENTICATE message with a second "
		               "CHALLENGE instead of accepting or refusing the credentials");
	if (c->state != ST_NEGOTIATED)
		return hvs_err_set(err, HVSNAP_ERR_INTERNAL, 0,
		               "NTLM AUTHENTICATE before NEGOTIATE");
	challenge ch;
	hvsnap_status st = parse_challenge(challenge_msg, len, &ch, err);
	if (st != HVSNAP_OK)
		return st;

	bool mic = ch.timestamp != NULL;
	uint32_t flags = ch.flags;
	unsigned char rk[16], cc[8], ntproof[16], lm[24], kxkey[16], rsk[16];
	unsigned char enc_key[16];
	buf av = BUF_INIT, temp = BUF_INIT, ntresp = BUF_INIT, msg = BUF_INIT;
	buf uname = BUF_INIT, dname = BUF_INIT, wname = BUF_INIT;

	int rc = build_av(c, &ch, mic, &av);
	if (rc == -2) {
		st = hvs_err_nomem(err);
		goto out;
	}
	if (rc != 0 || av.len > 0xFFFF - 16 - 28 - 4) {
		st = hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		             "invalid NTLM CHALLENGE: TargetInfo too large");
		goto out;
	}

	if (c->fixed_cc)
		memcpy(cc, c->fixed_client_challenge, 8);
	else if (hvs_platform_random(cc, 8) != 0) {
		st = hvs_err_set(err, HVSNAP_ERR_INTERNAL, 0, "no random numbers");
		goto out;
	}
	unsigned char ts[8];
	if (mic) {
		memcpy(ts, ch.timestamp, 8);
	} else {
		uint64_t ft = c->fixed_time ? c->fixed_filetime : now_filetime();
		for (int i = 0; i < 8; i++)
			ts[i] = (unsigned char)(ft >> (8 * i));
	}

	/* temp = 01 01 00*6 | time | clientChallenge | 00*4 | AV' | 00*4 */
	static const unsigned char hdr[8] = { 1, 1, 0, 0, 0, 0, 0, 0 };
	static const unsigned char z4[4] = { 0 };
	if (hvs_buf_append(&temp, hdr, 8) || hvs_buf_append(&temp, ts, 8) ||
	    hvs_buf_append(&temp, cc, 8) || hvs_buf_append(&temp, z4, 4) ||
	    hvs_buf_append(&temp, av.data, av.len) || hvs_buf_append(&temp, z4, 4)) {
		st = hvs_err_nomem(err);
		goto out;
	}

	if (ntowfv2_from_hash(c->nt_hash, c->user, c->domain, rk) != 0) {
		st = crypto_failed(err);
		goto out;
	}
	hvs_iov v[2] = { { ch.server_challenge, 8 }, { temp.data, temp.len } };
	if (hvs_hmac_md5(rk, 16, v, 2, ntproof) != 0) {
		st = crypto_failed(err);
		goto out;
	}
	if (hvs_buf_append(&ntresp, ntproof, 16) ||
	    hvs_buf_append(&ntresp, temp.data, temp.len)) {
		st = hvs_err_nomem(err);
		goto out;
	}
	if (mic) {
		/* With a MIC the LMv2 response is omitted (zeros), MS-NLMP
		 * 3.1.5.1.2, as Windows does. */
		memset(lm, 0, sizeof(lm));
	} else {
		hvs_iov lv[2] = { { ch.server_challenge, 8 }, { cc, 8 } };
		if (hvs_hmac_md5(rk, 16, lv, 2, lm) != 0) {
			st = crypto_failed(err);
			goto out;
		}
		memcpy(lm + 16, cc, 8);
	}
	hvs_iov kv = { ntproof, 16 };
	if (hvs_hmac_md5(rk, 16, &kv, 1, kxkey) != 0) {
		st = crypto_failed(err);
		goto out;
	}

	size_t enc_len = 0;
	if (flags & NTLM_NEGOTIATE_KEY_EXCH) {
		if (c->fixed_rsk)
			memcpy(rsk, c->fixed_random_key, 16);
		else if (hvs_platform_random(rsk, 16) != 0) {
			st = hvs_err_set(err, HVSNAP_ERR_INTERNAL, 0, "no random numbers");
			goto out;
		}
		if (hvs_legacy_rc4_oneshot(kxkey, 16, rsk, enc_key, 16) != 0) {
			st = crypto_failed(err);
			goto out;
		}
		enc_len = 16;
	} else {
		memcpy(rsk, kxkey, 16);
	}

	if (utf16le(&uname, c->user, false) || utf16le(&dname, c->domain, false) ||
	    utf16le(&wname, c->workstation, false) || uname.len > 0xFFFF ||
	    dname.len > 0xFFFF || wname.len > 0xFFFF) {
		st = hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "NTLM names too long");
		goto out;
	}

	/* Header 64, Version 8, MIC 16 when present; then the payload. */
	size_t base = mic ? 88 : 72;
	field fields[] = {
		{ 28, dname.data, dname.len },
		{ 36, uname.data, uname.len },
		{ 44, wname.data, wname.len },
		{ 12, lm, 24 },
		{ 20, ntresp.data, ntresp.len },
		{ 52, enc_key, enc_len },
	};
	size_t total = base;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		total += fields[i].n;
	if (hvs_buf_reserve(&msg, total) != 0) {
		st = hvs_err_nomem(err);
		goto out;
	}
	unsigned char *m = (unsigned char *)msg.data;
	memset(m, 0, base);
	memcpy(m, SIGNATURE, 8);
	put32(m + 8, 3);
	put32(m + 60, flags);
	if (flags & NTLM_NEGOTIATE_VERSION)
		memcpy(m + 64, OUR_VERSION, 8);
	size_t off = base;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		unsigned char *sb = m + fields[i].secbuf_at;
		put16(sb, (uint32_t)fields[i].n);
		put16(sb + 2, (uint32_t)fields[i].n);
		put32(sb + 4, (uint32_t)off);
		if (fields[i].n)
			memcpy(m + off, fields[i].p, fields[i].n);
		off += fields[i].n;
	}
	msg.len = total;

	if (mic) {
		/* Over the exact bytes exchanged, MIC field still zero. */
		hvs_iov mv[3] = { { c->negotiate.data, c->negotiate.len },
		              { challenge_msg, len }, { m, total } };
		unsigned char micv[16];
		if (hvs_hmac_md5(rsk, 16, mv, 3, micv) != 0) {
			st = crypto_failed(err);
			goto out;
		}
		memcpy(m + 72, micv, 16);
	}
	if (hvs_buf_append(out, m, total) != 0) {
		st = hvs_err_nomem(err);
		goto out;
	}

	memcpy(c->session_base_key, kxkey, 16);
	memcpy(c->esk, rsk, 16);
	c->flags = flags;
	st = start_session(c, false, err);
	if (st != HVSNAP_OK) {
		wipe_session(c);
		c->state = ST_BROKEN;
	}
out:
	OPENSSL_cleanse(rk, sizeof(rk));
	OPENSSL_cleanse(ntproof, sizeof(ntproof));
	OPENSSL_cleanse(kxkey, sizeof(kxkey));
	OPENSSL_cleanse(rsk, sizeof(rsk));
	OPENSSL_cleanse(lm, sizeof(lm));
	hvs_buf_free(&av);
	hvs_buf_wipe(&temp);
	hvs_buf_wipe(&ntresp);
	hvs_buf_wipe(&msg);
	hvs_buf_free(&uname);
	hvs_buf_free(&dname);
	hvs_buf_free(&wname);
	return st;
}

/* ---- session security ------------------------------------------------------ */

static hvsnap_status session_ready(const ntlm_ctx *c, hvsnap_error *err)
{
	if (c->state == ST_BROKEN)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		               "NTLM security context is out of step after a failed "
		               "message check; authenticate again");
	if (c->state != ST_SESSION)
		return hvs_err_set(err, HVSNAP_ERR_INTERNAL, 0,
		               "NTLM message sealing before authentication");
	/* We always ask for 128-bit keys: a CHALLENGE that drops them would
	 * downgrade sealing to 40 or 56 bits. */
	uint32_t need = NTLM_NEGOTIATE_SEAL | NTLM_NEGOTIATE_ESS | NTLM_NEGOTIATE_128;
	if ((c->flags & need) != need)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		               "the server did not agree to 128-bit NTLM sealing with "
		               "extended session security");
	if (c->flags & NTLM_NEGOTIATE_DATAGRAM)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		               "connectionless NTLM is not supported");
	return HVSNAP_OK;
}

/* 01000000 | checksum | seq: HMAC over seq|plaintext, RC4'd on the same
 * stream right after the data when keys were exchanged. */
static int make_signature(ntlm_ctx *c, const unsigned char *sign_key,
                          legacy_rc4 *rc4, uint32_t seq,
                          const unsigned char *msg, size_t len,
                          unsigned char sig[16])
{
	unsigned char s[4], mac[16];
	put32(s, seq);
	hvs_iov v[2] = { { s, 4 }, { msg, len } };
	if (hvs_hmac_md5(sign_key, 16, v, 2, mac) != 0)
		return -1;
	put32(sig, 1);
	memcpy(sig + 4, mac, 8);
	OPENSSL_cleanse(mac, sizeof(mac));
	if (c->flags & NTLM_NEGOTIATE_KEY_EXCH)
		hvs_legacy_rc4_update(rc4, sig + 4, sig + 4, 8);
	put32(sig + 12, seq);
	return 0;
}

hvsnap_status hvs_ntlm_wrap(ntlm_ctx *c, const unsigned char *msg, size_t len,
                        buf *sig16, buf *sealed, hvsnap_error *err)
{
	hvsnap_status st = session_ready(c, err);
	if (st != HVSNAP_OK)
		return st;
	size_t start = sealed->len;
	unsigned char sig[16];
	if (hvs_buf_reserve(sealed, len) != 0 || hvs_buf_reserve(sig16, 16) != 0)
		return hvs_err_nomem(err);
	unsigned char *ct = (unsigned char *)sealed->data + start;
	if (len)
		hvs_legacy_rc4_update(c->rc4_out, msg, ct, len);
	if (make_signature(c, c->sign_out, c->rc4_out, c->seq_out, msg, len,
	                   sig) != 0) {
		/* The stream may have advanced: this context cannot go on. */
		OPENSSL_cleanse(ct, len);
		c->state = ST_BROKEN;
		return crypto_failed(err);
	}
	sealed->len = start + len;
	sealed->data[sealed->len] = '\0';
	hvs_buf_append(sig16, sig, 16); /* reserved above, cannot fail */
	c->seq_out++;
	return HVSNAP_OK;
}

hvsnap_status hvs_ntlm_unwrap(ntlm_ctx *c, const unsigned char *sig16,
                          const unsigned char *sealed, size_t len, buf *plain,
                          hvsnap_error *err)
{
	hvsnap_status st = session_ready(c, err);
	if (st != HVSNAP_OK)
		return st;
	if (!sig16)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		               "message signature check failed");
	size_t start = plain->len;
	if (hvs_buf_reserve(plain, len) != 0)
		return hvs_err_nomem(err);
	unsigned char *pt = (unsigned char *)plain->data + start;
	unsigned char want[16];
	if (len)
		hvs_legacy_rc4_update(c->rc4_in, sealed, pt, len);
	if (make_signature(c, c->sign_in, c->rc4_in, c->seq_in, pt, len,
	                   want) != 0) {
		OPENSSL_cleanse(pt, len);
		c->state = ST_BROKEN;
		return crypto_failed(err);
	}
	if (CRYPTO_memcmp(want, sig16, 16) != 0) {
		OPENSSL_cleanse(pt, len);
		plain->data[start] = '\0';
		/* Both RC4 streams have moved on; resynchronising would mean
		 * guessing, so the session is over. */
		c->state = ST_BROKEN;
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		               "message signature check failed");
	}
	plain->len = start + len;
	plain->data[plain->len] = '\0';
	c->seq_in++;
	return HVSNAP_OK;
}

hvsnap_status hvs_ntlm_winrm_wrap(void *ctx, const unsigned char *plain, size_t len,
                              buf *header, buf *payload, hvsnap_error *err)
{
	return hvs_ntlm_wrap(ctx, plain, len, header, payload, err);
}

hvsnap_status hvs_ntlm_winrm_unwrap(void *ctx, const unsigned char *header,
                                size_t header_len, const unsigned char *payload,
                                size_t payload_len, size_t expected_len,
                                buf *plain, hvsnap_error *err)
{
	(void)expected_len; /* NTLM has no padding: the framer checks it */
	if (header_len != 16)
		return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0,
		               "message signature check failed (signature of %zu "
		               "bytes, expected 16)", header_len);
	return hvs_ntlm_unwrap(ctx, header, payload, payload_len, plain, err);
}

#ifdef HVSNAP_TEST_HOOKS
/* ---- test hooks for the captured Windows exchanges -------------------------- */

hvsnap_status hvs_ntlm_test_parse_challenge(const unsigned char *msg, size_t len,
                                            ntlm_test_challenge *out,
                                            hvsnap_error *err)
{
	challenge ch;
	memset(out, 0, sizeof(*out));
	hvsnap_status st = parse_challenge(msg, len, &ch, err);
	if (st != HVSNAP_OK)
		return st;
	out->flags = ch.flags;
	out->server_challenge = ch.server_challenge;
	out->target_name = ch.target_name;
	out->target_name_len = ch.target_name_len;
	out->target_info = ch.target_info;
	out->target_info_len = ch.target_info_len;
	out->timestamp = ch.timestamp;
	/* Version (MS-NLMP 2.2.1.2) follows the 48-byte header when the
	 * payload leaves room for it; the client never reads it. */
	if ((ch.flags & NTLM_NEGOTIATE_VERSION) && len >= 56 &&
	    (!ch.target_info || ch.target_info >= msg + 56) &&
	    (!ch.target_name || ch.target_name >= msg + 56))
		out->version = msg + 48;
	return HVSNAP_OK;
}

static hvsnap_status rejected(hvsnap_error *err, const char *what)
{
	return hvs_err_set(err, HVSNAP_ERR_AUTH, 0,
	                   "NTLM AUTHENTICATE rejected: %s", what);
}

hvsnap_status hvs_ntlm_test_accept(ntlm_ctx *c, const unsigned char *negotiate,
                                   size_t negotiate_len,
                                   const unsigned char *challenge_msg,
                                   size_t challenge_len,
                                   const unsigned char *auth, size_t auth_len,
                                   hvsnap_error *err)
{
	wipe_session(c);
	c->state = ST_BROKEN;
	if (!auth || auth_len < 64 || memcmp(auth, SIGNATURE, 8) != 0 ||
	    get32(auth + 8) != 3)
		return rejected(err, "not an AUTHENTICATE message");
	if (negotiate && (!challenge_msg || auth_len < 88))
		return rejected(err, "a MIC needs the CHALLENGE and a MIC field");
	if (challenge_msg && challenge_len < 32)
		return rejected(err, "CHALLENGE too short");
	const unsigned char *nt, *erk;
	size_t nt_len, erk_len;
	/* NTProofStr, then at least the 28-byte NTLMv2 blob header. */
	if (secbuf(auth, auth_len, 20, &nt, &nt_len) != 0 || nt_len < 16 + 28 ||
	    secbuf(auth, auth_len, 52, &erk, &erk_len) != 0)
		return rejected(err, "malformed NtChallengeResponse");
	uint32_t flags = get32(auth + 60);

	unsigned char rk[16], proof[16], sbk[16], esk[16], mic[16];
	buf copy = BUF_INIT;
	hvsnap_status st = HVSNAP_OK;
	if (ntowfv2_from_hash(c->nt_hash, c->user, c->domain, rk) != 0) {
		st = crypto_failed(err);
		goto out;
	}
	if (challenge_msg) {
		hvs_iov v[2] = { { challenge_msg + 24, 8 }, { nt + 16, nt_len - 16 } };
		if (hvs_hmac_md5(rk, 16, v, 2, proof) != 0) {
			st = crypto_failed(err);
			goto out;
		}
		if (CRYPTO_memcmp(proof, nt, 16) != 0) {
			st = rejected(err, "NTProofStr does not match");
			goto out;
		}
	}
	/* KXKEY = SessionBaseKey for NTLMv2 (3.4.5.1). The server unwraps
	 * the client's random key only when signing or sealing was
	 * negotiated (3.2.5.2.2); otherwise the exported key is KXKEY. */
	hvs_iov kv = { nt, 16 };
	if (hvs_hmac_md5(rk, 16, &kv, 1, sbk) != 0) {
		st = crypto_failed(err);
		goto out;
	}
	if ((flags & NTLM_NEGOTIATE_KEY_EXCH) &&
	    (flags & (NTLM_NEGOTIATE_SIGN | NTLM_NEGOTIATE_SEAL))) {
		if (erk_len != 16) {
			st = rejected(err, "no EncryptedRandomSessionKey");
			goto out;
		}
		if (hvs_legacy_rc4_oneshot(sbk, 16, erk, esk, 16) != 0) {
			st = crypto_failed(err);
			goto out;
		}
	} else {
		memcpy(esk, sbk, 16);
	}
	if (negotiate) {
		if (hvs_buf_append(&copy, auth, auth_len) != 0) {
			st = hvs_err_nomem(err);
			goto out;
		}
		memset(copy.data + 72, 0, 16);
		hvs_iov mv[3] = { { negotiate, negotiate_len },
		              { challenge_msg, challenge_len },
		              { copy.data, copy.len } };
		if (hvs_hmac_md5(esk, 16, mv, 3, mic) != 0) {
			st = crypto_failed(err);
			goto out;
		}
		if (CRYPTO_memcmp(mic, auth + 72, 16) != 0) {
			st = rejected(err, "MIC does not match");
			goto out;
		}
	}
	memcpy(c->session_base_key, sbk, 16);
	memcpy(c->esk, esk, 16);
	c->flags = flags;
	st = start_session(c, true, err);
	if (st != HVSNAP_OK) {
		wipe_session(c);
		c->state = ST_BROKEN;
	}
out:
	OPENSSL_cleanse(rk, sizeof(rk));
	OPENSSL_cleanse(proof, sizeof(proof));
	OPENSSL_cleanse(sbk, sizeof(sbk));
	OPENSSL_cleanse(esk, sizeof(esk));
	OPENSSL_cleanse(mic, sizeof(mic));
	hvs_buf_free(&copy);
	return st;
}
#endif
