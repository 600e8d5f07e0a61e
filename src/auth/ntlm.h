/* NTLMv2 client (MS-NLMP) with session security, written on OpenSSL so the
 * session key is ours: WinRM over http needs it to seal every message, and
 * neither libcurl nor the system's GSSAPI hands it out. One context is one
 * authenticated connection; it is used by one thread at a time. */
#ifndef HVSNAP_AUTH_NTLM_H
#define HVSNAP_AUTH_NTLM_H

#include <stddef.h>
#include <stdint.h>

#include "hvsnap/error.h"
#include "util/buf.h"

/* NEGOTIATE flags (MS-NLMP 2.2.2.5) that the rest of the code names. */
#define NTLM_NEGOTIATE_UNICODE          0x00000001u
#define NTLM_NEGOTIATE_OEM              0x00000002u
#define NTLM_REQUEST_TARGET             0x00000004u
#define NTLM_NEGOTIATE_SIGN             0x00000010u
#define NTLM_NEGOTIATE_SEAL             0x00000020u
#define NTLM_NEGOTIATE_DATAGRAM         0x00000040u
#define NTLM_NEGOTIATE_NTLM             0x00000200u
#define NTLM_NEGOTIATE_ALWAYS_SIGN      0x00008000u
#define NTLM_NEGOTIATE_ESS              0x00080000u /* extended session security */
#define NTLM_NEGOTIATE_TARGET_INFO      0x00800000u
#define NTLM_NEGOTIATE_VERSION          0x02000000u
#define NTLM_NEGOTIATE_128              0x20000000u
#define NTLM_NEGOTIATE_KEY_EXCH         0x40000000u
#define NTLM_NEGOTIATE_56               0x80000000u

/* What we ask for: sign + seal with key exchange and 128-bit keys, as
 * pyspnego does (0xE2088237). */
#define NTLM_CLIENT_FLAGS                                                     \
	(NTLM_NEGOTIATE_56 | NTLM_NEGOTIATE_KEY_EXCH | NTLM_NEGOTIATE_128 |   \
	 NTLM_NEGOTIATE_VERSION | NTLM_NEGOTIATE_ESS |                        \
	 NTLM_NEGOTIATE_ALWAYS_SIGN | NTLM_NEGOTIATE_NTLM |                   \
	 NTLM_NEGOTIATE_SEAL | NTLM_NEGOTIATE_SIGN | NTLM_REQUEST_TARGET |    \
	 NTLM_NEGOTIATE_OEM | NTLM_NEGOTIATE_UNICODE)

/* AV_PAIR ids (MS-NLMP 2.2.2.1). */
enum {
	NTLM_AV_EOL = 0,
	NTLM_AV_NB_COMPUTER = 1,
	NTLM_AV_NB_DOMAIN = 2,
	NTLM_AV_DNS_COMPUTER = 3,
	NTLM_AV_DNS_DOMAIN = 4,
	NTLM_AV_DNS_TREE = 5,
	NTLM_AV_FLAGS = 6,
	NTLM_AV_TIMESTAMP = 7,
	NTLM_AV_SINGLE_HOST = 8,
	NTLM_AV_TARGET_NAME = 9,
	NTLM_AV_CHANNEL_BINDINGS = 10
};

typedef struct ntlm_ctx ntlm_ctx;

typedef struct ntlm_options {
	const char *user;        /* UTF-8; required (may be "" for anonymous-ish) */
	const char *domain;      /* UTF-8; NULL or "" for none */
	const char *password;    /* UTF-8; only its NT hash is kept */
	const char *workstation; /* UTF-8; NULL sends none */
	const char *target_spn;  /* "HTTP/host" for the TargetName AV pair, or NULL */
	const unsigned char *cbt_md5; /* 16 bytes from hvs_cbt_ntlm_hash, or NULL (http) */
} ntlm_options;

/* Splits "DOMAIN\user" into domain and user. "user@domain" (a UPN) and
 * "user" come back whole as the user with an empty domain: Windows resolves
 * UPNs itself and expects DomainName empty for them, and the UPN suffix is
 * not a NetBIOS domain. Returns 0, or -1 on allocation failure or when spec
 * is NULL, empty or has an empty part. The caller frees both. */
int hvs_ntlm_split_user(const char *spec, char **user, char **domain);

/* Creates a context; the password is hashed at once and not kept.
 * Invalid UTF-8 in any string is HVSNAP_ERR_USAGE. */
hvsnap_status hvs_ntlm_new(ntlm_ctx **out, const ntlm_options *o, hvsnap_error *err);

/* Appends the NEGOTIATE message to out. Also resets the context: after a
 * lost connection, call it again to start over with fresh keys and
 * sequence numbers. */
hvsnap_status hvs_ntlm_negotiate(ntlm_ctx *c, buf *out, hvsnap_error *err);

/* Parses the server's CHALLENGE and appends the AUTHENTICATE message to
 * out. A malformed or hostile CHALLENGE is HVSNAP_ERR_PROTOCOL. On success
 * the session keys are ready for wrap/unwrap (whether the server accepted
 * the password is only known from its next reply). */
hvsnap_status hvs_ntlm_authenticate(ntlm_ctx *c, const unsigned char *challenge,
                                size_t len, buf *out, hvsnap_error *err);

/* Seals msg: appends the 16-byte signature to sig16 and the ciphertext to
 * sealed. For WinRM and GSSAPI the token is sig16 || sealed. Requires a
 * completed handshake with SEAL and extended session security. */
hvsnap_status hvs_ntlm_wrap(ntlm_ctx *c, const unsigned char *msg, size_t len,
                        buf *sig16, buf *sealed, hvsnap_error *err);

/* Opens a sealed message and appends the plaintext to plain. A wrong
 * signature, a reordered, replayed or dropped message is
 * HVSNAP_ERR_PROTOCOL ("message signature check failed") and no data is
 * returned; the incoming stream is then out of step, so every later unwrap
 * fails too and the caller must authenticate again. */
hvsnap_status hvs_ntlm_unwrap(ntlm_ctx *c, const unsigned char *sig16,
                          const unsigned char *sealed, size_t len, buf *plain,
                          hvsnap_error *err);

/* Adapters for hvs_winrm_crypt_build / hvs_winrm_crypt_parse (ctx is ntlm_ctx *). */
hvsnap_status hvs_ntlm_winrm_wrap(void *ctx, const unsigned char *plain, size_t len,
                              buf *header, buf *payload, hvsnap_error *err);
hvsnap_status hvs_ntlm_winrm_unwrap(void *ctx, const unsigned char *header,
                                size_t header_len, const unsigned char *payload,
                                size_t payload_len, size_t expected_len,
                                buf *plain, hvsnap_error *err);

/* Replaces the channel-binding hash (16 bytes from hvs_cbt_ntlm_hash, or NULL
 * for none) used by the next hvs_ntlm_authenticate. Over https the peer
 * certificate is known only once the connection's first answer arrived,
 * which is after NEGOTIATE was sent. */
void hvs_ntlm_set_channel_bindings(ntlm_ctx *c, const unsigned char *cbt_md5);

/* Flags of the AUTHENTICATE message (the server's CHALLENGE flags); 0
 * before the handshake. */
uint32_t hvs_ntlm_flags(const ntlm_ctx *c);

/* Wipes every key and frees c (NULL allowed). */
void hvs_ntlm_free(ntlm_ctx *c);

/* ---- primitives and hooks for the MS-NLMP test vectors ---------------- */

/* NTOWFv1 = MD4(UTF16LE(password)); 0 or -1 (bad UTF-8, crypto failure). */
int hvs_ntlm_ntowfv1(const char *password, unsigned char out[16]);
/* NTOWFv2 = HMAC_MD5(NTOWFv1, UTF16LE(UPPER(user) + domain)). */
int hvs_ntlm_ntowfv2(const char *password, const char *user, const char *domain,
                 unsigned char out[16]);

#ifdef HVSNAP_TEST_HOOKS
/* Test hooks: compiled only into the internal library the tests link, never
 * into the shipped one. */
/* Fixes the values a real client draws at random or from the clock: any
 * NULL argument keeps the real source. filetime is 100 ns since 1601. */
void hvs_ntlm_test_set_fixed(ntlm_ctx *c, const unsigned char client_challenge[8],
                         const unsigned char random_session_key[16],
                         const uint64_t *filetime);

/* Keys of the current session, for the vector tests. Any may be NULL. */
typedef struct ntlm_test_keys {
	unsigned char session_base_key[16];
	unsigned char exported_session_key[16];
	unsigned char sign_out[16], seal_out[16]; /* client-to-server */
	unsigned char sign_in[16], seal_in[16];   /* server-to-client */
} ntlm_test_keys;
int hvs_ntlm_test_get_keys(const ntlm_ctx *c, ntlm_test_keys *k);

/* Starts session security directly from an exported session key and
 * flags, skipping the handshake; as_server swaps the directions, giving a
 * peer for loopback tests. */
hvsnap_status hvs_ntlm_test_start_session(ntlm_ctx *c,
                                      const unsigned char exported_key[16],
                                      uint32_t flags, int as_server,
                                      hvsnap_error *err);

/* What parse_challenge took from a CHALLENGE message (pointers into it);
 * version is the 8-byte Version field when VERSION is set and the header
 * has room for it, else NULL. */
typedef struct ntlm_test_challenge {
	uint32_t flags;
	const unsigned char *server_challenge;
	const unsigned char *target_name;
	size_t target_name_len;
	const unsigned char *target_info;
	size_t target_info_len;
	const unsigned char *timestamp;
	const unsigned char *version;
} ntlm_test_challenge;
hvsnap_status hvs_ntlm_test_parse_challenge(const unsigned char *msg, size_t len,
                                            ntlm_test_challenge *out,
                                            hvsnap_error *err);

/* The acceptor's side of a captured exchange (MS-NLMP 3.2.5.1.2), so the
 * vectors can be checked from the peer's messages: derives the session
 * from the AUTHENTICATE message auth with c's password hash, user and
 * domain, and starts c as the server (sign_out/seal_out are then the
 * server-to-client keys). With challenge, NTProofStr must match its
 * ServerChallenge; with negotiate too, the MIC at offset 72 must match.
 * A mismatch is HVSNAP_ERR_AUTH. */
hvsnap_status hvs_ntlm_test_accept(ntlm_ctx *c, const unsigned char *negotiate,
                                   size_t negotiate_len,
                                   const unsigned char *challenge,
                                   size_t challenge_len,
                                   const unsigned char *auth, size_t auth_len,
                                   hvsnap_error *err);
#endif

#endif
