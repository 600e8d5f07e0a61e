/* hvsnap identify: WS-Man Identify, printed as text or JSON. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"

static json_t *profiles_json(const char *profiles)
{
	json_t *arr = json_array();
	if (!profiles)
		return arr;
	const char *p = profiles;
	while (*p) {
		size_t n = strcspn(p, " ");
		if (n)
			json_array_append_new(arr, json_stringn(p, n));
		p += n;
		while (*p == ' ')
			p++;
	}
	return arr;
}

int cmd_identify(const cli_options *o)
{
	hvsnap_session *s = NULL;
	int rc = cli_open_session(o, 0, &s);
	if (rc != EXIT_OK)
		return rc;
	hvsnap_error err;
	hvsnap_identity *id = NULL;
	hvsnap_status st = hvsnap_wsman_identify(s, &id, &err);
	if (st != HVSNAP_OK) {
		rc = cli_report_error(o, &err);
		cli_close_session(s);
		return rc;
	}
	if (o->json) {
		json_t *root = json_object();
		json_object_set_new(root, "protocol_version", json_str_or_null(id->protocol_version));
		json_object_set_new(root, "product_vendor", json_str_or_null(id->product_vendor));
		json_object_set_new(root, "product_version", json_str_or_null(id->product_version));
		json_object_set_new(root, "security_profiles", profiles_json(id->security_profiles));
		json_print(root);
	} else {
		printf("Vendor:    %s\n", cli_safe(id->product_vendor));
		printf("Version:   %s\n", cli_safe(id->product_version));
		printf("Protocol:  %s\n", cli_safe(id->protocol_version));
		if (id->security_profiles)
			printf("Security:  %s\n", cli_safe(id->security_profiles));
	}
	hvsnap_identity_free(id);
	cli_close_session(s);
	return EXIT_OK;
}
