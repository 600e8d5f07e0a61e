/* Unit tests for the response decoders on every fixture in fixtures/:
 * asserted values (nil, datetime, interval, arrays, EPRs, localized text
 * byte for byte, property order), and the fixtures/prefixes/ variants
 * decoding exactly like the originals. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvsnap/hyperv.h"
#include "wsman/cim_int.h"
#include "support.h"
#include "wsman/response.h"

#define V2 "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/"
#define ANON "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"

static xmlDocPtr load(const char *rel)
{
	size_t len;
	char *bytes = test_read_source_file(rel, &len);
	xmlDocPtr doc = NULL;
	hvsnap_error err;
	hvsnap_error_clear(&err);
	hvsnap_status st = hvs_wsman_parse_document(bytes, len, 0, &doc, &err);
	free(bytes);
	if (st != HVSNAP_OK)
		fail_msg("%s: %s (%s)", rel, err.message, err.detail);
	assert_non_null(doc);
	assert_non_null(hvs_wsman_body(doc));
	assert_int_equal(hvs_wsman_check_fault(doc, &err), HVSNAP_OK);
	return doc;
}

static void load_page(const char *rel, int pull, wsman_enum_page *page)
{
	xmlDocPtr doc = load(rel);
	hvsnap_error err;
	hvsnap_status st = pull ? hvs_wsman_parse_pull(doc, 0, page, &err)
	                        : hvs_wsman_parse_enumerate(doc, 0, page, &err);
	xmlFreeDoc(doc);
	if (st != HVSNAP_OK)
		fail_msg("%s: %s", rel, err.message);
}

static hvsnap_cim_instance *load_instance(const char *rel)
{
	xmlDocPtr doc = load(rel);
	hvsnap_error err;
	hvsnap_cim_instance *inst = NULL;
	hvsnap_status st = hvs_wsman_parse_instance_body(doc, &inst, &err);
	xmlFreeDoc(doc);
	if (st != HVSNAP_OK)
		fail_msg("%s: %s", rel, err.message);
	return inst;
}

static hvsnap_invoke_result *load_invoke(const char *rel, const char *method)
{
	xmlDocPtr doc = load(rel);
	hvsnap_error err;
	hvsnap_invoke_result *r = NULL;
	hvsnap_status st = hvs_wsman_parse_invoke(doc, method, &r, &err);
	xmlFreeDoc(doc);
	if (st != HVSNAP_OK)
		fail_msg("%s: %s", rel, err.message);
	return r;
}

static void assert_kind(const hvsnap_cim_instance *inst, const char *name,
                        hvsnap_cim_kind kind)
{
	const hvsnap_cim_value *v = hvsnap_cim_get(inst, name);
	if (!v)
		fail_msg("property %s missing", name);
	if (v->kind != kind)
		fail_msg("property %s has kind %d, expected %d", name, (int)v->kind, (int)kind);
}

static void assert_text(const hvsnap_cim_instance *inst, const char *name,
                        const char *expected)
{
	const char *t = hvsnap_cim_get_text(inst, name);
	if (!t)
		fail_msg("property %s has no text", name);
	assert_string_equal(t, expected);
}

static uint64_t get_uint(const hvsnap_cim_instance *inst, const char *name)
{
	uint64_t v = 0;
	assert_int_equal(hvsnap_cim_get_uint(inst, name, &v), HVSNAP_OK);
	return v;
}

/* Properties come in the recorded alphabetical order, each name once. */
static void assert_alphabetical(const hvsnap_cim_instance *inst)
{
	size_t n = hvsnap_cim_instance_count(inst);
	assert_true(n > 0);
	for (size_t i = 1; i < n; i++) {
		const char *a = hvsnap_cim_instance_name_at(inst, i - 1);
		const char *b = hvsnap_cim_instance_name_at(inst, i);
		if (strcmp(a, b) >= 0)
			fail_msg("property order broken at %zu: %s then %s", i, a, b);
	}
}

static void assert_epr(const hvsnap_epr *epr, const char *uri, const char *sel,
                       const char *value)
{
	assert_non_null(epr);
	assert_string_equal(epr->address, ANON);
	assert_string_equal(epr->resource_uri, uri);
	assert_string_equal(hvsnap_epr_selector(epr, sel), value);
}

/* --- deep equality, for the prefix variants --------------------------- */

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int epr_eq(const hvsnap_epr *a, const hvsnap_epr *b)
{
	if (!a || !b)
		return a == b;
	if (!str_eq(a->address, b->address) || !str_eq(a->resource_uri, b->resource_uri) ||
	    a->n_selectors != b->n_selectors)
		return 0;
	for (size_t i = 0; i < a->n_selectors; i++)
		if (!str_eq(a->selectors[i].name, b->selectors[i].name) ||
		    !str_eq(a->selectors[i].value, b->selectors[i].value))
			return 0;
	return 1;
}

static int value_eq(const hvsnap_cim_value *a, const hvsnap_cim_value *b)
{
	if (a->kind != b->kind || !str_eq(a->text, b->text) || !epr_eq(a->epr, b->epr) ||
	    a->n_items != b->n_items)
		return 0;
	for (size_t i = 0; i < a->n_items; i++)
		if (!value_eq(&a->items[i], &b->items[i]))
			return 0;
	return 1;
}

static void assert_instances_equal(const hvsnap_cim_instance *a,
                                   const hvsnap_cim_instance *b)
{
	assert_string_equal(hvsnap_cim_instance_class(a), hvsnap_cim_instance_class(b));
	assert_string_equal(hvsnap_cim_instance_resource_uri(a),
	                    hvsnap_cim_instance_resource_uri(b));
	assert_int_equal(hvsnap_cim_instance_count(a), hvsnap_cim_instance_count(b));
	for (size_t i = 0; i < hvsnap_cim_instance_count(a); i++) {
		assert_string_equal(hvsnap_cim_instance_name_at(a, i),
		                    hvsnap_cim_instance_name_at(b, i));
		if (!value_eq(hvsnap_cim_instance_value_at(a, i),
		              hvsnap_cim_instance_value_at(b, i)))
			fail_msg("property %s differs", hvsnap_cim_instance_name_at(a, i));
	}
}

static void assert_pages_equal(const wsman_enum_page *a, const wsman_enum_page *b)
{
	assert_true(str_eq(a->context, b->context));
	assert_int_equal(a->end_of_sequence, b->end_of_sequence);
	assert_int_equal(a->n_items, b->n_items);
	for (size_t i = 0; i < a->n_items; i++)
		assert_instances_equal(a->items[i], b->items[i]);
}

/* --- Identify ----------------------------------------------------------- */

static hvsnap_identity *load_identity(const char *rel)
{
	xmlDocPtr doc = load(rel);
	hvsnap_error err;
	hvsnap_identity *id = NULL;
	assert_int_equal(hvs_wsman_parse_identify(doc, &id, &err), HVSNAP_OK);
	xmlFreeDoc(doc);
	return id;
}

static void test_identify(void **state)
{
	(void)state;
	hvsnap_identity *id = load_identity("fixtures/identify_response.xml");
	assert_string_equal(id->protocol_version, "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd");
	assert_string_equal(id->product_vendor, "Microsoft Corporation");
	assert_string_equal(id->product_version, "OS: 10.0.20348 SP: 0.0 Stack: 3.0");
	assert_string_equal(id->security_profiles,
		"http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/http/spnego-kerberos "
		"http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/spnego-kerberos");
	hvsnap_identity *v = load_identity("fixtures/prefixes/identify_response.xml");
	assert_string_equal(v->protocol_version, id->protocol_version);
	assert_string_equal(v->product_vendor, id->product_vendor);
	assert_string_equal(v->product_version, id->product_version);
	assert_string_equal(v->security_profiles, id->security_profiles);
	hvsnap_identity_free(v);
	hvsnap_identity_free(id);
	hvsnap_identity_free(NULL);
}

/* --- Enumerate / Pull ---------------------------------------------------- */

static void test_enumerate_context_only(void **state)
{
	(void)state;
	wsman_enum_page page;
	load_page("fixtures/computersystem_enumerate_response.xml", 0, &page);
	assert_string_equal(page.context, "uuid:00000000-0000-4000-8000-000000000201");
	assert_int_equal(page.end_of_sequence, 0);
	assert_int_equal(page.n_items, 0);
	hvs_wsman_enum_page_clear(&page);
	assert_null(page.context);
	assert_null(page.items);
	hvs_wsman_enum_page_clear(&page); /* twice is harmless */
}

static void test_pull_host(void **state)
{
	(void)state;
	wsman_enum_page page;
	load_page("fixtures/computersystem_pull_host.xml", 1, &page);
	assert_string_equal(page.context, "uuid:00000000-0000-4000-8000-000000000202");
	assert_int_equal(page.end_of_sequence, 0);
	assert_int_equal(page.n_items, 1);
	const hvsnap_cim_instance *h = page.items[0];
	assert_string_equal(hvsnap_cim_instance_class(h), "Msvm_ComputerSystem");
	assert_string_equal(hvsnap_cim_instance_resource_uri(h), V2 "Msvm_ComputerSystem");
	assert_alphabetical(h);
	assert_string_equal(hvsnap_cim_instance_name_at(h, 0), "AvailableRequestedStates");
	assert_string_equal(hvsnap_cim_instance_name_at(h, 1), "Caption");
	assert_text(h, "Caption",
	            "\xe3\x83\x9b\xe3\x82\xb9\xe3\x83\x88 \xe3\x82\xb3\xe3\x83\xb3\xe3\x83\x94"
	            "\xe3\x83\xa5\xe3\x83\xbc\xe3\x82\xbf\xe3\x83\xbc \xe3\x82\xb7\xe3\x82\xb9"
	            "\xe3\x83\x86\xe3\x83\xa0"); /* ホスト コンピューター システム */
	assert_text(h, "Name", "scrubbed-1");
	assert_int_equal(get_uint(h, "RequestedState"), 12);
	assert_int_equal(get_uint(h, "EnabledState"), 2);
	assert_kind(h, "InstallDate", HVSNAP_CIM_NIL);
	assert_kind(h, "OnTimeInMilliseconds", HVSNAP_CIM_NIL);
	assert_kind(h, "ProcessID", HVSNAP_CIM_NIL);
	assert_kind(h, "InstanceID", HVSNAP_CIM_NIL);
	assert_null(hvsnap_cim_get_text(h, "InstanceID"));
	uint64_t u;
	assert_int_equal(hvsnap_cim_get_uint(h, "ProcessID", &u), HVSNAP_ERR_NOT_FOUND);
	hvs_wsman_enum_page_clear(&page);
}

static void test_pull_vm_off(void **state)
{
	(void)state;
	wsman_enum_page page;
	load_page("fixtures/computersystem_pull_vm_off.xml", 1, &page);
	assert_string_equal(page.context, "uuid:00000000-0000-4000-8000-000000000203");
	assert_int_equal(page.n_items, 1);
	const hvsnap_cim_instance *vm = page.items[0];
	assert_alphabetical(vm);
	assert_int_equal(hvsnap_cim_instance_count(vm), 46);
	assert_text(vm, "Caption", "\xe4\xbb\xae\xe6\x83\xb3\xe3\x83\x9e\xe3\x82\xb7\xe3\x83\xb3");
	assert_text(vm, "StatusDescriptions",
	            "\xe6\xad\xa3\xe5\xb8\xb8\xe7\xa8\xbc\xe5\x83\x8d\xe4\xb8\xad"); /* 正常稼働中 */
	assert_text(vm, "Description", "Microsoft Virtual Machine");
	assert_text(vm, "Name", "00000000-0000-4000-8000-000000000012");
	assert_int_equal(get_uint(vm, "EnabledState"), 3);
	assert_int_equal(get_uint(vm, "RequestedState"), 5);
	assert_kind(vm, "CommunicationStatus", HVSNAP_CIM_NIL);
	assert_kind(vm, "InstanceID", HVSNAP_CIM_NIL);
	assert_kind(vm, "InstallDate", HVSNAP_CIM_DATETIME);
	assert_text(vm, "InstallDate", "2026-10-08T15:15:36.68424Z");
	assert_kind(vm, "LastReplicationTime", HVSNAP_CIM_DATETIME);
	assert_text(vm, "LastReplicationTime", "1601-01-01T00:00:00Z");
	assert_string_equal(hvsnap_cim_instance_name_at(vm, 15), "InstallDate");
	assert_int_equal(hvsnap_cim_instance_type_at(vm, 15), HVSNAP_CIM_TYPE_DATETIME);
	assert_kind(vm, "OperationalStatus", HVSNAP_CIM_VALUE);
	hvs_wsman_enum_page_clear(&page);
}

static void test_pull_running_end_of_sequence(void **state)
{
	(void)state;
	wsman_enum_page page;
	load_page("fixtures/computersystem_pull_vm_running_eos.xml", 1, &page);
	assert_null(page.context);
	assert_int_equal(page.end_of_sequence, 1);
	assert_int_equal(page.n_items, 1);
	const hvsnap_cim_instance *vm = page.items[0];
	/* Repeated elements merge into one array at the first one's place. */
	assert_alphabetical(vm);
	assert_int_equal(hvsnap_cim_instance_count(vm), 46);
	const hvsnap_cim_value *os = hvsnap_cim_get(vm, "OperationalStatus");
	assert_non_null(os);
	assert_int_equal(os->kind, HVSNAP_CIM_ARRAY);
	assert_int_equal(os->n_items, 2);
	assert_int_equal(os->items[0].kind, HVSNAP_CIM_VALUE);
	assert_string_equal(os->items[0].text, "2");
	assert_string_equal(os->items[1].text, "32768");
	assert_null(hvsnap_cim_get_text(vm, "OperationalStatus"));
	const hvsnap_cim_value *sd = hvsnap_cim_get(vm, "StatusDescriptions");
	assert_int_equal(sd->kind, HVSNAP_CIM_ARRAY);
	assert_int_equal(sd->n_items, 2);
	assert_string_equal(sd->items[0].text,
	                    "\xe6\xad\xa3\xe5\xb8\xb8\xe7\xa8\xbc\xe5\x83\x8d\xe4\xb8\xad");
	assert_int_equal(get_uint(vm, "EnabledState"), 2);
	assert_int_equal(get_uint(vm, "ProcessID"), 4312);
	assert_int_equal(get_uint(vm, "OnTimeInMilliseconds"), 261014503);
	hvs_wsman_enum_page_clear(&page);
}

static void test_affected_job_element(void **state)
{
	(void)state;
	wsman_enum_page page;
	load_page("fixtures/affectedjobelement_pull_created.xml", 1, &page);
	assert_int_equal(page.n_items, 1);
	const hvsnap_cim_instance *a = page.items[0];
	assert_string_equal(hvsnap_cim_instance_class(a), "Msvm_AffectedJobElement");
	assert_int_equal(hvsnap_cim_instance_count(a), 4);
	assert_string_equal(hvsnap_cim_instance_name_at(a, 0), "AffectedElement");
	assert_kind(a, "AffectedElement", HVSNAP_CIM_EPR);
	const hvsnap_epr *e = hvsnap_cim_get(a, "AffectedElement")->epr;
	assert_epr(e, V2 "Msvm_VirtualSystemSettingData", "InstanceID",
	           "Microsoft:00000000-0000-4000-8000-000000000083");
	assert_int_equal(e->n_selectors, 1);
	assert_kind(a, "AffectingElement", HVSNAP_CIM_EPR);
	assert_epr(hvsnap_cim_get(a, "AffectingElement")->epr, V2 "Msvm_ConcreteJob",
	           "InstanceID", "00000000-0000-4000-8000-000000000066");
	assert_int_equal(get_uint(a, "ElementEffects"), 5);
	assert_kind(a, "OtherElementEffectsDescriptions", HVSNAP_CIM_NIL);
	hvs_wsman_enum_page_clear(&page);
}

static void test_enumerate_optimized(void **state)
{
	(void)state;
	wsman_enum_page page;
	load_page("fixtures/enumerate_optimized_response.xml", 0, &page);
	assert_null(page.context);
	assert_int_equal(page.end_of_sequence, 1);
	assert_int_equal(page.n_items, 2);
	assert_text(page.items[0], "ElementName", "scrubbed-2");
	assert_text(page.items[1], "ElementName", "scrubbed-3");
	assert_kind(page.items[0], "OperationalStatus", HVSNAP_CIM_VALUE);
	assert_kind(page.items[1], "OperationalStatus", HVSNAP_CIM_ARRAY);
	assert_kind(page.items[1], "InstallDate", HVSNAP_CIM_DATETIME);
	hvs_wsman_enum_page_clear(&page);
}

static void test_enumerate_epr_mode(void **state)
{
	(void)state;
	wsman_enum_page page;
	load_page("fixtures/enumerate_epr_pull.xml", 1, &page);
	assert_string_equal(page.context, "uuid:00000000-0000-4000-8000-000000000271");
	assert_int_equal(page.end_of_sequence, 0);
	assert_int_equal(page.n_items, 2);
	for (size_t i = 0; i < 2; i++) {
		const hvsnap_cim_instance *it = page.items[i];
		assert_string_equal(hvsnap_cim_instance_class(it), "EPR");
		assert_int_equal(hvsnap_cim_instance_count(it), 1);
		assert_kind(it, "EPR", HVSNAP_CIM_EPR);
		const hvsnap_epr *e = hvsnap_cim_get(it, "EPR")->epr;
		assert_epr(e, V2 "Msvm_ComputerSystem", "CreationClassName", "Msvm_ComputerSystem");
		assert_int_equal(e->n_selectors, 2);
	}
	assert_string_equal(hvsnap_epr_selector(hvsnap_cim_get(page.items[1], "EPR")->epr, "Name"),
	                    "00000000-0000-4000-8000-000000000013");
	hvs_wsman_enum_page_clear(&page);
}

static void test_pull_parser_refuses_other_bodies(void **state)
{
	(void)state;
	xmlDocPtr doc = load("fixtures/computersystem_enumerate_response.xml");
	wsman_enum_page page;
	hvsnap_error err;
	assert_int_equal(hvs_wsman_parse_pull(doc, 0, &page, &err), HVSNAP_ERR_PROTOCOL);
	assert_non_null(strstr(err.message, "expected PullResponse, got EnumerateResponse"));
	assert_null(page.items);
	hvsnap_cim_instance *inst = (hvsnap_cim_instance *)1;
	assert_int_equal(hvs_wsman_parse_instance_body(doc, &inst, &err), HVSNAP_OK);
	assert_string_equal(hvsnap_cim_instance_class(inst), "EnumerateResponse");
	hvsnap_cim_instance_free(inst);
	hvsnap_identity *id = NULL;
	assert_int_equal(hvs_wsman_parse_identify(doc, &id, &err), HVSNAP_ERR_PROTOCOL);
	assert_non_null(strstr(err.message, "IdentifyResponse"));
	assert_null(id);
	xmlFreeDoc(doc);
}

/* --- Get ---------------------------------------------------------------- */

static void test_concrete_job_running(void **state)
{
	(void)state;
	hvsnap_cim_instance *j = load_instance("fixtures/concretejob_get_running.xml");
	assert_string_equal(hvsnap_cim_instance_class(j), "Msvm_ConcreteJob");
	assert_alphabetical(j);
	assert_text(j, "InstanceID", "00000000-0000-4000-8000-000000000066");
	assert_int_equal(get_uint(j, "JobState"), 4);
	assert_int_equal(get_uint(j, "PercentComplete"), 40);
	assert_int_equal(get_uint(j, "JobType"), 70);
	assert_int_equal(get_uint(j, "ErrorCode"), 0);
	assert_kind(j, "ErrorDescription", HVSNAP_CIM_NIL);
	assert_kind(j, "ElapsedTime", HVSNAP_CIM_INTERVAL);
	assert_text(j, "ElapsedTime", "P0DT0H0M1.5S");
	assert_kind(j, "TimeBeforeRemoval", HVSNAP_CIM_INTERVAL);
	assert_text(j, "TimeBeforeRemoval", "P0DT0H5M0S");
	assert_kind(j, "StartTime", HVSNAP_CIM_DATETIME);
	assert_text(j, "Owner", "SCRUBBED\\scrubbed-4");
	assert_text(j, "Cancellable", "true");
	hvsnap_cim_instance_free(j);
}

static void test_concrete_job_completed(void **state)
{
	(void)state;
	hvsnap_cim_instance *j = load_instance("fixtures/concretejob_get_completed.xml");
	assert_int_equal(get_uint(j, "JobState"), 7);
	assert_int_equal(get_uint(j, "PercentComplete"), 100);
	/* An empty element is an empty string, not Null. */
	assert_kind(j, "ErrorDescription", HVSNAP_CIM_VALUE);
	assert_text(j, "ErrorDescription", "");
	assert_text(j, "ElapsedTime", "P0DT0H0M3.25S");
	hvsnap_cim_instance_free(j);
}

static void test_concrete_job_exception(void **state)
{
	(void)state;
	hvsnap_cim_instance *j = load_instance("fixtures/concretejob_get_exception.xml");
	assert_int_equal(get_uint(j, "JobState"), 10);
	assert_int_equal(get_uint(j, "ErrorCode"), 32768);
	assert_int_equal(get_uint(j, "JobType"), 71);
	assert_text(j, "InstanceID", "E4C92FB5-794B-4658-9506-ED47287B239C");
	assert_text(j, "ElementName", "Restoring");
	assert_text(j, "Description", "Initializing and Restoring Virtual Machine");
	assert_text(j, "ErrorDescription",
	            "'scrubbed-2' failed to apply checkpoint. (Virtual machine ID "
	            "00000000-0000-4000-8000-000000000012) The operation cannot be performed "
	            "while the object is in its current state.");
	hvsnap_cim_instance_free(j);
}

static void test_snapshot_settings(void **state)
{
	(void)state;
	hvsnap_cim_instance *s = load_instance("fixtures/vssd_snapshot_get.xml");
	assert_string_equal(hvsnap_cim_instance_class(s), "Msvm_VirtualSystemSettingData");
	assert_alphabetical(s);
	assert_text(s, "InstanceID", "Microsoft:00000000-0000-4000-8000-000000000083");
	assert_text(s, "VirtualSystemType", "Microsoft:Hyper-V:Snapshot:Realized");
	assert_text(s, "Parent",
	            "\\\\SCRUBBED-1\\root\\virtualization\\v2:Msvm_VirtualSystemSettingData."
	            "InstanceID=\"Microsoft:00000000-0000-4000-8000-000000000082\"");
	assert_kind(s, "CreationTime", HVSNAP_CIM_DATETIME);
	assert_text(s, "CreationTime", "2026-10-08T15:20:11.4375Z");
	assert_int_equal(get_uint(s, "UserSnapshotType"), 5);
	assert_text(s, "IsSaved", "true");
	assert_text(s, "ElementName", "scrubbed-2 - (2026/10/08 - 15:20:11)");
	const hvsnap_cim_value *notes = hvsnap_cim_get(s, "Notes");
	assert_int_equal(notes->kind, HVSNAP_CIM_ARRAY);
	assert_int_equal(notes->n_items, 2);
	assert_string_equal(notes->items[0].text, "before patch window");
	assert_string_equal(notes->items[1].text,
	                    "\xe4\xbd\x9c\xe6\x88\x90\xe8\x80\x85: scrubbed-4 & \"ci\" <nightly>");
	hvsnap_cim_instance_free(s);
}

/* --- Invoke ------------------------------------------------------------- */

static void test_create_snapshot_output(void **state)
{
	(void)state;
	hvsnap_invoke_result *r = load_invoke("fixtures/createsnapshot_output_4096.xml",
	                                      "CreateSnapshot");
	assert_true(r->has_return_value);
	assert_int_equal(r->return_value, 4096);
	assert_epr(r->job, V2 "Msvm_ConcreteJob", "InstanceID",
	           "00000000-0000-4000-8000-000000000066");
	assert_string_equal(hvsnap_cim_instance_class(r->output), "CreateSnapshot_OUTPUT");
	assert_string_equal(hvsnap_cim_instance_resource_uri(r->output),
	                    V2 "Msvm_VirtualSystemSnapshotService");
	assert_int_equal(hvsnap_cim_instance_count(r->output), 3);
	assert_kind(r->output, "Job", HVSNAP_CIM_EPR);
	assert_kind(r->output, "ResultingSnapshot", HVSNAP_CIM_NIL);
	assert_text(r->output, "ReturnValue", "4096");
	hvsnap_invoke_result_free(r);
	hvsnap_invoke_result_free(NULL);
}

static void test_apply_snapshot_output(void **state)
{
	(void)state;
	hvsnap_invoke_result *r = load_invoke("fixtures/applysnapshot_output_32775.xml",
	                                      "ApplySnapshot");
	assert_true(r->has_return_value);
	assert_int_equal(r->return_value, 32775);
	assert_null(r->job); /* a nil Job is no job */
	assert_kind(r->output, "Job", HVSNAP_CIM_NIL);
	hvsnap_invoke_result_free(r);
}

/* --- prefix independence -------------------------------------------------- */

static void test_prefix_variants_pages(void **state)
{
	(void)state;
	static const struct { const char *name; int pull; } cases[] = {
		{ "computersystem_pull_vm_off.xml", 1 },
		{ "affectedjobelement_pull_created.xml", 1 },
		{ "enumerate_optimized_response.xml", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char a[256], b[256];
		snprintf(a, sizeof(a), "fixtures/%s", cases[i].name);
		snprintf(b, sizeof(b), "fixtures/prefixes/%s", cases[i].name);
		wsman_enum_page pa, pb;
		load_page(a, cases[i].pull, &pa);
		load_page(b, cases[i].pull, &pb);
		assert_true(pa.n_items > 0);
		assert_pages_equal(&pa, &pb);
		hvs_wsman_enum_page_clear(&pa);
		hvs_wsman_enum_page_clear(&pb);
	}
}

static void test_prefix_variants_instances(void **state)
{
	(void)state;
	hvsnap_cim_instance *a = load_instance("fixtures/vssd_snapshot_get.xml");
	hvsnap_cim_instance *b = load_instance("fixtures/prefixes/vssd_snapshot_get.xml");
	assert_instances_equal(a, b);
	hvsnap_cim_instance_free(a);
	hvsnap_cim_instance_free(b);

	hvsnap_invoke_result *ra = load_invoke("fixtures/createsnapshot_output_4096.xml",
	                                       "CreateSnapshot");
	hvsnap_invoke_result *rb = load_invoke("fixtures/prefixes/createsnapshot_output_4096.xml",
	                                       "CreateSnapshot");
	assert_int_equal(ra->return_value, rb->return_value);
	assert_true(epr_eq(ra->job, rb->job));
	assert_instances_equal(ra->output, rb->output);
	hvsnap_invoke_result_free(ra);
	hvsnap_invoke_result_free(rb);
}

/* Unknown content is tolerated: text taken, wrapper and bare EPRs decoded. */
static void test_tolerated_shapes(void **state)
{
	(void)state;
	static const char doc_text[] =
		"<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'"
		" xmlns:a='http://schemas.xmlsoap.org/ws/2004/08/addressing'"
		" xmlns:w='http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd'"
		" xmlns:n='http://schemas.xmlsoap.org/ws/2004/09/enumeration'"
		" xmlns:i='http://www.w3.org/2001/XMLSchema-instance'><s:Body>"
		"<n:PullResponse><n:EnumerationContext>  uuid:X \n</n:EnumerationContext><n:Items>"
		"<a:Address>" ANON "</a:Address><a:ReferenceParameters><w:ResourceURI>"
		V2 "Msvm_ConcreteJob</w:ResourceURI><w:SelectorSet><w:Selector Name='InstanceID'>"
		" J1 </w:Selector></w:SelectorSet></a:ReferenceParameters>"
		"<p:C xmlns:p='urn:c'><p:Mixed>a<p:b>b</p:b>c</p:Mixed><p:Nil i:nil='1'/>"
		"<p:Job><a:EndpointReference><a:Address>" ANON "</a:Address>"
		"<a:ReferenceParameters><w:ResourceURI>urn:j</w:ResourceURI></a:ReferenceParameters>"
		"</a:EndpointReference></p:Job><p:Sp>  </p:Sp><p:Arr>1</p:Arr><p:Other>x</p:Other>"
		"<p:Arr i:nil='true'/><p:Arr>3</p:Arr><p:Cdata><![CDATA[<x&y>]]></p:Cdata></p:C>"
		"</n:Items><w:EndOfSequence/></n:PullResponse></s:Body></s:Envelope>";
	xmlDocPtr doc = NULL;
	hvsnap_error err;
	assert_int_equal(hvs_wsman_parse_document(doc_text, sizeof(doc_text) - 1, 0, &doc, &err),
	                 HVSNAP_OK);
	wsman_enum_page page;
	assert_int_equal(hvs_wsman_parse_pull(doc, 0, &page, &err), HVSNAP_OK);
	xmlFreeDoc(doc);
	assert_string_equal(page.context, "uuid:X");
	assert_int_equal(page.end_of_sequence, 1);
	assert_int_equal(page.n_items, 2);
	assert_epr(hvsnap_cim_get(page.items[0], "EPR")->epr, V2 "Msvm_ConcreteJob",
	           "InstanceID", "J1");
	const hvsnap_cim_instance *c = page.items[1];
	assert_string_equal(hvsnap_cim_instance_resource_uri(c), "urn:c");
	assert_text(c, "Mixed", "abc");
	assert_kind(c, "Nil", HVSNAP_CIM_NIL);
	assert_kind(c, "Job", HVSNAP_CIM_EPR);
	assert_string_equal(hvsnap_cim_get(c, "Job")->epr->resource_uri, "urn:j");
	assert_text(c, "Sp", "  ");
	assert_text(c, "Cdata", "<x&y>");
	const hvsnap_cim_value *arr = hvsnap_cim_get(c, "Arr");
	assert_int_equal(arr->kind, HVSNAP_CIM_ARRAY);
	assert_int_equal(arr->n_items, 3);
	assert_int_equal(arr->items[1].kind, HVSNAP_CIM_NIL);
	assert_string_equal(arr->items[2].text, "3");
	assert_string_equal(hvsnap_cim_instance_name_at(c, 4), "Arr");
	assert_string_equal(hvsnap_cim_instance_name_at(c, 5), "Other");
	hvs_wsman_enum_page_clear(&page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identify),
		cmocka_unit_test(test_enumerate_context_only),
		cmocka_unit_test(test_pull_host),
		cmocka_unit_test(test_pull_vm_off),
		cmocka_unit_test(test_pull_running_end_of_sequence),
		cmocka_unit_test(test_affected_job_element),
		cmocka_unit_test(test_enumerate_optimized),
		cmocka_unit_test(test_enumerate_epr_mode),
		cmocka_unit_test(test_pull_parser_refuses_other_bodies),
		cmocka_unit_test(test_concrete_job_running),
		cmocka_unit_test(test_concrete_job_completed),
		cmocka_unit_test(test_concrete_job_exception),
		cmocka_unit_test(test_snapshot_settings),
		cmocka_unit_test(test_create_snapshot_output),
		cmocka_unit_test(test_apply_snapshot_output),
		cmocka_unit_test(test_prefix_variants_pages),
		cmocka_unit_test(test_prefix_variants_instances),
		cmocka_unit_test(test_tolerated_shapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
