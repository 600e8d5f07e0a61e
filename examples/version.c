/* The smallest libhvsnap program: prints the version of the library it runs
 * against and the version of the headers it was compiled with. Like every
 * example it is built against the installed library and run in CI
 * (scripts/package-test.sh); it needs no host, so it ignores HVSNAP_HOST,
 * HVSNAP_PORT, HVSNAP_USER and HVSNAP_PASSWORD. */
#include <stdio.h>
#include <string.h>

#include <hvsnap/hvsnap.h>

int main(void)
{
	const char *version = hvsnap_version();

	if (version == NULL || version[0] == '\0') {
		fprintf(stderr, "version: the library reports no version\n");
		return 1;
	}
	printf("libhvsnap %s (headers %s)\n", version, HVSNAP_VERSION_STRING);
	/* Before 1.0 the soname carries major.minor, so a library whose
	 * major.minor differs from the headers' cannot have been loaded: a
	 * mismatch means a broken installation. */
	char want[32];
	snprintf(want, sizeof want, "%d.%d.", HVSNAP_VERSION_MAJOR, HVSNAP_VERSION_MINOR);
	if (strncmp(version, want, strlen(want)) != 0) {
		fprintf(stderr, "version: library %s, headers %s\n", version,
			HVSNAP_VERSION_STRING);
		return 1;
	}
	return 0;
}
