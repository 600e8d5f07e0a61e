/* Helpers shared by the unit tests. */
#include "support.h"

#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>

const char *test_source_path(const char *relpath)
{
	static char path[4096];
	snprintf(path, sizeof(path), "%s/%s", HVSNAP_SOURCE_DIR, relpath);
	return path;
}

char *test_read_source_file(const char *relpath, size_t *len)
{
	const char *path = test_source_path(relpath);
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		abort();
	}
	size_t cap = 4096, n = 0;
	char *data = malloc(cap);
	size_t got;
	while (data && (got = fread(data + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0) {
			char *p = realloc(data, cap * 2);
			if (!p) {
				free(data);
				data = NULL;
				break;
			}
			data = p;
			cap *= 2;
		}
	}
	fclose(f);
	if (!data)
		abort();
	data[n] = '\0';
	if (len)
		*len = n;
	return data;
}

xmlNodePtr test_first_element(xmlNodePtr n)
{
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

xmlNodePtr test_next_element(xmlNodePtr n)
{
	return n ? test_first_element(n->next) : NULL;
}

uint32_t test_le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

uint32_t test_le32(const unsigned char *p)
{
	return test_le16(p) | test_le16(p + 2) << 16;
}

uint64_t test_le64(const unsigned char *p)
{
	return (uint64_t)test_le32(p) | (uint64_t)test_le32(p + 4) << 32;
}
