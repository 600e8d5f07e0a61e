/* The guest's heartbeat (Msvm_HeartbeatComponent) and intrinsic key-value
 * items (Msvm_KvpExchangeComponent.GuestIntrinsicExchangeItems, an array of
 * embedded Msvm_KvpExchangeDataItem instances, read with the CIM-XML
 * reader). Both components exist only while the VM runs with integration
 * services, so their absence is an answer, not an error. */
#include <stdlib.h>
#include <string.h>

#include "hvsnap/guest.h"
#include "hyperv/classes.h"
#include "hyperv/guest_int.h"
#include "hyperv/objects.h"
#include "hyperv/props.h"
#include "hyperv/query.h"
#include "util/err.h"
#include "util/strutil.h"
#include "wsman/cim_int.h"
#include "wsman/response.h"

/* Bounds on what a guest can make us keep: its items are the guest's own
 * words (a hostile guest writes them), so at most this many addresses. */
#define MAX_ADDRESSES 64

struct hvsnap_guest {
	uint32_t heartbeat;
	uint32_t app_health;
	char *addresses[MAX_ADDRESSES];
	size_t n_addresses;
	char *fqdn;
	char *integration_version;
};

void hvsnap_guest_free(hvsnap_guest *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n_addresses; i++)
		free(g->addresses[i]);
	free(g->fqdn);
	free(g->integration_version);
	free(g);
}

uint32_t hvsnap_guest_heartbeat(const hvsnap_guest *g)
{
	return g ? g->heartbeat : HVSNAP_HEARTBEAT_NONE;
}

uint32_t hvsnap_guest_app_health(const hvsnap_guest *g)
{
	return g ? g->app_health : 0;
}

int hvsnap_guest_is_ready(const hvsnap_guest *g)
{
	return g && (g->heartbeat == HVSNAP_HEARTBEAT_OK || g->heartbeat == HVSNAP_HEARTBEAT_DEGRADED);
}

const char *hvsnap_heartbeat_name(uint32_t heartbeat)
{
	switch (heartbeat) {
	case HVSNAP_HEARTBEAT_NONE: return NULL;
	case HVSNAP_HEARTBEAT_OK: return "ok";
	case HVSNAP_HEARTBEAT_DEGRADED: return "degraded";
	case HVSNAP_HEARTBEAT_NO_CONTACT: return "no_contact";
	case HVSNAP_HEARTBEAT_LOST: return "lost";
	case HVSNAP_HEARTBEAT_PAUSED: return "paused";
	}
	return "error";
}

size_t hvsnap_guest_address_count(const hvsnap_guest *g)
{
	return g ? g->n_addresses : 0;
}

const char *hvsnap_guest_address_at(const hvsnap_guest *g, size_t i)
{
	return g && i < g->n_addresses ? g->addresses[i] : NULL;
}

/* Dotted-quad IPv4, each part 0..255 and no more than 3 digits. */
static int is_ipv4(const char *a)
{
	int parts = 0;
	for (const char *p = a;; p++) {
		int digits = 0, value = 0;
		for (; *p >= '0' && *p <= '9'; p++, digits++)
			value = value * 10 + (*p - '0');
		if (digits == 0 || digits > 3 || value > 255)
			return 0;
		parts++;
		if (*p != '.')
			return parts == 4 && *p == '\0';
	}
}

const char *hvsnap_guest_ipv4(const hvsnap_guest *g)
{
	for (size_t i = 0; g && i < g->n_addresses; i++)
		if (is_ipv4(g->addresses[i]) && strncmp(g->addresses[i], "169.254.", 8) != 0)
			return g->addresses[i];
	return NULL;
}

const char *hvsnap_guest_fqdn(const hvsnap_guest *g)
{
	return g ? g->fqdn : NULL;
}

const char *hvsnap_guest_integration_version(const hvsnap_guest *g)
{
	return g ? g->integration_version : NULL;
}

/* OperationalStatus of the heartbeat component (one value comes as a
 * scalar, several as an array). */
static void take_heartbeat(hvsnap_guest *g, const hvsnap_cim_instance *hb)
{
	const hvsnap_cim_value *v = hvsnap_cim_get(hb, "OperationalStatus");
	const char *first = NULL, *second = NULL;
	if (v && v->kind == HVSNAP_CIM_ARRAY) {
		first = v->n_items > 0 ? v->items[0].text : NULL;
		second = v->n_items > 1 ? v->items[1].text : NULL;
	} else if (v && v->kind == HVSNAP_CIM_VALUE) {
		first = v->text;
	}
	uint64_t n;
	if (first && hvs_str_to_u64(first, UINT32_MAX, &n) == 0)
		g->heartbeat = (uint32_t)n;
	else
		g->heartbeat = HVSNAP_HEARTBEAT_NO_CONTACT;   /* a component without a status */
	if (second && hvs_str_to_u64(second, UINT32_MAX, &n) == 0)
		g->app_health = (uint32_t)n;
}

/* Splits "a;b;c" into g's addresses. */
static int add_addresses(hvsnap_guest *g, const char *list)
{
	for (const char *p = list; *p && g->n_addresses < MAX_ADDRESSES;) {
		size_t len = strcspn(p, ";, ");
		if (len) {
			char *a = hvs_str_ndup(p, len);
			if (!a)
				return -1;
			g->addresses[g->n_addresses++] = a;
		}
		p += len;
		if (*p)
			p++;
	}
	return 0;
}

/* One embedded Msvm_KvpExchangeDataItem. Items that do not parse are
 * skipped: a guest writes them, and one bad item must not hide the rest. */
static int take_item(hvsnap_guest *g, const char *text, char **v4, char **v6)
{
	hvsnap_cim_instance *item = NULL;
	if (!text || hvs_wsman_cimxml_parse(text, strlen(text), &item, NULL) != HVSNAP_OK)
		return 0;
	const char *name = hvsnap_cim_get_text(item, "Name");
	const char *data = hvsnap_cim_get_text(item, "Data");
	char **slot = !name || !data ? NULL
	              : strcmp(name, "NetworkAddressIPv4") == 0 ? v4
	              : strcmp(name, "NetworkAddressIPv6") == 0 ? v6
	              : strcmp(name, "FullyQualifiedDomainName") == 0 ? &g->fqdn
	              : strcmp(name, "IntegrationServicesVersion") == 0 ? &g->integration_version
	              : NULL;
	int rc = 0;
	if (slot && !*slot) {
		*slot = hvs_str_dup(data);
		rc = *slot ? 0 : -1;
	}
	hvsnap_cim_instance_free(item);
	return rc;
}

/* The intrinsic items of the KVP component. */
static int take_kvp(hvsnap_guest *g, const hvsnap_cim_instance *kvp)
{
	const hvsnap_cim_value *v = hvsnap_cim_get(kvp, "GuestIntrinsicExchangeItems");
	char *v4 = NULL, *v6 = NULL;
	int rc = 0;
	if (v && v->kind == HVSNAP_CIM_ARRAY)
		for (size_t i = 0; rc == 0 && i < v->n_items; i++)
			rc = take_item(g, v->items[i].text, &v4, &v6);
	else if (v && v->kind == HVSNAP_CIM_VALUE)
		rc = take_item(g, v->text, &v4, &v6);
	if (rc == 0 && v4)
		rc = add_addresses(g, v4);
	if (rc == 0 && v6)
		rc = add_addresses(g, v6);
	free(v4);
	free(v6);
	return rc;
}

hvsnap_status hvs_guest_from_components(const hvsnap_cim_instance *heartbeat,
                                        const hvsnap_cim_instance *kvp, hvsnap_guest **out,
                                        hvsnap_error *err)
{
	*out = NULL;
	hvsnap_guest *g = calloc(1, sizeof(*g));
	if (!g)
		return hvs_err_nomem(err);
	if (heartbeat)
		take_heartbeat(g, heartbeat);
	if (kvp && take_kvp(g, kvp) != 0) {
		hvsnap_guest_free(g);
		return hvs_err_nomem(err);
	}
	*out = g;
	return HVSNAP_OK;
}

hvsnap_status hvsnap_guest_get(hvsnap_session *s, const hvsnap_vm *vm, hvsnap_guest **out,
                               hvsnap_error *err)
{
	hvsnap_error_clear(err);
	*out = NULL;
	if (!vm)
		return hvs_err_set(err, HVSNAP_ERR_USAGE, 0, "no VM given");
	instance_list hb = { NULL, 0 }, kvp = { NULL, 0 };
	hvsnap_status st = hvs_query_literal(s, "SELECT * FROM " CLASS_HEARTBEAT
	                                     " WHERE SystemName = ", vm->id, NULL, &hb, err);
	if (st == HVSNAP_OK)
		st = hvs_query_literal(s, "SELECT * FROM " CLASS_KVP " WHERE SystemName = ", vm->id,
		                       NULL, &kvp, err);
	if (st == HVSNAP_OK)
		st = hvs_guest_from_components(hb.n ? hb.items[0] : NULL, kvp.n ? kvp.items[0] : NULL,
		                               out, err);
	hvs_instance_list_clear(&hb);
	hvs_instance_list_clear(&kvp);
	return st;
}
