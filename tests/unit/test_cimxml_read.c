/* Unit tests for reading DSP0201 CIM-XML INSTANCE strings (embedded
 * instances such as Msvm_Error): scalars, arrays, Null, types, and the
 * QUALIFIER elements and extra attributes Windows' GetText adds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hvsnap/hyperv.h"
#include "wsman/cim_int.h"
#include "wsman/response.h"

static hvsnap_cim_instance *parse_ok(const char *text)
{
	hvsnap_cim_instance *inst = NULL;
	hvsnap_error err;
	hvsnap_status st = hvs_wsman_cimxml_parse(text, strlen(text), &inst, &err);
	if (st != HVSNAP_OK)
		fail_msg("rejected: %s (%s)", err.message, err.detail);
	return inst;
}

static void test_msvm_error_with_qualifiers(void **state)
{
	(void)state;
	static const char text[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<INSTANCE CLASSNAME=\"Msvm_Error\">\n"
		" <QUALIFIER NAME=\"dynamic\" PROPAGATED=\"true\" TYPE=\"boolean\" "
		"TOSUBCLASS=\"false\"><VALUE>TRUE</VALUE></QUALIFIER>\n"
		" <PROPERTY NAME=\"CIMStatusCode\" CLASSORIGIN=\"CIM_Error\" TYPE=\"uint32\">"
		"<QUALIFIER NAME=\"CIMTYPE\" TYPE=\"string\"><VALUE>uint32</VALUE></QUALIFIER>"
		"<VALUE>1</VALUE></PROPERTY>\n"
		" <PROPERTY NAME=\"ErrorSource\" CLASSORIGIN=\"CIM_Error\" TYPE=\"string\">"
		"<VALUE>vm &amp; &quot;x&quot;</VALUE></PROPERTY>\n"
		" <PROPERTY NAME=\"Message\" TYPE=\"string\"><VALUE><![CDATA['vm1' "
		"\xe3\x81\xae\xe3\x82\xa8\xe3\x83\xa9\xe3\x83\xbc <b>]]></VALUE></PROPERTY>\n"
		" <PROPERTY NAME=\"OwningEntity\" TYPE=\"string\"></PROPERTY>\n"
		" <PROPERTY.ARRAY NAME=\"MessageArguments\" TYPE=\"string\"><VALUE.ARRAY>"
		"<VALUE>vm1</VALUE><VALUE></VALUE><VALUE>  spaced </VALUE></VALUE.ARRAY>"
		"</PROPERTY.ARRAY>\n"
		" <PROPERTY.ARRAY NAME=\"RecommendedActions\" TYPE=\"string\"></PROPERTY.ARRAY>\n"
		" <PROPERTY NAME=\"Stamp\" TYPE=\"datetime\"><VALUE>20261008152011.000000+000"
		"</VALUE></PROPERTY>\n"
		" <PROPERTY NAME=\"Ratio\" TYPE=\"real64\"><VALUE>0.5</VALUE></PROPERTY>\n"
		" <PROPERTY.REFERENCE NAME=\"Ref\" REFERENCECLASS=\"X\"/>\n"
		" <UNKNOWN.EXTENSION/>\n"
		"</INSTANCE>";
	hvsnap_cim_instance *inst = parse_ok(text);
	assert_string_equal(hvsnap_cim_instance_class(inst), "Msvm_Error");
	assert_int_equal(hvsnap_cim_instance_count(inst), 8);
	assert_string_equal(hvsnap_cim_instance_name_at(inst, 0), "CIMStatusCode");
	assert_int_equal(hvsnap_cim_instance_type_at(inst, 0), HVSNAP_CIM_TYPE_UINT32);
	assert_string_equal(hvsnap_cim_get_text(inst, "CIMStatusCode"), "1");
	assert_string_equal(hvsnap_cim_get_text(inst, "ErrorSource"), "vm & \"x\"");
	assert_string_equal(hvsnap_cim_get_text(inst, "Message"),
	                    "'vm1' \xe3\x81\xae\xe3\x82\xa8\xe3\x83\xa9\xe3\x83\xbc <b>");
	assert_int_equal(hvsnap_cim_get(inst, "OwningEntity")->kind, HVSNAP_CIM_NIL);
	const hvsnap_cim_value *args = hvsnap_cim_get(inst, "MessageArguments");
	assert_int_equal(args->kind, HVSNAP_CIM_ARRAY);
	assert_int_equal(args->n_items, 3);
	assert_string_equal(args->items[1].text, "");
	assert_string_equal(args->items[2].text, "  spaced ");
	assert_int_equal(hvsnap_cim_get(inst, "RecommendedActions")->kind, HVSNAP_CIM_NIL);
	assert_int_equal(hvsnap_cim_get(inst, "Stamp")->kind, HVSNAP_CIM_DATETIME);
	assert_int_equal(hvsnap_cim_instance_type_at(inst, 6), HVSNAP_CIM_TYPE_DATETIME);
	assert_string_equal(hvsnap_cim_get_text(inst, "Ratio"), "0.5");
	assert_null(hvsnap_cim_get(inst, "Ref"));
	hvsnap_cim_instance_free(inst);
}

static void test_types(void **state)
{
	(void)state;
	hvsnap_cim_instance *inst = parse_ok(
		"<INSTANCE CLASSNAME='T'><PROPERTY NAME='a' TYPE='boolean'><VALUE>true</VALUE>"
		"</PROPERTY><PROPERTY NAME='b' TYPE='uint8'><VALUE>1</VALUE></PROPERTY>"
		"<PROPERTY NAME='c' TYPE='uint16'><VALUE>2</VALUE></PROPERTY>"
		"<PROPERTY NAME='d' TYPE='uint64'><VALUE>3</VALUE></PROPERTY>"
		"<PROPERTY NAME='e' TYPE='sint32'><VALUE>-4</VALUE></PROPERTY>"
		"<PROPERTY NAME='f' TYPE='sint64'><VALUE>-5</VALUE></PROPERTY>"
		"<PROPERTY NAME='g'><VALUE>no type</VALUE></PROPERTY></INSTANCE>");
	static const hvsnap_cim_type types[] = { HVSNAP_CIM_TYPE_BOOLEAN, HVSNAP_CIM_TYPE_UINT8,
		HVSNAP_CIM_TYPE_UINT16, HVSNAP_CIM_TYPE_UINT64, HVSNAP_CIM_TYPE_SINT32,
		HVSNAP_CIM_TYPE_SINT64, HVSNAP_CIM_TYPE_STRING };
	assert_int_equal(hvsnap_cim_instance_count(inst), 7);
	for (size_t i = 0; i < 7; i++)
		assert_int_equal(hvsnap_cim_instance_type_at(inst, i), types[i]);
	uint64_t v;
	assert_int_equal(hvsnap_cim_get_uint(inst, "d", &v), HVSNAP_OK);
	assert_int_equal(v, 3);
	hvsnap_cim_instance_free(inst);
}

static void expect_reject(const char *text, const char *needle)
{
	hvsnap_cim_instance *inst = (hvsnap_cim_instance *)1;
	hvsnap_error err;
	assert_int_equal(hvs_wsman_cimxml_parse(text, strlen(text), &inst, &err), HVSNAP_ERR_PROTOCOL);
	assert_null(inst);
	assert_int_equal(err.kind, HVSNAP_ERR_PROTOCOL);
	if (!strstr(err.message, needle))
		fail_msg("message \"%s\" lacks \"%s\"", err.message, needle);
}

static void test_rejects(void **state)
{
	(void)state;
	expect_reject("", "embedded instance is empty");
	expect_reject("<INSTANCE CLASSNAME='X'>", "embedded instance is not well-formed XML");
	expect_reject("<p:X xmlns:p='urn:x'/>", "not a CIM-XML INSTANCE");
	expect_reject("<INSTANCE/>", "has no CLASSNAME");
	expect_reject("<INSTANCE CLASSNAME='X'><PROPERTY TYPE='string'/></INSTANCE>",
	              "property without a NAME");
	expect_reject("<!DOCTYPE INSTANCE [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
	              "<INSTANCE CLASSNAME='X'><PROPERTY NAME='a'><VALUE>&x;</VALUE></PROPERTY>"
	              "</INSTANCE>", "DOCTYPE");
	/* A namespaced INSTANCE is not DSP0201. */
	expect_reject("<c:INSTANCE xmlns:c='urn:c' CLASSNAME='X'/>", "not a CIM-XML INSTANCE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msvm_error_with_qualifiers),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
