/* Output pieces shared by the power, wait, reset and show commands: the
 * guest's heartbeat and addresses as JSON, and a monotonic clock for the
 * timings every stage reports. */
#ifndef HVSNAP_CLI_POWER_OUT_H
#define HVSNAP_CLI_POWER_OUT_H

#include <jansson.h>
#include <stdint.h>
#include "hvsnap/hvsnap.h"

/* "ok", "degraded", ... or null (no heartbeat component). */
json_t *json_heartbeat(const hvsnap_guest *guest);
/* The guest's addresses, [] when none or guest is NULL. */
json_t *json_addresses(const hvsnap_guest *guest);
/* Milliseconds of a monotonic clock. */
uint64_t cli_now_ms(void);
/* "heartbeat OK" style text for a heartbeat value. */
const char *cli_heartbeat_text(uint32_t heartbeat);

#endif
