/* WQL literal quoting. */
#include "hyperv/wql.h"

int hvs_wql_append_literal(buf *b, const char *value)
{
	if (hvs_buf_append(b, "'", 1) != 0)
		return -1;
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return -1;
		if ((*p == '\'' || *p == '"' || *p == '\\') && hvs_buf_append(b, "\\", 1) != 0)
			return -1;
		if (hvs_buf_append(b, p, 1) != 0)
			return -1;
	}
	return hvs_buf_append(b, "'", 1);
}
