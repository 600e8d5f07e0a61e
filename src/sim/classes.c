/* The WMI classes hvsim serves, built from the model on every request so
 * answers always show the current state. Each builder sets every property
 * the real class has (nil where a real host has nil); the writer sorts them
 * alphabetically. Values marked [REAL] in reference/hyperv-wmi.md are kept
 * exactly; the rest are plausible defaults. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util/strutil.h"

#define CS "Msvm_ComputerSystem"
#define VSSD "Msvm_VirtualSystemSettingData"
#define VSSS "Msvm_VirtualSystemSnapshotService"
#define VSMS "Msvm_VirtualSystemManagementService"
#define JOB "Msvm_ConcreteJob"
#define AJE "Msvm_AffectedJobElement"
#define SOVS "Msvm_SnapshotOfVirtualSystem"
#define PCSD "Msvm_ParentChildSettingData"
#define MCSB "Msvm_MostCurrentSnapshotInBranch"
#define SDS "Msvm_SettingsDefineState"
#define SYSDEV "Msvm_SystemDevice"
#define LAS "Msvm_LastAppliedSnapshot"
#define VSRP "Msvm_VirtualSystemReferencePoint"
#define VSRPS "Msvm_VirtualSystemReferencePointService"
#define RPOVS "Msvm_ReferencePointOfVirtualSystem"

static const char *const keys_cs[] = { "CreationClassName", "Name", NULL };
static const char *const keys_iid[] = { "InstanceID", NULL };
static const char *const keys_svc[] = { "CreationClassName", "Name",
	"SystemCreationClassName", "SystemName", NULL };
static const char *const keys_dev[] = { "CreationClassName", "DeviceID",
	"SystemCreationClassName", "SystemName", NULL };
static const char *const keys_rp[] = { "InstanceID",
	"VirtualSystemIdentifier", NULL };
static const char *const keys_none[] = { NULL };

static const struct {
	const char *name;
	const char *const *keys;
	int assoc;
} classes[] = {
	{ CS, keys_cs, 0 },   { VSSD, keys_iid, 0 }, { VSSS, keys_svc, 0 },
	{ VSMS, keys_svc, 0 }, { JOB, keys_iid, 0 },  { AJE, keys_none, 1 },
	{ SOVS, keys_none, 1 }, { PCSD, keys_none, 1 }, { MCSB, keys_none, 1 },
	{ SDS, keys_none, 1 },
	{ "Msvm_HeartbeatComponent", keys_dev, 0 },
	{ "Msvm_ShutdownComponent", keys_dev, 0 },
	{ "Msvm_KvpExchangeComponent", keys_dev, 0 },
	{ SYSDEV, keys_none, 1 }, { LAS, keys_none, 1 },
	{ VSRP, keys_rp, 0 }, { VSRPS, keys_svc, 0 }, { RPOVS, keys_none, 1 },
};
#define NCLASSES (sizeof(classes) / sizeof(classes[0]))

static int class_index(const char *cls)
{
	size_t i;
	for (i = 0; cls && i < NCLASSES; i++)
		if (hvs_str_case_eq(classes[i].name, cls))
			return (int)i;
	return -1;
}

int class_known(const char *cls)
{
	return class_index(cls) >= 0;
}

int class_is_association(const char *cls)
{
	int i = class_index(cls);
	return i >= 0 && classes[i].assoc;
}

const char *const *class_keys(const char *cls)
{
	int i = class_index(cls);
	return i >= 0 ? classes[i].keys : keys_none;
}

const char *class_association(size_t i)
{
	size_t k;
	for (k = 0; k < NCLASSES; k++)
		if (classes[k].assoc && i-- == 0)
			return classes[k].name;
	return NULL;
}

static const char *L(const char *lang, const char *en, const char *ja)
{
	return lang && strcmp(lang, "ja-JP") == 0 ? ja : en;
}

void class_cs_epr(sim_epr *e, const char *name)
{
	epr_init(e, CS);
	epr_add(e, "CreationClassName", CS);
	epr_add(e, "Name", name);
}

void class_vssd_epr(sim_epr *e, const char *id)
{
	char iid[64];
	snprintf(iid, sizeof(iid), "Microsoft:%s", id);
	epr_init(e, VSSD);
	epr_add(e, "InstanceID", iid);
}

void class_refpoint_epr(sim_epr *e, const sim_refpoint *rp)
{
	char iid[64];
	snprintf(iid, sizeof(iid), "Microsoft:%s", rp->id);
	epr_init(e, VSRP);
	epr_add(e, "InstanceID", iid);
	epr_add(e, "VirtualSystemIdentifier", rp->vm_id);
}

static void job_epr(sim_epr *e, const char *id)
{
	epr_init(e, JOB);
	epr_add(e, "InstanceID", id);
}

char *class_snap_path(const sim_model *m, const char *snap_id)
{
	char *p;
	size_t len = strlen(m->host) + strlen(snap_id) + 96;
	p = malloc(len);
	if (!p)
		abort();
	snprintf(p, len,
	         "\\\\%s\\root\\virtualization\\v2:" VSSD
	         ".InstanceID=\"Microsoft:%s\"", m->host, snap_id);
	return p;
}

/* --- Msvm_ComputerSystem ------------------------------------------------ */
static void cs_common(sim_inst *in, const char *lang)
{
	static const unsigned ok[] = { 2 };
	inst_set_nil(in, "AvailableRequestedStates");
	inst_set_nil(in, "CommunicationStatus");
	inst_set_text(in, "CreationClassName", CS);
	inst_set_nil(in, "DetailedStatus");
	inst_set_uint(in, "EnabledDefault", 2);
	inst_set_uint(in, "HealthState", 5);
	inst_set_nil(in, "IdentifyingDescriptions");
	inst_set_nil(in, "InstanceID"); /* [REAL] nil on hosts and VMs */
	inst_set_nil(in, "NameFormat");
	inst_set_nil(in, "OperatingStatus");
	inst_set_uint_array(in, "OperationalStatus", ok, 1);
	inst_set_nil(in, "OtherDedicatedDescriptions");
	inst_set_nil(in, "OtherEnabledState");
	inst_set_nil(in, "OtherIdentifyingInfo");
	inst_set_nil(in, "PowerManagementCapabilities");
	inst_set_nil(in, "PrimaryOwnerContact");
	inst_set_nil(in, "PrimaryOwnerName");
	inst_set_nil(in, "PrimaryStatus");
	inst_set_uint(in, "ResetCapability", 1);
	inst_set_nil(in, "Roles");
	inst_set_nil(in, "Status");
	{
		const char *sd = L(lang, "Operating normally", "正常稼働中");
		inst_set_array(in, "StatusDescriptions", &sd, 1);
	}
	inst_set_nil(in, "TransitioningToState");
}

static sim_inst *cs_host(sim_model *m, const char *lang)
{
	sim_inst *in = inst_new(CS);
	static const unsigned dedicated[] = { 0 };
	cs_common(in, lang);
	inst_set_text(in, "Caption", L(lang, "Hosting Computer System",
	                               "ホスト コンピューター システム"));
	inst_set_uint_array(in, "Dedicated", dedicated, 1);
	inst_set_text(in, "Description",
	              L(lang, "Microsoft Hosting Computer System",
	                "Microsoft ホスト コンピューター システム"));
	inst_set_text(in, "ElementName", m->host);
	inst_set_uint(in, "EnabledState", 2);
	inst_set_nil(in, "InstallDate");          /* [REAL] */
	inst_set_text(in, "Name", m->host);       /* [REAL] computer name */
	inst_set_nil(in, "OnTimeInMilliseconds"); /* [REAL] */
	inst_set_nil(in, "ProcessID");            /* [REAL] */
	inst_set_uint(in, "RequestedState", 12);  /* [REAL] */
	inst_set_datetime(in, "TimeOfLastConfigurationChange", m->boot_ms);
	inst_set_datetime(in, "TimeOfLastStateChange", m->boot_ms);
	return in;
}

static sim_inst *cs_vm(sim_model *m, const sim_vm *vm, const char *lang,
                       long long now)
{
	sim_inst *in = inst_new(CS);
	(void)m;
	cs_common(in, lang);
	inst_set_text(in, "Caption", L(lang, "Virtual Machine", "仮想マシン"));
	inst_set_nil(in, "Dedicated");
	inst_set_text(in, "Description", "Microsoft Virtual Machine"); /*[REAL]*/
	inst_set_text(in, "ElementName", vm->name);
	/* a power job in progress shows its transitional state */
	inst_set_uint(in, "EnabledState",
	              (unsigned)(vm->transition ? vm->transition : vm->state));
	inst_set_uint(in, "EnhancedSessionModeState", 3);
	inst_set_uint(in, "FailedOverReplicationType", 0);
	inst_set_uint(in, "HwThreadsPerCoreRealized", 1);
	inst_set_datetime(in, "InstallDate", vm->installed_ms);
	inst_set_datetime(in, "LastApplicationConsistentReplicationTime", -1);
	inst_set_datetime(in, "LastReplicationTime", -1);
	inst_set_uint(in, "LastReplicationType", 0);
	inst_set_datetime(in, "LastSuccessfulBackupTime", -1);
	inst_set_text(in, "Name", vm->id);
	inst_set_uint(in, "NumberOfNumaNodes", 1);
	inst_set_uint(in, "OnTimeInMilliseconds",
	              vm->state == VM_RUNNING
	                      ? (unsigned long long)(now - vm->state_ms) : 0);
	if (vm->busy) {
		unsigned st[2] = { 2, (unsigned)vm->busy };
		inst_set_uint_array(in, "OperationalStatus", st, 2);
	}
	if (vm->state == VM_RUNNING)
		inst_set_uint(in, "ProcessID", 4242);
	else
		inst_set_nil(in, "ProcessID");
	inst_set_uint(in, "ReplicationHealth", 0);
	inst_set_uint(in, "ReplicationMode", 0);
	inst_set_uint(in, "ReplicationState", 0);
	inst_set_uint(in, "RequestedState", 5); /* [REAL] */
	inst_set_datetime(in, "TimeOfLastConfigurationChange", vm->state_ms);
	inst_set_datetime(in, "TimeOfLastStateChange", vm->state_ms);
	return in;
}

/* --- Msvm_VirtualSystemSettingData ---------------------------------------- */
static sim_inst *vssd_common(const sim_vm *vm, const char *id)
{
	sim_inst *in = inst_new(VSSD);
	char tmp[256];
	inst_set_nil(in, "AdditionalRecoveryInformation");
	inst_set_bool(in, "AllowFullSCSICommandSet", 0);
	inst_set_bool(in, "AllowReducedFcRedundancy", 0);
	inst_set_uint(in, "AutomaticCriticalErrorAction", 1);
	inst_set_interval(in, "AutomaticCriticalErrorActionTimeout", 1800000);
	inst_set_uint(in, "AutomaticRecoveryAction", 3);
	inst_set_uint(in, "AutomaticShutdownAction", 4);
	inst_set_bool(in, "AutomaticSnapshotsEnabled", vm->auto_snapshots);
	inst_set_uint(in, "AutomaticStartupAction", 2);
	inst_set_interval(in, "AutomaticStartupActionDelay", 0);
	inst_set_uint(in, "AutomaticStartupActionSequenceNumber", 0);
	inst_set_text(in, "BIOSGUID", vm->id);
	inst_set_bool(in, "BIOSNumLock", 0);
	inst_set_nil(in, "BaseBoardSerialNumber");
	inst_set_nil(in, "BIOSSerialNumber");
	inst_set_nil(in, "BootOrder");
	inst_set_nil(in, "BootSourceOrder");
	inst_set_nil(in, "ChassisAssetTag");
	inst_set_nil(in, "ChassisSerialNumber");
	inst_set_text(in, "ConfigurationDataRoot",
	              "C:\\ProgramData\\Microsoft\\Windows\\Hyper-V");
	snprintf(tmp, sizeof(tmp),
	         "C:\\ProgramData\\Microsoft\\Windows\\Hyper-V\\%s\\%s.vmcx",
	         strcmp(vm->id, id) ? "Snapshots" : "Virtual Machines", id);
	inst_set_text(in, "ConfigurationFile", tmp);
	inst_set_text(in, "ConfigurationID", id);
	inst_set_uint(in, "DebugChannelId", 0);
	inst_set_uint(in, "DebugPort", 0);
	inst_set_uint(in, "DebugPortEnabled", 2);
	inst_set_uint(in, "EnhancedSessionTransportType", 0);
	inst_set_bool(in, "GuestControlledCacheTypes", 0);
	inst_set_uint(in, "HighMmioGapBase", 0);
	inst_set_uint(in, "HighMmioGapSize", 512);
	snprintf(tmp, sizeof(tmp), "Microsoft:%s", id);
	inst_set_text(in, "InstanceID", tmp);
	inst_set_bool(in, "LockOnDisconnect", 0);
	inst_set_text(in, "LogDataRoot",
	              "C:\\ProgramData\\Microsoft\\Windows\\Hyper-V");
	inst_set_uint(in, "LowMmioGapSize", 128);
	inst_set_bool(in, "SecureBootEnabled", 1);
	inst_set_text(in, "SecureBootTemplateId",
	              "1734C6E8-3154-4DDA-BA5F-A874CC483422");
	inst_set_text(in, "SnapshotDataRoot",
	              "C:\\ProgramData\\Microsoft\\Windows\\Hyper-V");
	inst_set_text(in, "SuspendDataRoot",
	              "C:\\ProgramData\\Microsoft\\Windows\\Hyper-V");
	inst_set_text(in, "SwapFileDataRoot",
	              "C:\\ProgramData\\Microsoft\\Windows\\Hyper-V");
	inst_set_bool(in, "TurnOffOnGuestRestart", 0);
	inst_set_uint(in, "UserSnapshotType", (unsigned)vm->user_snapshot_type);
	inst_set_text(in, "Version", "9.0");
	inst_set_bool(in, "VirtualNumaEnabled", 1);
	inst_set_text(in, "VirtualSystemIdentifier", vm->id);
	inst_set_text(in, "VirtualSystemSubType", "Microsoft:Hyper-V:SubType:2");
	return in;
}

static void set_notes(sim_inst *in, const char *notes)
{
	if (notes && *notes)
		inst_set_array(in, "Notes", &notes, 1);
	else
		inst_set_nil(in, "Notes");
}

static sim_inst *vssd_realized(sim_model *m, const sim_vm *vm,
                               const char *lang)
{
	sim_inst *in = vssd_common(vm, vm->id);
	inst_set_text(in, "Caption", L(lang, "Virtual Machine Settings",
	                               "仮想マシンの設定"));
	inst_set_datetime(in, "CreationTime", vm->installed_ms);
	inst_set_text(in, "Description",
	              L(lang, "Active settings for the virtual machine.",
	                "仮想マシンのアクティブな設定です。"));
	inst_set_text(in, "ElementName", vm->name);
	inst_set_bool(in, "IsSaved", vm->state == VM_SAVED);
	set_notes(in, vm->notes);
	if (vm->current[0]) {
		char *p = class_snap_path(m, vm->current);
		inst_set_text(in, "Parent", p);
		free(p);
	} else {
		inst_set_nil(in, "Parent");
	}
	inst_set_text(in, "VirtualSystemType",
	              "Microsoft:Hyper-V:System:Realized");
	return in;
}

static sim_inst *vssd_snapshot(sim_model *m, const sim_vm *vm,
                               const sim_snap *s, const char *lang)
{
	sim_inst *in = vssd_common(vm, s->id);
	inst_set_text(in, "Caption", L(lang, "Virtual Machine Settings",
	                               "仮想マシンの設定"));
	inst_set_datetime(in, "CreationTime", s->created_ms);
	inst_set_text(in, "Description",
	              L(lang, "Checkpoint settings for the virtual machine.",
	                "仮想マシンのチェックポイント設定です。"));
	inst_set_text(in, "ElementName", s->name);
	inst_set_bool(in, "IsSaved", s->is_saved);
	set_notes(in, s->notes);
	if (s->parent_id[0]) {
		char *p = class_snap_path(m, s->parent_id);
		inst_set_text(in, "Parent", p);
		free(p);
	} else {
		inst_set_nil(in, "Parent");
	}
	inst_set_text(in, "VirtualSystemType", model_snap_type(s));
	return in;
}

/* --- services ----------------------------------------------------------- */
static const struct {
	const char *cls, *name, *element;
	const char *caption[2], *description[2];
} services[] = {
	{ VSSS, "vssnapsvc", "Virtual System Snapshot Service",
	  { "Hyper-V Virtual System Snapshot Service",
	    "Hyper-V 仮想システム スナップショット サービス" },
	  { "Service for creating, destroying, and applying virtual machine "
	    "snapshots", "仮想マシンのスナップショットを作成、破棄、適用するサービス" } },
	{ VSMS, "vmms", "Virtual System Management Service",
	  { "Hyper-V Virtual System Management Service",
	    "Hyper-V 仮想システム管理サービス" },
	  { "Service for configuring and managing virtual systems",
	    "仮想システムを構成および管理するサービス" } },
	/* [INF] Name and texts: no recording of this service is public */
	{ VSRPS, "vsrpsvc", "Virtual System Reference Point Service",
	  { "Hyper-V Virtual System Reference Point Service",
	    "Hyper-V 仮想システム参照ポイント サービス" },
	  { "Service for creating and destroying virtual machine reference "
	    "points", "仮想マシンの参照ポイントを作成および破棄するサービス" } },
};

static sim_inst *service(sim_model *m, const char *cls, const char *lang)
{
	sim_inst *in = inst_new(cls);
	static const unsigned ok[] = { 2 };
	size_t k = 0;
	int ja = lang && strcmp(lang, "ja-JP") == 0;
	while (k + 1 < sizeof(services) / sizeof(services[0]) &&
	       strcmp(services[k].cls, cls) != 0)
		k++;
	inst_set_nil(in, "AvailableRequestedStates");
	inst_set_text(in, "Caption", services[k].caption[ja]);
	inst_set_nil(in, "CommunicationStatus");
	inst_set_text(in, "CreationClassName", cls);
	inst_set_text(in, "Description", services[k].description[ja]);
	inst_set_nil(in, "DetailedStatus");
	inst_set_text(in, "ElementName", services[k].element);
	inst_set_uint(in, "EnabledDefault", 2);
	inst_set_uint(in, "EnabledState", 2);
	inst_set_uint(in, "HealthState", 5);
	inst_set_datetime(in, "InstallDate", m->boot_ms);
	inst_set_nil(in, "InstanceID");
	inst_set_text(in, "Name", services[k].name);
	inst_set_nil(in, "OperatingStatus");
	inst_set_uint_array(in, "OperationalStatus", ok, 1);
	inst_set_nil(in, "OtherEnabledState");
	inst_set_nil(in, "PrimaryOwnerContact");
	inst_set_nil(in, "PrimaryOwnerName");
	inst_set_nil(in, "PrimaryStatus");
	inst_set_uint(in, "RequestedState", 12);
	inst_set_bool(in, "Started", 1);
	inst_set_text(in, "StartMode", "Automatic");
	inst_set_text(in, "Status", "OK");
	{
		const char *sd = L(lang, "Operating normally", "正常稼働中");
		inst_set_array(in, "StatusDescriptions", &sd, 1);
	}
	inst_set_text(in, "SystemCreationClassName", CS);
	inst_set_text(in, "SystemName", m->host);
	inst_set_datetime(in, "TimeOfLastStateChange", m->boot_ms);
	inst_set_uint(in, "TransitioningToState", 12);
	return in;
}

/* --- Msvm_VirtualSystemReferencePoint ------------------------------------ */
static sim_inst *refpoint(const sim_model *m, const sim_refpoint *rp)
{
	sim_inst *in = inst_new(VSRP);
	char iid[64], disk[160], rct[96];
	const char *disks[1] = { disk }, *rcts[1] = { rct };
	snprintf(iid, sizeof(iid), "Microsoft:%s", rp->id);
	/* [INF] forms: a disk's RASD InstanceID and an RCT id per disk */
	snprintf(disk, sizeof(disk),
	         "Microsoft:%s\\83F8638B-8DCA-4152-9EDA-2CA8B33039B4\\0\\0\\D",
	         rp->vm_id);
	snprintf(rct, sizeof(rct), "rctX:%.8s:%.4s:%.4s:%.4s:%.12s:%08X",
	         rp->id, rp->id + 9, rp->id + 14, rp->id + 19, rp->id + 24,
	         (unsigned)(rp->created_ms / 1000 % 0x7fffffff));
	inst_set_text(in, "Caption", "Reference Point");
	inst_set_uint(in, "ConsistencyLevel", (unsigned)rp->consistency);
	inst_set_datetime(in, "CreationTime", rp->created_ms);
	inst_set_text(in, "Description", "Virtual machine reference point");
	inst_set_text(in, "ElementName", "Reference Point");
	inst_set_bool(in, "HasAssociatedData", rp->has_data && !rp->rct);
	inst_set_text(in, "InstanceID", iid);
	/* the class says 1 log / 2 RCT, CreateReferencePoint 0 / 1: which
	 * one a host reports is quirks.reference_point_types */
	inst_set_uint(in, "ReferencePointType",
	              (unsigned)(m->refpoint_type_base + rp->rct));
	if (rp->rct)
		inst_set_array(in, "ResilientChangeTrackingIdentifiers", rcts, 1);
	else
		inst_set_nil(in, "ResilientChangeTrackingIdentifiers");
	inst_set_array(in, "VirtualDiskIdentifiers", disks, 1);
	inst_set_text(in, "VirtualSystemIdentifier", rp->vm_id);
	return in;
}

/* --- Msvm_ConcreteJob ---------------------------------------------------- */
static const char *job_names(const sim_job *j, int what)
{
	/* [INF] texts: no real job Get body is public (reference §7) */
	static const char *const names[][3] = {
		{ "Creating Virtual Machine Checkpoint",
		  "Creating Virtual Machine Checkpoint", "Create Checkpoint" },
		{ "Applying Virtual Machine Checkpoint",
		  "Applying Virtual Machine Checkpoint", "Apply Checkpoint" },
		{ "Deleting Virtual Machine Checkpoint",
		  "Deleting Virtual Machine Checkpoint", "Delete Checkpoint" },
		{ "Deleting Virtual Machine Checkpoint Tree",
		  "Deleting Virtual Machine Checkpoint Tree",
		  "Delete Checkpoint Tree" },
		{ "Changing Virtual Machine State",
		  "Initializing and Changing Virtual Machine State",
		  "Changing State" },
		{ "Shutting Down Virtual Machine",
		  "Shutting Down the Guest Operating System", "Shutting Down" },
		{ "Clearing Virtual Machine Checkpoint State",
		  "Clearing Virtual Machine Checkpoint State",
		  "Clear Checkpoint State" },
		{ "Converting Checkpoint to Reference Point",
		  "Converting Checkpoint to Reference Point",
		  "Convert to Reference Point" },
		{ "Deleting Reference Point", "Deleting Reference Point",
		  "Delete Reference Point" },
	};
	return names[j->kind][what];
}

static sim_inst *job_inst(sim_model *m, const sim_job *j, long long now)
{
	sim_inst *in = inst_new(JOB);
	long long end = j->ended_ms >= 0 ? j->ended_ms : now, changed;
	/* now is read after jobs_tick: never let a job that tick saw running
	 * report more than its duration (it has not ended yet for us) */
	if (j->ended_ms < 0 && jobs_due(j) >= 0 && end > jobs_due(j))
		end = jobs_due(j);
	if (end < j->submitted_ms)
		end = j->submitted_ms;
	/* the last change is a function of the schedule, not of polling:
	 * the end, or New -> Running at a tenth of the duration */
	if (j->ended_ms >= 0)
		changed = j->ended_ms;
	else if (j->state == JS_RUNNING && jobs_due(j) >= 0)
		changed = j->submitted_ms + j->duration_ms / 10;
	else
		changed = j->submitted_ms;
	const char *status;
	unsigned op = 2;
	(void)m;
	inst_set_bool(in, "Cancellable", j->cancellable);
	inst_set_text(in, "Caption", job_names(j, 0));
	inst_set_nil(in, "CommunicationStatus");
	inst_set_bool(in, "DeleteOnCompletion", 0);
	inst_set_text(in, "Description", job_names(j, 1));
	inst_set_nil(in, "DetailedStatus");
	inst_set_interval(in, "ElapsedTime",
	                  (unsigned long long)(end - j->submitted_ms));
	inst_set_text(in, "ElementName", job_names(j, 2));
	inst_set_uint(in, "ErrorCode", j->error_code);
	if (j->error_description)
		inst_set_text(in, "ErrorDescription", j->error_description);
	else
		inst_set_nil(in, "ErrorDescription");
	if (JOB_FAILED(j)) {
		inst_set_text(in, "ErrorSummaryDescription",
		              j->error_description ? j->error_description
		                                   : "Job failed");
		op = 6;
	} else {
		inst_set_nil(in, "ErrorSummaryDescription");
	}
	inst_set_uint(in, "HealthState", op == 2 ? 5 : 20);
	inst_set_nil(in, "InstallDate");
	inst_set_text(in, "InstanceID", j->id);
	inst_set_uint(in, "JobRunTimes", 1);
	inst_set_uint(in, "JobState", (unsigned)j->state);
	switch (j->state) {
	case JS_NEW: status = "Job is new"; break;
	case JS_RUNNING: status = "Job is running"; break;
	case JS_COMPLETED: status = "Job completed successfully"; break;
	case JS_WARNINGS: status = "Job completed with warnings"; break;
	case JS_TERMINATED: status = "Job was terminated"; break;
	default: status = "Job is completed with errors"; break;
	}
	inst_set_text(in, "JobStatus", status);
	inst_set_uint(in, "JobType", (unsigned)j->job_type);
	inst_set_uint(in, "LocalOrUtcTime", 2);
	inst_set_text(in, "Name", job_names(j, 2));
	inst_set_nil(in, "Notify");
	inst_set_nil(in, "OperatingStatus");
	inst_set_uint_array(in, "OperationalStatus", &op, 1);
	inst_set_nil(in, "OtherRecoveryAction");
	inst_set_nil(in, "Owner");
	inst_set_uint(in, "PercentComplete", j->pct);
	inst_set_nil(in, "PrimaryStatus");
	inst_set_uint(in, "Priority", 0);
	inst_set_uint(in, "RecoveryAction", 2);
	inst_set_nil(in, "RunDay");
	inst_set_nil(in, "RunDayOfWeek");
	inst_set_nil(in, "RunMonth");
	inst_set_nil(in, "RunStartInterval");
	inst_set_nil(in, "ScheduledStartTime");
	inst_set_datetime(in, "StartTime", j->submitted_ms);
	inst_set_text(in, "Status", op == 2 ? "OK" : "Error");
	inst_set_nil(in, "StatusDescriptions");
	inst_set_interval(in, "TimeBeforeRemoval",
	                  (unsigned long long)m->job_retention_ms);
	inst_set_datetime(in, "TimeOfLastStateChange", changed);
	inst_set_datetime(in, "TimeSubmitted", j->submitted_ms);
	inst_set_nil(in, "UntilTime");
	return in;
}

/* --- associations --------------------------------------------------------- */
static sim_inst *assoc(const char *cls, const char *n1, const sim_epr *e1,
                       const char *n2, const sim_epr *e2)
{
	sim_inst *in = inst_new(cls);
	inst_set_epr(in, n1, e1);
	inst_set_epr(in, n2, e2);
	return in;
}

static void add_assoc(sim_list *out, const char *cls, const char *n1,
                      sim_epr *e1, const char *n2, sim_epr *e2)
{
	list_push(out, assoc(cls, n1, e1, n2, e2));
	epr_clear(e1);
	epr_clear(e2);
}

static char ascii_fold(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* ASCII case-insensitive strstr. */
static int case_contains(const char *text, const char *needle)
{
	size_t n = strlen(needle), i;
	for (; *text; text++) {
		for (i = 0; i < n && text[i]; i++)
			if (ascii_fold(text[i]) != ascii_fold(needle[i]))
				break;
		if (i == n)
			return 1;
	}
	return 0;
}

void class_jobs_named(sim_model *m, const char *text, sim_list *out)
{
	size_t i;
	long long now = now_ms();
	for (i = 0; i < m->njobs; i++)
		if (case_contains(text, m->jobs[i].id))
			list_push(out, job_inst(m, &m->jobs[i], now));
}

void class_instances(sim_model *m, const char *cls, const char *lang,
                     sim_list *out)
{
	size_t i;
	long long now = now_ms();
	sim_epr a, b;
	int ci = class_index(cls);
	if (ci < 0)
		return;
	cls = classes[ci].name;
	if (strcmp(cls, CS) == 0) {
		list_push(out, cs_host(m, lang));
		for (i = 0; i < m->nvms; i++)
			list_push(out, cs_vm(m, &m->vms[i], lang, now));
	} else if (strcmp(cls, VSSD) == 0) {
		for (i = 0; i < m->nvms; i++)
			list_push(out, vssd_realized(m, &m->vms[i], lang));
		for (i = 0; i < m->nsnaps; i++) {
			sim_vm *vm = model_vm(m, m->snaps[i].vm_id);
			if (vm)
				list_push(out, vssd_snapshot(m, vm, &m->snaps[i],
				                             lang));
		}
	} else if (strcmp(cls, VSSS) == 0 || strcmp(cls, VSMS) == 0 ||
	           strcmp(cls, VSRPS) == 0) {
		list_push(out, service(m, cls, lang));
	} else if (strcmp(cls, JOB) == 0) {
		for (i = 0; i < m->njobs; i++)
			list_push(out, job_inst(m, &m->jobs[i], now));
	} else if (strcmp(cls, AJE) == 0) {
		for (i = 0; i < m->najes; i++) {
			sim_inst *in;
			unsigned eff = m->ajes[i].effect;
			if (!model_job(m, m->ajes[i].job_id))
				continue; /* rows go away with their job */
			job_epr(&b, m->ajes[i].job_id);
			in = assoc(AJE, "AffectedElement", &m->ajes[i].element,
			           "AffectingElement", &b);
			epr_clear(&b);
			inst_set_uint_array(in, "ElementEffects", &eff, 1);
			inst_set_nil(in, "OtherElementEffectsDescriptions");
			list_push(out, in);
		}
	} else if (strcmp(cls, SOVS) == 0) {
		for (i = 0; i < m->nsnaps; i++) {
			class_cs_epr(&a, m->snaps[i].vm_id);
			class_vssd_epr(&b, m->snaps[i].id);
			add_assoc(out, SOVS, "Antecedent", &a, "Dependent", &b);
		}
	} else if (strcmp(cls, PCSD) == 0) {
		for (i = 0; i < m->nsnaps; i++) {
			if (!m->snaps[i].parent_id[0])
				continue;
			class_vssd_epr(&a, m->snaps[i].parent_id);
			class_vssd_epr(&b, m->snaps[i].id);
			add_assoc(out, PCSD, "Antecedent", &a, "Dependent", &b);
		}
		for (i = 0; i < m->nvms; i++) {
			if (!m->vms[i].current[0])
				continue;
			class_vssd_epr(&a, m->vms[i].current);
			class_vssd_epr(&b, m->vms[i].id);
			add_assoc(out, PCSD, "Antecedent", &a, "Dependent", &b);
		}
	} else if (strcmp(cls, MCSB) == 0) {
		for (i = 0; i < m->nvms; i++) {
			if (!m->vms[i].current[0])
				continue;
			class_cs_epr(&a, m->vms[i].id);
			class_vssd_epr(&b, m->vms[i].current);
			add_assoc(out, MCSB, "Antecedent", &a, "Dependent", &b);
		}
	} else if (strcmp(cls, SDS) == 0) {
		for (i = 0; i < m->nvms; i++) {
			class_cs_epr(&a, m->vms[i].id);
			class_vssd_epr(&b, m->vms[i].id);
			add_assoc(out, SDS, "ManagedElement", &a, "SettingData",
			          &b);
		}
	} else if (guest_class(cls)) {
		guest_instances(m, cls, lang, now, out);
	} else if (strcmp(cls, SYSDEV) == 0) {
		/* VM -> each of its integration components */
		static const char *const dev[] = { "Msvm_HeartbeatComponent",
			"Msvm_ShutdownComponent", "Msvm_KvpExchangeComponent" };
		size_t d;
		for (d = 0; d < 3; d++) {
			sim_list comps = { 0 };
			guest_instances(m, dev[d], lang, now, &comps);
			for (i = 0; i < comps.n; i++) {
				class_cs_epr(&a, inst_text(comps.v[i], "SystemName"));
				class_epr(comps.v[i], &b);
				add_assoc(out, SYSDEV, "GroupComponent", &a,
				          "PartComponent", &b);
			}
			list_free(&comps);
		}
	} else if (strcmp(cls, LAS) == 0) {
		for (i = 0; i < m->nvms; i++) {
			if (!m->vms[i].last_applied[0])
				continue;
			class_vssd_epr(&a, m->vms[i].last_applied);
			class_cs_epr(&b, m->vms[i].id);
			add_assoc(out, LAS, "Antecedent", &a, "Dependent", &b);
		}
	} else if (strcmp(cls, VSRP) == 0) {
		for (i = 0; i < m->nrefpoints; i++)
			list_push(out, refpoint(m, &m->refpoints[i]));
	} else if (strcmp(cls, RPOVS) == 0) {
		for (i = 0; i < m->nrefpoints; i++) {
			class_cs_epr(&a, m->refpoints[i].vm_id);
			class_refpoint_epr(&b, &m->refpoints[i]);
			add_assoc(out, RPOVS, "Antecedent", &a, "Dependent", &b);
		}
	}
	for (i = 0; i < out->n; i++)
		inst_sort(out->v[i]);
}

void class_epr(const sim_inst *in, sim_epr *out)
{
	const char *const *k = class_keys(in->cls);
	epr_init(out, in->cls);
	for (; *k; k++) {
		const char *v = inst_text(in, *k);
		if (v)
			epr_add(out, *k, v);
	}
}

static int selectors_match(const sim_inst *in, const sim_epr *e)
{
	size_t k;
	int ok = e->nsel > 0;
	for (k = 0; k < e->nsel && ok; k++) {
		const char *v = inst_text(in, e->sel[k].name);
		ok = v && hvs_str_case_eq(v, e->sel[k].value);
	}
	return ok;
}

/* The one instance a jobs or settings EPR names, built alone: a fleet
 * host has hundreds of jobs and checkpoints, and building them all to
 * find one made every job lookup cost as much as a full enumeration.
 * NULL when the fast path does not apply (the caller then searches). */
static sim_inst *resolve_by_instance_id(sim_model *m, const sim_epr *e,
                                        const char *lang)
{
	const char *id = NULL, *guid;
	sim_inst *in = NULL;
	size_t k;
	for (k = 0; k < e->nsel; k++)
		if (hvs_str_case_eq(e->sel[k].name, "InstanceID"))
			id = e->sel[k].value;
	if (!id)
		return NULL;
	if (hvs_str_case_eq(e->cls, JOB)) {
		sim_job *j = model_job(m, id);
		if (j)
			in = job_inst(m, j, now_ms());
	} else if (hvs_str_case_eq(e->cls, VSSD) && strlen(id) > 10 &&
	           case_contains(id, "Microsoft:") && ascii_fold(id[0]) == 'm') {
		guid = id + 10;
		sim_snap *sn = model_snap(m, guid);
		sim_vm *vm = sn ? model_vm(m, sn->vm_id) : model_vm(m, guid);
		if (sn && vm)
			in = vssd_snapshot(m, vm, sn, lang);
		else if (vm)
			in = vssd_realized(m, vm, lang);
	}
	if (in && !selectors_match(in, e)) {
		inst_free(in);
		in = NULL;
	}
	return in;
}

sim_inst *class_resolve(sim_model *m, const sim_epr *e, const char *lang)
{
	sim_list all = { 0 };
	sim_inst *found = resolve_by_instance_id(m, e, lang);
	size_t i;
	if (found)
		return found;
	class_instances(m, e->cls, lang, &all);
	for (i = 0; i < all.n && !found; i++) {
		if (selectors_match(all.v[i], e)) {
			found = all.v[i];
			all.v[i] = NULL;
		}
	}
	list_free(&all);
	return found;
}
