/* Umbrella header: everything a libhvsnap client needs. Each concept also
 * has its own header, which compiles alone. */
#ifndef HVSNAP_HVSNAP_H
#define HVSNAP_HVSNAP_H
#include "hvsnap/common.h"
#include "hvsnap/error.h"
#include "hvsnap/global.h"
#include "hvsnap/cim.h"
#include "hvsnap/session.h"
#include "hvsnap/wsman.h"
#include "hvsnap/raw.h"
#include "hvsnap/hyperv.h"
#include "hvsnap/vm.h"
#include "hvsnap/job.h"
#include "hvsnap/snapshot.h"
#include "hvsnap/guest.h"
#include "hvsnap/power.h"
#include "hvsnap/policy.h"
#include "hvsnap/reset.h"
#include "hvsnap/refpoint.h"
#endif
