/* Reading an NTLM AUTHENTICATE message on the server side (ntlm_msg.c). */
#ifndef HVSIM_NTLM_MSG_H
#define HVSIM_NTLM_MSG_H

#include <stddef.h>
#include <stdint.h>

typedef struct auth_msg_info {
	char domain[256];
	char user[256];
	int has_cbt;      /* MsvAvChannelBindings present and not all zero */
} auth_msg_info;

/* The MessageType of an NTLM message (1 NEGOTIATE, 3 AUTHENTICATE), or 0
 * when m is not one. */
uint32_t ntlm_message_type(const unsigned char *m, size_t len);

/* Fills ai from the AUTHENTICATE message m: domain and user as UTF-8
 * (refusing NUL, ':', CR and LF, which would break the user file) and
 * whether channel bindings are present. 0 on success, -1 when m is not a
 * well-formed AUTHENTICATE. */
int ntlm_read_authenticate(const unsigned char *m, size_t len, auth_msg_info *ai);

#endif
