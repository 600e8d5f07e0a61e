/* Enumeration through hvsnap_enum_start/next: a plain class enumeration,
 * a WQL query on the namespace, EPR mode, each also with max_elements 1 so
 * that every item comes in its own page (the iterator must follow all of
 * them), OptimizeEnumeration, and Release when the caller stops early.
 * Request counts are read from hvsim's log. */
#include "api_test.h"

#define CS_URI HVSNAP_WMI_V2_URI "Msvm_ComputerSystem"
#define HOST_AND_VMS 7 /* the host's own Msvm_ComputerSystem + 6 VMs */

/* Runs one enumeration to its end; returns the number of items, and each
 * item's ElementName (or EPR Name selector) joined into names. */
static size_t run(hvsnap_session *s, const hvsnap_enum_options *o, char *names, size_t size,
                  const char *what)
{
	hvsnap_enum *e = NULL;
	hvsnap_error err;
	size_t n = 0;

	names[0] = '\0';
	hvsnap_status st = hvsnap_enum_start(s, o, &e, &err);
	CHECK(st == HVSNAP_OK, "%s: start: %s", what, err.message);
	for (;;) {
		hvsnap_cim_instance *item = NULL;
		st = hvsnap_enum_next(e, &item, &err);
		CHECK(st == HVSNAP_OK, "%s: next: %s", what, err.message);
		if (st != HVSNAP_OK || !item)
			break;
		n++;
		const char *name;
		if (o->mode == HVSNAP_ENUM_EPRS) {
			const hvsnap_cim_value *v = hvsnap_cim_get(item, "EPR");
			const hvsnap_epr *epr = hvsnap_cim_value_epr(v);
			CHECK(v && hvsnap_cim_value_kind(v) == HVSNAP_CIM_EPR && epr,
			      "%s: item without an EPR property", what);
			CHECK(epr && strcmp(hvsnap_epr_resource_uri(epr), CS_URI) == 0,
			      "%s: EPR of %s", what, epr ? hvsnap_epr_resource_uri(epr) : "-");
			CHECK(epr && hvsnap_epr_selector_count(epr) == 2 &&
			      strcmp(hvsnap_epr_selector_name_at(epr, 0), "CreationClassName") == 0 &&
			      hvsnap_epr_selector_name_at(epr, 2) == NULL,
			      "%s: selectors of the EPR", what);
			name = epr ? hvsnap_epr_selector(epr, "Name") : NULL;
		} else {
			CHECK(strcmp(hvsnap_cim_instance_class(item), "Msvm_ComputerSystem") == 0,
			      "%s: class %s", what, hvsnap_cim_instance_class(item));
			name = hvsnap_cim_get_text(item, "ElementName");
		}
		if (name && strlen(names) + strlen(name) + 2 < size) {
			strcat(names, name);
			strcat(names, ",");
		}
		hvsnap_cim_instance_free(item);
	}
	hvsnap_enum_free(e);
	return n;
}

int main(void)
{
	hvsnap_session *s = api_session();
	char names[2048];
	size_t mark, n;

	/* Plain: Enumerate returns only a context, one Pull follows all. */
	hvsnap_enum_options o = HVSNAP_ENUM_OPTIONS_INIT;
	o.resource_uri = CS_URI;
	mark = api_log_lines();
	n = run(s, &o, names, sizeof names, "plain");
	CHECK(n == HOST_AND_VMS, "plain: %zu items", n);
	CHECK(strcmp(names, "APITEST,web01,db01,dup,dup,broken,ci-runner,") == 0, "plain: %s", names);
	CHECK(api_log_count(mark, LOG_ENUMERATE, NULL) == 1, "plain: one Enumerate");

	/* Every page one item: one Pull per item. */
	o.max_elements = 1;
	mark = api_log_lines();
	n = run(s, &o, names, sizeof names, "plain, 1 per page");
	CHECK(n == HOST_AND_VMS, "1 per page: %zu items", n);
	CHECK(strcmp(names, "APITEST,web01,db01,dup,dup,broken,ci-runner,") == 0,
	      "1 per page: %s", names);
	CHECK(api_log_count(mark, LOG_ENUMERATE, NULL) == 1, "1 per page: one Enumerate");
	CHECK(api_log_count(mark, LOG_PULL, NULL) == HOST_AND_VMS,
	      "1 per page: %zu Pulls for %d items", api_log_count(mark, LOG_PULL, NULL),
	      HOST_AND_VMS);
	CHECK(api_log_count(mark, LOG_RELEASE, NULL) == 0, "no Release after the end");

	/* Optimized: the first page rides in the Enumerate response. */
	o.optimize = 1;
	mark = api_log_lines();
	n = run(s, &o, names, sizeof names, "optimized, 1 per page");
	CHECK(n == HOST_AND_VMS, "optimized: %zu items", n);
	CHECK(api_log_count(mark, LOG_PULL, NULL) == HOST_AND_VMS - 1,
	      "optimized: %zu Pulls", api_log_count(mark, LOG_PULL, NULL));

	/* WQL on the namespace's "*" URI. */
	hvsnap_enum_options q = HVSNAP_ENUM_OPTIONS_INIT;
	q.resource_uri = HVSNAP_WMI_V2_ALL;
	q.wql = "SELECT * FROM Msvm_ComputerSystem WHERE ElementName = 'dup' OR EnabledState = 3";
	q.max_elements = 1;
	n = run(s, &q, names, sizeof names, "WQL");
	CHECK(n == 4, "WQL: %zu items (%s)", n, names);   /* dup, dup, db01, broken (off) */
	CHECK(strcmp(names, "db01,dup,dup,broken,") == 0, "WQL: %s", names);

	/* A numeric property of a WQL result. */
	hvsnap_enum *e = NULL;
	hvsnap_cim_instance *item = NULL;
	q.wql = "SELECT * FROM Msvm_ComputerSystem WHERE ElementName = 'web01'";
	CHECK(hvsnap_enum_start(s, &q, &e, NULL) == HVSNAP_OK, "WQL web01");
	CHECK(hvsnap_enum_next(e, &item, NULL) == HVSNAP_OK && item, "web01 item");
	uint64_t state = 0;
	CHECK(item && hvsnap_cim_get_uint(item, "EnabledState", &state) == HVSNAP_OK &&
	      state == HVSNAP_VM_RUNNING, "web01 EnabledState %llu", (unsigned long long)state);
	CHECK(item && hvsnap_cim_get_uint(item, "NoSuchProperty", &state) == HVSNAP_ERR_NOT_FOUND,
	      "a missing property is NOT_FOUND");
	hvsnap_cim_instance_free(item);
	hvsnap_enum_free(e);

	/* EPR mode, one per page. */
	hvsnap_enum_options r = HVSNAP_ENUM_OPTIONS_INIT;
	r.resource_uri = CS_URI;
	r.mode = HVSNAP_ENUM_EPRS;
	r.max_elements = 1;
	n = run(s, &r, names, sizeof names, "EPR");
	CHECK(n == HOST_AND_VMS, "EPR: %zu items", n);
	CHECK(strstr(names, "41111111-2222-4333-8444-555555555506,") != NULL, "EPR names: %s", names);

	/* Stopping early: hvsnap_enum_free releases the context. */
	mark = api_log_lines();
	e = NULL;
	item = NULL;
	CHECK(hvsnap_enum_start(s, &o, &e, NULL) == HVSNAP_OK, "start to stop early");
	CHECK(hvsnap_enum_next(e, &item, NULL) == HVSNAP_OK && item, "one item");
	hvsnap_cim_instance_free(item);
	hvsnap_enum_free(e);
	CHECK(api_log_count(mark, LOG_RELEASE, NULL) == 1, "one Release when stopped early");

	/* A class URI with WQL (Windows would fault) is refused before sending,
	 * saying what is wrong. */
	hvsnap_error err;
	hvsnap_enum_options bad = HVSNAP_ENUM_OPTIONS_INIT;
	bad.resource_uri = CS_URI;
	bad.wql = "SELECT * FROM Msvm_ComputerSystem";
	e = NULL;
	mark = api_log_lines();
	hvsnap_status st = hvsnap_enum_start(s, &bad, &e, &err);
	api_expect_error("WQL on a class URI", st, HVSNAP_ERR_USAGE, &err);
	CHECK(strstr(err.message, "\"*\" resource URI") != NULL, "message: %s", err.message);
	CHECK(e == NULL, "no enumeration on failure");
	bad.resource_uri = HVSNAP_WMI_V2_ALL;
	bad.wql = "  ";
	api_expect_error("an empty WQL filter", hvsnap_enum_start(s, &bad, &e, &err),
	                 HVSNAP_ERR_USAGE, &err);
	bad.wql = NULL;
	bad.mode = (hvsnap_enum_mode)7;
	api_expect_error("an unknown mode", hvsnap_enum_start(s, &bad, &e, &err),
	                 HVSNAP_ERR_USAGE, &err);
	CHECK(api_log_lines() == mark, "refused enumerations send nothing");

	/* Malformed WQL is the host's to refuse: a fault, with its code. */
	bad.mode = HVSNAP_ENUM_OBJECTS;
	bad.wql = "SELECT * FROM";
	st = hvsnap_enum_start(s, &bad, &e, &err);
	api_expect_error("malformed WQL", st, HVSNAP_ERR_FAULT, &err);
	CHECK(strcmp(err.fault_subcode, "CannotProcessFilter") == 0, "subcode %s", err.fault_subcode);
	CHECK(err.code_kind == HVSNAP_CODE_WSMAN && err.code == 2150858778LL, "code %lld kind %d",
	      (long long)err.code, (int)err.code_kind);

	hvsnap_session_free(s);
	return api_done("api_enum");
}
