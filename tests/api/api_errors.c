/* The error contract of the public API: every call takes a NULL err (and
 * still returns the right status), options of an unknown version are
 * HVSNAP_ERR_USAGE before anything is sent, "not found" and "ambiguous"
 * have their own kinds (the candidates in detail), code_kind says what the
 * code is (WS-Man fault, WMI return value, HTTP status), and no message
 * names a CLI option: the library speaks to programs, not to shell users. */
#include "api_test.h"

int main(void)
{
	hvsnap_session *s = api_session();
	hvsnap_error err;
	hvsnap_status st;
	hvsnap_vm *vm = NULL;
	size_t mark;

	/* --- options versions ------------------------------------------------ */
	hvsnap_session_options so;
	CHECK(hvsnap_session_options_init(&so, 99) == HVSNAP_ERR_USAGE, "session options v99");
	CHECK(hvsnap_session_options_init(&so, HVSNAP_SESSION_OPTIONS_VERSION) == HVSNAP_OK &&
	      so.version == HVSNAP_SESSION_OPTIONS_VERSION && so.host == NULL, "session options init");
	hvsnap_session *other = NULL;
	so.host = "127.0.0.1";
	so.version = 0;
	api_expect_error("session options v0", hvsnap_session_new(&other, &so, &err),
	                 HVSNAP_ERR_USAGE, &err);
	CHECK(other == NULL, "no session");
	so.version = HVSNAP_SESSION_OPTIONS_VERSION + 1;
	CHECK(hvsnap_session_new(&other, &so, NULL) == HVSNAP_ERR_USAGE, "v2, NULL err");
	hvsnap_enum_options eo;
	CHECK(hvsnap_enum_options_init(&eo, 0) == HVSNAP_ERR_USAGE, "enum options v0");
	hvsnap_wait_options wo;
	CHECK(hvsnap_wait_options_init(&wo, 2) == HVSNAP_ERR_USAGE, "wait options v2");
	hvsnap_create_options co;
	CHECK(hvsnap_create_options_init(&co, HVSNAP_CREATE_OPTIONS_VERSION) == HVSNAP_OK &&
	      co.kind == HVSNAP_SNAPSHOT_FULL && co.wait.version == HVSNAP_WAIT_OPTIONS_VERSION,
	      "create options init sets the nested wait version");
	CHECK(hvsnap_create_options_init(&co, 7) == HVSNAP_ERR_USAGE, "create options v7");

	CHECK(hvsnap_vm_find(s, "db01", &vm, &err) == HVSNAP_OK, "find db01: %s", err.message);
	mark = api_log_lines();
	hvsnap_snapshot *snap = NULL;
	hvsnap_job *job = NULL;
	hvsnap_create_options bad = HVSNAP_CREATE_OPTIONS_INIT;
	bad.version = 0;
	api_expect_error("create options v0", hvsnap_snapshot_create(s, vm, &bad, &snap, &job, &err),
	                 HVSNAP_ERR_USAGE, &err);
	bad = (hvsnap_create_options)HVSNAP_CREATE_OPTIONS_INIT;
	bad.wait.version = 0;   /* the nested wait options too */
	api_expect_error("create with wait options v0",
	                 hvsnap_snapshot_create(s, vm, &bad, &snap, &job, &err), HVSNAP_ERR_USAGE, &err);
	CHECK(job == NULL && snap == NULL, "nothing made");
	hvsnap_enum_options be = HVSNAP_ENUM_OPTIONS_INIT;
	be.version = 3;
	be.resource_uri = HVSNAP_WMI_V2_URI "Msvm_ComputerSystem";
	hvsnap_enum *e = NULL;
	api_expect_error("enum options v3", hvsnap_enum_start(s, &be, &e, &err), HVSNAP_ERR_USAGE, &err);
	hvsnap_wait_options bw = HVSNAP_WAIT_OPTIONS_INIT;
	bw.version = 9;
	api_expect_error("wait options v9", hvsnap_job_wait(s, "x", &bw, &job, &err),
	                 HVSNAP_ERR_USAGE, &err);
	CHECK(api_log_lines() == mark, "a wrong version sends nothing (%zu requests)",
	      api_log_lines() - mark);

	/* --- not found and ambiguous -------------------------------------------- */
	hvsnap_vm *none = NULL;
	st = hvsnap_vm_find(s, "no-such-vm", &none, &err);
	api_expect_error("an unknown VM", st, HVSNAP_ERR_NOT_FOUND, &err);
	CHECK(strstr(err.message, "no-such-vm") != NULL, "message names it: %s", err.message);
	CHECK(hvsnap_vm_find(s, "no-such-vm", &none, NULL) == HVSNAP_ERR_NOT_FOUND, "NULL err");
	st = hvsnap_vm_find(s, "DUP", &none, &err);
	api_expect_error("two VMs of one name", st, HVSNAP_ERR_AMBIGUOUS, &err);
	CHECK(strstr(err.detail, "41111111-2222-4333-8444-555555555503") &&
	      strstr(err.detail, "41111111-2222-4333-8444-555555555504"),
	      "candidates in detail: %s", err.detail);
	CHECK(none == NULL, "no VM");
	CHECK(hvsnap_vm_find(s, "dup", &none, NULL) == HVSNAP_ERR_AMBIGUOUS, "ambiguous, NULL err");

	hvsnap_vm *ci = NULL;
	CHECK(hvsnap_vm_find(s, "ci-runner", &ci, NULL) == HVSNAP_OK, "find ci-runner");
	st = hvsnap_snapshot_find(s, ci, "nope", &snap, &err);
	api_expect_error("an unknown checkpoint", st, HVSNAP_ERR_NOT_FOUND, &err);
	st = hvsnap_snapshot_find(s, ci, "twin", &snap, &err);
	api_expect_error("two checkpoints of one name", st, HVSNAP_ERR_AMBIGUOUS, &err);
	CHECK(strstr(err.detail, "51111111-2222-4333-8444-555555555503") &&
	      strstr(err.detail, "51111111-2222-4333-8444-555555555504"), "candidates: %s", err.detail);
	CHECK(hvsnap_snapshot_find(s, ci, "twin", &snap, NULL) == HVSNAP_ERR_AMBIGUOUS, "NULL err");
	CHECK(hvsnap_snapshot_find(s, ci, "51111111-2222-4333-8444-555555555504", &snap, NULL) ==
	      HVSNAP_OK && snap, "by GUID");
	hvsnap_snapshot_free(snap);
	snap = NULL;

	st = hvsnap_job_get(s, "00000000-0000-4000-8000-000000000000", &job, &err);
	api_expect_error("an unknown job", st, HVSNAP_ERR_NOT_FOUND, &err);
	CHECK(hvsnap_job_get(s, "00000000-0000-4000-8000-000000000000", &job, NULL) ==
	      HVSNAP_ERR_NOT_FOUND, "NULL err");
	CHECK(hvsnap_job_wait(s, "00000000-0000-4000-8000-000000000000", NULL, &job, NULL) ==
	      HVSNAP_ERR_NOT_FOUND && job == NULL, "wait for an unknown job, NULL err");

	/* --- code kinds ----------------------------------------------------------- */
	hvsnap_epr *epr = hvsnap_epr_new(HVSNAP_WMI_V2_URI "Msvm_ComputerSystem");
	hvsnap_epr_add_selector(epr, "NoSuchKey", "x");
	hvsnap_cim_instance *inst = NULL;
	st = hvsnap_wsman_get(s, epr, &inst, &err);
	api_expect_error("a bad selector", st, HVSNAP_ERR_FAULT, &err);
	CHECK(err.code_kind == HVSNAP_CODE_WSMAN && err.code == 2150858843LL &&
	      strcmp(err.fault_subcode, "InvalidSelectors") == 0 && strcmp(err.fault_code, "Sender") == 0,
	      "fault: %lld %d %s/%s", (long long)err.code, (int)err.code_kind, err.fault_code,
	      err.fault_subcode);
	CHECK(strcmp(hvsnap_code_kind_name(err.code_kind), "wsman") == 0, "code kind name");
	CHECK(hvsnap_wsman_get(s, epr, &inst, NULL) == HVSNAP_ERR_FAULT, "fault, NULL err");
	hvsnap_epr_free(epr);

	hvsnap_vm *broken = NULL;
	CHECK(hvsnap_vm_find(s, "broken", &broken, NULL) == HVSNAP_OK, "find broken");
	st = hvsnap_snapshot_create(s, broken, NULL, &snap, &job, &err);
	api_expect_error("a failed job", st, HVSNAP_ERR_FAILED, &err);
	CHECK(err.code_kind == HVSNAP_CODE_WMI && err.code == 32768, "WMI code %lld", (long long)err.code);
	hvsnap_job_free(job);
	job = NULL;
	CHECK(hvsnap_snapshot_create(s, broken, NULL, &snap, &job, NULL) == HVSNAP_ERR_FAILED,
	      "failed job, NULL err");
	hvsnap_job_free(job);
	job = NULL;
	hvsnap_vm_free(broken);

	/* Wrong password: an authentication failure with the HTTP status. */
	hvsnap_session_options wrong = HVSNAP_SESSION_OPTIONS_INIT;
	wrong.host = getenv("HVSNAP_HOST");
	wrong.port = (uint32_t)atoi(getenv("HVSNAP_PORT"));
	wrong.transport = HVSNAP_TRANSPORT_HTTP;
	wrong.user = getenv("HVSNAP_USER");
	wrong.password = "not the password";
	CHECK(hvsnap_session_new(&other, &wrong, NULL) == HVSNAP_OK, "session with a wrong password");
	hvsnap_vm_list *vms = NULL;
	st = hvsnap_vm_list_get(other, &vms, &err);
	api_expect_error("a wrong password", st, HVSNAP_ERR_AUTH, &err);
	CHECK(err.code_kind == HVSNAP_CODE_HTTP && err.code == 401, "HTTP %lld kind %d",
	      (long long)err.code, (int)err.code_kind);
	CHECK(strstr(err.message, "not the password") == NULL && strstr(err.detail, "not the password") == NULL,
	      "the password is not in the error");
	CHECK(hvsnap_vm_list_get(other, &vms, NULL) == HVSNAP_ERR_AUTH, "auth, NULL err");
	hvsnap_session_free(other);

	/* Nobody listening: a connection failure. */
	wrong.port = 1;
	wrong.connect_timeout_ms = 2000;
	CHECK(hvsnap_session_new(&other, &wrong, NULL) == HVSNAP_OK, "session to port 1");
	st = hvsnap_vm_list_get(other, &vms, &err);
	api_expect_error("nobody listening", st, HVSNAP_ERR_CONNECT, &err);
	hvsnap_session_free(other);

	/* Bad arguments: usage errors with NULL err, nothing sent. */
	mark = api_log_lines();
	CHECK(hvsnap_snapshot_find(s, ci, "", &snap, NULL) != HVSNAP_OK, "empty checkpoint name");
	CHECK(hvsnap_job_get(s, "", &job, NULL) == HVSNAP_ERR_USAGE, "empty job id");
	CHECK(hvsnap_snapshot_from_job(s, NULL, &snap, NULL) == HVSNAP_ERR_USAGE, "NULL job");
	const char *ids[1] = { NULL };
	hvsnap_job_list *jl = NULL;
	CHECK(hvsnap_job_poll(s, ids, 1, &jl, NULL) == HVSNAP_ERR_USAGE, "NULL id");
	hvsnap_create_options named = HVSNAP_CREATE_OPTIONS_INIT;
	named.name = "";
	st = hvsnap_snapshot_create(s, vm, &named, &snap, &job, &err);
	api_expect_error("an empty checkpoint name", st, HVSNAP_ERR_USAGE, &err);
	named.name = "x";
	named.wait.no_wait = 1;
	st = hvsnap_snapshot_create(s, vm, &named, &snap, &job, &err);
	api_expect_error("a name without waiting", st, HVSNAP_ERR_USAGE, &err);
	CHECK(api_log_count(mark, LOG_ANY_METHOD, NULL) == 0, "nothing invoked by bad arguments");

	/* Names and texts. */
	CHECK(strcmp(hvsnap_status_name(HVSNAP_ERR_BUSY), "busy") == 0, "busy");
	CHECK(strcmp(hvsnap_status_name(HVSNAP_ERR_CANCELLED), "cancelled") == 0, "cancelled");
	CHECK(hvsnap_code_kind_name(HVSNAP_CODE_NONE) == NULL, "no code kind name");
	CHECK(strcmp(hvsnap_return_code_text(32775), "Invalid state for this operation") == 0,
	      "32775: %s", hvsnap_return_code_text(32775));
	hvsnap_error_clear(NULL);
	hvsnap_error_clear(&err);
	CHECK(err.kind == HVSNAP_OK && err.message[0] == '\0', "cleared");

	hvsnap_vm_free(ci);
	hvsnap_vm_free(vm);
	hvsnap_session_free(s);
	return api_done("api_errors");
}
