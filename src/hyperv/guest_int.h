/* Turning the heartbeat and KVP components the host sent into a guest
 * record: separate from the queries so that a fuzzer can feed it hostile
 * instances (the KVP items are the guest's own words). */
#ifndef HVSNAP_HYPERV_GUEST_INT_H
#define HVSNAP_HYPERV_GUEST_INT_H

#include "hvsnap/cim.h"
#include "hvsnap/guest.h"

/* Either component may be NULL (absent). */
hvsnap_status hvs_guest_from_components(const hvsnap_cim_instance *heartbeat,
                                        const hvsnap_cim_instance *kvp, hvsnap_guest **out,
                                        hvsnap_error *err);

#endif
