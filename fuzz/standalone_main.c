/* Replay driver for the fuzz targets when they are built without libFuzzer:
 * runs every file named on the command line, and every regular file inside
 * every directory named there, through LLVMFuzzerTestOneInput once. Used by
 * the fuzz/<target>_corpus tests so the seed corpus and every saved
 * reproducer run under the normal (and the ASan+UBSan) suite. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Reads path into a buffer of exactly its size (so ASan sees any read past
 * the end); 0 or -1 with a message on stderr. */
static int read_file(const char *path, uint8_t **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);
	while (buf) {
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	int bad = ferror(f);
	fclose(f);
	if (!buf || bad) {
		fprintf(stderr, "%s: read failed\n", path);
		free(buf);
		return -1;
	}
	/* Exact-size copy; malloc(0) may return NULL, so keep one byte then. */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, len);
	free(buf);
	*data = exact;
	*size = len;
	return 0;
}

static int run_file(const char *path, unsigned long *count)
{
	uint8_t *data;
	size_t size;
	if (read_file(path, &data, &size) != 0)
		return -1;
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	(*count)++;
	return 0;
}

static int only_visible(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Every regular file directly inside dir, in name order. */
static int run_dir(const char *dir, unsigned long *count)
{
	struct dirent **names;
	int n = scandir(dir, &names, only_visible, alphasort);
	if (n < 0) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	int rc = 0;
	for (int i = 0; i < n; i++) {
		size_t len = strlen(dir) + strlen(names[i]->d_name) + 2;
		char *path = malloc(len);
		if (path) {
			struct stat sb;
			snprintf(path, len, "%s/%s", dir, names[i]->d_name);
			if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
			    run_file(path, count) != 0)
				rc = -1;
		} else {
			rc = -1;
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n"
		        "Runs each file (or each file in each directory) through "
		        "the fuzz target once.\n", argv[0]);
		return 2;
	}
	unsigned long count = 0;
	int rc = 0;
	for (int i = 1; i < argc; i++) {
		struct stat sb;
		if (stat(argv[i], &sb) != 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			rc = 1;
		} else if (S_ISDIR(sb.st_mode)) {
			if (run_dir(argv[i], &count) != 0)
				rc = 1;
		} else if (run_file(argv[i], &count) != 0) {
			rc = 1;
		}
	}
	printf("%s: ran %lu input(s)\n", argv[0], count);
	if (count == 0) {
		fprintf(stderr, "no inputs found\n");
		rc = 1;
	}
	return rc;
}
