/* The channel's transport over a real connection: src/http's libcurl
 * handle behind the winrm_transport operations. */
#include "util/err.h"
#include "winrm/channel.h"

static hvsnap_status post(void *ctx, const char *content_type, const void *body, size_t len,
                          const char *const *headers, http_response *r, hvsnap_error *err)
{
	return hvs_http_post(ctx, content_type, body, len, headers, r, err);
}

static int body_sent(void *ctx)
{
	return hvs_http_last_body_sent(ctx) > 0;
}

static unsigned char *peer_cert_der(void *ctx, size_t *len)
{
	return hvs_http_peer_cert_der(ctx, len);
}

static int has_unread(void *ctx)
{
	return hvs_http_conn_has_unread(ctx);
}

static void reset(void *ctx)
{
	hvs_http_conn_reset(ctx);
}

static void conn_free(void *ctx)
{
	hvs_http_conn_free(ctx);
}

static const winrm_transport_ops http_ops = {
	.post = post,
	.body_sent = body_sent,
	.peer_cert_der = peer_cert_der,
	.has_unread = has_unread,
	.reset = reset,
	.free = conn_free,
};

hvsnap_status hvs_winrm_http_transport_new(winrm_transport *out, const http_conn_options *o,
                                           hvsnap_error *err)
{
	http_conn *conn = NULL;
	out->ops = NULL;
	out->ctx = NULL;
	hvsnap_status st = hvs_http_conn_new(&conn, o, err);
	if (st != HVSNAP_OK)
		return st;
	out->ops = &http_ops;
	out->ctx = conn;
	return HVSNAP_OK;
}
