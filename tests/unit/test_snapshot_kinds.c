/* Unit tests for checkpoint kinds and settings: every SnapshotSettings
 * instance the builder can produce, written by the CIM-XML writer, is
 * valid against schemas/wmi/Msvm_VirtualSystemSnapshotSettingData.xsd (and
 * the schema is shown to reject the mistakes it is there for); the kind of
 * a VirtualSystemType; the recovery-checkpoint guard; and reference point
 * decoding under both documented ReferencePointType numberings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "hvsnap/hvsnap.h"
#include "hyperv/objects.h"
#include "hyperv/refpoint_int.h"
#include "hyperv/snapshot_int.h"
#include "hyperv/snapshot_settings.h"
#include "support.h"
#include "wsman/envelope.h"

static xmlSchemaPtr schema;

#if LIBXML_VERSION >= 21200
static void collect_error(void *ctx, const xmlError *e)
#else
static void collect_error(void *ctx, xmlErrorPtr e)
#endif
{
	int *quiet = ctx;
	if (!*quiet && e && e->message)
		fprintf(stderr, "schema: line %d: %s", e->line, e->message);
}

static int validate_text(const char *text, int quiet)
{
	xmlDocPtr doc = xmlReadMemory(text, (int)strlen(text), "settings.xml", NULL, XML_PARSE_NONET);
	if (!doc)
		return -1;
	xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(schema);
	assert_non_null(v);
	xmlSchemaSetValidStructuredErrors(v, collect_error, &quiet);
	int rc = xmlSchemaValidateDoc(v, doc);
	xmlSchemaFreeValidCtxt(v);
	xmlFreeDoc(doc);
	return rc;
}

static int load_schema(void **state)
{
	(void)state;
	xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(
		test_source_path("schemas/wmi/Msvm_VirtualSystemSnapshotSettingData.xsd"));
	assert_non_null(pc);
	schema = xmlSchemaParse(pc);
	xmlSchemaFreeParserCtxt(pc);
	return schema ? 0 : -1;
}

static int free_schema(void **state)
{
	(void)state;
	xmlSchemaFree(schema);
	return 0;
}

/* The TYPE each property must have (XSD 1.0 cannot say it). */
static const char *type_of(const char *name)
{
	return strcmp(name, "IgnoreNonSnapshottableDisks") == 0 ? "boolean" : "uint8";
}

/* Checks the serialised instance against what o asked for: the properties
 * in the builder's order, each with its value and type. */
static void check_properties(const char *text, const hvsnap_create_options *o)
{
	const char *want_names[3];
	const char *want_values[3];
	static const char *const digits[] = { "0", "1", "2" };
	size_t n = 0;
	if (o->consistency) {
		want_names[n] = "ConsistencyLevel";
		want_values[n++] = digits[o->consistency];
	}
	if (o->ignore_non_snapshottable_disks) {
		want_names[n] = "IgnoreNonSnapshottableDisks";
		want_values[n++] = "true";
	}
	if (o->guest_backup_type) {
		want_names[n] = "GuestBackupType";
		want_values[n++] = digits[o->guest_backup_type];
	}
	xmlDocPtr doc = xmlReadMemory(text, (int)strlen(text), "s.xml", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	xmlNodePtr p = test_first_element(xmlDocGetRootElement(doc)->children);
	for (size_t i = 0; i < n; i++, p = test_next_element(p)) {
		assert_non_null(p);
		xmlChar *name = xmlGetNoNsProp(p, BAD_CAST "NAME");
		xmlChar *type = xmlGetNoNsProp(p, BAD_CAST "TYPE");
		xmlChar *value = xmlNodeGetContent(test_first_element(p->children));
		assert_string_equal((const char *)name, want_names[i]);
		assert_string_equal((const char *)type, type_of(want_names[i]));
		assert_string_equal((const char *)value, want_values[i]);
		xmlFree(name);
		xmlFree(type);
		xmlFree(value);
	}
	assert_null(p);
	xmlFreeDoc(doc);
}

static void test_every_settings_instance(void **state)
{
	(void)state;
	static const hvsnap_snapshot_kind kinds[] = { 0, HVSNAP_SNAPSHOT_FULL, HVSNAP_SNAPSHOT_DISK,
	                                              HVSNAP_SNAPSHOT_RECOVERY };
	size_t built = 0, empty = 0;
	for (size_t k = 0; k < 4; k++)
		for (int c = 0; c <= 2; c++)
			for (int ig = 0; ig <= 1; ig++)
				for (int g = 0; g <= 2; g++) {
					hvsnap_create_options o = HVSNAP_CREATE_OPTIONS_INIT;
					o.kind = kinds[k];
					o.consistency = (hvsnap_consistency)c;
					o.ignore_non_snapshottable_disks = ig;
					o.guest_backup_type = (hvsnap_guest_backup_type)g;
					hvsnap_error err;
					hvsnap_cim_instance *inst = NULL;
					assert_int_equal(hvs_snapshot_settings_build(&o, &inst, &err), HVSNAP_OK);
					if (!c && !ig && !g) {
						assert_null(inst);   /* SnapshotSettings stays "" */
						empty++;
						continue;
					}
					assert_non_null(inst);
					char *text = hvs_wsman_cimxml_serialize(inst);
					assert_non_null(text);
					if (validate_text(text, 0) != 0)
						fail_msg("invalid settings instance: %s", text);
					check_properties(text, &o);
					free(text);
					hvsnap_cim_instance_free(inst);
					built++;
				}
	assert_int_equal(built, 4 * 17);
	assert_int_equal(empty, 4);
}

static void test_refused_values(void **state)
{
	(void)state;
	struct { int kind, consistency, backup; } bad[] = {
		{ 1, 0, 0 }, { 4, 0, 0 }, { 32769, 0, 0 }, { -1, 0, 0 },
		{ 2, 3, 0 }, { 2, -1, 0 }, { 2, 0, 3 }, { 2, 0, 255 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		hvsnap_create_options o = HVSNAP_CREATE_OPTIONS_INIT;
		o.kind = (hvsnap_snapshot_kind)bad[i].kind;
		o.consistency = (hvsnap_consistency)bad[i].consistency;
		o.guest_backup_type = (hvsnap_guest_backup_type)bad[i].backup;
		hvsnap_error err;
		hvsnap_cim_instance *inst = (hvsnap_cim_instance *)&err;
		assert_int_equal(hvs_snapshot_settings_build(&o, &inst, &err), HVSNAP_ERR_USAGE);
		assert_null(inst);
		assert_int_equal(err.kind, HVSNAP_ERR_USAGE);
		assert_true(strlen(err.message) > 0);
	}
}

/* The schema is not vacuous: each mistake it exists for is refused. */
static void test_schema_rejects(void **state)
{
	(void)state;
	const char *good = "<INSTANCE CLASSNAME=\"Msvm_VirtualSystemSnapshotSettingData\">"
	                   "<PROPERTY NAME=\"ConsistencyLevel\" TYPE=\"uint8\"><VALUE>1</VALUE></PROPERTY>"
	                   "</INSTANCE>";
	assert_int_equal(validate_text(good, 0), 0);
	const char *bad[] = {
		"<INSTANCE CLASSNAME=\"Msvm_VirtualSystemSettingData\">"
		"<PROPERTY NAME=\"ConsistencyLevel\" TYPE=\"uint8\"><VALUE>1</VALUE></PROPERTY></INSTANCE>",
		"<INSTANCE CLASSNAME=\"Msvm_VirtualSystemSnapshotSettingData\">"
		"<PROPERTY NAME=\"ElementName\" TYPE=\"string\"><VALUE>x</VALUE></PROPERTY></INSTANCE>",
		"<INSTANCE CLASSNAME=\"Msvm_VirtualSystemSnapshotSettingData\">"
		"<PROPERTY NAME=\"ConsistencyLevel\" TYPE=\"uint8\"><VALUE>3</VALUE></PROPERTY></INSTANCE>",
		"<INSTANCE CLASSNAME=\"Msvm_VirtualSystemSnapshotSettingData\">"
		"<PROPERTY NAME=\"ConsistencyLevel\" TYPE=\"uint8\"><VALUE>1</VALUE></PROPERTY>"
		"<PROPERTY NAME=\"ConsistencyLevel\" TYPE=\"uint8\"><VALUE>2</VALUE></PROPERTY></INSTANCE>",
		"<INSTANCE CLASSNAME=\"Msvm_VirtualSystemSnapshotSettingData\"/>",
		"<p:Msvm_VirtualSystemSnapshotSettingData xmlns:p=\"urn:x\"/>",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(validate_text(bad[i], 1), 0);
}

static void test_role_of_type(void **state)
{
	(void)state;
	assert_int_equal(hvs_snapshot_role_of_type("Microsoft:Hyper-V:Snapshot:Realized"),
	                 HVSNAP_ROLE_CHECKPOINT);
	assert_int_equal(hvs_snapshot_role_of_type("microsoft:hyper-v:snapshot:recovery"),
	                 HVSNAP_ROLE_RECOVERY);
	assert_int_equal(hvs_snapshot_role_of_type("Microsoft:Hyper-V:Snapshot:Missing"),
	                 HVSNAP_ROLE_MISSING);
	assert_int_equal(hvs_snapshot_role_of_type("Microsoft:Hyper-V:Snapshot:Replica:Standard"),
	                 HVSNAP_ROLE_REPLICA);
	assert_int_equal(hvs_snapshot_role_of_type("Microsoft:Hyper-V:Snapshot:Replica:PlannedFailover"),
	                 HVSNAP_ROLE_REPLICA);
	assert_int_equal(hvs_snapshot_role_of_type("Microsoft:Hyper-V:Snapshot:Replica:"),
	                 HVSNAP_ROLE_OTHER);
	assert_int_equal(hvs_snapshot_role_of_type("Microsoft:Hyper-V:Snapshot:Planned"),
	                 HVSNAP_ROLE_OTHER);
	assert_int_equal(hvs_snapshot_role_of_type("Microsoft:Hyper-V:Snapshot:RealizedX"),
	                 HVSNAP_ROLE_OTHER);
	assert_int_equal(hvs_snapshot_role_of_type("Microsoft:Hyper-V:Snapshot:Weird"),
	                 HVSNAP_ROLE_OTHER);
	assert_int_equal(hvs_snapshot_role_of_type(""), HVSNAP_ROLE_OTHER);
	assert_int_equal(hvs_snapshot_role_of_type(NULL), HVSNAP_ROLE_OTHER);
	assert_string_equal(hvsnap_snapshot_role_name(HVSNAP_ROLE_RECOVERY), "recovery");
	assert_string_equal(hvsnap_snapshot_role_name(HVSNAP_ROLE_OTHER), "other");
	assert_string_equal(hvsnap_snapshot_role_name((hvsnap_snapshot_role)77), "other");
}

static hvsnap_cim_instance *vssd(const char *type, const char *saved)
{
	hvsnap_cim_instance *i = hvsnap_cim_instance_new("Msvm_VirtualSystemSettingData", NULL);
	assert_non_null(i);
	assert_int_equal(hvsnap_cim_set_value(i, "InstanceID", HVSNAP_CIM_TYPE_STRING,
	                                      "Microsoft:6C000000-0000-4000-8000-000000000002"), 0);
	assert_int_equal(hvsnap_cim_set_value(i, "ElementName", HVSNAP_CIM_TYPE_STRING, "b"), 0);
	if (type)
		assert_int_equal(hvsnap_cim_set_value(i, "VirtualSystemType", HVSNAP_CIM_TYPE_STRING,
		                                      type), 0);
	if (saved)
		assert_int_equal(hvsnap_cim_set_value(i, "IsSaved", HVSNAP_CIM_TYPE_BOOLEAN, saved), 0);
	return i;
}

static void test_snapshot_from_instance(void **state)
{
	(void)state;
	struct { const char *type, *saved; hvsnap_snapshot_role role; int is_saved, kept; } c[] = {
		{ "Microsoft:Hyper-V:Snapshot:Recovery", "false", HVSNAP_ROLE_RECOVERY, 0, 1 },
		{ "Microsoft:Hyper-V:Snapshot:Realized", "TRUE", HVSNAP_ROLE_CHECKPOINT, 1, 1 },
		{ "Microsoft:Hyper-V:Snapshot:Weird", "true", HVSNAP_ROLE_OTHER, 1, 1 },
		{ NULL, NULL, HVSNAP_ROLE_OTHER, 0, 1 },
		{ "Microsoft:Hyper-V:System:Realized", NULL, HVSNAP_ROLE_OTHER, 0, 0 },
		{ "Microsoft:Hyper-V:System:Planned", NULL, HVSNAP_ROLE_OTHER, 0, 0 },
	};
	for (size_t k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
		hvsnap_cim_instance *i = vssd(c[k].type, c[k].saved);
		assert_int_equal(hvs_is_snapshot_settings(i), c[k].kept);
		hvsnap_snapshot s;
		assert_int_equal(hvs_snapshot_from_instance(&s, i), 0);
		assert_int_equal(hvsnap_snapshot_kind_of(&s), c[k].role);
		assert_int_equal(hvsnap_snapshot_is_saved(&s), c[k].is_saved);
		if (c[k].type)
			assert_string_equal(hvsnap_snapshot_type(&s), c[k].type);
		else
			assert_null(hvsnap_snapshot_type(&s));
		hvsnap_snapshot *copy = hvsnap_snapshot_dup(&s);
		assert_non_null(copy);
		assert_int_equal(hvsnap_snapshot_kind_of(copy), c[k].role);
		assert_int_equal(hvsnap_snapshot_is_saved(copy), c[k].is_saved);
		hvsnap_snapshot_free(copy);
		hvs_snapshot_clear(&s);
		hvsnap_cim_instance_free(i);
	}
}

static void test_check_target(void **state)
{
	(void)state;
	hvsnap_cim_instance *i = vssd("Microsoft:Hyper-V:Snapshot:Recovery", NULL);
	hvsnap_snapshot s;
	assert_int_equal(hvs_snapshot_from_instance(&s, i), 0);
	hvsnap_error err;
	const char *guid = "6C000000-0000-4000-8000-000000000002";
	assert_int_equal(hvsnap_snapshot_check_target(&s, "b", 0, &err), HVSNAP_ERR_USAGE);
	assert_non_null(strstr(err.message, "recovery"));
	assert_int_equal(hvsnap_snapshot_check_target(&s, "b", 1, &err), HVSNAP_ERR_USAGE);
	assert_int_equal(hvsnap_snapshot_check_target(&s, guid, 0, &err), HVSNAP_ERR_USAGE);
	assert_non_null(strstr(err.message, "forced"));
	assert_null(strstr(err.message, "--")); /* the CLI adds its flag (hints.c) */
	assert_int_equal(hvsnap_snapshot_check_target(&s, guid, 1, &err), HVSNAP_OK);
	assert_int_equal(hvsnap_snapshot_check_target(&s, "microsoft:6c000000-0000-4000-8000-000000000002",
	                                              1, &err), HVSNAP_ERR_USAGE); /* prefix is case-exact */
	assert_int_equal(hvsnap_snapshot_check_target(&s, "Microsoft:6c000000-0000-4000-8000-000000000002",
	                                              1, &err), HVSNAP_OK);
	assert_int_equal(hvsnap_snapshot_check_target(&s, "6C000000-0000-4000-8000-000000000009",
	                                              1, &err), HVSNAP_ERR_USAGE);
	hvs_snapshot_clear(&s);
	hvsnap_cim_instance_free(i);
	i = vssd("Microsoft:Hyper-V:Snapshot:Realized", NULL);
	assert_int_equal(hvs_snapshot_from_instance(&s, i), 0);
	assert_int_equal(hvsnap_snapshot_check_target(&s, "b", 0, &err), HVSNAP_OK);
	hvs_snapshot_clear(&s);
	hvsnap_cim_instance_free(i);
	assert_int_equal(hvsnap_snapshot_check_target(NULL, "b", 1, &err), HVSNAP_ERR_USAGE);
}

/* A reference point instance: code NULL leaves ReferencePointType out. */
static hvsnap_cim_instance *refpoint(int n, const char *code, int rct_ids, const char *assoc)
{
	char id[64];
	snprintf(id, sizeof(id), "Microsoft:6D000000-0000-4000-8000-%012d", n);
	hvsnap_cim_instance *i = hvsnap_cim_instance_new("Msvm_VirtualSystemReferencePoint", NULL);
	assert_non_null(i);
	assert_int_equal(hvsnap_cim_set_value(i, "InstanceID", HVSNAP_CIM_TYPE_STRING, id), 0);
	if (code)
		assert_int_equal(hvsnap_cim_set_value(i, "ReferencePointType", HVSNAP_CIM_TYPE_UINT16,
		                                      code), 0);
	assert_int_equal(hvsnap_cim_set_value(i, "ConsistencyLevel", HVSNAP_CIM_TYPE_UINT16, "2"), 0);
	if (assoc)
		assert_int_equal(hvsnap_cim_set_value(i, "HasAssociatedData", HVSNAP_CIM_TYPE_BOOLEAN,
		                                      assoc), 0);
	const char *rct[] = { "rctX:1", "rctX:2" };
	const char *disks[] = { "Microsoft:A\\0\\0\\D", "Microsoft:B\\0\\0\\D" };
	if (rct_ids) {
		assert_int_equal(hvsnap_cim_set_array(i, "ResilientChangeTrackingIdentifiers",
		                                      HVSNAP_CIM_TYPE_STRING, rct, (size_t)rct_ids), 0);
		assert_int_equal(hvsnap_cim_set_array(i, "VirtualDiskIdentifiers",
		                                      HVSNAP_CIM_TYPE_STRING, disks, (size_t)rct_ids), 0);
	} else {
		assert_int_equal(hvsnap_cim_set_nil(i, "ResilientChangeTrackingIdentifiers",
		                                    HVSNAP_CIM_TYPE_STRING), 0);
	}
	return i;
}

/* Decodes items as one list and checks each point's type. */
static void expect_types(hvsnap_cim_instance **items, size_t n, const hvsnap_refpoint_type *want)
{
	hvsnap_refpoint_list *l = NULL;
	hvsnap_error err;
	assert_int_equal(hvs_refpoint_list_from(items, n, &l, &err), HVSNAP_OK);
	assert_int_equal(hvsnap_refpoint_list_count(l), n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(hvsnap_refpoint_type_of(hvsnap_refpoint_list_at(l, i)), want[i]);
	hvsnap_refpoint_list_free(l);
	for (size_t i = 0; i < n; i++)
		hvsnap_cim_instance_free(items[i]);
}

static void test_refpoint_numberings(void **state)
{
	(void)state;
	const hvsnap_refpoint_type LOG = HVSNAP_REFPOINT_LOG, RCT = HVSNAP_REFPOINT_RCT,
	                           UNK = HVSNAP_REFPOINT_UNKNOWN;
	/* class numbering: 1 log, 2 RCT (even a 1 that carries RCT ids) */
	hvsnap_cim_instance *a[] = { refpoint(1, "1", 0, "true"), refpoint(2, "2", 1, "false"),
	                             refpoint(3, "1", 1, NULL) };
	expect_types(a, 3, (hvsnap_refpoint_type[]){ LOG, RCT, LOG });
	/* method numbering: 0 log, 1 RCT (even a 1 without RCT ids) */
	hvsnap_cim_instance *b[] = { refpoint(1, "0", 0, "true"), refpoint(2, "1", 1, NULL),
	                             refpoint(3, "1", 0, NULL) };
	expect_types(b, 3, (hvsnap_refpoint_type[]){ LOG, RCT, RCT });
	/* 1s alone: by content */
	hvsnap_cim_instance *c[] = { refpoint(1, "1", 2, NULL), refpoint(2, "1", 0, NULL),
	                             refpoint(3, "1", 1, "true") };
	expect_types(c, 3, (hvsnap_refpoint_type[]){ RCT, LOG, LOG });
	/* both numberings seen (bad data): a 1 goes by content; others stay */
	hvsnap_cim_instance *d[] = { refpoint(1, "0", 0, NULL), refpoint(2, "2", 1, NULL),
	                             refpoint(3, "1", 1, NULL), refpoint(4, "3", 1, NULL),
	                             refpoint(5, NULL, 1, NULL), refpoint(6, "x", 0, NULL) };
	expect_types(d, 6, (hvsnap_refpoint_type[]){ LOG, RCT, RCT, UNK, UNK, UNK });
}

static void test_refpoint_fields(void **state)
{
	(void)state;
	hvsnap_cim_instance *items[] = {
		refpoint(1, "2", 2, "false"),
		hvsnap_cim_instance_new("Msvm_VirtualSystemReferencePoint", NULL), /* no id: skipped */
	};
	assert_int_equal(hvsnap_cim_set_value(items[0], "VirtualSystemIdentifier",
	                                      HVSNAP_CIM_TYPE_STRING, "VMGUID"), 0);
	hvsnap_refpoint_list *l = NULL;
	hvsnap_error err;
	assert_int_equal(hvs_refpoint_list_from(items, 2, &l, &err), HVSNAP_OK);
	assert_int_equal(hvsnap_refpoint_list_count(l), 1);
	const hvsnap_refpoint *rp = hvsnap_refpoint_list_at(l, 0);
	assert_null(hvsnap_refpoint_list_at(l, 1));
	assert_string_equal(hvsnap_refpoint_id(rp), "6D000000-0000-4000-8000-000000000001");
	assert_string_equal(hvsnap_refpoint_vm_id(rp), "VMGUID");
	assert_int_equal(hvsnap_refpoint_type_code(rp), 2);
	assert_string_equal(hvsnap_refpoint_type_name(hvsnap_refpoint_type_of(rp)), "rct");
	assert_int_equal(hvsnap_refpoint_consistency(rp), HVSNAP_CONSISTENCY_CRASH);
	assert_int_equal(hvsnap_refpoint_rct_id_count(rp), 2);
	assert_string_equal(hvsnap_refpoint_rct_id_at(rp, 1), "rctX:2");
	assert_null(hvsnap_refpoint_rct_id_at(rp, 2));
	assert_int_equal(hvsnap_refpoint_disk_id_count(rp), 2);
	assert_string_equal(hvsnap_refpoint_disk_id_at(rp, 0), "Microsoft:A\\0\\0\\D");
	hvsnap_refpoint *copy = hvsnap_refpoint_dup(rp);
	assert_non_null(copy);
	assert_string_equal(hvsnap_refpoint_rct_id_at(copy, 0), "rctX:1");
	assert_int_equal(hvsnap_refpoint_type_of(copy), HVSNAP_REFPOINT_RCT);
	hvsnap_refpoint_free(copy);
	hvsnap_refpoint_list_free(l);
	hvsnap_cim_instance_free(items[0]);
	hvsnap_cim_instance_free(items[1]);
	assert_null(hvsnap_refpoint_id(NULL));
	assert_int_equal(hvsnap_refpoint_rct_id_count(NULL), 0);
	assert_string_equal(hvsnap_refpoint_type_name((hvsnap_refpoint_type)9), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_settings_instance),
		cmocka_unit_test(test_refused_values),
		cmocka_unit_test(test_schema_rejects),
		cmocka_unit_test(test_role_of_type),
		cmocka_unit_test(test_snapshot_from_instance),
		cmocka_unit_test(test_check_target),
		cmocka_unit_test(test_refpoint_numberings),
		cmocka_unit_test(test_refpoint_fields),
	};
	return cmocka_run_group_tests(tests, load_schema, free_schema);
}
