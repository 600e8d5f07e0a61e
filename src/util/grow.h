/* Geometric growth for arrays that keep only their element count: the
 * capacity is implied by the count, so appending n elements one at a time
 * costs O(n) copying in total rather than O(n^2). */
#ifndef HVSNAP_UTIL_GROW_H
#define HVSNAP_UTIL_GROW_H

#include <stddef.h>

/* Makes room for element n (0-based) of an array of n elements of size
 * bytes each that was only ever grown by this function: reallocates to 4,
 * 8, 16, ... elements when n reaches one of those. Returns the (possibly
 * moved) array, or NULL when memory runs out or the size would overflow
 * (the old array is then untouched and still owned by the caller). */
void *hvs_grow_for(void *array, size_t n, size_t size);

#endif
