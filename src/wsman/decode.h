/* Internal decoder entry points shared by the response parsers beyond
 * those response.h publishes to the rest of the library. */
#ifndef HVSNAP_WSMAN_DECODE_H
#define HVSNAP_WSMAN_DECODE_H

#include <libxml/tree.h>
#include "hvsnap/cim.h"
#include "wsman/cim_int.h"

/* Most distinct properties one instance may have. WMI classes have a few
 * hundred at most; the cap keeps a hostile item from costing quadratic
 * time in the instance's linear property list. */
#define WSMAN_MAX_PROPERTIES 4096

/* Most selectors one EPR may carry. Hyper-V names every object with two to
 * four keys; 64 leaves room for any CIM class while a hostile EPR with
 * hundreds of thousands of selectors is refused. */
#define WSMAN_MAX_SELECTORS 64

/* Decodes an EPR from its two parts (either may be NULL, not both), for
 * bare EPRs that sit directly in an Items element. */
hvsnap_status hvs_wsman_decode_epr_parts(const xmlNode *address,
                                     const xmlNode *refparams,
                                     hvsnap_epr **out, hvsnap_error *err);

/* 1 when element holds an EPR: an a:Address or a:ReferenceParameters
 * child, or an a:EndpointReference wrapper. */
int hvs_wsman_holds_epr(const xmlNode *element);

/* Wraps epr (taking ownership) in an instance of class "EPR" with one EPR
 * property "EPR", the item shape of EnumerateEPR mode. */
hvsnap_status hvs_wsman_epr_instance(hvsnap_epr *epr, hvsnap_cim_instance **out,
                                 hvsnap_error *err);

#endif
