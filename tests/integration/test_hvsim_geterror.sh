#!/usr/bin/env bash
# hvsim's Msvm_ConcreteJob.GetError and GetErrorEx, driven with curl: a
# failed job answers with one embedded Msvm_Error (a CIM-XML INSTANCE
# string, escaped once more inside SOAP) whose Message is the scenario's
# error_message, or the ErrorDescription text, or hvsim's own reason; a
# running or succeeded job answers Null (the out parameter is absent);
# ReturnValue is 0 either way. The embedded text is unescaped by xmllint
# and parsed again by xmllint, so it must be XML on its own. The scenario
# is written here, to keep its odd texts next to the checks on them.
# Runs alone; the setup the test_hvsim_*.sh scripts share is hvsim_lib.sh.
source "$(dirname "$0")/hvsim_lib.sh"
CURL_AUTH=(-u 'admin:s3cret')

OKVM=44444444-2222-4333-8444-555555555501
TERSE=44444444-2222-4333-8444-555555555502
BLANK=44444444-2222-4333-8444-555555555503
SAID=44444444-2222-4333-8444-555555555504
STUCK=44444444-2222-4333-8444-555555555505
# Markup characters and non-ASCII in the Message: they must survive two
# rounds of escaping (the INSTANCE text, then the SOAP around it).
MSG="'terse' failed to create checkpoint: <disk \"D:\" & log> full. (Virtual machine ID $TERSE) – é"

python3 -S - "$T/scenario.json" "$MSG" <<'EOF'
import json, sys
vm = lambda name, n, **job: dict(name=name, id="44444444-2222-4333-8444-55555555550%d" % n,
                                 state="off", **({"job": job} if job else {}))
json.dump({
    "host": "HVTEST",
    "users": [{"name": "admin", "password": "s3cret"}],
    "auth": {"basic": True, "negotiate": False, "allow_unencrypted": True},
    "jobs": {"duration_ms": 300, "retention_ms": 60000},
    "vms": [vm("ok", 1),
            vm("terse", 2, outcome="exception", error_code=32768,
               error_description=None, error_message=sys.argv[2]),
            vm("blank", 3, outcome="exception", error_code=32774, error_description=""),
            vm("said", 4, outcome="exception", error_description="Injected failure."),
            vm("stuck", 5, outcome="never")],
}, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
EOF
start_sim --scenario "$T/scenario.json"

JOBSEL() { printf '<w:SelectorSet><w:Selector Name="InstanceID">%s</w:Selector></w:SelectorSet>' "$1"; }
# get_error METHOD JOBID: Invoke GetError or GetErrorEx on the job.
get_error() {
	soap "$WMI/Msvm_ConcreteJob/$1" "$WMI/Msvm_ConcreteJob" \
		"<p:$1_INPUT xmlns:p=\"$WMI/Msvm_ConcreteJob\"/>" "$(JOBSEL "$2")"
}
# out_count NAME: how many out parameters NAME the last reply has.
out_count() { xp "count(//*[local-name()='$1_OUTPUT' or local-name()='GetErrorEx_OUTPUT' or local-name()='GetError_OUTPUT']/*[local-name()='$1'])"; }
# embedded NAME N: the Nth out parameter NAME, unescaped, into $T/err.xml,
# which must then parse on its own as a CIM-XML Msvm_Error INSTANCE.
embedded() {
	xmllint --xpath "string((//*[local-name()='$1'])[$2])" "$T/resp" >"$T/err.xml" 2>/dev/null || fail "no $1[$2]"
	xmllint --noout --nonet "$T/err.xml" 2>"$T/xmlerr" || fail "the embedded $1 is not XML: $(cat "$T/xmlerr") $(cat "$T/err.xml")"
	expect_eq "$(xmllint --xpath 'name(/*)' "$T/err.xml")" INSTANCE "$1: the root is INSTANCE"
	expect_eq "$(xmllint --xpath 'string(/INSTANCE/@CLASSNAME)' "$T/err.xml")" Msvm_Error "$1: CLASSNAME Msvm_Error"
	local p
	for p in Message MessageID ErrorSource ErrorType PerceivedSeverity ProbableCause CIMStatusCode \
		CIMStatusCodeDescription OwningEntity; do
		[ "$(xmllint --xpath "count(/INSTANCE/PROPERTY[@NAME='$p'][@TYPE])" "$T/err.xml")" = 1 ] ||
			fail "$1: no typed PROPERTY $p in $(cat "$T/err.xml")"
	done
	ok "$1: all nine Msvm_Error properties, each with a TYPE"
}
# prop NAME: the VALUE of PROPERTY NAME of the last embedded instance.
prop() { xmllint --xpath "string(/INSTANCE/PROPERTY[@NAME='$1']/VALUE)" "$T/err.xml"; }
# run_job VMID: CreateSnapshot on VMID; JOB is set.
run_job() {
	create_snapshot "$1"
	if [ "$(el ReturnValue)" != 4096 ] || [ -z "$JOB" ]; then fail "CreateSnapshot on $1: ReturnValue $(el ReturnValue)"; fi
}

# --- a job that failed with a nil ErrorDescription: Message from error_message ---------
# four jobs started together, then one wait past their 300 ms
run_job "$TERSE"
J_TERSE=$JOB
run_job "$OKVM"
J_OK=$JOB
run_job "$BLANK"
J_BLANK=$JOB
run_job "$SAID"
J_SAID=$JOB
sleep 0.5

get_job "$J_TERSE"
expect_eq "$(el JobState)" 10 "the terse job ended in Exception"
expect_eq "$(xp "string(//*[local-name()='ErrorDescription']/@*[local-name()='nil'])")" true \
	"error_description null: ErrorDescription is nil"
get_error GetError "$J_TERSE"
expect_eq "$STATUS" 200 "GetError on a failed job: HTTP 200"
expect_eq "$(xp "name(/*/*[local-name()='Body']/*)")" p:GetError_OUTPUT "GetError answers p:GetError_OUTPUT"
expect_eq "$(el ReturnValue)" 0 "GetError on a failed job: ReturnValue 0"
expect_eq "$(out_count Error)" 1 "GetError: one Error"
# the markup arrives escaped, not as elements of the SOAP body
expect_eq "$(xp "count(//*[local-name()='Error']/*)")" 0 "the Msvm_Error is a string, not child elements"
embedded Error 1
expect_eq "$(prop Message)" "$MSG" "GetError: Message is the scenario's error_message, intact"
expect_eq "$(prop MessageID)" 32768 "MessageID: the job's ErrorCode"
expect_eq "$(prop OwningEntity)" Microsoft-Windows-Hyper-V-VMMS "OwningEntity"
expect_eq "$(prop ErrorSource)" "\\\\HVTEST\\root\\virtualization\\v2:Msvm_ComputerSystem.CreationClassName=\"Msvm_ComputerSystem\",Name=\"$TERSE\"" \
	"ErrorSource: the VM's WMI path"
expect_eq "$(prop CIMStatusCode)" 1 "CIMStatusCode 1 (CIM_ERR_FAILED)"

get_error GetErrorEx "$J_TERSE"
expect_eq "$STATUS" 200 "GetErrorEx on a failed job: HTTP 200"
expect_eq "$(xp "name(/*/*[local-name()='Body']/*)")" p:GetErrorEx_OUTPUT "GetErrorEx answers p:GetErrorEx_OUTPUT"
expect_eq "$(el ReturnValue)" 0 "GetErrorEx: ReturnValue 0"
expect_eq "$(out_count Errors)" 1 "GetErrorEx: an array of one"
embedded Errors 1
expect_eq "$(prop Message)" "$MSG" "GetErrorEx: the same Message"

# --- ErrorDescription "" without error_message: hvsim's reason is the Message -----------
get_job "$J_BLANK"
expect_eq "$(el JobState)" 10 "the blank job ended in Exception"
expect_eq "$(xp "count(//*[local-name()='ErrorDescription'][not(@*[local-name()='nil'])])")" 1 \
	"error_description \"\": ErrorDescription present"
expect_eq "$(el ErrorDescription)" "" "error_description \"\": and empty"
get_error GetError "$J_BLANK"
embedded Error 1
expect_eq "$(prop Message)" "The operation failed for 'blank'." "empty ErrorDescription: GetError still says why"
expect_eq "$(prop MessageID)" 32774 "MessageID 32774"

# --- an ErrorDescription without error_message: the same text ---------------------------
get_error GetErrorEx "$J_SAID"
embedded Errors 1
expect_eq "$(prop Message)" "Injected failure." "Message defaults to the ErrorDescription"

# --- a job that succeeded: Null both ways ---------------------------------------------
get_job "$J_OK"
expect_eq "$(el JobState)" 7 "the ok job Completed"
get_error GetError "$J_OK"
expect_eq "$STATUS" 200 "GetError on a completed job: HTTP 200"
expect_eq "$(el ReturnValue)" 0 "GetError on a completed job: ReturnValue 0"
expect_eq "$(out_count Error)" 0 "GetError on a completed job: Error is Null"
get_error GetErrorEx "$J_OK"
expect_eq "$(el ReturnValue)" 0 "GetErrorEx on a completed job: ReturnValue 0"
expect_eq "$(out_count Errors)" 0 "GetErrorEx on a completed job: Errors is Null"

# --- a running job: Null; once killed: an error, with the cancel as its Message ---------
run_job "$STUCK"
J_STUCK=$JOB
get_error GetError "$J_STUCK"
expect_eq "$STATUS" 200 "GetError on a running job: HTTP 200"
expect_eq "$(el ReturnValue)" 0 "GetError on a running job: ReturnValue 0"
expect_eq "$(out_count Error)" 0 "GetError on a running job: Error is Null"
get_error GetErrorEx "$J_STUCK"
expect_eq "$(out_count Errors)" 0 "GetErrorEx on a running job: Errors is Null"
soap "$WMI/Msvm_ConcreteJob/RequestStateChange" "$WMI/Msvm_ConcreteJob" \
	"<p:RequestStateChange_INPUT xmlns:p=\"$WMI/Msvm_ConcreteJob\"><p:RequestedState>5</p:RequestedState></p:RequestStateChange_INPUT>" \
	"$(JOBSEL "$J_STUCK")"
expect_eq "$(el ReturnValue)" 0 "kill the job that never ends"
get_job "$J_STUCK"
expect_eq "$(el JobState)" 9 "the job is Killed"
expect_eq "$(el OperationalStatus)" 6 "a killed job is not OK"
get_error GetError "$J_STUCK"
embedded Error 1
expect_eq "$(prop Message)" "The operation was cancelled." "killed job: Message"

# --- no such job --------------------------------------------------------------------------
get_error GetError 00000000-0000-4000-8000-000000000000
expect_fault a:DestinationUnreachable "GetError on an unknown job"
get_error GetErrorEx 00000000-0000-4000-8000-000000000000
expect_fault a:DestinationUnreachable "GetErrorEx on an unknown job"
expect_eq "$(logq 'sum(1 for l in L if l["method"] == "GetError")')" 6 "the log names GetError"

stop_sim
echo PASS
