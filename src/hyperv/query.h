/* Running a WQL query and collecting every resulting instance, with the
 * paging options that keep round trips low. */
#ifndef HVSNAP_HYPERV_QUERY_H
#define HVSNAP_HYPERV_QUERY_H

#include "hvsnap/hyperv.h"
#include "hvsnap/wsman.h"

typedef struct instance_list {
	hvsnap_cim_instance **items;
	size_t n;
} instance_list;

/* Runs wql on the root/virtualization/v2 "*" URI. */
hvsnap_status hvs_query_all(hvsnap_session *s, const char *wql, instance_list *out,
                        hvsnap_error *err);
/* Runs before + literal (quoted and escaped) + after, where before and after
 * are fixed WQL text. A literal no WQL string can hold (a control
 * character) is HVSNAP_ERR_USAGE. */
hvsnap_status hvs_query_literal(hvsnap_session *s, const char *before, const char *literal,
                            const char *after, instance_list *out, hvsnap_error *err);
void hvs_instance_list_clear(instance_list *l);

#endif
