/* libFuzzer target for the guest's heartbeat and key-value items: the bytes
 * are an Enumerate response holding Msvm_HeartbeatComponent and
 * Msvm_KvpExchangeComponent instances, whose GuestIntrinsicExchangeItems
 * are embedded Msvm_KvpExchangeDataItem CIM-XML instances written by the
 * guest itself. Every accessor is read; addresses are bounded, the IPv4
 * answer is one of them and never link-local, and readiness agrees with
 * the heartbeat. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_walk.h"
#include "hvsnap/guest.h"
#include "hyperv/guest_int.h"
#include "wsman/response.h"

static void check_guest(const hvsnap_guest *g)
{
	size_t n = hvsnap_guest_address_count(g);
	if (n > 64)
		abort();
	const char *v4 = hvsnap_guest_ipv4(g);
	int found = v4 == NULL;
	for (size_t i = 0; i < n; i++) {
		const char *a = hvsnap_guest_address_at(g, i);
		if (!a || !*a)
			abort();
		fuzz_touch(a);
		found |= a == v4;
	}
	if (!found || hvsnap_guest_address_at(g, n) ||
	    (v4 && strncmp(v4, "169.254.", 8) == 0))
		abort();
	uint32_t hb = hvsnap_guest_heartbeat(g);
	if (hvsnap_guest_is_ready(g) != (hb == HVSNAP_HEARTBEAT_OK || hb == HVSNAP_HEARTBEAT_DEGRADED))
		abort();
	fuzz_touch(hvsnap_heartbeat_name(hb));
	fuzz_touch(hvsnap_guest_fqdn(g));
	fuzz_touch(hvsnap_guest_integration_version(g));
	(void)hvsnap_guest_app_health(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hvsnap_error err;
	hvsnap_error_clear(&err);
	xmlDocPtr doc = NULL;
	if (hvs_wsman_parse_document((const char *)data, size, 0, &doc, &err) != HVSNAP_OK) {
		fuzz_check_error(&err);
		return 0;
	}
	wsman_enum_page page;
	hvsnap_error_clear(&err);
	if (hvs_wsman_parse_enumerate(doc, 0, &page, &err) == HVSNAP_OK) {
		const hvsnap_cim_instance *hb = NULL, *kvp = NULL;
		for (size_t i = 0; i < page.n_items; i++) {
			const char *cls = hvsnap_cim_instance_class(page.items[i]);
			if (cls && strcmp(cls, "Msvm_HeartbeatComponent") == 0 && !hb)
				hb = page.items[i];
			else if (!kvp)
				kvp = page.items[i];
		}
		hvsnap_guest *g = NULL;
		if (hvs_guest_from_components(hb, kvp, &g, &err) == HVSNAP_OK) {
			check_guest(g);
			hvsnap_guest_free(g);
		}
	} else {
		fuzz_check_error(&err);
	}
	hvs_wsman_enum_page_clear(&page);
	xmlFreeDoc(doc);
	return 0;
}
