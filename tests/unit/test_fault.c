/* Unit tests for SOAP fault extraction: every fault fixture (and its
 * prefix variant) maps to the right kind, code, fault code and subcode,
 * message and detail; odd shapes still give a meaningful error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "wsman/response.h"

typedef struct expected_fault {
	const char *file;
	hvsnap_status kind;
	long code;
	const char *fault_code;
	const char *subcode;
	const char *message;
	const char *detail;
} expected_fault;

#define JA_REASON "WS-Management \xe3\x82\xb5\xe3\x83\xbc\xe3\x83\x93\xe3\x82\xb9\xe3\x81\xaf" \
	"\xe8\xa6\x81\xe6\xb1\x82\xe3\x82\x92\xe5\x87\xa6\xe7\x90\x86\xe3\x81\xa7\xe3\x81\x8d" \
	"\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93\xe3\x80\x82\xe3\x83\xaa\xe3\x82\xbd\xe3\x83\xbc" \
	"\xe3\x82\xb9 URI \xe3\x81\xa8\xe3\x82\xbb\xe3\x83\xac\xe3\x82\xaf\xe3\x82\xbf\xe3\x83\xbc" \
	"\xe3\x81\xa7\xe8\xad\x98\xe5\x88\xa5\xe3\x81\x95\xe3\x82\x8c\xe3\x82\x8b\xe3\x83\xaa" \
	"\xe3\x82\xbd\xe3\x83\xbc\xe3\x82\xb9\xe3\x81\x8c\xe8\xa6\x8b\xe3\x81\xa4\xe3\x81\x8b" \
	"\xe3\x82\x8a\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93\xe3\x80\x82"

static const expected_fault faults[] = {
	{ "fault_destination_unreachable.xml", HVSNAP_ERR_NOT_FOUND, 2150858752L, "Sender",
	  "DestinationUnreachable", JA_REASON,
	  "subcode a:DestinationUnreachable; WSManFault code 2150858752 on scrubbed-1" },
	{ "fault_invalid_selectors.xml", HVSNAP_ERR_FAULT, 2150858843L, "Sender",
	  "InvalidSelectors",
	  "The WS-Management service cannot process the request because the request "
	  "contained invalid selectors for the resource.",
	  "subcode w:InvalidSelectors; WSManFault code 2150858843 on scrubbed-1; fault detail "
	  "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/UnexpectedSelectors" },
	{ "fault_schema_validation.xml", HVSNAP_ERR_FAULT, 2150858817L, "Sender",
	  "SchemaValidationError",
	  "The SOAP XML in the message does not match the corresponding XML schema "
	  "definition. Change the XML and retry.",
	  "subcode w:SchemaValidationError; WSManFault code 2150858817 on scrubbed-1" },
	{ "fault_access_denied.xml", HVSNAP_ERR_AUTH, 5, "Sender", "AccessDenied",
	  "Access is denied.", "subcode w:AccessDenied; WSManFault code 5 on scrubbed-1" },
	{ "fault_action_not_supported.xml", HVSNAP_ERR_FAULT, 2150858754L, "Sender",
	  "ActionNotSupported", "The action is not supported by the service.",
	  "subcode a:ActionNotSupported; WSManFault code 2150858754 on scrubbed-1: The "
	  "WS-Management service cannot process the request because the action "
	  "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/"
	  "Msvm_VirtualSystemSnapshotService/TakeSnapshot is not supported by the resource." },
	{ "fault_provider.xml", HVSNAP_ERR_FAULT, 2150859046L, "Receiver", "InternalError",
	  "The WS-Management service cannot process the request. The WMI service or the WMI "
	  "provider returned an unknown error: HRESULT 0x8004102f",
	  "subcode w:InternalError; WSManFault code 2150859046 on scrubbed-1; provider WMI "
	  "Provider: Invalid method Parameter(s) (code 2147749935); __ExtendedStatus: "
	  "Operation=ExecMethod, ParameterInfo=Msvm_VirtualSystemSnapshotService."
	  "CreationClassName=\"Msvm_VirtualSystemSnapshotService\",Name=\"vssnapsvc\", "
	  "ProviderName=WMI, StatusCode=2147749935" },
	{ "fault_quota_limit.xml", HVSNAP_ERR_BUSY, 2150859174L, "Receiver", "QuotaLimit",
	  "The WS-Management service cannot process the request. This user is allowed a maximum "
	  "number of 15 concurrent operations, which has been exceeded.",
	  "subcode w:QuotaLimit; WSManFault code 2150859174 on scrubbed-1" },
	{ "fault_quota_code_only.xml", HVSNAP_ERR_BUSY, 2150859174L, "Receiver", "",
	  "The WS-Management service cannot process the request. This user is allowed a maximum "
	  "number of 15 concurrent operations, which has been exceeded.",
	  "WSManFault code 2150859174 on scrubbed-1" },
	{ "fault_soap_only.xml", HVSNAP_ERR_FAULT, 0, "Receiver", "",
	  "An internal error occurred.", "" },
};

static xmlDocPtr load(const char *rel)
{
	size_t len;
	char *bytes = test_read_source_file(rel, &len);
	xmlDocPtr doc = NULL;
	hvsnap_error err;
	hvsnap_status st = hvs_wsman_parse_document(bytes, len, 0, &doc, &err);
	free(bytes);
	if (st != HVSNAP_OK)
		fail_msg("%s: %s", rel, err.message);
	return doc;
}

static xmlDocPtr load_text(const char *text)
{
	xmlDocPtr doc = NULL;
	hvsnap_error err;
	if (hvs_wsman_parse_document(text, strlen(text), 0, &doc, &err) != HVSNAP_OK)
		fail_msg("inline document: %s", err.message);
	return doc;
}

static void check(const expected_fault *x, const hvsnap_error *e, hvsnap_status st)
{
	assert_int_equal(st, x->kind);
	assert_int_equal(e->kind, x->kind);
	/* WSManFault codes above LONG_MAX do not fit a 32-bit long. */
	if (sizeof(long) > 4 || x->code < 0x7fffffffL)
		assert_int_equal(e->code, x->code);
	assert_int_equal(e->code_kind, x->code ? HVSNAP_CODE_WSMAN : HVSNAP_CODE_NONE);
	assert_string_equal(e->fault_code, x->fault_code);
	assert_string_equal(e->fault_subcode, x->subcode);
	assert_string_equal(e->message, x->message);
	assert_string_equal(e->detail, x->detail);
}

static void test_fault_fixtures(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		char path[256];
		snprintf(path, sizeof(path), "fixtures/%s", faults[i].file);
		xmlDocPtr doc = load(path);
		hvsnap_error e;
		hvsnap_error_clear(&e);
		check(&faults[i], &e, hvs_wsman_check_fault(doc, &e));
		/* Without an error struct the kind still comes back. */
		assert_int_equal(hvs_wsman_check_fault(doc, NULL), faults[i].kind);
		xmlFreeDoc(doc);
	}
}

static void test_fault_prefix_variants(void **state)
{
	(void)state;
	size_t checked = 0;
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		char path[256];
		snprintf(path, sizeof(path), "fixtures/prefixes/%s", faults[i].file);
		FILE *f = fopen(test_source_path(path), "rb");
		if (!f)
			continue;
		fclose(f);
		xmlDocPtr doc = load(path);
		hvsnap_error e;
		check(&faults[i], &e, hvs_wsman_check_fault(doc, &e));
		xmlFreeDoc(doc);
		checked++;
	}
	assert_true(checked >= 3);
}

/* Every body parser reports the fault rather than a shape mismatch. */
static void test_parsers_surface_faults(void **state)
{
	(void)state;
	xmlDocPtr doc = load("fixtures/fault_destination_unreachable.xml");
	hvsnap_error e;
	hvsnap_cim_instance *inst = NULL;
	assert_int_equal(hvs_wsman_parse_instance_body(doc, &inst, &e), HVSNAP_ERR_NOT_FOUND);
	assert_null(inst);
	assert_string_equal(e.fault_subcode, "DestinationUnreachable");
	wsman_enum_page page;
	assert_int_equal(hvs_wsman_parse_pull(doc, 0, &page, &e), HVSNAP_ERR_NOT_FOUND);
	assert_null(page.items);
	assert_int_equal(hvs_wsman_parse_enumerate(doc, 0, &page, &e), HVSNAP_ERR_NOT_FOUND);
	xmlFreeDoc(doc);

	doc = load("fixtures/fault_invalid_selectors.xml");
	hvsnap_invoke_result *r = NULL;
	assert_int_equal(hvs_wsman_parse_invoke(doc, "CreateSnapshot", &r, &e), HVSNAP_ERR_FAULT);
	assert_null(r);
	assert_string_equal(e.fault_subcode, "InvalidSelectors");
	hvsnap_identity *id = NULL;
	assert_int_equal(hvs_wsman_parse_identify(doc, &id, &e), HVSNAP_ERR_FAULT);
	assert_null(id);
	xmlFreeDoc(doc);
}

#define ENV_OPEN "<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'>" \
	"<s:Body><s:Fault>"
#define ENV_CLOSE "</s:Fault></s:Body></s:Envelope>"

static void test_fault_odd_shapes(void **state)
{
	(void)state;
	hvsnap_error e;

	/* No Reason, no Detail: still a readable sentence. */
	xmlDocPtr doc = load_text(ENV_OPEN "<s:Code><s:Value>s:Sender</s:Value><s:Subcode>"
	                          "<s:Value xmlns:w='http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd'>"
	                          "w:TimedOut</s:Value></s:Subcode></s:Code>" ENV_CLOSE);
	assert_int_equal(hvs_wsman_check_fault(doc, &e), HVSNAP_ERR_FAULT);
	assert_string_equal(e.message, "the host returned a SOAP fault: TimedOut");
	assert_string_equal(e.detail, "subcode w:TimedOut");
	xmlFreeDoc(doc);

	/* Nothing at all inside the Fault. */
	doc = load_text(ENV_OPEN ENV_CLOSE);
	assert_int_equal(hvs_wsman_check_fault(doc, &e), HVSNAP_ERR_FAULT);
	assert_string_equal(e.message, "the host returned a SOAP fault");
	assert_string_equal(e.fault_code, "");
	xmlFreeDoc(doc);

	/* Only the WSManFault message: it becomes the message. Unknown
	 * prefix: the local part is kept. Nested subcodes: the deepest. */
	doc = load_text(ENV_OPEN "<s:Code><s:Value>s:Receiver</s:Value><s:Subcode>"
	                "<s:Value>zz:Outer</s:Value><s:Subcode><s:Value>zz:Inner</s:Value>"
	                "</s:Subcode></s:Subcode></s:Code><s:Detail>"
	                "<f:WSManFault xmlns:f='http://schemas.microsoft.com/wbem/wsman/1/wsmanfault'"
	                " Code='1726'><f:Message>\n  The remote procedure\n call failed. "
	                "</f:Message></f:WSManFault></s:Detail>" ENV_CLOSE);
	assert_int_equal(hvs_wsman_check_fault(doc, &e), HVSNAP_ERR_FAULT);
	assert_string_equal(e.message, "The remote procedure call failed.");
	assert_string_equal(e.fault_subcode, "Inner");
	assert_int_equal(e.code, 1726);
	assert_string_equal(e.detail, "subcode Inner; WSManFault code 1726: "
	                              "The remote procedure call failed.");
	xmlFreeDoc(doc);

	/* An unprefixed QName resolves against the default namespace, and a
	 * bare Windows code 5 is an authentication problem. Several reasons:
	 * the English one wins. */
	doc = load_text(ENV_OPEN "<s:Code><s:Value>s:Sender</s:Value></s:Code><s:Reason>"
	                "<s:Text xml:lang='de-DE'>Zugriff verweigert</s:Text>"
	                "<s:Text xml:lang='en'>Access denied</s:Text></s:Reason><s:Detail>"
	                "<f:WSManFault xmlns:f='http://schemas.microsoft.com/wbem/wsman/1/wsmanfault'"
	                " Code='5' Machine='h'/></s:Detail>" ENV_CLOSE);
	assert_int_equal(hvs_wsman_check_fault(doc, &e), HVSNAP_ERR_AUTH);
	assert_string_equal(e.message, "Access denied");
	assert_string_equal(e.detail, "WSManFault code 5 on h");
	xmlFreeDoc(doc);

	/* No fault: OK and err untouched. */
	doc = load("fixtures/identify_response.xml");
	hvsnap_error_clear(&e);
	assert_int_equal(hvs_wsman_check_fault(doc, &e), HVSNAP_OK);
	assert_string_equal(e.message, "");
	xmlFreeDoc(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fault_fixtures),
		cmocka_unit_test(test_fault_prefix_variants),
		cmocka_unit_test(test_parsers_surface_faults),
		cmocka_unit_test(test_fault_odd_shapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
