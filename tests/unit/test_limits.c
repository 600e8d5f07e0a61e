/* Bounds on what one hostile reply can make the client build: array
 * growth that stays linear, and caps on items, selectors and text. Each
 * case is a shape a hostile-host run found to cost minutes or hundreds of
 * MiB before it was bounded. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "hvsnap/cim.h"
#include "wsman/cim_int.h"
#include "util/grow.h"

/* One realloc per selector copied the whole array each time: 200,000
 * selectors never finished under ASan. The array must grow ahead of its
 * count (geometric growth); the 200,000 adds then take linear time, which
 * bench/ measures rather than a timed test. */
static void test_selectors_grow_geometrically(void **state)
{
	(void)state;
	hvsnap_epr *e = hvsnap_epr_new("urn:x");
	assert_non_null(e);
	for (int i = 0; i < 5; i++)
		assert_int_equal(hvsnap_epr_add_selector(e, "n", "v"), HVSNAP_OK);
	/* room for more than were asked for: the array grew ahead */
	assert_true(malloc_usable_size(e->selectors) >= 8 * sizeof(hvsnap_selector));
	for (int i = 5; i < 200000; i++)
		assert_int_equal(hvsnap_epr_add_selector(e, "n", "v"), HVSNAP_OK);
	assert_int_equal(e->n_selectors, 200000);
	assert_string_equal(e->selectors[199999].name, "n");
	hvsnap_epr *copy = hvsnap_epr_dup(e);
	assert_non_null(copy);
	assert_int_equal(copy->n_selectors, 200000);
	hvsnap_epr_free(copy);
	hvsnap_epr_free(e);
}

static void test_grow_for_boundaries(void **state)
{
	(void)state;
	int *a = hvs_grow_for(NULL, 0, sizeof(int));
	assert_non_null(a);
	for (size_t n = 1; n < 100; n++) {
		int *b = hvs_grow_for(a, n, sizeof(int));
		assert_non_null(b);
		a = b;
		a[n] = (int)n; /* ASan checks the room is there */
	}
	free(a);
	/* an element size that would overflow is refused, not wrapped */
	assert_null(hvs_grow_for(NULL, 0, SIZE_MAX / 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selectors_grow_geometrically),
		cmocka_unit_test(test_grow_for_boundaries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
