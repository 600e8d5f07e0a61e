/* JSON shapes shared by several commands (CLI.md "JSON output"), and
 * printing a finished JSON document. */
#ifndef HVSNAP_CLI_OUTPUT_H
#define HVSNAP_CLI_OUTPUT_H

#include <jansson.h>
#include "hvsnap/hvsnap.h"

json_t *json_vm(const hvsnap_vm *vm);           /* {"name","id","state"} */
/* {"id","instance_id","name","parent_id","created","current","kind","type","saved"} */
json_t *json_snapshot(const hvsnap_snapshot *s);
/* {"id","instance_id","type","type_code","consistency","has_associated_data",
 *  "created","rct_ids","disk_ids"} */
json_t *json_refpoint(const hvsnap_refpoint *rp);
/* "application", "crash" or "unknown". */
const char *cli_consistency_name(hvsnap_consistency c);
json_t *json_job(const hvsnap_job *job);        /* {"id","name","state","state_code","percent","error_code","error_description","elapsed_ms"} */
/* A JSON string of text, NULL as null; bytes that are not UTF-8 (a name
 * typed in another encoding) become '?' rather than losing the field. */
json_t *json_str_or_null(const char *s);
/* {"kind","message","code","detail"} of CLI.md. */
json_t *json_error(const hvsnap_error *err);
/* Text from the host (or a typed name) made safe for a terminal: control
 * characters (C0, DEL and C1) become '?', so a hostile VM name cannot move
 * the cursor or rewrite the screen. NULL becomes "-". The result stays
 * valid for the next 15 calls. */
const char *cli_safe(const char *s);
/* json_error plus the tool's "hints" (hints.c). */
struct cli_options;
json_t *cli_json_error(const struct cli_options *o, const hvsnap_error *err);
/* The version of the JSON shapes, in every document as "schema_version";
 * it goes up when a field changes meaning or goes away, not when one is
 * added. */
#define CLI_SCHEMA_VERSION 2
/* Prints root on stdout and releases it; an object gets "schema_version". */
void json_print(json_t *root);

#endif
