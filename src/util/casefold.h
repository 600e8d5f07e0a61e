/* Locale-free, case-insensitive equality of UTF-8 names (see casefold.c). */
#ifndef HVSNAP_UTIL_CASEFOLD_H
#define HVSNAP_UTIL_CASEFOLD_H

/* 1 when a and b are equal under simple case folding (ASCII, Latin-1,
 * Latin Extended-A, Greek, Cyrillic); bytes that are not UTF-8 must be
 * equal. Two NULLs are equal. */
int hvs_utf8_case_eq(const char *a, const char *b);

#endif
