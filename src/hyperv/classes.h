/* Names of the Hyper-V WMI classes, their resource URIs and the constant
 * values the checkpoint verbs rely on (reference/hyperv-wmi.md). */
#ifndef HVSNAP_HYPERV_CLASSES_H
#define HVSNAP_HYPERV_CLASSES_H

#include "hvsnap/hyperv.h"
#include "hvsnap/wsman.h"

#define CLASS_COMPUTER_SYSTEM   "Msvm_ComputerSystem"
#define CLASS_VSSD              "Msvm_VirtualSystemSettingData"
#define CLASS_SNAPSHOT_SERVICE  "Msvm_VirtualSystemSnapshotService"
#define CLASS_MGMT_SERVICE      "Msvm_VirtualSystemManagementService"
#define CLASS_CONCRETE_JOB      "Msvm_ConcreteJob"
#define CLASS_SNAPSHOT_SETTINGS "Msvm_VirtualSystemSnapshotSettingData"
#define CLASS_HEARTBEAT         "Msvm_HeartbeatComponent"
#define CLASS_SHUTDOWN          "Msvm_ShutdownComponent"
#define CLASS_KVP               "Msvm_KvpExchangeComponent"
#define CLASS_REFPOINT          "Msvm_VirtualSystemReferencePoint"
#define CLASS_REFPOINT_SERVICE  "Msvm_VirtualSystemReferencePointService"
#define CLASS_REFPOINT_OF_VM    "Msvm_ReferencePointOfVirtualSystem"

#define URI_COMPUTER_SYSTEM   HVSNAP_WMI_V2_URI CLASS_COMPUTER_SYSTEM
#define URI_VSSD              HVSNAP_WMI_V2_URI CLASS_VSSD
#define URI_SNAPSHOT_SERVICE  HVSNAP_WMI_V2_URI CLASS_SNAPSHOT_SERVICE
#define URI_MGMT_SERVICE      HVSNAP_WMI_V2_URI CLASS_MGMT_SERVICE
#define URI_CONCRETE_JOB      HVSNAP_WMI_V2_URI CLASS_CONCRETE_JOB
#define URI_SHUTDOWN          HVSNAP_WMI_V2_URI CLASS_SHUTDOWN
#define URI_REFPOINT          HVSNAP_WMI_V2_URI CLASS_REFPOINT
#define URI_REFPOINT_SERVICE  HVSNAP_WMI_V2_URI CLASS_REFPOINT_SERVICE

/* Msvm_ComputerSystem.Description of a VM; the host has another one. */
#define VM_DESCRIPTION "Microsoft Virtual Machine"
#define REALIZED_VIRTUAL_SYSTEM_TYPE "Microsoft:Hyper-V:System:Realized"

/* Method return values. */
#define RC_COMPLETED   0u
#define RC_JOB_STARTED 4096u

/* JobState. */
#define JOB_NEW 2u
#define JOB_STARTING 3u
#define JOB_RUNNING 4u
#define JOB_SUSPENDED 5u
#define JOB_SHUTTING_DOWN 6u
#define JOB_COMPLETED 7u
#define JOB_TERMINATED 8u
#define JOB_KILLED 9u
#define JOB_EXCEPTION 10u
#define JOB_SERVICE 11u
#define JOB_COMPLETED_WITH_WARNINGS 32768u

/* Msvm_AffectedJobElement.ElementEffects: the element was created. */
#define EFFECT_CREATE 5u

#endif
