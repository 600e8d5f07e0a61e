/* "Did you mean": the closest of a set of names to a word that matched
 * none of them, by edit distance over case-folded bytes, as git and
 * kubectl suggest. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define MAX_LEN 128

/* Levenshtein distance, case-insensitive for ASCII; long words are not
 * compared (no name worth suggesting is that long). */
static int distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > MAX_LEN || lb > MAX_LEN)
		return MAX_LEN;
	int row[MAX_LEN + 1];
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diag = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int up = row[j];
			int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			int best = diag + cost;
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *cli_closest(const char *word, const char *(*name_at)(const void *set, size_t i),
                        const void *set, size_t n)
{
	const char *best = NULL;
	int best_d = 0;
	size_t wl = strlen(word);
	/* Close means at most a third of the word changed (at least 1, at
	 * most 3 edits): 'web1' finds 'web01', 'frobnicate' finds nothing. */
	int limit = wl >= 9 ? 3 : wl >= 6 ? 2 : 1;
	if (wl >= 4 && limit < 2)
		limit = 2;
	for (size_t i = 0; i < n; i++) {
		const char *name = name_at(set, i);
		if (!name)
			continue;
		int d = distance(word, name);
		if (d <= limit && (!best || d < best_d)) {
			best = name;
			best_d = d;
		}
	}
	return best;
}
