/* The simulated Hyper-V host: VMs, their settings and snapshot trees, jobs
 * and affected-element rows, plus the scenario policy (users, auth, faults).
 * Plain structs here; classes.c turns them into WMI instances on demand so
 * every answer reflects the current state. All access holds ctx->lock. */
#ifndef HVSIM_MODEL_H
#define HVSIM_MODEL_H

#include "sim.h"

#define GUID_LEN 37

enum { VM_RUNNING = 2, VM_OFF = 3, VM_SAVED = 6, VM_PAUSED = 9 };
/* EnabledState while a power job runs (v2 EnabledState / VMState values;
 * quirks.transition_states "v1" shows the v1 codes instead, power.c) */
enum { VM_STOPPING = 4, VM_STARTING = 10, VM_SAVING = 32773,
       VM_PAUSING = 32776, VM_RESUMING = 32777 };
enum { UST_DISABLED = 2, UST_PRODUCTION = 3, UST_PRODUCTION_ONLY = 4,
       UST_STANDARD = 5 };
enum { JS_NEW = 2, JS_RUNNING = 4, JS_COMPLETED = 7, JS_TERMINATED = 8,
       JS_KILLED = 9, JS_EXCEPTION = 10, JS_WARNINGS = 32768 };
/* Ended badly: OperationalStatus not OK, so GetError has an Msvm_Error. */
#define JOB_FAILED(j) ((j)->state == JS_TERMINATED || \
                       (j)->state == JS_KILLED || \
                       (j)->state == JS_EXCEPTION)
enum job_kind { JK_CREATE, JK_APPLY, JK_DESTROY, JK_DESTROY_TREE, JK_STATE,
                JK_SHUTDOWN, JK_CLEAR_STATE, JK_CONVERT, JK_DESTROY_REFPOINT };
#define SNAP_REALIZED "Microsoft:Hyper-V:Snapshot:Realized"
#define SNAP_RECOVERY "Microsoft:Hyper-V:Snapshot:Recovery"

/* How a job ends. state 0 means it never ends (fault injection). */
typedef struct sim_outcome {
	int state;
	unsigned error_code;
	char *error_description;
	/* the scenario said null: ErrorDescription is nil, as some hosts
	 * leave it, so a client has to ask GetError for the reason */
	int description_nil;
	char *error_message;     /* Msvm_Error.Message, NULL: from the text */
} sim_outcome;

typedef struct sim_snap {
	char id[GUID_LEN];       /* upper-case GUID; InstanceID "Microsoft:<id>" */
	char vm_id[GUID_LEN];
	char parent_id[GUID_LEN]; /* "" for a root snapshot */
	char *name;
	char *notes;
	long long created_ms;
	int is_saved;
	char *vs_type;           /* VirtualSystemType; NULL: SNAP_REALIZED */
	int consistency;         /* ConsistencyLevel it was taken with, 0 */
	int vm_state;            /* state the VM had when it was taken */
} sim_snap;

/* Msvm_VirtualSystemReferencePoint: what ConvertToReferencePoint leaves
 * of a recovery snapshot. One virtual disk per VM. */
typedef struct sim_refpoint {
	char id[GUID_LEN];       /* InstanceID "Microsoft:<id>" */
	char vm_id[GUID_LEN];
	int rct;                 /* 1: RCT based, 0: log based */
	int consistency;         /* 1 application, 2 crash */
	int has_data;            /* HasAssociatedData (log based only) */
	long long created_ms;
} sim_refpoint;

typedef struct sim_vm {
	char id[GUID_LEN];
	char *name;
	char *notes;
	int state;
	int user_snapshot_type;
	int guest_vss;           /* production checkpoints possible */
	char current[GUID_LEN];  /* current snapshot, "" when none */
	long long installed_ms;
	long long state_ms;
	int busy;                /* OperationalStatus[1] while a job runs, or 0 */
	int has_outcome;         /* per-VM job outcome override */
	sim_outcome outcome;
	int auto_snapshots;      /* AutomaticSnapshotsEnabled */
	char last_applied[GUID_LEN]; /* Msvm_LastAppliedSnapshot, "" none */
	int transition;          /* EnabledState while a power job runs, 0 */
	/* the guest (power.c): integration services, readiness, KVP */
	int integration;         /* heartbeat, KVP, shutdown components */
	int never_ready;         /* heartbeat stays No Contact */
	int guest_locked;        /* InitiateShutdown without Force: 32781 */
	long long boot_ms;       /* start until the heartbeat answers */
	long long ready_ms;      /* when it answers(ed) while running */
	unsigned heartbeat[2];   /* OperationalStatus once ready */
	size_t nheartbeat;
	char *fqdn;              /* KVP FullyQualifiedDomainName */
	char *ipv4, *ipv6;       /* KVP NetworkAddressIPv4/6, ';'-joined */
} sim_vm;

typedef struct sim_job {
	char id[GUID_LEN];
	enum job_kind kind;
	int job_type;            /* Msvm_ConcreteJob.JobType */
	char vm_id[GUID_LEN];
	char snap_id[GUID_LEN];  /* the target, or the snapshot being created */
	int arg;                 /* requested state, snapshot type */
	int consistency;         /* CreateSnapshot's ConsistencyLevel, or 0 */
	long long submitted_ms;
	long long duration_ms;
	long long ended_ms;      /* -1 while not ended */
	int state;
	unsigned pct;
	sim_outcome outcome;     /* what will happen at the end */
	unsigned error_code;
	char *error_description;
	char *error_message;     /* Msvm_Error.Message once the job failed */
	int cancellable;
} sim_job;

typedef struct sim_aje {
	char job_id[GUID_LEN];
	sim_epr element;
	unsigned effect;
} sim_aje;

typedef struct sim_user {
	char *name;
	char *domain;
	char *password;
	char *certificate;       /* PEM path: this exact client cert maps here */
	unsigned char *cert_der; /* that certificate, loaded by cert_init */
	size_t cert_der_len;
	int uac_filtered;        /* a local non-built-in admin under UAC remote
	                          * filtering: root/virtualization/v2 and
	                          * winrm/config give w:AccessDenied */
} sim_user;

enum { CBT_NONE, CBT_RELAXED, CBT_STRICT };

enum fault_kind { FK_LATENCY, FK_DROP, FK_GARBAGE, FK_TRUNCATE, FK_503,
                  FK_TAMPER, FK_QUOTA };
typedef struct sim_inject_rule {
	enum fault_kind kind;
	unsigned long on_request;  /* the Nth matching request; 0: every one */
	unsigned long first;       /* or each of the first N; 0: see on_request */
	char *action_contains;     /* match only bodies containing this text */
	unsigned latency_ms;
	unsigned long seen;        /* matching requests so far */
} sim_inject_rule;

typedef struct sim_scenario {
	sim_user *users;
	size_t nusers;
	int basic;                 /* Basic offered */
	int negotiate;             /* Negotiate offered */
	int allow_unencrypted;     /* AllowUnencrypted */
	int cbt_hardening;         /* CbtHardeningLevel: CBT_NONE/RELAXED/STRICT */
	char *keytab;
	char *client_ca;           /* PEM path: CA of client certificates */
	char *client_ca_pem;       /* its contents, loaded by cert_init */
	sim_inject_rule *rules;
	size_t nrules;
	/* scenario "winrm_config": what a Get of winrm/config and of the WMI
	 * Provider plugin's configuration shows */
	int config_readable;
	long long max_envelope_kb;
	long long max_timeout_ms;
	long long service_max_ops_per_user;
	long long wmi_max_ops_per_user;
	/* winrm_config.enforce_quotas: more concurrent requests of one user
	 * than wmi_max_ops_per_user get QuotaLimit; 0: not enforced */
	long long enforce_ops_per_user;
	long long clock_skew_s;    /* quirks.clock_skew_s: added to HTTP Date */
} sim_scenario;

typedef struct sim_model {
	char *host;
	char *locale;
	sim_vm *vms;
	size_t nvms;
	sim_snap *snaps;
	size_t nsnaps;
	sim_job *jobs;
	size_t njobs;
	sim_aje *ajes;
	size_t najes;
	sim_refpoint *refpoints;
	size_t nrefpoints;
	long long boot_ms;
	long long job_duration_ms;
	long long job_retention_ms;
	sim_outcome job_outcome;   /* default outcome */
	/* host quirks (scenario "quirks"), for clients to be tested against */
	int modify_noop;           /* ModifySystemSettings: 0, changes nothing */
	int v1_transitions;        /* v1 EnabledState codes while changing */
	int shutdown_job;          /* InitiateShutdown answers 4096 + job */
	int refpoint_type_base;    /* ReferencePointType of log based: 1 or 0 */
} sim_model;

/* model.c */
sim_model *model_new(void);
void model_free(sim_model *m);
long long now_ms(void);              /* wall clock, ms since the epoch */
void guid_upper(char out[GUID_LEN]); /* fresh upper-case GUID */
sim_vm *model_vm(sim_model *m, const char *id);
sim_snap *model_snap(sim_model *m, const char *id);
sim_job *model_job(sim_model *m, const char *id);
sim_vm *model_add_vm(sim_model *m, const char *name);
sim_snap *model_add_snap(sim_model *m, sim_vm *vm, const char *name,
                         const char *parent_id, long long created_ms);
void model_remove_snap(sim_model *m, const char *id);
/* The snapshot's VirtualSystemType (never NULL). */
const char *model_snap_type(const sim_snap *s);
sim_refpoint *model_refpoint(sim_model *m, const char *id);
sim_refpoint *model_add_refpoint(sim_model *m, const char *vm_id);
void model_remove_refpoint(sim_model *m, const char *id);
void model_add_aje(sim_model *m, const char *job_id, const sim_epr *e,
                   unsigned effect);
/* Default snapshot name: "<VM> - (MM/DD/YYYY - hh:mm:ss AM)". */
char *model_default_snap_name(const char *vm, long long ms);
void outcome_free(sim_outcome *o);
void outcome_copy(sim_outcome *dst, const sim_outcome *src);

/* classes.c */
int class_known(const char *cls);
int class_is_association(const char *cls);
/* Key property names of a class (NULL-terminated) for selector checks. */
const char *const *class_keys(const char *cls);
/* Every instance of cls, freshly built in lang ("ja-JP" localizes). */
void class_instances(sim_model *m, const char *cls, const char *lang,
                     sim_list *out);
/* The Msvm_ConcreteJob instances whose InstanceID occurs in text
 * (case-insensitive): the candidates of a query that names its jobs. */
void class_jobs_named(sim_model *m, const char *text, sim_list *out);
/* The instance an EPR points at, or NULL. */
sim_inst *class_resolve(sim_model *m, const sim_epr *e, const char *lang);
/* The EPR of an instance (its class keys). */
void class_epr(const sim_inst *in, sim_epr *out);
/* WMI object path text for Parent properties. */
char *class_snap_path(const sim_model *m, const char *snap_id);
/* The i-th association class, or NULL past the last (for ASSOCIATORS OF). */
const char *class_association(size_t i);
/* EPRs of the model's objects, as classes write them. */
void class_cs_epr(sim_epr *e, const char *vm_id);
void class_vssd_epr(sim_epr *e, const char *id);
void class_refpoint_epr(sim_epr *e, const sim_refpoint *rp);

/* guest.c: the integration components of running VMs. */
int guest_class(const char *cls);  /* one of guest.c's classes */
void guest_instances(sim_model *m, const char *cls, const char *lang,
                     long long now, sim_list *out);
/* Guest readiness: the heartbeat answers (OK or whatever it is set to). */
int guest_ready(const sim_vm *vm, long long now);

/* jobs.c */
sim_job *jobs_start(sim_model *m, enum job_kind kind, const char *vm_id,
                    const char *snap_id, int arg);
/* When the job ends (start + duration), or -1 for one that never does.
 * Inline: classes.c reads it, and jobs.c calls classes.c. */
static inline long long jobs_due(const sim_job *j)
{
	return j->outcome.state == 0 ? -1 : j->submitted_ms + j->duration_ms;
}
/* Brings every job to where it stands at now (see jobs.c). */
void jobs_tick(sim_model *m, long long now);
/* The EnabledState a VM shows while a power job moves it towards
 * RequestedState want (3 also for a guest shutdown), honouring
 * quirks.transition_states. */
int jobs_transition(const sim_model *m, const sim_vm *vm, int want);
/* Job RequestStateChange; returns the method's ReturnValue. */
unsigned jobs_request_state(sim_model *m, sim_job *j, unsigned requested);

/* One simulated host of a fleet scenario: its model, policy and port. */
typedef struct sim_host {
	sim_model *m;
	sim_scenario sc;
	unsigned port;             /* 0: any free port */
} sim_host;

/* scenario.c: 0 on success; on error *err is a malloc'd message. */
int scenario_load(const char *path, sim_model *m, sim_scenario *sc,
                  char **err);
void scenario_demo(sim_model *m, sim_scenario *sc);
void scenario_free(sim_scenario *sc);
/* The hosts of path (NULL: the demo host): one, or several when the file
 * has "hosts"; copies > 0 (hvsim --hosts N) makes N numbered copies of a
 * single-host scenario. 0 with *hosts (free with scenario_free_hosts) and
 * *n set, or -1 with *err. */
int scenario_load_hosts(const char *path, unsigned copies, sim_host **hosts,
                        size_t *n, char **err);
void scenario_free_hosts(sim_host *hosts, size_t n);

#endif
