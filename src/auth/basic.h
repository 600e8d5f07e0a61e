/* HTTP Basic authentication (RFC 7617): the only scheme that needs no
 * handshake. NTLM and Kerberos live beside it in src/auth/. */
#ifndef HVSNAP_AUTH_BASIC_H
#define HVSNAP_AUTH_BASIC_H

/* Returns "Authorization: Basic base64(user:password)" as a malloc'd header
 * line, or NULL when memory runs out or user contains ':'. The caller must
 * wipe it (OPENSSL_cleanse) before freeing: it carries the password. */
char *hvs_auth_basic_header(const char *user, const char *password);

#endif
