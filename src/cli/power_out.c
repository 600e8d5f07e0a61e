/* Output pieces for the power, wait, reset and show commands. */
#include "cli/power_out.h"

#include <time.h>

#include "cli/output.h"

json_t *json_heartbeat(const hvsnap_guest *guest)
{
	const char *name = hvsnap_heartbeat_name(hvsnap_guest_heartbeat(guest));
	return name ? json_string(name) : json_null();
}

json_t *json_addresses(const hvsnap_guest *guest)
{
	json_t *a = json_array();
	for (size_t i = 0; i < hvsnap_guest_address_count(guest); i++)
		json_array_append_new(a, json_str_or_null(hvsnap_guest_address_at(guest, i)));
	return a;
}

uint64_t cli_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

const char *cli_heartbeat_text(uint32_t heartbeat)
{
	switch (heartbeat) {
	case HVSNAP_HEARTBEAT_NONE: return "none";
	case HVSNAP_HEARTBEAT_OK: return "OK";
	case HVSNAP_HEARTBEAT_DEGRADED: return "Degraded";
	case HVSNAP_HEARTBEAT_NO_CONTACT: return "No Contact";
	case HVSNAP_HEARTBEAT_LOST: return "Lost Communication";
	case HVSNAP_HEARTBEAT_PAUSED: return "Paused";
	}
	return "Error";
}
