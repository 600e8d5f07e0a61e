/* WinRM HTTP message encryption framing (MS-WSMV 2.2.9.1): the
 * multipart/encrypted body around a sealed SOAP envelope. The framing is the
 * same for NTLM and Kerberos; only the wrap/unwrap callbacks differ, so both
 * mechanisms plug in here. */
#ifndef HVSNAP_AUTH_WINRM_CRYPT_H
#define HVSNAP_AUTH_WINRM_CRYPT_H

#include <stddef.h>

#include "hvsnap/error.h"
#include "util/buf.h"

/* Protocol strings for the `protocol=` parameter and the first part's
 * Content-Type. SPNEGO is used with the Negotiate scheme, for NTLM too. */
#define WINRM_CRYPT_PROTO_SPNEGO "application/HTTP-SPNEGO-session-encrypted"
#define WINRM_CRYPT_PROTO_KERBEROS "application/HTTP-Kerberos-session-encrypted"

/* Seals plain. header gets the mechanism's per-message header (NTLM: the
 * 16-byte signature; Kerberos: the RFC 4121 token header), payload gets the
 * ciphertext followed by any padding. Both arrive empty. */
typedef hvsnap_status (*winrm_wrap_fn)(void *ctx, const unsigned char *plain,
                                       size_t len, buf *header, buf *payload,
                                       hvsnap_error *err);

/* Opens a message. expected_len is the sender's Length= value, so a
 * mechanism whose output carries padding (Kerberos RC4) can trim to it.
 * plain arrives empty. A bad signature must be an error, never data. */
typedef hvsnap_status (*winrm_unwrap_fn)(void *ctx, const unsigned char *header,
                                         size_t header_len,
                                         const unsigned char *payload,
                                         size_t payload_len,
                                         size_t expected_len, buf *plain,
                                         hvsnap_error *err);

/* Appends the request Content-Type header value:
 * multipart/encrypted;protocol="<protocol>";boundary="Encrypted Boundary" */
hvsnap_status hvs_winrm_crypt_content_type(const char *protocol, buf *out,
                                       hvsnap_error *err);

/* Appends the exact request body for the SOAP text plain (sent with type
 * application/soap+xml;charset=UTF-8). Length= is the payload length: the
 * plaintext length for NTLM, plus padding for Kerberos RC4, as pypsrp and
 * WinRb send it. */
hvsnap_status hvs_winrm_crypt_build(const char *protocol,
                                const unsigned char *plain, size_t len,
                                winrm_wrap_fn wrap, void *wrap_ctx, buf *body,
                                hvsnap_error *err);

/* Parses an encrypted response body and appends its plaintext to plain.
 * protocol, when not NULL, must match the first part's Content-Type (ASCII
 * case-insensitively). Accepts the "-- Encrypted Boundary" variant and part
 * headers with or without the leading TAB. Any framing defect, a
 * Length= mismatch or an unwrap failure is HVSNAP_ERR_PROTOCOL (unwrap's own
 * error is passed through). */
hvsnap_status hvs_winrm_crypt_parse(const char *protocol, const unsigned char *body,
                                size_t len, winrm_unwrap_fn unwrap,
                                void *unwrap_ctx, buf *plain,
                                hvsnap_error *err);

/* 1 when a response Content-Type header value announces an encrypted body
 * (multipart/encrypted), 0 otherwise: hosts send auth errors and some faults
 * as plain application/soap+xml, which the caller passes through. */
int hvs_winrm_crypt_is_encrypted(const char *content_type);

#endif
