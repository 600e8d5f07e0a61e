/* Unit tests for the DSP0201 CIM-XML writer used for embedded-instance
 * parameters: the string is parsed back with libxml2 and its structure
 * checked, never compared as text except where the exact form matters. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "hvsnap/hyperv.h"
#include "wsman/cim_int.h"
#include "support.h"
#include "wsman/envelope.h"

static void assert_name(xmlNodePtr n, const char *name)
{
	assert_non_null(n);
	assert_null(n->ns); /* CIM-XML has no namespace */
	assert_string_equal((const char *)n->name, name);
}

static void assert_attr(xmlNodePtr n, const char *name, const char *expected)
{
	xmlChar *v = xmlGetNoNsProp(n, BAD_CAST name);
	assert_non_null(v);
	assert_string_equal((const char *)v, expected);
	xmlFree(v);
}

static void assert_text(xmlNodePtr n, const char *expected)
{
	assert_non_null(n);
	xmlChar *t = xmlNodeGetContent(n);
	assert_string_equal((const char *)t, expected);
	xmlFree(t);
}

/* Serialises inst and parses the result; the caller frees the document. */
static xmlDocPtr parse_serialized(const hvsnap_cim_instance *inst)
{
	char *s = hvs_wsman_cimxml_serialize(inst);
	assert_non_null(s);
	/* An embedded string: no declaration, no indentation. */
	assert_memory_equal(s, "<INSTANCE ", 10);
	assert_null(strchr(s, '\n'));
	xmlDocPtr doc = xmlReadMemory(s, (int)strlen(s), "instance.xml", NULL, XML_PARSE_NONET);
	free(s);
	assert_non_null(doc);
	assert_name(xmlDocGetRootElement(doc), "INSTANCE");
	return doc;
}

static void test_snapshot_settings(void **state)
{
	(void)state;
	hvsnap_cim_instance *inst =
		hvsnap_cim_instance_new("Msvm_VirtualSystemSnapshotSettingData", NULL);
	assert_non_null(inst);
	assert_int_equal(hvsnap_cim_set_value(inst, "ConsistencyLevel", HVSNAP_CIM_TYPE_UINT8,
	                                      "1"), HVSNAP_OK);
	assert_int_equal(hvsnap_cim_set_value(inst, "IgnoreNonSnapshottableDisks",
	                                      HVSNAP_CIM_TYPE_BOOLEAN, "true"), HVSNAP_OK);
	xmlDocPtr doc = parse_serialized(inst);
	hvsnap_cim_instance_free(inst);

	xmlNodePtr root = xmlDocGetRootElement(doc);
	assert_attr(root, "CLASSNAME", "Msvm_VirtualSystemSnapshotSettingData");
	xmlNodePtr p = test_first_element(root->children);
	assert_name(p, "PROPERTY");
	assert_attr(p, "NAME", "ConsistencyLevel");
	assert_attr(p, "TYPE", "uint8");
	assert_name(test_first_element(p->children), "VALUE");
	assert_text(test_first_element(p->children), "1");
	assert_null(test_next_element(test_first_element(p->children)));
	p = test_next_element(p);
	assert_attr(p, "NAME", "IgnoreNonSnapshottableDisks");
	assert_attr(p, "TYPE", "boolean");
	assert_text(test_first_element(p->children), "true");
	assert_null(test_next_element(p));
	xmlFreeDoc(doc);
}

static void test_every_kind(void **state)
{
	(void)state;
	hvsnap_cim_instance *inst = hvsnap_cim_instance_new("Msvm_VirtualSystemSettingData", NULL);
	const char *odd = "naïve \"x\" <y> & 'z' ]]> 仮想";
	assert_int_equal(hvsnap_cim_set_value(inst, "ElementName", HVSNAP_CIM_TYPE_STRING, odd),
	                 HVSNAP_OK);
	assert_int_equal(hvsnap_cim_set_nil(inst, "Notes", HVSNAP_CIM_TYPE_STRING), HVSNAP_OK);
	const char *items[] = { "1", "2", "3" };
	assert_int_equal(hvsnap_cim_set_array(inst, "BootOrder", HVSNAP_CIM_TYPE_UINT16,
	                                      items, 3), HVSNAP_OK);
	assert_int_equal(hvsnap_cim_set_array(inst, "Empty", HVSNAP_CIM_TYPE_STRING, NULL, 0),
	                 HVSNAP_OK);
	assert_int_equal(hvsnap_cim_set_value(inst, "CreationTime", HVSNAP_CIM_TYPE_DATETIME,
	                                      "20261008151536.684240+000"), HVSNAP_OK);
	assert_int_equal(hvsnap_cim_set_value(inst, "Blank", HVSNAP_CIM_TYPE_STRING, ""),
	                 HVSNAP_OK);
	xmlDocPtr doc = parse_serialized(inst);
	hvsnap_cim_instance_free(inst);

	xmlNodePtr p = test_first_element(xmlDocGetRootElement(doc)->children);
	/* Escaping round-trips exactly. */
	assert_attr(p, "NAME", "ElementName");
	assert_attr(p, "TYPE", "string");
	assert_text(test_first_element(p->children), odd);

	/* NULL: a PROPERTY with no VALUE. */
	p = test_next_element(p);
	assert_name(p, "PROPERTY");
	assert_attr(p, "NAME", "Notes");
	assert_null(test_first_element(p->children));

	/* Array: PROPERTY.ARRAY / VALUE.ARRAY / VALUE in order. */
	p = test_next_element(p);
	assert_name(p, "PROPERTY.ARRAY");
	assert_attr(p, "NAME", "BootOrder");
	assert_attr(p, "TYPE", "uint16");
	xmlNodePtr arr = test_first_element(p->children);
	assert_name(arr, "VALUE.ARRAY");
	xmlNodePtr v = test_first_element(arr->children);
	for (size_t i = 0; i < 3; i++, v = test_next_element(v)) {
		assert_name(v, "VALUE");
		assert_text(v, items[i]);
	}
	assert_null(v);

	/* Empty array: an empty VALUE.ARRAY, distinct from NULL. */
	p = test_next_element(p);
	assert_name(p, "PROPERTY.ARRAY");
	assert_name(test_first_element(p->children), "VALUE.ARRAY");
	assert_null(test_first_element(test_first_element(p->children)->children));

	p = test_next_element(p);
	assert_attr(p, "TYPE", "datetime");
	assert_text(test_first_element(p->children), "20261008151536.684240+000");

	/* Empty string: a VALUE that is present but empty. */
	p = test_next_element(p);
	assert_attr(p, "NAME", "Blank");
	assert_name(test_first_element(p->children), "VALUE");
	assert_text(test_first_element(p->children), "");
	assert_null(test_next_element(p));
	xmlFreeDoc(doc);
}

static void test_type_names(void **state)
{
	(void)state;
	static const struct { hvsnap_cim_type type; const char *name; } types[] = {
		{ HVSNAP_CIM_TYPE_STRING, "string" }, { HVSNAP_CIM_TYPE_BOOLEAN, "boolean" },
		{ HVSNAP_CIM_TYPE_UINT8, "uint8" }, { HVSNAP_CIM_TYPE_UINT16, "uint16" },
		{ HVSNAP_CIM_TYPE_UINT32, "uint32" }, { HVSNAP_CIM_TYPE_UINT64, "uint64" },
		{ HVSNAP_CIM_TYPE_SINT32, "sint32" }, { HVSNAP_CIM_TYPE_SINT64, "sint64" },
		{ HVSNAP_CIM_TYPE_DATETIME, "datetime" },
	};
	hvsnap_cim_instance *inst = hvsnap_cim_instance_new("Types", NULL);
	char name[16];
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		snprintf(name, sizeof(name), "P%zu", i);
		assert_int_equal(hvsnap_cim_set_value(inst, name, types[i].type, "0"), HVSNAP_OK);
	}
	xmlDocPtr doc = parse_serialized(inst);
	hvsnap_cim_instance_free(inst);
	xmlNodePtr p = test_first_element(xmlDocGetRootElement(doc)->children);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++, p = test_next_element(p))
		assert_attr(p, "TYPE", types[i].name);
	assert_null(p);
	xmlFreeDoc(doc);
}

static void test_utf8_kept(void **state)
{
	(void)state;
	hvsnap_cim_instance *inst = hvsnap_cim_instance_new("X", NULL);
	assert_int_equal(hvsnap_cim_set_value(inst, "Caption", HVSNAP_CIM_TYPE_STRING,
	                                      "仮想マシン é"), HVSNAP_OK);
	char *s = hvs_wsman_cimxml_serialize(inst);
	hvsnap_cim_instance_free(inst);
	assert_non_null(s);
	/* Raw UTF-8, not character references. */
	assert_non_null(strstr(s, "<VALUE>仮想マシン é</VALUE>"));
	free(s);
}

static void test_empty_instance(void **state)
{
	(void)state;
	hvsnap_cim_instance *inst = hvsnap_cim_instance_new("Msvm_Empty", NULL);
	char *s = hvs_wsman_cimxml_serialize(inst);
	hvsnap_cim_instance_free(inst);
	assert_non_null(s);
	assert_string_equal(s, "<INSTANCE CLASSNAME=\"Msvm_Empty\"/>");
	free(s);
}

static void test_refusals(void **state)
{
	(void)state;
	assert_null(hvs_wsman_cimxml_serialize(NULL));

	/* EPR properties (PROPERTY.REFERENCE) are not supported. */
	hvsnap_cim_instance *inst = hvsnap_cim_instance_new("X", NULL);
	hvsnap_epr *epr = hvsnap_epr_new(HVSNAP_WMI_V2_URI "Msvm_ComputerSystem");
	assert_int_equal(hvsnap_epr_add_selector(epr, "Name", "vm"), HVSNAP_OK);
	assert_int_equal(hvsnap_cim_set_epr(inst, "System", epr), HVSNAP_OK);
	assert_null(hvs_wsman_cimxml_serialize(inst));
	hvsnap_cim_instance_free(inst);
	hvsnap_epr_free(epr);

	/* Text that XML cannot carry. */
	inst = hvsnap_cim_instance_new("X", NULL);
	assert_int_equal(hvsnap_cim_set_value(inst, "A", HVSNAP_CIM_TYPE_STRING, "bad\x02"),
	                 HVSNAP_OK);
	assert_null(hvs_wsman_cimxml_serialize(inst));
	hvsnap_cim_instance_free(inst);

	inst = hvsnap_cim_instance_new("X", NULL);
	const char *items[] = { "ok", "\xff" };
	assert_int_equal(hvsnap_cim_set_array(inst, "A", HVSNAP_CIM_TYPE_STRING, items, 2),
	                 HVSNAP_OK);
	assert_null(hvs_wsman_cimxml_serialize(inst));
	hvsnap_cim_instance_free(inst);

	inst = hvsnap_cim_instance_new("Bad\x01Class", NULL);
	assert_null(hvs_wsman_cimxml_serialize(inst));
	hvsnap_cim_instance_free(inst);
}

static int teardown(void **state)
{
	(void)state;
	xmlCleanupParser();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapshot_settings),
		cmocka_unit_test(test_every_kind),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_utf8_kept),
		cmocka_unit_test(test_empty_instance),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
