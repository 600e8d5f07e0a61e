/* Unit tests for the request envelope builders: every builder's output is
 * validated against schemas/hvsnap-request.xsd after a trip through bytes,
 * key values are read back by namespace URI (never by prefix), and mutated
 * documents prove the schema rejects the mistakes it is there to catch. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "hvsnap/hyperv.h"
#include "wsman/cim_int.h"
#include "support.h"
#include "wsman/envelope.h"
#include "wsman/ns.h"
#include "wsman/params.h"

#define NS_MSWSMAN "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd"
#define V2 HVSNAP_WMI_V2_URI
#define URI_SNAPSVC V2 "Msvm_VirtualSystemSnapshotService"
#define URI_VSMS V2 "Msvm_VirtualSystemManagementService"
#define URI_CS V2 "Msvm_ComputerSystem"
#define URI_VSSD V2 "Msvm_VirtualSystemSettingData"
#define URI_AJE V2 "Msvm_AffectedJobElement"
#define URI_JOB V2 "Msvm_ConcreteJob"
#define TO "https://hv01.example.test:5986/wsman"
#define VM_GUID "00000000-0000-4000-8000-000000000012"

static xmlSchemaPtr schema;

/* --- helpers ---------------------------------------------------------- */

/* libxml2 2.12 made the error argument const. */
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

/* 0 when doc is valid. Errors are printed unless quiet (negative tests). */
static int validate(xmlDocPtr doc, int quiet)
{
	xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(schema);
	assert_non_null(v);
	xmlSchemaSetValidStructuredErrors(v, collect_error, &quiet);
	int rc = xmlSchemaValidateDoc(v, doc);
	xmlSchemaFreeValidCtxt(v);
	return rc;
}

/* Serialises doc, frees it and parses the bytes again, so that tests look
 * at what would go on the wire. */
static xmlDocPtr round_trip(xmlDocPtr doc)
{
	assert_non_null(doc);
	size_t len = 0;
	char *bytes = hvs_wsman_doc_to_bytes(doc, &len);
	assert_non_null(bytes);
	assert_int_equal(len, strlen(bytes));
	xmlFreeDoc(doc);
	xmlDocPtr back = xmlReadMemory(bytes, (int)len, "request.xml", NULL,
	                               XML_PARSE_NONET);
	free(bytes);
	assert_non_null(back);
	return back;
}

/* Round trip, then validation that prints the document on failure. */
static xmlDocPtr checked(xmlDocPtr doc)
{
	xmlDocPtr back = round_trip(doc);
	if (validate(back, 0) != 0) {
		xmlDocFormatDump(stderr, back, 1);
		xmlFreeDoc(back);
		fail_msg("envelope does not validate");
	}
	return back;
}

static int is(xmlNodePtr n, const char *ns, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns &&
	       strcmp((const char *)n->ns->href, ns) == 0 &&
	       strcmp((const char *)n->name, name) == 0;
}

static size_t count_children(xmlNodePtr parent)
{
	size_t k = 0;
	for (xmlNodePtr c = test_first_element(parent ? parent->children : NULL); c; c = test_next_element(c))
		k++;
	return k;
}

/* The first child element with this namespace URI and local name. */
static xmlNodePtr child(xmlNodePtr parent, const char *ns, const char *name)
{
	for (xmlNodePtr c = test_first_element(parent ? parent->children : NULL); c; c = test_next_element(c))
		if (is(c, ns, name))
			return c;
	return NULL;
}

static xmlNodePtr header(xmlDocPtr doc, const char *ns, const char *name)
{
	return child(child(xmlDocGetRootElement(doc), NS_SOAP, "Header"), ns, name);
}

static xmlNodePtr body(xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	assert_true(is(root, NS_SOAP, "Envelope"));
	xmlNodePtr b = child(root, NS_SOAP, "Body");
	assert_non_null(b);
	return b;
}

static void assert_text(xmlNodePtr n, const char *expected)
{
	assert_non_null(n);
	xmlChar *t = xmlNodeGetContent(n);
	assert_non_null(t);
	assert_string_equal((const char *)t, expected);
	xmlFree(t);
}

static void assert_attr(xmlNodePtr n, const char *ns, const char *name,
                        const char *expected)
{
	assert_non_null(n);
	xmlChar *v = xmlGetNsProp(n, BAD_CAST name, BAD_CAST ns);
	if (!expected) {
		assert_null(v);
		return;
	}
	assert_non_null(v);
	assert_string_equal((const char *)v, expected);
	xmlFree(v);
}

static void assert_mu(xmlNodePtr n, const char *value)
{
	assert_attr(n, NS_SOAP, "mustUnderstand", value);
}

/* Checks that el holds a:Address (anonymous) and a:ReferenceParameters with
 * the given resource URI and first selector, and nothing else. */
static void assert_epr(xmlNodePtr el, const char *uri, const char *sel_name,
                       const char *sel_value)
{
	assert_non_null(el);
	assert_int_equal(count_children(el), 2);
	xmlNodePtr addr = test_first_element(el->children);
	assert_true(is(addr, NS_WSA, "Address"));
	assert_text(addr, WSA_ANONYMOUS);
	xmlNodePtr rp = test_next_element(addr);
	assert_true(is(rp, NS_WSA, "ReferenceParameters"));
	assert_text(child(rp, NS_WSMAN, "ResourceURI"), uri);
	xmlNodePtr sel = child(child(rp, NS_WSMAN, "SelectorSet"), NS_WSMAN, "Selector");
	assert_attr(sel, NULL, "Name", sel_name);
	assert_text(sel, sel_value);
	assert_null(child(el, NS_WSA, "EndpointReference"));
}

static const hvsnap_selector vm_selectors[] = {
	{ "CreationClassName", "Msvm_ComputerSystem" },
	{ "Name", VM_GUID },
};

static const hvsnap_selector snapsvc_selectors[] = {
	{ "CreationClassName", "Msvm_VirtualSystemSnapshotService" },
};

static wsman_request_opts opts_for(const char *uri)
{
	wsman_request_opts o = { .to = TO, .resource_uri = uri,
	                         .operation_timeout_ms = 60000,
	                         .max_envelope_size = 512000,
	                         .locale = "en-US" };
	return o;
}

static hvsnap_epr *vm_epr(void)
{
	hvsnap_epr *epr = hvsnap_epr_new(URI_CS);
	assert_non_null(epr);
	assert_int_equal(hvsnap_epr_add_selector(epr, "CreationClassName",
	                                         "Msvm_ComputerSystem"), HVSNAP_OK);
	assert_int_equal(hvsnap_epr_add_selector(epr, "Name", VM_GUID), HVSNAP_OK);
	return epr;
}

static hvsnap_epr *snapshot_epr(void)
{
	hvsnap_epr *epr = hvsnap_epr_new(URI_VSSD);
	assert_non_null(epr);
	assert_int_equal(hvsnap_epr_add_selector(epr, "InstanceID",
	                 "Microsoft:00000000-0000-4000-8000-000000000083"), HVSNAP_OK);
	return epr;
}

/* CreateSnapshot of the test VM, SnapshotSettings from inst (NULL: ""). */
static xmlDocPtr build_create_snapshot(const hvsnap_cim_instance *inst)
{
	hvsnap_params *p = hvsnap_params_new();
	assert_non_null(p);
	hvsnap_epr *vm = vm_epr();
	assert_int_equal(hvsnap_params_add_epr(p, "AffectedSystem", vm), HVSNAP_OK);
	hvsnap_epr_free(vm);
	assert_int_equal(hvsnap_params_add_instance(p, "SnapshotSettings", inst), HVSNAP_OK);
	assert_int_equal(hvsnap_params_add_uint(p, "SnapshotType", 2), HVSNAP_OK);
	wsman_request_opts o = opts_for(URI_SNAPSVC);
	o.selectors = snapsvc_selectors;
	o.n_selectors = 1;
	xmlDocPtr doc = hvs_wsman_build_invoke(&o, "CreateSnapshot", p);
	hvsnap_params_free(p);
	assert_non_null(doc);
	return doc;
}

static int load_schema(void **state)
{
	(void)state;
	xmlSchemaParserCtxtPtr pc =
		xmlSchemaNewParserCtxt(test_source_path("schemas/hvsnap-request.xsd"));
	if (!pc)
		return -1;
	schema = xmlSchemaParse(pc);
	xmlSchemaFreeParserCtxt(pc);
	return schema ? 0 : -1;
}

static int free_schema(void **state)
{
	(void)state;
	xmlSchemaFree(schema);
	xmlCleanupParser();
	return 0;
}

/* --- tests ------------------------------------------------------------- */

static void test_duration(void **state)
{
	(void)state;
	static const struct { unsigned ms; const char *text; } cases[] = {
		{ 0, "PT0.000S" }, { 1, "PT0.001S" }, { 999, "PT0.999S" },
		{ 1000, "PT1.000S" }, { 1050, "PT1.050S" }, { 1500, "PT1.500S" },
		{ 60000, "PT60.000S" }, { UINT_MAX, "PT4294967.295S" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[32];
		hvs_wsman_format_duration(cases[i].ms, out);
		assert_string_equal(out, cases[i].text);
	}
}

static void test_identify(void **state)
{
	(void)state;
	xmlDocPtr doc = checked(hvs_wsman_build_identify());
	xmlNodePtr h = child(xmlDocGetRootElement(doc), NS_SOAP, "Header");
	assert_non_null(h);
	assert_int_equal(count_children(h), 0);
	xmlNodePtr b = body(doc);
	assert_int_equal(count_children(b), 1);
	xmlNodePtr id = test_first_element(b->children);
	assert_true(is(id, NS_WSMID, "Identify"));
	assert_int_equal(count_children(id), 0);
	xmlFreeDoc(doc);
}

static void test_get_with_selectors(void **state)
{
	(void)state;
	wsman_request_opts o = opts_for(URI_CS);
	o.selectors = vm_selectors;
	o.n_selectors = 2;
	xmlDocPtr doc = checked(hvs_wsman_build_get(&o));

	assert_text(header(doc, NS_WSA, "To"), TO);
	xmlNodePtr action = header(doc, NS_WSA, "Action");
	assert_text(action, ACTION_GET);
	assert_mu(action, "true");
	xmlNodePtr ru = header(doc, NS_WSMAN, "ResourceURI");
	assert_text(ru, URI_CS);
	assert_mu(ru, "true");
	xmlNodePtr addr = child(header(doc, NS_WSA, "ReplyTo"), NS_WSA, "Address");
	assert_text(addr, WSA_ANONYMOUS);
	assert_mu(addr, "true");
	xmlChar *id = xmlNodeGetContent(header(doc, NS_WSA, "MessageID"));
	assert_non_null(id);
	assert_memory_equal(id, "uuid:", 5);
	assert_int_equal(xmlStrlen(id), 5 + 36);
	xmlFree(id);
	assert_text(header(doc, NS_WSMAN, "OperationTimeout"), "PT60.000S");
	xmlNodePtr mes = header(doc, NS_WSMAN, "MaxEnvelopeSize");
	assert_text(mes, "512000");
	assert_mu(mes, "true");
	xmlNodePtr loc = header(doc, NS_WSMAN, "Locale");
	assert_attr(loc, NS_XML, "lang", "en-US");
	assert_mu(loc, "false");
	xmlNodePtr dl = header(doc, NS_MSWSMAN, "DataLocale");
	assert_attr(dl, NS_XML, "lang", "en-US");
	assert_mu(dl, "false");

	xmlNodePtr set = header(doc, NS_WSMAN, "SelectorSet");
	assert_int_equal(count_children(set), 2);
	xmlNodePtr s1 = test_first_element(set->children), s2 = test_next_element(s1);
	assert_true(is(s1, NS_WSMAN, "Selector"));
	assert_attr(s1, NULL, "Name", "CreationClassName");
	assert_text(s1, "Msvm_ComputerSystem");
	assert_attr(s2, NULL, "Name", "Name");
	assert_text(s2, VM_GUID);

	/* WS-Transfer Get: nothing in the body (XSD cannot tie that to the
	 * Action, so it is checked here). */
	assert_int_equal(count_children(body(doc)), 0);
	xmlFreeDoc(doc);
}

static void test_get_minimal_headers(void **state)
{
	(void)state;
	wsman_request_opts o = { .to = TO, .resource_uri = URI_JOB };
	xmlDocPtr doc = checked(hvs_wsman_build_get(&o));
	assert_null(header(doc, NS_WSMAN, "OperationTimeout"));
	assert_null(header(doc, NS_WSMAN, "MaxEnvelopeSize"));
	assert_null(header(doc, NS_WSMAN, "Locale"));
	assert_null(header(doc, NS_MSWSMAN, "DataLocale"));
	assert_null(header(doc, NS_WSMAN, "SelectorSet"));
	assert_non_null(header(doc, NS_WSA, "MessageID"));
	xmlFreeDoc(doc);
}

static void test_put_values_nil_datetime_array(void **state)
{
	(void)state;
	hvsnap_cim_instance *inst = hvsnap_cim_instance_new("Msvm_VirtualSystemSettingData", NULL);
	assert_non_null(inst);
	assert_int_equal(hvsnap_cim_set_value(inst, "InstanceID", HVSNAP_CIM_TYPE_STRING,
	                 "Microsoft:00000000-0000-4000-8000-000000000083"), HVSNAP_OK);
	assert_int_equal(hvsnap_cim_set_value(inst, "ElementName", HVSNAP_CIM_TYPE_STRING,
	                 "before <&> \"after\" ñ"), HVSNAP_OK);
	const char *notes[] = { "first", "second & last" };
	assert_int_equal(hvsnap_cim_set_array(inst, "Notes", HVSNAP_CIM_TYPE_STRING,
	                 notes, 2), HVSNAP_OK);
	assert_int_equal(hvsnap_cim_set_value(inst, "CreationTime", HVSNAP_CIM_TYPE_DATETIME,
	                 "2026-10-08T15:15:36.68424Z"), HVSNAP_OK);
	assert_int_equal(hvsnap_cim_set_nil(inst, "ConfigurationDataRoot",
	                 HVSNAP_CIM_TYPE_STRING), HVSNAP_OK);
	assert_int_equal(hvsnap_cim_set_value(inst, "UserSnapshotType", HVSNAP_CIM_TYPE_UINT16,
	                 "5"), HVSNAP_OK);

	wsman_request_opts o = opts_for(URI_VSSD);
	hvsnap_selector sel[] = { { "InstanceID",
	                            "Microsoft:00000000-0000-4000-8000-000000000083" } };
	o.selectors = sel;
	o.n_selectors = 1;
	xmlDocPtr doc = checked(hvs_wsman_build_put(&o, inst));
	hvsnap_cim_instance_free(inst);

	assert_text(header(doc, NS_WSA, "Action"), ACTION_PUT);
	xmlNodePtr cls = test_first_element(body(doc)->children);
	assert_true(is(cls, URI_VSSD, "Msvm_VirtualSystemSettingData"));
	assert_int_equal(count_children(body(doc)), 1);
	/* Instance order, the array as repeated elements. */
	static const char *order[] = { "InstanceID", "ElementName", "Notes", "Notes",
	                               "CreationTime", "ConfigurationDataRoot",
	                               "UserSnapshotType" };
	xmlNodePtr c = test_first_element(cls->children);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++, c = test_next_element(c))
		assert_true(is(c, URI_VSSD, order[i]));
	assert_null(c);
	assert_text(child(cls, URI_VSSD, "ElementName"), "before <&> \"after\" ñ");
	xmlNodePtr n1 = child(cls, URI_VSSD, "Notes");
	assert_text(n1, "first");
	assert_text(test_next_element(n1), "second & last");
	assert_text(child(child(cls, URI_VSSD, "CreationTime"), NS_CIM, "Datetime"),
	            "2026-10-08T15:15:36.68424Z");
	xmlNodePtr nil = child(cls, URI_VSSD, "ConfigurationDataRoot");
	assert_attr(nil, NS_XSI, "nil", "true");
	assert_null(nil->children);
	xmlFreeDoc(doc);
}

static void test_put_epr_properties(void **state)
{
	(void)state;
	hvsnap_cim_instance *inst = hvsnap_cim_instance_new("Msvm_AffectedJobElement", NULL);
	assert_non_null(inst);
	hvsnap_epr *snap = snapshot_epr();
	hvsnap_epr *job = hvsnap_epr_new(URI_JOB);
	assert_int_equal(hvsnap_epr_add_selector(job, "InstanceID",
	                 "00000000-0000-4000-8000-000000000066"), HVSNAP_OK);
	assert_int_equal(hvsnap_cim_set_epr(inst, "AffectedElement", snap), HVSNAP_OK);
	assert_int_equal(hvsnap_cim_set_epr(inst, "AffectingElement", job), HVSNAP_OK);
	const char *effects[] = { "5" };
	assert_int_equal(hvsnap_cim_set_array(inst, "ElementEffects", HVSNAP_CIM_TYPE_UINT16,
	                 effects, 1), HVSNAP_OK);
	assert_int_equal(hvsnap_cim_set_nil(inst, "OtherElementEffectsDescriptions",
	                 HVSNAP_CIM_TYPE_STRING), HVSNAP_OK);
	hvsnap_epr_free(snap);
	hvsnap_epr_free(job);

	wsman_request_opts o = { .to = TO, .resource_uri = URI_AJE };
	xmlDocPtr doc = checked(hvs_wsman_build_put(&o, inst));
	hvsnap_cim_instance_free(inst);

	xmlNodePtr cls = test_first_element(body(doc)->children);
	assert_true(is(cls, URI_AJE, "Msvm_AffectedJobElement"));
	assert_epr(child(cls, URI_AJE, "AffectedElement"), URI_VSSD, "InstanceID",
	           "Microsoft:00000000-0000-4000-8000-000000000083");
	assert_epr(child(cls, URI_AJE, "AffectingElement"), URI_JOB, "InstanceID",
	           "00000000-0000-4000-8000-000000000066");
	assert_text(child(cls, URI_AJE, "ElementEffects"), "5");
	xmlFreeDoc(doc);
}

static void test_enumerate_plain(void **state)
{
	(void)state;
	wsman_request_opts o = { .to = TO, .resource_uri = URI_CS };
	hvsnap_enum_options e = { .version = HVSNAP_ENUM_OPTIONS_VERSION, .resource_uri = URI_CS };
	xmlDocPtr doc = checked(hvs_wsman_build_enumerate(&o, &e));
	assert_text(header(doc, NS_WSA, "Action"), ACTION_ENUMERATE);
	assert_text(header(doc, NS_WSMAN, "ResourceURI"), URI_CS);
	xmlNodePtr en = test_first_element(body(doc)->children);
	assert_true(is(en, NS_WSEN, "Enumerate"));
	assert_int_equal(count_children(en), 0);
	xmlFreeDoc(doc);
}

static void test_enumerate_wql_optimized(void **state)
{
	(void)state;
	const char *wql = "SELECT * FROM Msvm_ComputerSystem WHERE "
	                  "Description = \"Microsoft Virtual Machine\" AND ElementName = 'web01'";
	/* No resource URI anywhere: the v2 "*" URI is chosen for WQL. */
	wsman_request_opts o = opts_for(NULL);
	hvsnap_enum_options e = { .version = HVSNAP_ENUM_OPTIONS_VERSION, .wql = wql, .optimize = 1, .max_elements = 32000 };
	xmlDocPtr doc = checked(hvs_wsman_build_enumerate(&o, &e));
	assert_text(header(doc, NS_WSMAN, "ResourceURI"), HVSNAP_WMI_V2_ALL);
	xmlNodePtr en = child(body(doc), NS_WSEN, "Enumerate");
	xmlNodePtr f = child(en, NS_WSMAN, "Filter");
	assert_text(f, wql);
	assert_attr(f, NULL, "Dialect", WQL_DIALECT);
	xmlNodePtr opt = child(en, NS_WSMAN, "OptimizeEnumeration");
	assert_non_null(opt);
	assert_null(opt->children);
	assert_text(child(en, NS_WSMAN, "MaxElements"), "32000");
	assert_null(child(en, NS_WSMAN, "EnumerationMode"));
	xmlFreeDoc(doc);

	/* Without OptimizeEnumeration, MaxElements is for the Pulls only. */
	e.optimize = 0;
	doc = checked(hvs_wsman_build_enumerate(&o, &e));
	en = child(body(doc), NS_WSEN, "Enumerate");
	assert_null(child(en, NS_WSMAN, "MaxElements"));
	assert_null(child(en, NS_WSMAN, "OptimizeEnumeration"));
	xmlFreeDoc(doc);
}

static void test_enumerate_epr_mode(void **state)
{
	(void)state;
	wsman_request_opts o = { .to = TO, .resource_uri = HVSNAP_WMI_V2_ALL };
	hvsnap_enum_options e = { .version = HVSNAP_ENUM_OPTIONS_VERSION, .wql = "SELECT * FROM Msvm_ComputerSystem WHERE Name = '"
	                                 VM_GUID "'",
	                          .mode = HVSNAP_ENUM_EPRS };
	xmlDocPtr doc = checked(hvs_wsman_build_enumerate(&o, &e));
	xmlNodePtr en = child(body(doc), NS_WSEN, "Enumerate");
	assert_text(child(en, NS_WSMAN, "EnumerationMode"), "EnumerateEPR");
	assert_non_null(child(en, NS_WSMAN, "Filter"));
	xmlFreeDoc(doc);
}

static void test_enumerate_rejects(void **state)
{
	(void)state;
	wsman_request_opts o = { .to = TO, .resource_uri = URI_CS };
	hvsnap_enum_options e = { .version = HVSNAP_ENUM_OPTIONS_VERSION, .wql = "SELECT * FROM Msvm_ComputerSystem" };
	assert_null(hvs_wsman_build_enumerate(&o, &e)); /* WQL on a class URI */
	o.resource_uri = HVSNAP_WMI_V2_ALL;
	e.wql = "";
	assert_null(hvs_wsman_build_enumerate(&o, &e));
	e.wql = NULL;
	e.mode = (hvsnap_enum_mode)7;
	assert_null(hvs_wsman_build_enumerate(&o, &e));
	assert_null(hvs_wsman_build_enumerate(&o, NULL));
	assert_null(hvs_wsman_build_enumerate(NULL, &e));
}

static void test_pull(void **state)
{
	(void)state;
	wsman_request_opts o = { .to = TO, .resource_uri = URI_CS };
	const char *ctx = "uuid:6E1B2A2C-0000-4000-8000-00000000ABCD";
	xmlDocPtr doc = checked(hvs_wsman_build_pull(&o, ctx, 0));
	assert_text(header(doc, NS_WSA, "Action"), ACTION_PULL);
	xmlNodePtr pull = child(body(doc), NS_WSEN, "Pull");
	assert_int_equal(count_children(pull), 1);
	assert_text(child(pull, NS_WSEN, "EnumerationContext"), ctx);
	xmlFreeDoc(doc);

	doc = checked(hvs_wsman_build_pull(&o, ctx, 50));
	pull = child(body(doc), NS_WSEN, "Pull");
	assert_int_equal(count_children(pull), 2);
	assert_text(child(pull, NS_WSEN, "MaxElements"), "50");
	xmlFreeDoc(doc);

	assert_null(hvs_wsman_build_pull(&o, "", 0));
	assert_null(hvs_wsman_build_pull(&o, NULL, 0));
}

static void test_release(void **state)
{
	(void)state;
	wsman_request_opts o = { .to = TO, .resource_uri = URI_CS };
	xmlDocPtr doc = checked(hvs_wsman_build_release(&o, "uuid:ctx-1"));
	assert_text(header(doc, NS_WSA, "Action"), ACTION_RELEASE);
	xmlNodePtr rel = child(body(doc), NS_WSEN, "Release");
	assert_int_equal(count_children(rel), 1);
	assert_text(child(rel, NS_WSEN, "EnumerationContext"), "uuid:ctx-1");
	xmlFreeDoc(doc);
	assert_null(hvs_wsman_build_release(&o, ""));
}

static void test_invoke_create_snapshot(void **state)
{
	(void)state;
	xmlDocPtr doc = checked(build_create_snapshot(NULL));
	xmlNodePtr action = header(doc, NS_WSA, "Action");
	assert_text(action, URI_SNAPSVC "/CreateSnapshot");
	assert_mu(action, "true");
	assert_text(header(doc, NS_WSMAN, "ResourceURI"), URI_SNAPSVC);
	xmlNodePtr sel = child(header(doc, NS_WSMAN, "SelectorSet"), NS_WSMAN, "Selector");
	assert_attr(sel, NULL, "Name", "CreationClassName");
	assert_text(sel, "Msvm_VirtualSystemSnapshotService");

	xmlNodePtr in = test_first_element(body(doc)->children);
	assert_true(is(in, URI_SNAPSVC, "CreateSnapshot_INPUT"));
	assert_int_equal(count_children(in), 3);
	xmlNodePtr p1 = test_first_element(in->children), p2 = test_next_element(p1), p3 = test_next_element(p2);
	assert_true(is(p1, URI_SNAPSVC, "AffectedSystem"));
	assert_true(is(p2, URI_SNAPSVC, "SnapshotSettings"));
	assert_true(is(p3, URI_SNAPSVC, "SnapshotType"));
	assert_epr(p1, URI_CS, "CreationClassName", "Msvm_ComputerSystem");
	xmlNodePtr set = child(child(p1, NS_WSA, "ReferenceParameters"), NS_WSMAN, "SelectorSet");
	assert_int_equal(count_children(set), 2);
	xmlNodePtr name = test_next_element(test_first_element(set->children));
	assert_attr(name, NULL, "Name", "Name");
	assert_text(name, VM_GUID);
	assert_text(p2, "");
	assert_text(p3, "2");
	xmlFreeDoc(doc);
}

static void test_invoke_embedded_instance(void **state)
{
	(void)state;
	hvsnap_cim_instance *ss =
		hvsnap_cim_instance_new("Msvm_VirtualSystemSnapshotSettingData", NULL);
	assert_non_null(ss);
	assert_int_equal(hvsnap_cim_set_value(ss, "ConsistencyLevel", HVSNAP_CIM_TYPE_UINT8,
	                                      "1"), HVSNAP_OK);
	assert_int_equal(hvsnap_cim_set_value(ss, "IgnoreNonSnapshottableDisks",
	                                      HVSNAP_CIM_TYPE_BOOLEAN, "true"), HVSNAP_OK);
	xmlDocPtr doc = checked(build_create_snapshot(ss));
	hvsnap_cim_instance_free(ss);

	xmlNodePtr in = child(body(doc), URI_SNAPSVC, "CreateSnapshot_INPUT");
	xmlNodePtr settings = child(in, URI_SNAPSVC, "SnapshotSettings");
	assert_non_null(settings);
	/* Escaped text, not child elements. */
	assert_null(test_first_element(settings->children));
	xmlChar *text = xmlNodeGetContent(settings);
	assert_non_null(text);
	xmlDocPtr emb = xmlReadMemory((const char *)text, xmlStrlen(text), "embedded.xml",
	                              NULL, XML_PARSE_NONET);
	xmlFree(text);
	assert_non_null(emb);
	xmlNodePtr root = xmlDocGetRootElement(emb);
	assert_string_equal((const char *)root->name, "INSTANCE");
	assert_null(root->ns);
	assert_attr(root, NULL, "CLASSNAME", "Msvm_VirtualSystemSnapshotSettingData");
	xmlNodePtr prop = test_first_element(root->children);
	assert_string_equal((const char *)prop->name, "PROPERTY");
	assert_attr(prop, NULL, "NAME", "ConsistencyLevel");
	assert_attr(prop, NULL, "TYPE", "uint8");
	assert_string_equal((const char *)test_first_element(prop->children)->name, "VALUE");
	assert_text(test_first_element(prop->children), "1");
	prop = test_next_element(prop);
	assert_attr(prop, NULL, "NAME", "IgnoreNonSnapshottableDisks");
	assert_attr(prop, NULL, "TYPE", "boolean");
	assert_text(test_first_element(prop->children), "true");
	assert_null(test_next_element(prop));
	xmlFreeDoc(emb);
	xmlFreeDoc(doc);
}

static void test_invoke_array_param(void **state)
{
	(void)state;
	const char *items[] = {
		"<INSTANCE CLASSNAME=\"Msvm_ProcessorSettingData\"></INSTANCE>",
		"second",
	};
	hvsnap_params *p = hvsnap_params_new();
	assert_int_equal(hvsnap_params_add_array(p, "ResourceSettings", items, 2), HVSNAP_OK);
	wsman_request_opts o = opts_for(URI_VSMS);
	xmlDocPtr doc = checked(hvs_wsman_build_invoke(&o, "ModifyResourceSettings", p));
	hvsnap_params_free(p);
	assert_text(header(doc, NS_WSA, "Action"), URI_VSMS "/ModifyResourceSettings");
	xmlNodePtr in = child(body(doc), URI_VSMS, "ModifyResourceSettings_INPUT");
	assert_int_equal(count_children(in), 2);
	xmlNodePtr a = test_first_element(in->children);
	assert_true(is(a, URI_VSMS, "ResourceSettings"));
	assert_text(a, items[0]);
	assert_true(is(test_next_element(a), URI_VSMS, "ResourceSettings"));
	assert_text(test_next_element(a), items[1]);
	xmlFreeDoc(doc);
}

/* Every other verb's input is schema-valid too. */
static void test_invoke_other_verbs(void **state)
{
	(void)state;
	wsman_request_opts o = opts_for(URI_SNAPSVC);
	o.selectors = snapsvc_selectors;
	o.n_selectors = 1;
	static const char *const snap_methods[][2] = {
		{ "ApplySnapshot", "Snapshot" },
		{ "DestroySnapshot", "AffectedSnapshot" },
		{ "DestroySnapshotTree", "SnapshotSettingData" },
		{ "ClearSnapshotState", "SnapshotSettingData" },
	};
	for (size_t i = 0; i < sizeof(snap_methods) / sizeof(snap_methods[0]); i++) {
		hvsnap_params *p = hvsnap_params_new();
		hvsnap_epr *snap = snapshot_epr();
		assert_int_equal(hvsnap_params_add_epr(p, snap_methods[i][1], snap), HVSNAP_OK);
		hvsnap_epr_free(snap);
		xmlDocPtr doc = checked(hvs_wsman_build_invoke(&o, snap_methods[i][0], p));
		hvsnap_params_free(p);
		char input[64];
		snprintf(input, sizeof(input), "%s_INPUT", snap_methods[i][0]);
		xmlNodePtr in = child(body(doc), URI_SNAPSVC, input);
		assert_epr(child(in, URI_SNAPSVC, snap_methods[i][1]), URI_VSSD, "InstanceID",
		           "Microsoft:00000000-0000-4000-8000-000000000083");
		xmlFreeDoc(doc);
	}

	/* Renaming a checkpoint: ModifySystemSettings with an embedded VSSD. */
	hvsnap_cim_instance *vssd = hvsnap_cim_instance_new("Msvm_VirtualSystemSettingData", NULL);
	assert_int_equal(hvsnap_cim_set_value(vssd, "InstanceID", HVSNAP_CIM_TYPE_STRING,
	                 "Microsoft:00000000-0000-4000-8000-000000000083"), HVSNAP_OK);
	assert_int_equal(hvsnap_cim_set_value(vssd, "ElementName", HVSNAP_CIM_TYPE_STRING,
	                 "before patch <2026>"), HVSNAP_OK);
	hvsnap_params *p = hvsnap_params_new();
	assert_int_equal(hvsnap_params_add_instance(p, "SystemSettings", vssd), HVSNAP_OK);
	hvsnap_cim_instance_free(vssd);
	o = opts_for(URI_VSMS);
	xmlDocPtr doc = checked(hvs_wsman_build_invoke(&o, "ModifySystemSettings", p));
	hvsnap_params_free(p);
	assert_non_null(child(child(body(doc), URI_VSMS, "ModifySystemSettings_INPUT"),
	                      URI_VSMS, "SystemSettings"));
	xmlFreeDoc(doc);

	/* RequestStateChange on the VM (turn it off before an apply). */
	p = hvsnap_params_new();
	assert_int_equal(hvsnap_params_add_uint(p, "RequestedState", 3), HVSNAP_OK);
	o = opts_for(URI_CS);
	o.selectors = vm_selectors;
	o.n_selectors = 2;
	doc = checked(hvs_wsman_build_invoke(&o, "RequestStateChange", p));
	hvsnap_params_free(p);
	assert_text(child(child(body(doc), URI_CS, "RequestStateChange_INPUT"), URI_CS,
	                  "RequestedState"), "3");
	xmlFreeDoc(doc);

	/* A method with no parameters at all. */
	o = opts_for(URI_JOB);
	doc = checked(hvs_wsman_build_invoke(&o, "GetErrorEx", NULL));
	assert_int_equal(count_children(child(body(doc), URI_JOB, "GetErrorEx_INPUT")), 0);
	xmlFreeDoc(doc);
}

static void test_invalid_arguments(void **state)
{
	(void)state;
	wsman_request_opts o = opts_for(URI_SNAPSVC);
	static const char *bad_methods[] = { "", "Create Snapshot", "1Create", "p:Create",
	                                     "Create<", NULL };
	for (size_t i = 0; i < sizeof(bad_methods) / sizeof(bad_methods[0]); i++)
		assert_null(hvs_wsman_build_invoke(&o, bad_methods[i], NULL));

	wsman_request_opts none = o;
	none.resource_uri = NULL;
	assert_null(hvs_wsman_build_invoke(&none, "CreateSnapshot", NULL));
	assert_null(hvs_wsman_build_get(&none));
	none.resource_uri = "";
	assert_null(hvs_wsman_build_get(&none));
	none = o;
	none.to = NULL;
	assert_null(hvs_wsman_build_get(&none));
	assert_null(hvs_wsman_build_get(NULL));

	hvsnap_selector bad_sel[] = { { "", "x" } };
	none = o;
	none.selectors = bad_sel;
	none.n_selectors = 1;
	assert_null(hvs_wsman_build_get(&none));
	bad_sel[0].name = "Name";
	bad_sel[0].value = NULL;
	assert_null(hvs_wsman_build_get(&none));
	bad_sel[0].value = "bell\a";
	assert_null(hvs_wsman_build_get(&none));

	none = o;
	none.locale = "en US";
	assert_null(hvs_wsman_build_get(&none));
	none.locale = "";
	assert_null(hvs_wsman_build_get(&none));

	/* Text that cannot be XML: control characters, broken UTF-8. */
	hvsnap_enum_options e = { .version = HVSNAP_ENUM_OPTIONS_VERSION, .wql = "SELECT * FROM X WHERE a = '\x01'" };
	none = o;
	none.resource_uri = HVSNAP_WMI_V2_ALL;
	assert_null(hvs_wsman_build_enumerate(&none, &e));
	e.wql = "SELECT * FROM X WHERE a = '\xc3('";
	assert_null(hvs_wsman_build_enumerate(&none, &e));
	e.wql = "SELECT * FROM X WHERE a = '\xed\xa0\x80'"; /* a surrogate */
	assert_null(hvs_wsman_build_enumerate(&none, &e));

	/* Put: a property name that cannot be an element name. */
	hvsnap_cim_instance *inst = hvsnap_cim_instance_new("Msvm_VirtualSystemSettingData", NULL);
	assert_int_equal(hvsnap_cim_set_value(inst, "Element Name", HVSNAP_CIM_TYPE_STRING,
	                 "x"), HVSNAP_OK);
	o.resource_uri = URI_VSSD;
	assert_null(hvs_wsman_build_put(&o, inst));
	assert_null(hvs_wsman_build_put(&o, NULL));
	hvsnap_cim_instance_free(inst);

	assert_null(hvs_wsman_doc_to_bytes(NULL, NULL));
}

static void test_params_validation(void **state)
{
	(void)state;
	hvsnap_params *p = hvsnap_params_new();
	assert_non_null(p);
	assert_int_equal(hvsnap_params_add_value(p, "", "x"), HVSNAP_ERR_USAGE);
	assert_int_equal(hvsnap_params_add_value(p, "a b", "x"), HVSNAP_ERR_USAGE);
	assert_int_equal(hvsnap_params_add_value(p, "p:Name", "x"), HVSNAP_ERR_USAGE);
	assert_int_equal(hvsnap_params_add_value(p, NULL, "x"), HVSNAP_ERR_USAGE);
	assert_int_equal(hvsnap_params_add_value(p, "Name", NULL), HVSNAP_ERR_USAGE);
	assert_int_equal(hvsnap_params_add_value(p, "Name", "\x1b[0m"), HVSNAP_ERR_USAGE);
	assert_int_equal(hvsnap_params_add_value(p, "Name", "ok"), HVSNAP_OK);
	assert_int_equal(hvsnap_params_add_value(p, "Name", "again"), HVSNAP_ERR_USAGE);
	assert_int_equal(hvsnap_params_add_array(p, "Arr", NULL, 1), HVSNAP_ERR_USAGE);
	assert_int_equal(hvsnap_params_add_array(p, "Empty", NULL, 0), HVSNAP_OK);
	assert_int_equal(hvsnap_params_add_epr(p, "Ref", NULL), HVSNAP_ERR_USAGE);
	hvsnap_epr *noref = hvsnap_epr_new(NULL); /* empty resource URI */
	assert_int_equal(hvsnap_params_add_epr(p, "Ref", noref), HVSNAP_ERR_USAGE);
	hvsnap_epr_free(noref);

	/* An instance the CIM-XML writer refuses (an EPR property). */
	hvsnap_cim_instance *inst = hvsnap_cim_instance_new("X", NULL);
	hvsnap_epr *vm = vm_epr();
	assert_int_equal(hvsnap_cim_set_epr(inst, "System", vm), HVSNAP_OK);
	assert_int_equal(hvsnap_params_add_instance(p, "Settings", inst), HVSNAP_ERR_USAGE);
	hvsnap_cim_instance_free(inst);
	assert_int_equal(hvsnap_params_add_instance(p, "Settings", NULL), HVSNAP_OK);

	assert_int_equal(hvs_wsman_params_count(p), 3);
	assert_string_equal(hvs_wsman_params_at(p, 0)->name, "Name");
	assert_int_equal(hvs_wsman_params_at(p, 1)->kind, WSMAN_PARAM_ARRAY);
	assert_string_equal(hvs_wsman_params_at(p, 2)->text, "");
	assert_null(hvs_wsman_params_at(p, 3));
	hvsnap_params_free(p);
	hvsnap_params_free(NULL);
	hvsnap_epr_free(vm);
}

/* Serialises, parses and validates after a mutation; asserts failure. */
static void assert_invalid(xmlDocPtr doc)
{
	xmlDocPtr back = round_trip(doc);
	assert_int_not_equal(validate(back, 1), 0);
	xmlFreeDoc(back);
}

static void test_schema_rejects_endpoint_reference_wrapper(void **state)
{
	(void)state;
	xmlDocPtr doc = build_create_snapshot(NULL);
	assert_int_equal(validate(doc, 0), 0);
	xmlNodePtr in = child(body(doc), URI_SNAPSVC, "CreateSnapshot_INPUT");
	xmlNodePtr as = child(in, URI_SNAPSVC, "AffectedSystem");
	xmlNsPtr a = xmlSearchNsByHref(doc, as, BAD_CAST NS_WSA);
	assert_non_null(a);
	/* Move Address + ReferenceParameters under a:EndpointReference. */
	xmlNodePtr wrap = xmlNewDocNode(doc, a, BAD_CAST "EndpointReference", NULL);
	xmlNodePtr c = as->children;
	while (c) {
		xmlNodePtr next = c->next;
		xmlUnlinkNode(c);
		xmlAddChild(wrap, c);
		c = next;
	}
	xmlAddChild(as, wrap);
	assert_invalid(doc);
}

static void test_schema_rejects_bad_duration(void **state)
{
	(void)state;
	wsman_request_opts o = opts_for(URI_CS);
	xmlDocPtr doc = hvs_wsman_build_get(&o);
	assert_int_equal(validate(doc, 0), 0);
	xmlNodePtr t = header(doc, NS_WSMAN, "OperationTimeout");
	xmlNodeSetContent(t, BAD_CAST "60 seconds");
	assert_invalid(doc);

	/* openwsman's unpadded PT1.50S is valid xs:duration (it is just the
	 * wrong value), so the schema cannot catch that one; "PT1.5" can. */
	doc = hvs_wsman_build_get(&o);
	xmlNodeSetContent(header(doc, NS_WSMAN, "OperationTimeout"), BAD_CAST "PT1.5");
	assert_invalid(doc);
}

static void test_schema_rejects_wrong_envelope_namespace(void **state)
{
	(void)state;
	xmlDocPtr doc = hvs_wsman_build_identify();
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNsPtr soap11 = xmlNewNs(root, BAD_CAST "http://schemas.xmlsoap.org/soap/envelope/",
	                           BAD_CAST "s11");
	xmlSetNs(root, soap11);
	assert_invalid(doc);
}

static void test_schema_rejects_other_mistakes(void **state)
{
	(void)state;
	wsman_request_opts o = opts_for(URI_CS);

	/* MaxEnvelopeSize must be a positive integer. */
	xmlDocPtr doc = hvs_wsman_build_get(&o);
	xmlNodeSetContent(header(doc, NS_WSMAN, "MaxEnvelopeSize"), BAD_CAST "0");
	assert_invalid(doc);

	/* mustUnderstand must be a boolean. */
	doc = hvs_wsman_build_get(&o);
	xmlNodePtr action = header(doc, NS_WSA, "Action");
	xmlSetNsProp(action, xmlSearchNsByHref(doc, action, BAD_CAST NS_SOAP),
	             BAD_CAST "mustUnderstand", BAD_CAST "yes");
	assert_invalid(doc);

	/* A selector without its Name. */
	hvsnap_selector sel[] = { { "Name", VM_GUID } };
	o.selectors = sel;
	o.n_selectors = 1;
	doc = hvs_wsman_build_get(&o);
	xmlNodePtr s = child(header(doc, NS_WSMAN, "SelectorSet"), NS_WSMAN, "Selector");
	xmlUnsetProp(s, BAD_CAST "Name");
	assert_invalid(doc);

	/* An enumeration mode that does not exist. */
	wsman_request_opts eo = { .to = TO, .resource_uri = HVSNAP_WMI_V2_ALL };
	hvsnap_enum_options e = { .version = HVSNAP_ENUM_OPTIONS_VERSION, .wql = "SELECT * FROM Msvm_ComputerSystem",
	                          .mode = HVSNAP_ENUM_EPRS };
	doc = hvs_wsman_build_enumerate(&eo, &e);
	xmlNodePtr en = child(body(doc), NS_WSEN, "Enumerate");
	xmlNodeSetContent(child(en, NS_WSMAN, "EnumerationMode"), BAD_CAST "EnumerateObjects");
	assert_invalid(doc);

	/* Enumerate in the wrong (2004/08) enumeration namespace. */
	doc = hvs_wsman_build_enumerate(&eo, &e);
	en = child(body(doc), NS_WSEN, "Enumerate");
	xmlSetNs(en, xmlNewNs(en, BAD_CAST "http://schemas.xmlsoap.org/ws/2004/08/enumeration",
	                      BAD_CAST "n8"));
	assert_invalid(doc);

	/* SnapshotType out of uint16 range, and a parameter the method lacks. */
	doc = build_create_snapshot(NULL);
	xmlNodePtr in = child(body(doc), URI_SNAPSVC, "CreateSnapshot_INPUT");
	xmlNodeSetContent(child(in, URI_SNAPSVC, "SnapshotType"), BAD_CAST "65536");
	assert_invalid(doc);
	doc = build_create_snapshot(NULL);
	in = child(body(doc), URI_SNAPSVC, "CreateSnapshot_INPUT");
	xmlNewChild(in, in->ns, BAD_CAST "SnapshotName", BAD_CAST "x");
	assert_invalid(doc);

	/* Two bodies. */
	doc = hvs_wsman_build_identify();
	xmlNodePtr b = body(doc);
	xmlAddChild(b, xmlCopyNode(test_first_element(b->children), 1));
	assert_invalid(doc);
}

static void test_schema_allows_foreign_headers(void **state)
{
	(void)state;
	wsman_request_opts o = opts_for(URI_CS);
	xmlDocPtr doc = hvs_wsman_build_get(&o);
	xmlNodePtr h = child(xmlDocGetRootElement(doc), NS_SOAP, "Header");
	xmlNodePtr x = xmlNewChild(h, NULL, BAD_CAST "Trace", BAD_CAST "on");
	xmlSetNs(x, xmlNewNs(x, BAD_CAST "urn:example:trace", BAD_CAST "t"));
	xmlFreeDoc(checked(doc));
}

static void test_escaping_round_trip(void **state)
{
	(void)state;
	const char *wql = "SELECT * FROM Msvm_ComputerSystem WHERE ElementName = "
	                  "'naïve \"x\" <y> & \\'z\\' ]]> 仮想\tend\r\n'";
	wsman_request_opts o = { .to = TO, .resource_uri = HVSNAP_WMI_V2_ALL };
	hvsnap_selector sel[] = { { "Name", "a<b>&\"c\"'d' é" } };
	o.selectors = sel;
	o.n_selectors = 1;
	hvsnap_enum_options e = { .version = HVSNAP_ENUM_OPTIONS_VERSION, .wql = wql };
	xmlDocPtr doc = hvs_wsman_build_enumerate(&o, &e);
	assert_non_null(doc);
	size_t len = 0;
	char *bytes = hvs_wsman_doc_to_bytes(doc, &len);
	assert_non_null(bytes);
	/* UTF-8 on the wire (not character references); the CR is the one
	 * character that must become a reference to survive parsing. */
	assert_non_null(strstr(bytes, "naïve"));
	assert_non_null(strstr(bytes, "仮想"));
	assert_non_null(strstr(bytes, "&lt;y&gt; &amp;"));
	assert_non_null(strstr(bytes, "&#13;"));
	free(bytes);

	xmlDocPtr back = checked(doc);
	xmlNodePtr f = child(child(body(back), NS_WSEN, "Enumerate"), NS_WSMAN, "Filter");
	assert_text(f, wql);
	assert_text(child(header(back, NS_WSMAN, "SelectorSet"), NS_WSMAN, "Selector"),
	            sel[0].value);
	xmlFreeDoc(back);
}

static void test_doc_to_bytes(void **state)
{
	(void)state;
	xmlDocPtr doc = build_create_snapshot(NULL);
	size_t len = 0;
	char *bytes = hvs_wsman_doc_to_bytes(doc, &len);
	xmlFreeDoc(doc);
	assert_non_null(bytes);
	assert_int_equal(len, strlen(bytes));
	/* A declaration, then the envelope on one line: no indentation. */
	const char *decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<s:Envelope";
	assert_memory_equal(bytes, decl, strlen(decl));
	const char *nl = strchr(bytes + strlen(decl), '\n');
	assert_true(nl == NULL || nl[1] == '\0');
	free(bytes);
}

static void test_message_ids(void **state)
{
	(void)state;
	enum { N = 64 };
	char *ids[N];
	wsman_request_opts o = { .to = TO, .resource_uri = URI_CS };
	for (int i = 0; i < N; i++) {
		xmlDocPtr doc = hvs_wsman_build_get(&o);
		assert_non_null(doc);
		ids[i] = (char *)xmlNodeGetContent(header(doc, NS_WSA, "MessageID"));
		xmlFreeDoc(doc);
		assert_non_null(ids[i]);
		assert_memory_equal(ids[i], "uuid:", 5);
		assert_int_equal(strlen(ids[i]), 41);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(ids[i], ids[j]);
	}
	for (int i = 0; i < N; i++)
		xmlFree(ids[i]);

	o.message_id = "uuid:11111111-2222-4333-8444-555555555555";
	xmlDocPtr doc = hvs_wsman_build_get(&o);
	assert_text(header(doc, NS_WSA, "MessageID"), o.message_id);
	xmlFreeDoc(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_identify),
		cmocka_unit_test(test_get_with_selectors),
		cmocka_unit_test(test_get_minimal_headers),
		cmocka_unit_test(test_put_values_nil_datetime_array),
		cmocka_unit_test(test_put_epr_properties),
		cmocka_unit_test(test_enumerate_plain),
		cmocka_unit_test(test_enumerate_wql_optimized),
		cmocka_unit_test(test_enumerate_epr_mode),
		cmocka_unit_test(test_enumerate_rejects),
		cmocka_unit_test(test_pull),
		cmocka_unit_test(test_release),
		cmocka_unit_test(test_invoke_create_snapshot),
		cmocka_unit_test(test_invoke_embedded_instance),
		cmocka_unit_test(test_invoke_array_param),
		cmocka_unit_test(test_invoke_other_verbs),
		cmocka_unit_test(test_invalid_arguments),
		cmocka_unit_test(test_params_validation),
		cmocka_unit_test(test_schema_rejects_endpoint_reference_wrapper),
		cmocka_unit_test(test_schema_rejects_bad_duration),
		cmocka_unit_test(test_schema_rejects_wrong_envelope_namespace),
		cmocka_unit_test(test_schema_rejects_other_mistakes),
		cmocka_unit_test(test_schema_allows_foreign_headers),
		cmocka_unit_test(test_escaping_round_trip),
		cmocka_unit_test(test_doc_to_bytes),
		cmocka_unit_test(test_message_ids),
	};
	return cmocka_run_group_tests(tests, load_schema, free_schema);
}
