/* A caller of the installed libhvsnap (see CMakeLists.txt here). It defines
 * str_dup and buf_append itself, names libhvsnap once used for its own
 * globals: linked to the static archive, a clash would fail the link. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hvsnap/hvsnap.h>

char *str_dup(const char *s);
int buf_append(char *buf, size_t cap, const char *s);

char *str_dup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *copy = malloc(n);

	if (copy != NULL)
		memcpy(copy, s, n);
	return copy;
}

int buf_append(char *buf, size_t cap, const char *s)
{
	size_t used = strlen(buf);

	if (used + strlen(s) >= cap)
		return -1;
	strcat(buf, s);
	return 0;
}

int main(void)
{
	char line[128] = "consumer: libhvsnap ";
	char *version = str_dup(hvsnap_version());

	if (version == NULL || buf_append(line, sizeof line, version) != 0) {
		free(version);
		return 1;
	}
	puts(line);
	/* The library is the one the installed headers describe. */
	int same = strcmp(version, HVSNAP_VERSION_STRING) == 0;
	free(version);
	return same ? 0 : 1;
}
