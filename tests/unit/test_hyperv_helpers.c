/* Unit tests for the Hyper-V layer's pure helpers: WQL literal quoting,
 * GUID and object-path parsing, return-code and state texts, the reset plan. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "hvsnap/hyperv.h"
#include "hvsnap/reset.h"
#include "hyperv/props.h"
#include "hyperv/snapshot_int.h"
#include "hyperv/wql.h"

static char *quoted(const char *value)
{
	buf b = BUF_INIT;
	if (hvs_wql_append_literal(&b, value) != 0) {
		hvs_buf_free(&b);
		return NULL;
	}
	return hvs_buf_detach(&b);
}

static void test_wql_literal_escapes_quotes_and_backslashes(void **state)
{
	(void)state;
	char *q = quoted("web01");
	assert_string_equal(q, "'web01'");
	free(q);
	q = quoted("O'Brien \"x\" \\ y");
	assert_string_equal(q, "'O\\'Brien \\\"x\\\" \\\\ y'");
	free(q);
	q = quoted("caf\xc3\xa9 \xe4\xbb\xae\xe6\x83\xb3"); /* café 仮想 */
	assert_string_equal(q, "'caf\xc3\xa9 \xe4\xbb\xae\xe6\x83\xb3'");
	free(q);
	q = quoted("");
	assert_string_equal(q, "''");
	free(q);
	/* A literal cannot end early through a trailing backslash. */
	q = quoted("a\\");
	assert_string_equal(q, "'a\\\\'");
	free(q);
	assert_null(quoted("line\nbreak"));
	assert_null(quoted("tab\there"));
}

static void test_guid_helpers(void **state)
{
	(void)state;
	assert_true(hvs_is_guid("E4C92FB5-794B-4658-9506-ED47287B239C"));
	assert_true(hvs_is_guid("e4c92fb5-794b-4658-9506-ed47287b239c"));
	assert_false(hvs_is_guid("{E4C92FB5-794B-4658-9506-ED47287B239C}"));
	assert_false(hvs_is_guid("E4C92FB5794B46589506ED47287B239C"));
	assert_false(hvs_is_guid("HVHOST"));
	assert_false(hvs_is_guid(NULL));
	assert_false(hvs_is_guid("G4C92FB5-794B-4658-9506-ED47287B239C"));
	assert_string_equal(hvs_guid_of_instance_id("Microsoft:E4C92FB5-794B-4658-9506-ED47287B239C"),
	                    "E4C92FB5-794B-4658-9506-ED47287B239C");
	assert_string_equal(hvs_guid_of_instance_id("E4C92FB5-794B-4658-9506-ED47287B239C"),
	                    "E4C92FB5-794B-4658-9506-ED47287B239C");
	assert_null(hvs_guid_of_instance_id("Microsoft:not-a-guid"));
	assert_null(hvs_guid_of_instance_id("Microsoft:E4C92FB5-794B-4658-9506-ED47287B239C\\extra"));
	/* what a user may type for an id: bare, braced, prefixed; any case */
	char g[37];
	assert_true(hvs_guid_of_ref("{e4c92fb5-794b-4658-9506-ed47287b239c}", g));
	assert_string_equal(g, "E4C92FB5-794B-4658-9506-ED47287B239C");
	assert_true(hvs_guid_of_ref("Microsoft:{E4C92FB5-794B-4658-9506-ED47287B239C}", g));
	assert_true(hvs_guid_of_ref("E4C92FB5-794B-4658-9506-ED47287B239C", g));
	assert_false(hvs_guid_of_ref("{E4C92FB5-794B-4658-9506-ED47287B239C", g));
	assert_false(hvs_guid_of_ref("{E4C92FB5-794B-4658-9506-ED47287B239Z}", g));
	assert_false(hvs_guid_of_ref("web01", g));
	assert_false(hvs_guid_of_ref(NULL, g));
}

static void test_object_path_parent(void **state)
{
	(void)state;
	char *g = hvs_guid_from_object_path(
		"\\\\HVHOST\\root\\virtualization\\v2:Msvm_VirtualSystemSettingData."
		"InstanceID=\"Microsoft:00000000-0000-4000-8000-000000000083\"");
	assert_string_equal(g, "00000000-0000-4000-8000-000000000083");
	free(g);
	/* Escaped quotes as WMI writes them back over WS-Man. */
	g = hvs_guid_from_object_path(
		"\\\\\\\\HVHOST\\\\root\\\\virtualization\\\\v2:Msvm_VirtualSystemSettingData."
		"InstanceID=\\\"Microsoft:00000000-0000-4000-8000-0000000000AB\\\"");
	assert_string_equal(g, "00000000-0000-4000-8000-0000000000AB");
	free(g);
	assert_null(hvs_guid_from_object_path(NULL));
	assert_null(hvs_guid_from_object_path(""));
	assert_null(hvs_guid_from_object_path("Microsoft:short"));
}

static void test_code_texts(void **state)
{
	(void)state;
	assert_string_equal(hvsnap_return_code_text(32775), "Invalid state for this operation");
	assert_string_equal(hvsnap_return_code_text(4096), "Method parameters checked, job started");
	assert_string_equal(hvsnap_return_code_text(32769), "Access denied");
	assert_string_equal(hvsnap_return_code_text(5000), "Method reserved");
	assert_string_equal(hvsnap_return_code_text(40000), "Vendor-specific error");
	assert_string_equal(hvsnap_return_code_text(70000), "Unknown return code");
	assert_string_equal(hvsnap_job_state_text(32768), "Completed with warnings");
	assert_true(hvsnap_job_state_is_final(7));
	assert_true(hvsnap_job_state_is_final(32768));
	assert_true(hvsnap_job_state_is_final(10));
	assert_false(hvsnap_job_state_is_final(4));
	assert_false(hvsnap_job_state_is_final(2));
	assert_string_equal(hvsnap_vm_state_text(6), "Saved");
	assert_string_equal(hvsnap_vm_state_text(9), "Paused");
}

/* The reset plan, a stage at a time, for every starting state and option. */
static void test_reset_plan(void **state)
{
	(void)state;
	enum { OFF = HVSNAP_RESET_TURN_OFF, AP = HVSNAP_RESET_APPLY, ST = HVSNAP_RESET_START,
	       RD = HVSNAP_RESET_READY, IP = HVSNAP_RESET_IP };
	struct {
		uint32_t vm_state;
		int no_start, wait_ready, wait_ip;
		int stages[6]; /* ends with 0 */
	} cases[] = {
		{ HVSNAP_VM_RUNNING, 0, 0, 0, { OFF, AP, ST, 0 } },
		{ HVSNAP_VM_PAUSED, 0, 1, 1, { OFF, AP, ST, RD, IP, 0 } },
		{ HVSNAP_VM_OFF, 0, 0, 1, { AP, ST, IP, 0 } },
		{ HVSNAP_VM_SAVED, 0, 1, 0, { AP, ST, RD, 0 } },
		{ HVSNAP_VM_SAVED, 1, 0, 0, { AP, 0 } },
		{ HVSNAP_VM_STARTING, 1, 0, 0, { OFF, AP, 0 } },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hvsnap_reset_options o = HVSNAP_RESET_OPTIONS_INIT;
		o.no_start = cases[i].no_start;
		o.wait_ready = cases[i].wait_ready;
		o.wait_ip = cases[i].wait_ip;
		hvsnap_reset_stage done = 0;
		for (int k = 0;; k++) {
			hvsnap_reset_stage next = hvsnap_reset_next_stage(done, cases[i].vm_state, &o);
			assert_int_equal(next, cases[i].stages[k]);
			if (!next)
				break;
			done = next;
		}
	}
	/* NULL options: the defaults (turn off a running VM, apply, start). */
	assert_int_equal(hvsnap_reset_next_stage(HVSNAP_RESET_APPLY, HVSNAP_VM_OFF, NULL),
	                 HVSNAP_RESET_START);
	assert_int_equal(hvsnap_reset_next_stage(HVSNAP_RESET_START, HVSNAP_VM_RUNNING, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wql_literal_escapes_quotes_and_backslashes),
		cmocka_unit_test(test_guid_helpers),
		cmocka_unit_test(test_object_path_parent),
		cmocka_unit_test(test_code_texts),
		cmocka_unit_test(test_reset_plan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
