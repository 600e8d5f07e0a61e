/* What the guest inside a running VM reports through Hyper-V's
 * integration services: its heartbeat (is it up?) and its intrinsic
 * key-value items (addresses, host name, integration services version). */
#ifndef HVSNAP_GUEST_H
#define HVSNAP_GUEST_H

#include <stddef.h>
#include <stdint.h>
#include "hvsnap/common.h"
#include "hvsnap/error.h"
#include "hvsnap/session.h"
#include "hvsnap/vm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Msvm_HeartbeatComponent.OperationalStatus[0]. */
typedef enum hvsnap_heartbeat {
	HVSNAP_HEARTBEAT_NONE = 0,        /* no heartbeat component: the VM is not
	                                   * running, or has no integration services */
	HVSNAP_HEARTBEAT_OK = 2,
	HVSNAP_HEARTBEAT_DEGRADED = 3,    /* up, with an older protocol */
	HVSNAP_HEARTBEAT_ERROR = 7,       /* non-recoverable: incompatible */
	HVSNAP_HEARTBEAT_NO_CONTACT = 12, /* not (yet) contacted: booting, or none */
	HVSNAP_HEARTBEAT_LOST = 13,       /* lost communication */
	HVSNAP_HEARTBEAT_PAUSED = 15
} hvsnap_heartbeat;

/* One look at a guest. Opaque; the caller owns it. */
typedef struct hvsnap_guest hvsnap_guest;

/* Reads the VM's heartbeat and intrinsic key-value items: two queries. A
 * VM that is off, or whose guest runs no integration services, is not an
 * error: its heartbeat is HVSNAP_HEARTBEAT_NONE and it has no items. On
 * success *out is new and the caller frees it. */
HVSNAP_EXTERN hvsnap_status hvsnap_guest_get(hvsnap_session *session, const hvsnap_vm *vm,
                                             hvsnap_guest **out, hvsnap_error *err);
HVSNAP_EXTERN void hvsnap_guest_free(hvsnap_guest *guest);

/* OperationalStatus[0] (hvsnap_heartbeat values; a host may send others). */
HVSNAP_EXTERN uint32_t hvsnap_guest_heartbeat(const hvsnap_guest *guest);
/* OperationalStatus[1], the guest's application health (2 OK), or 0 when
 * the host sent a one-element array: heartbeat up, health unknown. */
HVSNAP_EXTERN uint32_t hvsnap_guest_app_health(const hvsnap_guest *guest);
/* Whether the guest is up: the heartbeat is OK or Degraded. */
HVSNAP_EXTERN int hvsnap_guest_is_ready(const hvsnap_guest *guest);
/* "ok", "degraded", "no_contact", "lost", "paused", "error", or NULL for
 * HVSNAP_HEARTBEAT_NONE (static storage). */
HVSNAP_EXTERN const char *hvsnap_heartbeat_name(uint32_t heartbeat);

/* The guest's addresses (NetworkAddressIPv4, then NetworkAddressIPv6, in
 * the guest's order), borrowed from guest; NULL past the end. */
HVSNAP_EXTERN size_t hvsnap_guest_address_count(const hvsnap_guest *guest);
HVSNAP_EXTERN const char *hvsnap_guest_address_at(const hvsnap_guest *guest, size_t i);
/* The first IPv4 address that is not link-local (169.254/16), or NULL. */
HVSNAP_EXTERN const char *hvsnap_guest_ipv4(const hvsnap_guest *guest);
/* FullyQualifiedDomainName and IntegrationServicesVersion, or NULL. */
HVSNAP_EXTERN const char *hvsnap_guest_fqdn(const hvsnap_guest *guest);
HVSNAP_EXTERN const char *hvsnap_guest_integration_version(const hvsnap_guest *guest);

#ifdef __cplusplus
}
#endif
#endif
