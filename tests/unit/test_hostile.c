/* Hostile and broken input to the response parser: entity attacks, DTDs,
 * truncation, non-XML, wrong envelopes, oversized and deeply nested
 * documents, bad Invoke output. Each must fail with the right kind and a
 * message that says what was wrong, quickly and without printing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "support.h"
#include "wsman/decode.h"
#include "wsman/response.h"

#define SOAP "http://www.w3.org/2003/05/soap-envelope"
#define ENV_OPEN "<s:Envelope xmlns:s='" SOAP "'><s:Body>"
#define ENV_CLOSE "</s:Body></s:Envelope>"

/* Parses bytes and expects failure of kind with a message containing
 * needle. */
static void expect_reject(const char *bytes, size_t len, size_t cap,
                          hvsnap_status kind, const char *needle)
{
	xmlDocPtr doc = (xmlDocPtr)1;
	hvsnap_error err;
	hvsnap_error_clear(&err);
	hvsnap_status st = hvs_wsman_parse_document(bytes, len, cap, &doc, &err);
	if (st == HVSNAP_OK) {
		xmlFreeDoc(doc);
		fail_msg("document accepted; expected \"%s\"", needle);
	}
	assert_null(doc);
	assert_int_equal(st, kind);
	assert_int_equal(err.kind, kind);
	assert_true(strlen(err.message) > 10);
	if (!strstr(err.message, needle))
		fail_msg("message \"%s\" lacks \"%s\"", err.message, needle);
}

static void expect_reject_str(const char *text, hvsnap_status kind, const char *needle)
{
	expect_reject(text, strlen(text), 0, kind, needle);
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_billion_laughs(void **state)
{
	(void)state;
	static const char doc[] =
		"<?xml version='1.0'?>\n"
		"<!DOCTYPE s:Envelope [\n"
		" <!ENTITY lol 'lol'>\n"
		" <!ENTITY lol1 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>\n"
		" <!ENTITY lol2 '&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;'>\n"
		" <!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'>\n"
		" <!ENTITY lol4 '&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;'>\n"
		" <!ENTITY lol5 '&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;'>\n"
		" <!ENTITY lol6 '&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;'>\n"
		" <!ENTITY lol7 '&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;'>\n"
		" <!ENTITY lol8 '&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;'>\n"
		" <!ENTITY lol9 '&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;'>\n"
		"]>\n" ENV_OPEN "<p:X xmlns:p='urn:x'><p:A>&lol9;</p:A></p:X>" ENV_CLOSE;
	double t0 = now_seconds();
	expect_reject_str(doc, HVSNAP_ERR_PROTOCOL, "DOCTYPE");
	assert_true(now_seconds() - t0 < 1.0);
	/* The embedded-instance parser is just as strict. */
	hvsnap_cim_instance *inst = NULL;
	hvsnap_error err;
	assert_int_equal(hvs_wsman_cimxml_parse(doc, sizeof(doc) - 1, &inst, &err),
	                 HVSNAP_ERR_PROTOCOL);
	assert_null(inst);
	assert_non_null(strstr(err.message, "DOCTYPE"));
}

static void test_external_entity(void **state)
{
	(void)state;
	static const char doc[] =
		"<?xml version='1.0'?>\n"
		"<!DOCTYPE s:Envelope [ <!ENTITY xxe SYSTEM 'file:///etc/passwd'> ]>\n"
		ENV_OPEN "<p:X xmlns:p='urn:x'><p:A>&xxe;</p:A></p:X>" ENV_CLOSE;
	xmlDocPtr out = NULL;
	hvsnap_error err;
	assert_int_equal(hvs_wsman_parse_document(doc, sizeof(doc) - 1, 0, &out, &err),
	                 HVSNAP_ERR_PROTOCOL);
	assert_null(out);
	assert_non_null(strstr(err.message, "DOCTYPE"));
	assert_null(strstr(err.message, "root:"));
	assert_null(strstr(err.detail, "root:"));

	/* An external DTD on the network is never fetched. */
	expect_reject_str("<!DOCTYPE s:Envelope SYSTEM 'http://127.0.0.1:9/evil.dtd'>"
	                  ENV_OPEN ENV_CLOSE, HVSNAP_ERR_PROTOCOL, "DOCTYPE");
	/* Parameter entities pulling a remote subset. */
	expect_reject_str("<!DOCTYPE s:Envelope [ <!ENTITY % r SYSTEM 'http://127.0.0.1:9/x'> %r; ]>"
	                  ENV_OPEN ENV_CLOSE, HVSNAP_ERR_PROTOCOL, "DOCTYPE");
	/* An entity reference with no DOCTYPE at all is simply not XML. */
	expect_reject_str(ENV_OPEN "<p:X xmlns:p='urn:x'>&xxe;</p:X>" ENV_CLOSE,
	                  HVSNAP_ERR_PROTOCOL, "not well-formed XML");
}

static void test_doctype(void **state)
{
	(void)state;
	expect_reject_str("<!DOCTYPE Envelope>" ENV_OPEN ENV_CLOSE, HVSNAP_ERR_PROTOCOL,
	                  "contains a DOCTYPE, which WS-Man forbids");
	expect_reject_str("<?xml version='1.0'?><!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0"
	                  " Strict//EN' 'http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd'>"
	                  "<html/>", HVSNAP_ERR_PROTOCOL, "DOCTYPE");
}

static void test_truncated(void **state)
{
	(void)state;
	size_t len;
	char *bytes = test_read_source_file("fixtures/computersystem_pull_vm_off.xml", &len);
	expect_reject(bytes, len / 2, 0, HVSNAP_ERR_PROTOCOL, "is not well-formed XML: ");
	/* A cut right after the Body start tag. */
	static const char cut[] = ENV_OPEN "\n<p:X xmlns:p='urn:x'>";
	xmlDocPtr doc = NULL;
	hvsnap_error err;
	assert_int_equal(hvs_wsman_parse_document(cut, sizeof(cut) - 1, 0, &doc, &err),
	                 HVSNAP_ERR_PROTOCOL);
	assert_non_null(strstr(err.message, "Premature end of data"));
	assert_non_null(strstr(err.detail, "line"));
	free(bytes);
}

static void test_not_xml(void **state)
{
	(void)state;
	expect_reject_str("<html><body>502 Bad Gateway</body></html>", HVSNAP_ERR_PROTOCOL,
	                  "not a SOAP envelope: its root element is html");
	expect_reject_str("<html><body>oops<br></body></html>", HVSNAP_ERR_PROTOCOL,
	                  "not well-formed XML");
	expect_reject_str("HTTP/1.1 500 Internal Server Error\r\n", HVSNAP_ERR_PROTOCOL,
	                  "not well-formed XML: Start tag expected");
	static const unsigned char garbage[] = { 0x00, 0xff, 0xfe, 0x13, 0x37, 0x80, 0x00,
		0x42, 0x9c, 0xc3, 0x28, 0x01, 0x02, 0x03, 0xee, 0xdd };
	expect_reject((const char *)garbage, sizeof(garbage), 0, HVSNAP_ERR_PROTOCOL,
	              "not well-formed XML");
	/* Bytes that are not UTF-8 inside an otherwise fine document. */
	expect_reject_str(ENV_OPEN "<p:X xmlns:p='urn:x'>\xc3\x28</p:X>" ENV_CLOSE,
	                  HVSNAP_ERR_PROTOCOL, "not well-formed XML");
}

static void test_empty(void **state)
{
	(void)state;
	expect_reject("", 0, 0, HVSNAP_ERR_PROTOCOL, "response is empty");
	expect_reject(NULL, 0, 0, HVSNAP_ERR_PROTOCOL, "response is empty");
	expect_reject_str(" \r\n\t ", HVSNAP_ERR_PROTOCOL, "not well-formed XML");
}

static void test_wrong_envelope(void **state)
{
	(void)state;
	expect_reject_str("<soap:Envelope xmlns:soap='http://schemas.xmlsoap.org/soap/envelope/'>"
	                  "<soap:Body/></soap:Envelope>", HVSNAP_ERR_PROTOCOL, "SOAP 1.1");
	expect_reject_str("<Envelope><Body/></Envelope>", HVSNAP_ERR_PROTOCOL,
	                  "wrong namespace");
	/* An undeclared prefix leaves the element in no namespace. */
	expect_reject_str("<s:Envelope><s:Body/></s:Envelope>", HVSNAP_ERR_PROTOCOL,
	                  "wrong namespace");
	expect_reject_str("<s:Envelope xmlns:s='" SOAP "'><s:Header/></s:Envelope>",
	                  HVSNAP_ERR_PROTOCOL, "has no Body");
	/* A Body in another namespace is not the SOAP Body. */
	expect_reject_str("<s:Envelope xmlns:s='" SOAP "'><x:Body xmlns:x='urn:x'/></s:Envelope>",
	                  HVSNAP_ERR_PROTOCOL, "has no Body");
}

/* Builds a syntactically valid envelope of about size bytes (padding of
 * empty elements in a header element, so no text node is over the text
 * cap), so only the size cap can reject it. */
static char *big_envelope(size_t size, size_t *len)
{
	static const char head[] = "<s:Envelope xmlns:s='" SOAP "'><s:Header><x:Pad xmlns:x='urn:x'>";
	static const char tail[] = "</x:Pad></s:Header><s:Body/></s:Envelope>";
	char *b = malloc(size);
	assert_non_null(b);
	memcpy(b, head, sizeof(head) - 1);
	size_t pad = size - (sizeof(head) - 1) - (sizeof(tail) - 1);
	memset(b + sizeof(head) - 1, ' ', pad);
	for (size_t i = 0; i + 6 <= pad; i += 6)
		memcpy(b + sizeof(head) - 1 + i, "<x:P/>", 6);
	memcpy(b + size - (sizeof(tail) - 1), tail, sizeof(tail) - 1);
	*len = size;
	return b;
}

static void test_oversized(void **state)
{
	(void)state;
	size_t len;
	char *b = big_envelope(100u * 1024u * 1024u, &len);
	double t0 = now_seconds();
	expect_reject(b, len, 0, HVSNAP_ERR_PROTOCOL, "over the 33554432-byte limit");
	assert_true(now_seconds() - t0 < 0.5);
	free(b);

	/* A caller may lower the cap but never raise it past the default. */
	b = big_envelope(40u * 1024u * 1024u, &len);
	expect_reject(b, len, 64u * 1024u * 1024u, HVSNAP_ERR_PROTOCOL,
	              "over the 33554432-byte limit");
	free(b);

	b = big_envelope(1024u * 1024u, &len);
	expect_reject(b, len, 1000, HVSNAP_ERR_PROTOCOL, "over the 1000-byte limit");
	xmlDocPtr doc = NULL;
	hvsnap_error err;
	assert_int_equal(hvs_wsman_parse_document(b, len, 0, &doc, &err), HVSNAP_OK);
	xmlFreeDoc(doc);
	free(b);
}

static void test_deep_nesting(void **state)
{
	(void)state;
	const size_t depth = 100000;
	size_t cap = sizeof(ENV_OPEN) + sizeof(ENV_CLOSE) + depth * 7 + 16;
	char *b = malloc(cap);
	assert_non_null(b);
	size_t n = 0;
	memcpy(b, ENV_OPEN, sizeof(ENV_OPEN) - 1);
	n += sizeof(ENV_OPEN) - 1;
	for (size_t i = 0; i < depth; i++) {
		memcpy(b + n, "<a>", 3);
		n += 3;
	}
	for (size_t i = 0; i < depth; i++) {
		memcpy(b + n, "</a>", 4);
		n += 4;
	}
	memcpy(b + n, ENV_CLOSE, sizeof(ENV_CLOSE) - 1);
	n += sizeof(ENV_CLOSE) - 1;
	expect_reject(b, n, 0, HVSNAP_ERR_PROTOCOL, "nests elements too deeply");
	free(b);
}

/* A flat item with more distinct properties than any WMI class has. */
static void test_too_many_properties(void **state)
{
	(void)state;
	size_t cap = 64 + (WSMAN_MAX_PROPERTIES + 2) * 24 + 200;
	char *b = malloc(cap);
	assert_non_null(b);
	int n = snprintf(b, cap, "%s<p:X xmlns:p='urn:x'>", ENV_OPEN);
	for (int i = 0; i <= WSMAN_MAX_PROPERTIES; i++)
		n += snprintf(b + n, cap - (size_t)n, "<p:P%d>1</p:P%d>", i, i);
	n += snprintf(b + n, cap - (size_t)n, "</p:X>%s", ENV_CLOSE);
	xmlDocPtr doc = NULL;
	hvsnap_error err;
	assert_int_equal(hvs_wsman_parse_document(b, (size_t)n, 0, &doc, &err), HVSNAP_OK);
	hvsnap_cim_instance *inst = NULL;
	assert_int_equal(hvs_wsman_parse_instance_body(doc, &inst, &err), HVSNAP_ERR_PROTOCOL);
	assert_null(inst);
	assert_non_null(strstr(err.message, "more than 4096 properties"));
	xmlFreeDoc(doc);
	free(b);
}

#define OUT_OPEN ENV_OPEN "<p:CreateSnapshot_OUTPUT xmlns:p='urn:svc'" \
	" xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance'>"
#define OUT_CLOSE "</p:CreateSnapshot_OUTPUT>" ENV_CLOSE

static hvsnap_status invoke_text(const char *text, const char *method,
                                 hvsnap_invoke_result **r, hvsnap_error *err)
{
	xmlDocPtr doc = NULL;
	hvsnap_status st = hvs_wsman_parse_document(text, strlen(text), 0, &doc, err);
	assert_int_equal(st, HVSNAP_OK);
	st = hvs_wsman_parse_invoke(doc, method, r, err);
	xmlFreeDoc(doc);
	return st;
}

static void expect_invoke_reject(const char *text, const char *needle)
{
	hvsnap_invoke_result *r = (hvsnap_invoke_result *)1;
	hvsnap_error err;
	assert_int_equal(invoke_text(text, "CreateSnapshot", &r, &err), HVSNAP_ERR_PROTOCOL);
	assert_null(r);
	assert_int_equal(err.kind, HVSNAP_ERR_PROTOCOL);
	if (!strstr(err.message, needle))
		fail_msg("message \"%s\" lacks \"%s\"", err.message, needle);
}

static void test_invoke_return_value(void **state)
{
	(void)state;
	expect_invoke_reject(OUT_OPEN "<p:ReturnValue>abc</p:ReturnValue>" OUT_CLOSE,
	                     "ReturnValue \"abc\", which is not a uint32");
	expect_invoke_reject(OUT_OPEN "<p:ReturnValue>4294967296</p:ReturnValue>" OUT_CLOSE,
	                     "ReturnValue \"4294967296\", which is not a uint32");
	expect_invoke_reject(OUT_OPEN "<p:ReturnValue>99999999999999999999999</p:ReturnValue>"
	                     OUT_CLOSE, "not a uint32");
	expect_invoke_reject(OUT_OPEN "<p:ReturnValue>-1</p:ReturnValue>" OUT_CLOSE,
	                     "not a uint32");
	expect_invoke_reject(OUT_OPEN "<p:ReturnValue>0x10</p:ReturnValue>" OUT_CLOSE,
	                     "not a uint32");
	expect_invoke_reject(OUT_OPEN "<p:ReturnValue></p:ReturnValue>" OUT_CLOSE,
	                     "not a uint32");
	expect_invoke_reject(OUT_OPEN "<p:ReturnValue xsi:nil='true'/>" OUT_CLOSE,
	                     "Null ReturnValue");
	expect_invoke_reject(OUT_OPEN "<p:ReturnValue>1</p:ReturnValue>"
	                     "<p:ReturnValue>2</p:ReturnValue>" OUT_CLOSE,
	                     "ReturnValue that is not a number");
	expect_invoke_reject(OUT_OPEN "<p:Job xsi:nil='true'/>" OUT_CLOSE,
	                     "CreateSnapshot_OUTPUT has no ReturnValue");

	/* Schema whitespace around the digits is fine; the largest uint32 too. */
	hvsnap_invoke_result *r = NULL;
	hvsnap_error err;
	assert_int_equal(invoke_text(OUT_OPEN "<p:ReturnValue>\n 4294967295 </p:ReturnValue>"
	                             OUT_CLOSE, "CreateSnapshot", &r, &err), HVSNAP_OK);
	assert_int_equal(r->return_value, 4294967295u);
	assert_null(r->job);
	hvsnap_invoke_result_free(r);
}

static void test_invoke_output_name(void **state)
{
	(void)state;
	expect_invoke_reject(ENV_OPEN "<p:ApplySnapshot_OUTPUT xmlns:p='urn:svc'><p:ReturnValue>0"
	                     "</p:ReturnValue></p:ApplySnapshot_OUTPUT>" ENV_CLOSE,
	                     "expected CreateSnapshot_OUTPUT, got ApplySnapshot_OUTPUT");
	expect_invoke_reject(ENV_OPEN ENV_CLOSE,
	                     "expected CreateSnapshot_OUTPUT, got an empty body");
	expect_invoke_reject(ENV_OPEN "<p:CreateSnapshot_OUTPUTX xmlns:p='urn:svc'/>" ENV_CLOSE,
	                     "got CreateSnapshot_OUTPUTX");
	hvsnap_invoke_result *r = NULL;
	hvsnap_error err;
	assert_int_equal(invoke_text(ENV_OPEN ENV_CLOSE, "", &r, &err), HVSNAP_ERR_USAGE);
	assert_true(strlen(err.message) > 0);
}

static void test_bad_epr(void **state)
{
	(void)state;
	static const char text[] = ENV_OPEN "<p:X xmlns:p='urn:x'"
		" xmlns:a='http://schemas.xmlsoap.org/ws/2004/08/addressing'"
		" xmlns:w='http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd'><p:E><a:Address>x"
		"</a:Address><a:ReferenceParameters><w:SelectorSet><w:Selector>v</w:Selector>"
		"</w:SelectorSet></a:ReferenceParameters></p:E></p:X>" ENV_CLOSE;
	xmlDocPtr doc = NULL;
	hvsnap_error err;
	assert_int_equal(hvs_wsman_parse_document(text, sizeof(text) - 1, 0, &doc, &err), HVSNAP_OK);
	hvsnap_cim_instance *inst = NULL;
	assert_int_equal(hvs_wsman_parse_instance_body(doc, &inst, &err), HVSNAP_ERR_PROTOCOL);
	assert_non_null(strstr(err.message, "selector has no Name"));
	xmlFreeDoc(doc);

	doc = NULL;
	assert_int_equal(hvs_wsman_parse_document(ENV_OPEN ENV_CLOSE, sizeof(ENV_OPEN ENV_CLOSE) - 1,
	                                      0, &doc, &err), HVSNAP_OK);
	assert_int_equal(hvs_wsman_parse_instance_body(doc, &inst, &err), HVSNAP_ERR_PROTOCOL);
	assert_non_null(strstr(err.message, "holds no instance"));
	hvsnap_epr *epr = NULL;
	assert_int_equal(hvs_wsman_decode_epr(hvs_wsman_body(doc), &epr, &err), HVSNAP_ERR_PROTOCOL);
	assert_null(epr);
	assert_non_null(strstr(err.message, "no endpoint reference"));
	xmlFreeDoc(doc);
}

/* The library never prints: libxml2's diagnostics must not reach stderr. */
static void test_nothing_printed(void **state)
{
	(void)state;
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
	static const char *bad[] = {
		"<a><b></a>", "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>",
		"\x01\x02", "<x>&undefined;</x>", "<x xmlns:p='' />", "<p:x/>",
		"<?xml version='1.0' encoding='bogus'?><x/>",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		xmlDocPtr doc = NULL;
		hvsnap_error err;
		assert_int_not_equal(hvs_wsman_parse_document(bad[i], strlen(bad[i]), 0, &doc, &err),
		                     HVSNAP_OK);
		hvsnap_cim_instance *inst = NULL;
		assert_int_not_equal(hvs_wsman_cimxml_parse(bad[i], strlen(bad[i]), &inst, &err),
		                     HVSNAP_OK);
	}
	/* A bad byte in a declared multi-byte encoding: libxml2 reports that
	 * through its global handlers, not the parser context's. */
	size_t len = 0;
	char *encoded = test_read_source_file(
		"fuzz/corpus/fuzz_response/crash-stderr-encoding-error.xml", &len);
	xmlDocPtr doc = NULL;
	hvsnap_error err;
	assert_int_equal(hvs_wsman_parse_document(encoded, len, 0, &doc, &err), HVSNAP_ERR_PROTOCOL);
	hvsnap_cim_instance *inst = NULL;
	assert_int_not_equal(hvs_wsman_cimxml_parse(encoded, len, &inst, &err), HVSNAP_OK);
	free(encoded);
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	fseek(tmp, 0, SEEK_END);
	long size = ftell(tmp);
	fclose(tmp);
	assert_int_equal(size, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_billion_laughs),
		cmocka_unit_test(test_external_entity),
		cmocka_unit_test(test_doctype),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_not_xml),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_wrong_envelope),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_too_many_properties),
		cmocka_unit_test(test_invoke_return_value),
		cmocka_unit_test(test_invoke_output_name),
		cmocka_unit_test(test_bad_epr),
		cmocka_unit_test(test_nothing_printed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
