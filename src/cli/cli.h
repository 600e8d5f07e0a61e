/* Shared state of the hvsnap tool: parsed options and the helpers every
 * command uses. The tool is a client of the public libhvsnap API only. */
#ifndef HVSNAP_CLI_H
#define HVSNAP_CLI_H

#include <stdio.h>
#include "hvsnap/hvsnap.h"

/* Exit codes of CLI.md. */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_CONNECT = 3,
	EXIT_AUTH = 4,
	EXIT_NOT_FOUND = 5,
	EXIT_TIMEOUT = 6,
	EXIT_PROTOCOL = 7,
	EXIT_INTERRUPTED = 130  /* SIGINT/SIGTERM: 128 + SIGINT, as shells do */
};

#define CLI_MAX_ARGS 512  /* fleet mode takes many VM arguments */
#define CLI_MAX_REPEAT 64  /* -s and -p given more than once */

typedef struct cli_options {
	/* connection */
	const char *host;
	char host_buf[256];     /* the host of a URL given as -H */
	unsigned port;
	int transport_set;
	hvsnap_transport transport;
	const char *user;
	const char *password_file;
	int auth_set;
	hvsnap_auth auth;
	hvsnap_encryption encryption;
	const char *cacert;
	int insecure;
	const char *pin;
	const char *cert;
	const char *key;
	long timeout_s;
	const char *spn_service;
	const char *spn_host;
	int allow_insecure_basic;
	/* output */
	int json;
	int verbose;
	int trace;
	/* the command and its operands */
	const char *command;
	const char *args[CLI_MAX_ARGS];
	int n_args;
	/* command options */
	const char *name;       /* create --name */
	const char *type;       /* create --type */
	int no_wait;            /* create --no-wait */
	long wait_timeout_s;    /* --wait-timeout, -1 when not given */
	int tree;               /* delete --tree */
	int wait;               /* job --wait */
	/* VM power and CI reset */
	int turn_off;           /* stop --turn-off */
	int force;              /* stop, apply, rename, reset --force */
	int until_ready;        /* wait --ready */
	int until_ip;           /* wait --ip */
	const char *until_state;/* wait --state S */
	int no_start;           /* reset --no-start */
	int wait_ready;         /* start/reset --wait-ready */
	int wait_ip;            /* reset --wait-ip */
	const char *auto_checkpoints; /* policy --auto-checkpoints on|off */
	/* checkpoint kinds and settings (create, list, apply, rename) */
	const char *kind;       /* create --kind */
	const char *consistency; /* create --consistency */
	int ignore_nonsnap;     /* create --ignore-non-snapshottable-disks */
	const char *guest_backup_type; /* create --guest-backup-type */
	int include_recovery;   /* list --include-recovery */
	int help;
	int version;
	/* wsman */
	const char *namespace_; /* --namespace, NULL: root/virtualization/v2 */
	const char *selectors[CLI_MAX_REPEAT]; /* -s KEY=VALUE */
	int n_selectors;
	const char *params[CLI_MAX_REPEAT];    /* -p NAME=VALUE */
	int n_params;
	const char *wql;        /* --wql */
	int epr;                /* --epr */
	const char *input;      /* --input FILE */
	/* fleet mode (fleet.c) */
	int fleet;              /* decided by cli_parse_args from the command line */
	int host_given;         /* -H/--host on the command line */
	const char *inventory;  /* --inventory FILE, HVSNAP_INVENTORY */
	const char *hosts;      /* --hosts GLOB[,GLOB...] */
	int all;                /* --all */
	long parallel;          /* --parallel N, 0: default */
	long per_host;          /* --per-host N, 0: default */
	/* tables */
	int no_headers;         /* vms --no-headers */
	const char *output;     /* vms -o name|wide */
} cli_options;

/* Parses argv and the HVSNAP_* environment into o. On a usage error prints
 * the reason to stderr and returns EXIT_USAGE; otherwise EXIT_OK. */
int cli_parse_args(int argc, char **argv, cli_options *o);

/* Prints general or per-command help to out. */
void cli_print_help(FILE *out, const char *command);

/* --version: versions, features, libraries (version.c). */
void cli_print_version(FILE *out);

/* Maps a library status to an exit code (CLI.md). */
int cli_exit_code(hvsnap_status status);

/* The hvsnap options, variables or commands that fix a library error
 * (hints.c): the library's messages never name CLI flags. */
#define CLI_MAX_HINTS 4
typedef struct cli_hints {
	int n;
	char text[CLI_MAX_HINTS][512];
} cli_hints;
void cli_hints_for(const cli_options *o, const hvsnap_error *err, cli_hints *h);

/* Reports err on stderr (human) or as {"error":{...}} on stdout (--json) and
 * returns its exit code. */
int cli_report_error(const cli_options *o, const hvsnap_error *err);
/* The human form of cli_report_error: message, detail, hints, job. */
void cli_print_error(const cli_options *o, const hvsnap_error *err);
/* Names a job on stderr and, when it still runs on the host, the command
 * that follows it. */
void cli_print_job_hint(const char *job_id, int still_running);
/* Same for an error the tool itself found (bad usage and the like). */
int cli_report_usage(const cli_options *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Reads the password: HVSNAP_PASSWORD, --password-file, or a no-echo prompt
 * on the terminal. Returns a malloc'd string (wipe it) or NULL with the
 * reason in err. */
char *cli_read_password(const cli_options *o, hvsnap_error *err);
void cli_wipe_password(char *password);

/* Opens a session from the options; with need_auth 0 and no user given, an
 * unauthenticated session (enough for Identify). */
int cli_open_session(const cli_options *o, int need_auth, hvsnap_session **out);

/* signals.c: SIGINT/SIGTERM interrupt every watched session (main
 * installs the handler; cli_open_session watches what it opens). Close
 * sessions with cli_close_session, so the handler never sees a freed one. */
void cli_signals_install(void);
void cli_signals_watch(hvsnap_session *s);
int cli_signal_received(void);
void cli_close_session(hvsnap_session *s);

/* Trace sink for -v / --trace: writes to stderr. */
void cli_trace(void *ctx, hvsnap_trace_kind kind, const char *text, size_t len);

/* How a command takes part in fleet mode. */
enum {
	CLI_FLEET_NO = 0,       /* single target only */
	CLI_FLEET_VMS,          /* VM... */
	CLI_FLEET_VMS_SNAPSHOT  /* VM... SNAPSHOT (the last operand) */
};

typedef struct cli_command {
	const char *name;
	int min_args, max_args;
	int (*run)(const cli_options *o);
	int fleet;              /* CLI_FLEET_* */
} cli_command;

/* The command called name, or NULL. */
const cli_command *cli_find_command(const char *name);
/* The i-th command's name, NULL past the end (a name_at for cli_closest). */
const char *cli_command_name_at(const void *unused, size_t i);

/* The name among n (name_at(set, i) for each i) closest to word, when one
 * is close enough to be a likely typo; else NULL (suggest.c). */
const char *cli_closest(const char *word, const char *(*name_at)(const void *set, size_t i),
                        const void *set, size_t n);

/* fleet.c: whether the command line asked for fleet mode (CLI.md), and
 * running a command over every target. */
int cli_fleet_mode(const cli_options *o);
int cli_run_fleet(const cli_options *o);
/* Fills session options from o (connect.c), without the password. */
void cli_session_options(const cli_options *o, hvsnap_session_options *so);

/* Commands. */
int cmd_identify(const cli_options *o);
int cmd_vms(const cli_options *o);
int cmd_create(const cli_options *o);
int cmd_list(const cli_options *o);
int cmd_apply(const cli_options *o);
int cmd_delete(const cli_options *o);
int cmd_rename(const cli_options *o);
int cmd_job(const cli_options *o);
int cmd_show(const cli_options *o);
int cmd_start(const cli_options *o);
int cmd_stop(const cli_options *o);
int cmd_save(const cli_options *o);
int cmd_pause(const cli_options *o);
int cmd_resume(const cli_options *o);
int cmd_wait(const cli_options *o);
int cmd_reset(const cli_options *o);
int cmd_policy(const cli_options *o);
int cmd_clear_state(const cli_options *o);
int cmd_refpoint(const cli_options *o);
int cmd_wsman(const cli_options *o);
int cmd_doctor(const cli_options *o);

#endif
