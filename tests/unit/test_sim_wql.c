/* Unit tests for hvsim's WQL parser and evaluator. Like every tests/unit/
 * test_sim_*.c, it links hvsim_core, never libhvsnap (DESIGN.md: hvsim is
 * independent of the client). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "sim/wql.h"

static sim_inst *vm(const char *name, const char *state)
{
	sim_inst *in = inst_new("Msvm_ComputerSystem");
	inst_set_text(in, "ElementName", name);
	inst_set_text(in, "EnabledState", state);
	inst_set_text(in, "Description", "Microsoft Virtual Machine");
	inst_set_nil(in, "InstallDate");
	return in;
}

static int matches(const char *q, const sim_inst *in)
{
	wql_query *w = NULL;
	char err[128];
	int r;
	assert_int_equal(wql_parse(q, &w, err, sizeof(err)), 0);
	r = wql_match(w, in);
	wql_free(w);
	return r;
}

static void test_select_where(void **state)
{
	sim_inst *a = vm("web01", "2");
	(void)state;
	assert_true(matches("SELECT * FROM Msvm_ComputerSystem", a));
	assert_true(matches("select * from msvm_computersystem where "
	                    "ElementName = 'WEB01'", a));
	assert_true(matches("SELECT * FROM Msvm_ComputerSystem WHERE Description = "
	                    "\"Microsoft Virtual Machine\" AND ElementName = 'web01'",
	                    a));
	assert_false(matches("SELECT * FROM Msvm_ComputerSystem WHERE "
	                     "ElementName = 'web02'", a));
	assert_true(matches("SELECT * FROM Msvm_ComputerSystem WHERE "
	                    "ElementName = 'x' OR EnabledState = 2", a));
	assert_true(matches("SELECT * FROM Msvm_ComputerSystem WHERE "
	                    "NOT (ElementName = 'x') AND EnabledState <> 3", a));
	assert_true(matches("SELECT * FROM Msvm_ComputerSystem WHERE "
	                    "InstallDate IS NULL AND ElementName IS NOT NULL", a));
	assert_false(matches("SELECT * FROM Msvm_ComputerSystem WHERE "
	                     "InstallDate = 'x'", a));
	assert_false(matches("SELECT * FROM Msvm_VirtualSystemSettingData", a));
	inst_free(a);
}

static void test_escaped_literals(void **state)
{
	sim_inst *a = vm("it's \"q\" \\ 日本", "3");
	(void)state;
	assert_true(matches("SELECT * FROM Msvm_ComputerSystem WHERE ElementName = "
	                    "'it\\'s \"q\" \\\\ 日本'", a));
	assert_true(matches("SELECT * FROM Msvm_ComputerSystem WHERE ElementName = "
	                    "\"it's \\\"q\\\" \\\\ 日本\"", a));
	assert_false(matches("SELECT * FROM Msvm_ComputerSystem WHERE ElementName = "
	                     "'it'", a));
	inst_free(a);
}

static void test_syntax_errors(void **state)
{
	static const char *const bad[] = {
		"", "SELECT", "SELECT Name FROM Msvm_ComputerSystem",
		"SELECT * FROM", "SELECT * FROM X WHERE", "SELECT * FROM X WHERE a =",
		"SELECT * FROM X WHERE a = 'unterminated", "SELECT * FROM X WHERE a > 1",
		"SELECT * FROM X trailing", "DELETE FROM X",
		"ASSOCIATORS OF {X.k='v'} WHERE Bogus = Y",
		"ASSOCIATORS OF {X.k='v'", "SELECT * FROM X WHERE (a = 1",
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		wql_query *w = (wql_query *)1;
		char err[128] = "";
		assert_int_equal(wql_parse(bad[i], &w, err, sizeof(err)), -1);
		assert_null(w);
		assert_true(err[0] != '\0');
	}
}

static void test_associators(void **state)
{
	wql_query *w = NULL;
	char err[128];
	const sim_epr *src;
	(void)state;
	assert_int_equal(wql_parse("ASSOCIATORS OF {Msvm_ComputerSystem."
	                           "CreationClassName='Msvm_ComputerSystem',"
	                           "Name='ABC'} WHERE AssocClass = "
	                           "Msvm_SnapshotOfVirtualSystem ResultClass = "
	                           "Msvm_VirtualSystemSettingData", &w, err,
	                           sizeof(err)), 0);
	assert_true(wql_is_associators(w));
	assert_string_equal(wql_class(w), "Msvm_ComputerSystem");
	assert_string_equal(wql_assoc_class(w), "Msvm_SnapshotOfVirtualSystem");
	assert_string_equal(wql_result_class(w), "Msvm_VirtualSystemSettingData");
	assert_null(wql_role(w));
	src = wql_source(w);
	assert_int_equal(src->nsel, 2);
	assert_string_equal(src->sel[1].name, "Name");
	assert_string_equal(src->sel[1].value, "ABC");
	wql_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_select_where),
		cmocka_unit_test(test_escaped_literals),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_associators),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
