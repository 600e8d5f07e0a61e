/* Channel binding for HTTPS (RFC 5929 tls-server-end-point): binds the
 * authentication to the TLS server certificate so a relayed handshake fails
 * at hosts that enforce CbtHardeningLevel. */
#ifndef HVSNAP_AUTH_CBT_H
#define HVSNAP_AUTH_CBT_H

#include <stddef.h>

#include "hvsnap/error.h"
#include "util/buf.h"

#define CBT_PREFIX "tls-server-end-point:"

/* Appends the channel-binding application data for the server certificate
 * der: "tls-server-end-point:" || H(der), H being the certificate's
 * signature hash with MD5 and SHA-1 replaced by SHA-256 (RFC 5929 §4.1).
 * Signatures without a separate hash (Ed25519, Ed448) also use SHA-256.
 * An unparsable certificate is HVSNAP_ERR_TLS. */
hvsnap_status hvs_cbt_tls_server_end_point(const unsigned char *der, size_t len,
                                       buf *out, hvsnap_error *err);

/* NTLM's MsvAvChannelBindings value: MD5 of the serialized
 * gss_channel_bindings_struct with address types 0, empty addresses and
 * app as application data. */
hvsnap_status hvs_cbt_ntlm_hash(const unsigned char *app, size_t len,
                            unsigned char out[16], hvsnap_error *err);

#endif
