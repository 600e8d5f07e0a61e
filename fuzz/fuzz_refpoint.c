/* libFuzzer target for reference point and checkpoint-kind decoding: the
 * bytes are an Enumerate response as the host would send it for
 * Msvm_ReferencePointOfVirtualSystem (or for a VM's settings). Its items
 * are decoded as a reference point list (ReferencePointType read in the
 * numbering the list shows) and as snapshots (kind from
 * VirtualSystemType); every accessor is read, copies must equal their
 * originals, and decoded values must stay inside their enums. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_walk.h"
#include "hyperv/objects.h"
#include "hyperv/refpoint_int.h"
#include "hyperv/snapshot_int.h"
#include "wsman/response.h"

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void check_refpoint(const hvsnap_refpoint *rp)
{
	hvsnap_refpoint_type t = hvsnap_refpoint_type_of(rp);
	if (t != HVSNAP_REFPOINT_UNKNOWN && t != HVSNAP_REFPOINT_LOG && t != HVSNAP_REFPOINT_RCT)
		abort();
	long code = hvsnap_refpoint_type_code(rp);
	if (code < -1 || code > 0xffff || (t != HVSNAP_REFPOINT_UNKNOWN && (code < 0 || code > 2)))
		abort();
	if (!hvsnap_refpoint_id(rp))
		abort(); /* a point without an id is never handed out */
	fuzz_touch(hvsnap_refpoint_instance_id(rp));
	fuzz_touch(hvsnap_refpoint_vm_id(rp));
	fuzz_touch(hvsnap_refpoint_created(rp));
	fuzz_touch(hvsnap_refpoint_type_name(t));
	for (size_t i = 0; i < hvsnap_refpoint_rct_id_count(rp); i++)
		fuzz_touch(hvsnap_refpoint_rct_id_at(rp, i));
	for (size_t i = 0; i < hvsnap_refpoint_disk_id_count(rp); i++)
		fuzz_touch(hvsnap_refpoint_disk_id_at(rp, i));
	hvsnap_refpoint *copy = hvsnap_refpoint_dup(rp);
	if (copy) {
		if (!same(hvsnap_refpoint_id(copy), hvsnap_refpoint_id(rp)) ||
		    hvsnap_refpoint_type_of(copy) != t ||
		    hvsnap_refpoint_rct_id_count(copy) != hvsnap_refpoint_rct_id_count(rp) ||
		    hvsnap_refpoint_disk_id_count(copy) != hvsnap_refpoint_disk_id_count(rp))
			abort();
		hvsnap_refpoint_free(copy);
	}
}

static void check_snapshot(const hvsnap_cim_instance *inst)
{
	(void)hvs_is_snapshot_settings(inst);
	hvsnap_snapshot snap;
	if (hvs_snapshot_from_instance(&snap, inst) != 0)
		return;
	hvsnap_snapshot_role role = hvsnap_snapshot_kind_of(&snap);
	if ((unsigned)role > HVSNAP_ROLE_OTHER)
		abort();
	fuzz_touch(hvsnap_snapshot_role_name(role));
	fuzz_touch(hvsnap_snapshot_type(&snap));
	hvsnap_error err;
	(void)hvsnap_snapshot_check_target(&snap, hvsnap_snapshot_name(&snap), 1, &err);
	hvs_snapshot_clear(&snap);
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
		hvsnap_refpoint_list *list = NULL;
		if (hvs_refpoint_list_from(page.items, page.n_items, &list, &err) == HVSNAP_OK) {
			if (hvsnap_refpoint_list_count(list) > page.n_items)
				abort();
			for (size_t i = 0; i < hvsnap_refpoint_list_count(list); i++)
				check_refpoint(hvsnap_refpoint_list_at(list, i));
			if (hvsnap_refpoint_list_at(list, hvsnap_refpoint_list_count(list)))
				abort();
			hvsnap_refpoint_list_free(list);
		}
		for (size_t i = 0; i < page.n_items; i++)
			check_snapshot(page.items[i]);
	} else {
		fuzz_check_error(&err);
	}
	hvs_wsman_enum_page_clear(&page);
	xmlFreeDoc(doc);
	return 0;
}
