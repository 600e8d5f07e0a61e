/* hvsnap --version: the tool's and the library's versions, what this
 * build of libhvsnap can do, and the libraries it runs on (the first
 * things a bug report needs). */
#include <stdio.h>

#include "cli/cli.h"

void cli_print_version(FILE *out)
{
	const hvsnap_version_info *v = hvsnap_version_info_get();
	static const struct {
		uint32_t bit;
		const char *name;
	} features[] = {
		{ HVSNAP_FEATURE_NTLM, "ntlm" },   { HVSNAP_FEATURE_KERBEROS, "kerberos" },
		{ HVSNAP_FEATURE_BASIC, "basic" }, { HVSNAP_FEATURE_CERTIFICATE, "certificate" },
		{ HVSNAP_FEATURE_CBT, "channel-binding" }, { HVSNAP_FEATURE_PIN, "pin" },
	};
	fprintf(out, "hvsnap %s\n", HVSNAP_VERSION_STRING);
	fprintf(out, "libhvsnap %s\n", v->version);
	fputs("features:", out);
	for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++)
		if (v->features & features[i].bit)
			fprintf(out, " %s", features[i].name);
	if (!(v->features & HVSNAP_FEATURE_KERBEROS))
		fputs(" (no kerberos: built without GSSAPI)", out);
	fputc('\n', out);
	fprintf(out, "libcurl %s, %s, libxml2 %s\n", v->curl_version ? v->curl_version : "?",
	        v->ssl_version ? v->ssl_version : "no TLS library",
	        v->xml_version ? v->xml_version : "?");
}
