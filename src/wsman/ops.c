/* The single-request WS-Man operations: Identify, Get, Put and Invoke. Each
 * builds its envelope, makes one round trip, and decodes the answer. */
#include <stdio.h>
#include <string.h>

#include "hvsnap/wsman.h"
#include "wsman/cim_int.h"
#include "util/err.h"
#include "wsman/envelope.h"
#include "wsman/response.h"
#include "wsman/session_int.h"

hvsnap_status hvsnap_wsman_identify(hvsnap_session *s, hvsnap_identity **out,
                                    hvsnap_error *err)
{
	hvsnap_error_clear(err);
	*out = NULL;
	xmlDocPtr req = hvs_wsman_build_identify();
	if (!req)
		return hvs_err_nomem(err);
	xmlDocPtr resp = NULL;
	hvsnap_status st = hvs_wsman_session_call(s, req, "Identify", WINRM_RESEND_ON_RECONNECT,
	                                      &resp, err);
	xmlFreeDoc(req);
	if (st == HVSNAP_OK)
		st = hvs_wsman_parse_identify(resp, out, err);
	xmlFreeDoc(resp);
	return st;
}

hvsnap_status hvsnap_wsman_get(hvsnap_session *s, const hvsnap_epr *target,
                               hvsnap_cim_instance **out, hvsnap_error *err)
{
	hvsnap_error_clear(err);
	*out = NULL;
	wsman_request_opts o;
	hvsnap_status st = hvs_wsman_target_opts(s, target, &o, err);
	if (st != HVSNAP_OK)
		return st;
	xmlDocPtr req = hvs_wsman_build_get(&o);
	if (!req)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "cannot build a Get request for %s",
		               target->resource_uri);
	xmlDocPtr resp = NULL;
	st = hvs_wsman_session_call(s, req, "Get", WINRM_RESEND_ON_RECONNECT, &resp, err);
	xmlFreeDoc(req);
	if (st == HVSNAP_OK)
		st = hvs_wsman_parse_instance_body(resp, out, err);
	xmlFreeDoc(resp);
	return st;
}

hvsnap_status hvsnap_wsman_put(hvsnap_session *s, const hvsnap_epr *target,
                               const hvsnap_cim_instance *inst,
                               hvsnap_cim_instance **out, hvsnap_error *err)
{
	hvsnap_error_clear(err);
	if (out)
		*out = NULL;
	wsman_request_opts o;
	hvsnap_status st = hvs_wsman_target_opts(s, target, &o, err);
	if (st != HVSNAP_OK)
		return st;
	xmlDocPtr req = hvs_wsman_build_put(&o, inst);
	if (!req)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "cannot build a Put request for %s",
		               target->resource_uri);
	xmlDocPtr resp = NULL;
	/* Put replaces the whole instance: sending it twice is harmless. */
	st = hvs_wsman_session_call(s, req, "Put", WINRM_RESEND_ON_RECONNECT, &resp, err);
	xmlFreeDoc(req);
	if (st == HVSNAP_OK && out)
		st = hvs_wsman_parse_instance_body(resp, out, err);
	xmlFreeDoc(resp);
	return st;
}

hvsnap_status hvsnap_wsman_invoke(hvsnap_session *s, const hvsnap_epr *target,
                                  const char *method, const hvsnap_params *params,
                                  hvsnap_invoke_result **out, hvsnap_error *err)
{
	hvsnap_error_clear(err);
	*out = NULL;
	if (!method || !*method)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "no method name given");
	wsman_request_opts o;
	hvsnap_status st = hvs_wsman_target_opts(s, target, &o, err);
	if (st != HVSNAP_OK)
		return st;
	xmlDocPtr req = hvs_wsman_build_invoke(&o, method, params);
	if (!req)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "cannot build an Invoke of %s", method);
	xmlDocPtr resp = NULL;
	st = hvs_wsman_session_invoke(s, req, method, &resp, err);
	xmlFreeDoc(req);
	if (st == HVSNAP_OK) {
		st = hvs_wsman_parse_invoke(resp, method, out, err);
		/* An answer that came but makes no sense (an empty Body, a broken
		 * output) says no more about whether the method ran. */
		if (st == HVSNAP_ERR_PROTOCOL)
			hvs_err_note_may_have_run(err, method, "its answer could not be read");
	}
	xmlFreeDoc(resp);
	return st;
}
