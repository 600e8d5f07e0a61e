/* WQL query text with safely quoted string literals. */
#ifndef HVSNAP_HYPERV_WQL_H
#define HVSNAP_HYPERV_WQL_H

#include "util/buf.h"

/* Appends value as a single-quoted WQL literal, with a backslash before
 * every quote and backslash, so a name like  O'Brien "x" \ y  cannot end the
 * literal. Returns 0, or -1 when memory runs out or value holds a control
 * character that no WQL literal can carry. */
int hvs_wql_append_literal(buf *b, const char *value);

#endif
