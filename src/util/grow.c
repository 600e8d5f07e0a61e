/* Implied-capacity geometric growth (see grow.h). */
#include "util/grow.h"

#include <stdint.h>
#include <stdlib.h>

void *hvs_grow_for(void *array, size_t n, size_t size)
{
	/* Capacity is 4 for counts 1..4, then the next power of two: the
	 * array is full exactly when n is 0 or a power of two from 4 up. */
	if (n != 0 && (n < 4 || (n & (n - 1)) != 0))
		return array;
	size_t cap = n ? n * 2 : 4;
	if (size == 0 || cap > SIZE_MAX / size || cap < n)
		return NULL;
	return realloc(array, cap * size);
}
