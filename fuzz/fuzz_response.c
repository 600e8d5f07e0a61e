/* libFuzzer target for the WS-Man response parser: the bytes are a
 * response body as the host would send it. They go through the hardened
 * load (hvs_wsman_parse_document), the fault check and then every response
 * decoder in turn, whatever the body holds, plus the embedded CIM-XML
 * reader for any property text that looks like an INSTANCE. Everything
 * returned is walked and freed, so LeakSanitizer sees every path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "hvsnap/hyperv.h"
#include "wsman/cim_int.h"
#include "fuzz.h"
#include "fuzz_walk.h"
#include "wsman/response.h"

static void try_embedded(const char *text)
{
	/* GetError's Error and similar out parameters carry CIM-XML. */
	if (!strstr(text, "INSTANCE"))
		return;
	hvsnap_error err;
	hvsnap_error_clear(&err);
	hvsnap_cim_instance *inst = NULL;
	if (hvs_wsman_cimxml_parse(text, strlen(text), &inst, &err) == HVSNAP_OK)
		fuzz_walk_instance(inst, NULL);
	else
		fuzz_check_error(&err);
	hvsnap_cim_instance_free(inst);
}

static void walk_page(const wsman_enum_page *page)
{
	fuzz_touch(page->context);
	for (size_t i = 0; i < page->n_items; i++)
		fuzz_walk_instance(page->items[i], try_embedded);
}

/* Runs the Invoke decoder as the caller that sent method would. */
static void try_invoke(xmlDocPtr doc, const char *method)
{
	hvsnap_error err;
	hvsnap_error_clear(&err);
	hvsnap_invoke_result *r = NULL;
	if (hvs_wsman_parse_invoke(doc, method, &r, &err) == HVSNAP_OK) {
		fuzz_walk_epr(r->job);
		fuzz_walk_instance(r->output, try_embedded);
	} else {
		fuzz_check_error(&err);
		if (r)
			abort(); /* failure must not hand back a result */
	}
	hvsnap_invoke_result_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hvsnap_error err;
	hvsnap_error_clear(&err);
	xmlDocPtr doc = NULL;
	hvsnap_status st = hvs_wsman_parse_document((const char *)data, size, 0, &doc, &err);
	if (st != HVSNAP_OK) {
		fuzz_check_error(&err);
		if (doc)
			abort();
		return 0;
	}
	if (!hvs_wsman_body(doc))
		abort(); /* promised non-NULL after a successful load */

	hvsnap_error_clear(&err);
	if (hvs_wsman_check_fault(doc, &err) != HVSNAP_OK)
		fuzz_check_error(&err);

	hvsnap_error_clear(&err);
	hvsnap_identity *id = NULL;
	if (hvs_wsman_parse_identify(doc, &id, &err) == HVSNAP_OK) {
		fuzz_touch(id->protocol_version);
		fuzz_touch(id->product_vendor);
		fuzz_touch(id->product_version);
		fuzz_touch(id->security_profiles);
	} else {
		fuzz_check_error(&err);
	}
	hvsnap_identity_free(id);

	hvsnap_error_clear(&err);
	hvsnap_cim_instance *inst = NULL;
	if (hvs_wsman_parse_instance_body(doc, &inst, &err) == HVSNAP_OK)
		fuzz_walk_instance(inst, try_embedded);
	else
		fuzz_check_error(&err);
	hvsnap_cim_instance_free(inst);

	wsman_enum_page page;
	hvsnap_error_clear(&err);
	if (hvs_wsman_parse_enumerate(doc, 0, &page, &err) == HVSNAP_OK)
		walk_page(&page);
	else
		fuzz_check_error(&err);
	hvs_wsman_enum_page_clear(&page);

	hvsnap_error_clear(&err);
	if (hvs_wsman_parse_pull(doc, 0, &page, &err) == HVSNAP_OK)
		walk_page(&page);
	else
		fuzz_check_error(&err);
	hvs_wsman_enum_page_clear(&page);

	/* Invoke: the method the body claims to answer, and fixed ones the
	 * client really sends. */
	xmlNodePtr body = hvs_wsman_body(doc);
	xmlNodePtr first = body ? xmlFirstElementChild(body) : NULL;
	if (first && first->name) {
		const char *name = (const char *)first->name;
		size_t len = strlen(name);
		const char *suffix = "_OUTPUT";
		size_t slen = strlen(suffix);
		if (len > slen && len - slen < 200 &&
		    strcmp(name + len - slen, suffix) == 0) {
			char method[256];
			snprintf(method, sizeof(method), "%.*s", (int)(len - slen), name);
			try_invoke(doc, method);
		}
	}
	try_invoke(doc, "CreateSnapshot");
	try_invoke(doc, "GetError");

	/* EPR decoding of every child of the first body element (the way
	 * Job and AffectedSystem out parameters are shaped). */
	for (xmlNodePtr c = first ? xmlFirstElementChild(first) : NULL; c;
	     c = xmlNextElementSibling(c)) {
		hvsnap_epr *epr = NULL;
		hvsnap_error_clear(&err);
		if (hvs_wsman_decode_epr(c, &epr, &err) == HVSNAP_OK)
			fuzz_walk_epr(epr);
		else
			fuzz_check_error(&err);
		hvsnap_epr_free(epr);
	}

	xmlFreeDoc(doc);
	return 0;
}
