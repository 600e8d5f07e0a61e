/* WQL subset WinRM clients send to root/virtualization/v2:
 *   SELECT * FROM Class [WHERE cond]   cond: prop = literal, <>, !=,
 *       IS [NOT] NULL, AND, OR, NOT, parentheses; literals '..' or ".."
 *       with backslash escapes, numbers, TRUE/FALSE
 *   ASSOCIATORS OF {Class.Key='v',...} [WHERE AssocClass = A
 *       ResultClass = R Role = P ResultRole = Q]
 * String comparisons are case-insensitive, as in WMI. */
#ifndef HVSIM_WQL_H
#define HVSIM_WQL_H

#include <stddef.h>

#include "sim.h"

typedef struct wql_query wql_query;

/* 0 on success; on a syntax error -1 with a message in err. */
int wql_parse(const char *text, wql_query **out, char *err, size_t errlen);
void wql_free(wql_query *q);

int wql_is_associators(const wql_query *q);
/* SELECT: the FROM class. ASSOCIATORS: the source object's class. */
const char *wql_class(const wql_query *q);
/* ASSOCIATORS only; NULL when not given. */
const char *wql_assoc_class(const wql_query *q);
const char *wql_result_class(const wql_query *q);
const char *wql_role(const wql_query *q);
const char *wql_result_role(const wql_query *q);
/* ASSOCIATORS: the source object's key=value pairs (class + selectors). */
const sim_epr *wql_source(const wql_query *q);
/* SELECT: does the instance satisfy WHERE (1 when there is none)? */
int wql_match(const wql_query *q, const sim_inst *in);

#endif
