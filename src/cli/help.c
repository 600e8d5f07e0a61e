/* --help texts: the general usage and one page per command. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char general[] =
"Usage: hvsnap [OPTIONS] COMMAND [ARGS]\n"
"\n"
"Manage Hyper-V checkpoints from Linux over WS-Management (WinRM).\n"
"\n"
"Commands:\n"
"  identify                    WS-Man Identify: vendor, version, protocol\n"
"  vms                         list VMs: name, id, state\n"
"  create VM                   take a checkpoint (any kind) and wait for it\n"
"  list VM [--include-recovery]  the VM's checkpoints as a tree\n"
"  apply VM SNAPSHOT [--force] revert the VM to a checkpoint\n"
"  delete VM SNAPSHOT [--tree] delete a checkpoint (or it and its children)\n"
"  rename VM SNAPSHOT NEWNAME [--force]  rename a checkpoint\n"
"  job JOBID [--wait]          show or wait for a Hyper-V job\n"
"  clear-state VM SNAPSHOT     drop a checkpoint's saved memory state\n"
"  refpoint convert|list|delete VM [SNAPSHOT|REFPOINT]  reference points\n"
"  wsman SUB [RESOURCE] ...    raw WS-Management (identify get enumerate invoke put)\n"
"  doctor                      diagnose the connection and WinRM setup, with fixes\n"
"\n"
"VM is a display name or a GUID; SNAPSHOT is a name, a GUID or Microsoft:GUID.\n"
"\n"
"Connection options (also accepted after the command):\n"
"  -H, --host HOST       host name, IPv4 or IPv6 literal        [HVSNAP_HOST]\n"
"  -P, --port N          default 5986 (https) or 5985 (http)    [HVSNAP_PORT]\n"
"      --transport T     https (default) or http                [HVSNAP_TRANSPORT]\n"
"  -u, --user USER       user, DOMAIN\\user or user@REALM        [HVSNAP_USER]\n"
"      --password-file F read the password from F               [HVSNAP_PASSWORD]\n"
"                        (with neither, prompt without echo on a terminal)\n"
"  -a, --auth A          basic, ntlm, kerberos, negotiate (default), certificate\n"
"                                                                [HVSNAP_AUTH]\n"
"      --encryption E    auto (default), always, never: WinRM message encryption\n"
"      --cacert FILE     trust the CA certificates in FILE\n"
"      --insecure        do not verify the host's certificate\n"
"      --pin sha256//B64 accept only this public key\n"
"      --cert F --key F  client certificate and its unencrypted private key,\n"
"                        PEM (--auth certificate, https only)\n"
"      --timeout SECS    per request, connect + response (default 60)\n"
"      --spn-service S   Kerberos service name (default HTTP; some hosts use WSMAN)\n"
"      --spn-host NAME   Kerberos host name, when HOST is an address or an alias\n"
"      --allow-insecure-basic  permit Basic auth over plain http\n"
"\n"
"Passwords come from HVSNAP_PASSWORD or --password-file, else a prompt on the\n"
"terminal. Kerberos uses the ticket cache (kinit) when no password is given.\n"
"Over http, NTLM and Kerberos messages are encrypted (WinRM message encryption).\n"
"Certificate auth needs a certificate the host maps to an account (on Windows:\n"
"winrm/config/service/certmapping, by the UPN in its subjectAltName).\n"
"\n"
"Output options:\n"
"      --json            one JSON document on stdout\n"
"  -v, --verbose         diagnostics on stderr\n"
"      --trace           also dump SOAP messages on stderr (secrets redacted,\n"
"                        control characters escaped)\n"
"  -h, --help            this help, or 'hvsnap COMMAND --help'\n"
"      --version         print the version\n"
"\n"
"Fleet mode (vms list create delete apply reset start stop save), when the\n"
"command line names several VMs, a glob (*, ?, [...]), --all or an inventory:\n"
"      --inventory FILE  hosts and their settings (INI)       [HVSNAP_INVENTORY]\n"
"      --hosts GLOBS     only these hosts or groups of the inventory (comma list)\n"
"      --all             every VM of each host\n"
"      --parallel N      hosts at once (default 32)\n"
"      --per-host N      jobs at once on one host (default 8, at most 15)\n"
"One connection per host; output is one line per VM as it finishes (--json:\n"
"NDJSON). See 'hvsnap create --help' and man hvsnap (FLEET MODE).\n"
"\n"
"Exit codes: 0 ok, 1 operation failed on the host, 2 usage, 3 connection/TLS,\n"
"4 authentication, 5 not found or ambiguous, 6 timed out waiting, 7 protocol,\n"
"130 interrupted (Ctrl-C: the ids of jobs left running are printed).\n";

/* Appended to the page of every command that has a fleet mode. */
static const char fleet_page[] =
"\n"
"Fleet mode: hvsnap COMMAND [VM|GLOB...] [SNAPSHOT] [--all] [--inventory FILE]\n"
"                   [--hosts GLOBS] [--parallel N] [--per-host N]\n"
"Several VMs, a glob, --all or --inventory (HVSNAP_INVENTORY) run the command\n"
"on every VM named, on every host: one connection per host, --parallel hosts\n"
"at once (default 32), on each host up to --per-host jobs at once (default 8,\n"
"at most 15: the WMI provider's operations per user), followed together with\n"
"one query per poll. A SNAPSHOT is matched by name on each VM. The command\n"
"line's VMs replace the inventory's 'vms'; its options override the file.\n"
"  --json   one line per VM as it finishes: {\"host\",\"vm\":{\"name\",\"id\"},\n"
"           \"ok\":true|false, ...this command's fields... or \"error\":{...}}\n"
"  text     one line per VM as it finishes, a live count on a terminal's\n"
"           stderr, then a table per host\n"
"Exit 0 when every VM succeeded, else the code the failures share, or 1.\n"
"A host that is down or refuses the credentials fails only its own VMs.\n"
"Ctrl-C: no new request is sent, running jobs are printed with their ids\n"
"(with --json a line per unfinished VM carrying its job), exit 130.\n"
"Fleet mode has no --no-wait, and create no --type.\n";

static const struct {
	const char *command;
	const char *text;
} pages[] = {
	{ "identify",
	  "Usage: hvsnap identify [OPTIONS]\n"
	  "\n"
	  "Sends a WS-Man Identify and prints the host's product vendor, product\n"
	  "version and protocol version. Without --user the request is sent\n"
	  "unauthenticated, which WinRM answers when it allows anonymous Identify.\n"
	  "\n"
	  "JSON: {\"protocol_version\",\"product_vendor\",\"product_version\",\n"
	  "       \"security_profiles\":[...]}\n" },
	{ "vms",
	  "Usage: hvsnap vms [OPTIONS]\n"
	  "\n"
	  "Lists the host's virtual machines with their id (GUID) and state.\n"
	  "\n"
	  "JSON: {\"vms\":[{\"name\",\"id\",\"state\",\"state_code\"}]}\n" },
	{ "create",
	  "Usage: hvsnap create VM [--name NAME] [--type standard|production|production-only]\n"
	  "                        [--kind full|disk|recovery] [--consistency application|crash]\n"
	  "                        [--ignore-non-snapshottable-disks]\n"
	  "                        [--guest-backup-type full|copy]\n"
	  "                        [--no-wait] [--wait-timeout SECONDS]\n"
	  "\n"
	  "Takes a checkpoint of VM (CreateSnapshot), shows the job's progress and\n"
	  "reports the new checkpoint. CreateSnapshot is never sent twice.\n"
	  "\n"
	  "  --name NAME          rename the new checkpoint (at most 100 characters)\n"
	  "  --type TYPE          use this checkpoint type for this checkpoint only; the\n"
	  "                       VM's own setting is put back afterwards, even on failure\n"
	  "  --kind KIND          CreateSnapshot's SnapshotType: full (2, default), disk (3,\n"
	  "                       disks only) or recovery (32768, a backup checkpoint)\n"
	  "  --consistency C      application (1) or crash (2) consistent\n"
	  "  --ignore-non-snapshottable-disks  skip pass-through and Fibre Channel disks\n"
	  "  --guest-backup-type T  VSS backup type inside the guest: full (1) or copy (2)\n"
	  "                       (Windows 10 1703 / Server 2016 hosts and later)\n"
	  "                       These three go as one embedded\n"
	  "                       Msvm_VirtualSystemSnapshotSettingData in SnapshotSettings\n"
	  "                       (ConsistencyLevel, IgnoreNonSnapshottableDisks,\n"
	  "                       GuestBackupType); without them SnapshotSettings is empty.\n"
	  "                       Combinations are the host's to refuse: its answer is\n"
	  "                       shown with its code.\n"
	  "  --no-wait            print the job id and return at once\n"
	  "  --wait-timeout SECS  give up waiting after SECS (default 1800); exit 6, the\n"
	  "                       job goes on and 'hvsnap job ID --wait' can follow it\n"
	  "\n"
	  "JSON: {\"vm\":{\"name\",\"id\"},\"snapshot\":{\"id\",\"instance_id\",\"name\",\n"
	  "       \"parent_id\",\"created\",\"kind\",\"type\",\"saved\"},\n"
	  "       \"job\":{\"id\",\"state\",\"elapsed_ms\",...}}\n" },
	{ "list",
	  "Usage: hvsnap list VM [--include-recovery]\n"
	  "\n"
	  "Shows VM's checkpoints as a tree; the one the VM runs from is marked\n"
	  "(current), one holding saved memory state (saved), and any that is not a\n"
	  "plain checkpoint its kind: [recovery], [missing], [replica] or [other]\n"
	  "(from its VirtualSystemType; planned and unknown types are other).\n"
	  "\n"
	  "  --include-recovery   also show recovery checkpoints (a backup product's);\n"
	  "                       without it they are counted, not shown\n"
	  "\n"
	  "JSON: {\"vm\":{...},\"snapshots\":[{\"id\",\"instance_id\",\"name\",\n"
	  "       \"parent_id\",\"created\",\"current\",\"kind\",\"type\",\"saved\"}],\n"
	  "       \"hidden_recovery\":N}   kind: checkpoint|recovery|missing|replica|other\n" },
	{ "apply",
	  "Usage: hvsnap apply VM SNAPSHOT [--force] [--wait-timeout SECONDS]\n"
	  "\n"
	  "Reverts VM to SNAPSHOT (ApplySnapshot). The VM must be Off or Saved.\n"
	  "A recovery checkpoint (a backup product's) is refused (exit 2) unless\n"
	  "SNAPSHOT is its GUID and --force is given.\n"
	  "\n"
	  "JSON: {\"vm\",\"snapshot\",\"job\"}\n" },
	{ "delete",
	  "Usage: hvsnap delete VM SNAPSHOT [--tree] [--wait-timeout SECONDS]\n"
	  "\n"
	  "Deletes SNAPSHOT (DestroySnapshot); its children move up to its parent.\n"
	  "  --tree   delete SNAPSHOT and all of its children (DestroySnapshotTree)\n" },
	{ "rename",
	  "Usage: hvsnap rename VM SNAPSHOT NEWNAME [--force]\n"
	  "\n"
	  "Renames SNAPSHOT (ModifySystemSettings). NEWNAME has at most 100 characters.\n"
	  "A recovery checkpoint is refused (exit 2) unless SNAPSHOT is its GUID and\n"
	  "--force is given.\n"
	  "\n"
	  "JSON: {\"vm\",\"snapshot\",\"job\":null}\n" },
	{ "clear-state",
	  "Usage: hvsnap clear-state VM SNAPSHOT [--wait-timeout SECONDS]\n"
	  "\n"
	  "Drops SNAPSHOT's saved memory state (ClearSnapshotState); applying it then\n"
	  "leaves the VM Off instead of Saved.\n"
	  "\n"
	  "JSON: {\"vm\",\"snapshot\":{...,\"saved\"},\"job\"}\n" },
	{ "refpoint",
	  "Usage: hvsnap refpoint convert VM SNAPSHOT [--wait-timeout SECONDS]\n"
	  "       hvsnap refpoint list VM\n"
	  "       hvsnap refpoint delete VM REFPOINT [--wait-timeout SECONDS]\n"
	  "\n"
	  "Reference points (Msvm_VirtualSystemReferencePoint), what backup software\n"
	  "keeps of a recovery checkpoint for resilient change tracking.\n"
	  "  convert  ConvertToReferencePoint: SNAPSHOT must be a recovery checkpoint\n"
	  "           (else exit 2); it goes away and the new reference point is shown\n"
	  "  list     through Msvm_ReferencePointOfVirtualSystem: id, type (log or rct,\n"
	  "           whichever of the two documented numberings the host uses),\n"
	  "           consistency, creation time, disk and RCT ids\n"
	  "  delete   DestroyReferencePoint; REFPOINT is a GUID or Microsoft:GUID\n"
	  "\n"
	  "JSON: list {\"vm\",\"refpoints\":[R]}; convert {\"vm\",\"snapshot\",\"refpoint\":R,\n"
	  "       \"job\"}; delete {\"vm\",\"refpoint\":R,\"job\"}, where R is {\"id\",\n"
	  "       \"instance_id\",\"type\",\"type_code\",\"consistency\",\n"
	  "       \"has_associated_data\",\"created\",\"rct_ids\",\"disk_ids\"}\n" },
	{ "job",
	  "Usage: hvsnap job JOBID [--wait] [--wait-timeout SECONDS]\n"
	  "\n"
	  "Shows a Hyper-V job (Msvm_ConcreteJob) by its InstanceID, or with --wait\n"
	  "follows it to its end. Hosts remove jobs about 5 minutes after they end.\n"
	  "\n"
	  "JSON: {\"job\":{\"id\",\"state\",\"state_code\",\"percent\",\"error_code\",\n"
	  "       \"error_description\",\"elapsed_ms\"}}\n" },
	{ "wsman",
	  "Usage: hvsnap wsman identify\n"
	  "       hvsnap wsman get RESOURCE [-s KEY=VALUE]...\n"
	  "       hvsnap wsman enumerate RESOURCE [--wql QUERY] [--epr]\n"
	  "       hvsnap wsman invoke RESOURCE METHOD [-s KEY=VALUE]... [-p NAME=VALUE]...\n"
	  "                                           [--input FILE]\n"
	  "       hvsnap wsman put RESOURCE [-s KEY=VALUE]... --input FILE\n"
	  "\n"
	  "Raw WS-Management on any resource, with the same session, authentication,\n"
	  "encryption and errors as every other command. RESOURCE is a full resource\n"
	  "URI, or a WMI class name in --namespace.\n"
	  "\n"
	  "  --namespace NS       WMI namespace of a class name (default\n"
	  "                       root/virtualization/v2; root\\cimv2 style works too)\n"
	  "  -s, --selector K=V   a selector naming the instance (repeatable)\n"
	  "  --wql QUERY          enumerate with a WQL filter; a class name then stands\n"
	  "                       for its namespace's \"*\" URI\n"
	  "  --epr                enumerate endpoint references instead of instances\n"
	  "  -p, --param N=V      a method parameter as text (repeatable); N=@FILE sends\n"
	  "                       FILE's CIM-XML <INSTANCE> as an embedded instance\n"
	  "  --input FILE         invoke: the whole <p:METHOD_INPUT> element; put: the new\n"
	  "                       instance element (as 'wsman get' prints it); - is stdin\n"
	  "\n"
	  "Enumerate pulls every page. Output is the SOAP Body's content as indented\n"
	  "XML (enumerate: one <w:Items> holding every item).\n"
	  "\n"
	  "JSON: get, put, invoke, identify: {\"class\",\"resource_uri\",\"properties\":{}};\n"
	  "      enumerate: {\"instances\":[...]} or with --epr {\"eprs\":[...]}.\n"
	  "      Values are text (typed against nothing); xsi:nil is null; a repeated\n"
	  "      element an array (one item stays a scalar: WS-Man cannot tell);\n"
	  "      an EPR {\"address\",\"resource_uri\",\"selectors\":{}}; an embedded\n"
	  "      CIM-XML instance {\"class\",\"properties\"}; other nested elements\n"
	  "      objects, attributes as \"@name\".\n" },
	{ "doctor",
	  "Usage: hvsnap doctor [OPTIONS]\n"
	  "\n"
	  "Diagnoses the connection and the host's WinRM setup with the connection\n"
	  "options given, one check a line (ok, warn, fail), each problem with its\n"
	  "fix. A check that an earlier failure makes meaningless is not run. Checks:\n"
	  "name resolution, tcp, TLS (chain, name, expiry, pin; a port speaking plain\n"
	  "HTTP), anonymous Identify, the auth schemes of the 401, the host's clock\n"
	  "(Date header; Kerberos allows 300 s), Kerberos SPN, authentication, message\n"
	  "encryption, channel binding, access to root/virtualization/v2 (UAC filtering\n"
	  "of local administrators: LocalAccountTokenFilterPolicy), and where the\n"
	  "account may read them winrm/config (AllowUnencrypted, Basic,\n"
	  "CbtHardeningLevel, MaxEnvelopeSizekb, MaxTimeoutms,\n"
	  "MaxConcurrentOperationsPerUser) and the WMI Provider plugin's quotas.\n"
	  "\n"
	  "Exit 0 when no check failed (warnings allowed), 1 otherwise.\n"
	  "\n"
	  "JSON: [{\"check\",\"status\",\"detail\",\"fix\"}] (fix null when ok)\n" },
};

void cli_print_help(FILE *out, const char *command)
{
	if (command) {
		for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
			if (strcmp(pages[i].command, command) == 0) {
				fputs(pages[i].text, out);
				const cli_command *c = cli_find_command(command);
				if (c && c->fleet != CLI_FLEET_NO)
					fputs(fleet_page, out);
				fputs("\nSee 'hvsnap --help' for the connection and output options.\n", out);
				return;
			}
	}
	fputs(general, out);
}
