/* Shared helpers for the cmocka unit tests: reading files from the source
 * tree (fixtures, schemas), little-endian fields of binary messages, and
 * walking XML elements. */
#ifndef HVSNAP_TEST_SUPPORT_H
#define HVSNAP_TEST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

/* Reads HVSNAP_SOURCE_DIR/relpath; aborts the test binary when unreadable.
 * The result is NUL-terminated and malloc'd; *len may be NULL. */
char *test_read_source_file(const char *relpath, size_t *len);
/* Absolute path of a file in the source tree (static buffer). */
const char *test_source_path(const char *relpath);

/* Little-endian integers at p (NTLM messages, WinRM framing). */
uint32_t test_le16(const unsigned char *p);
uint32_t test_le32(const unsigned char *p);
uint64_t test_le64(const unsigned char *p);

/* The first element among n and its following siblings (skipping text and
 * comments), and the next element after n; NULL when there is none. */
struct _xmlNode;
struct _xmlNode *test_first_element(struct _xmlNode *n);
struct _xmlNode *test_next_element(struct _xmlNode *n);

#endif
