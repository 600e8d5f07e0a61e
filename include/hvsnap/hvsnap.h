/* Umbrella header: everything a libhvsnap client needs. */
#ifndef HVSNAP_HVSNAP_H
#define HVSNAP_HVSNAP_H
#include "hvsnap/error.h"
#include "hvsnap/cim.h"
#include "hvsnap/session.h"
#include "hvsnap/wsman.h"
#include "hvsnap/hyperv.h"
#endif
