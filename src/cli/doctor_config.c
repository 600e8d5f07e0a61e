/* Reads WinRM's configuration documents for hvsnap doctor. They come from
 * the host, so nothing is assumed: elements are found by local name in any
 * namespace, values are parsed strictly, and what is missing stays -1.
 *
 * Shapes: cfg:Config as a recorded Windows answer shows it (root children
 * MaxEnvelopeSizekb and MaxTimeoutms; Service with AllowUnencrypted,
 * MaxConcurrentOperationsPerUser and Auth/{Basic,CbtHardeningLevel}). The
 * plugin document's Quotas element with attributes is inferred (MS-WSMV
 * QuotasType, `winrm get winrm/config/plugin?Name=...` output); child
 * elements of the same names are accepted too. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/doctor.h"
#include "cli/xmlread.h"

static long long number(const xmlNode *n)
{
	char *t = cli_xml_text(n);
	long long v = -1;
	if (t && *t && strspn(t, "0123456789") == strlen(t) && strlen(t) <= 18)
		v = strtoll(t, NULL, 10);
	free(t);
	return v;
}

static int boolean(const xmlNode *n)
{
	char *t = cli_xml_text(n);
	int v = !t ? -1 : strcasecmp(t, "true") == 0 ? 1 : strcasecmp(t, "false") == 0 ? 0 : -1;
	free(t);
	return v;
}

int winrm_config_parse(const char *xml, size_t len, winrm_config *out)
{
	memset(out, 0, sizeof(*out));
	out->allow_unencrypted = out->basic = -1;
	out->max_envelope_kb = out->max_timeout_ms = out->max_ops_per_user = -1;
	xmlDocPtr d = cli_xml_read(xml, len);
	if (!d)
		return -1;
	xmlNodePtr root = xmlDocGetRootElement(d);
	xmlNodePtr service = NULL;
	int rc = 0;
	if (strcmp(cli_xml_local(root), "Config") == 0)
		service = cli_xml_child(root, "Service");
	else if (strcmp(cli_xml_local(root), "Service") == 0)
		service = root; /* a Get of winrm/config/service */
	else
		rc = -1;
	if (rc == 0 && root != service) {
		xmlNodePtr n;
		if ((n = cli_xml_child(root, "MaxEnvelopeSizekb")))
			out->max_envelope_kb = number(n);
		if ((n = cli_xml_child(root, "MaxTimeoutms")))
			out->max_timeout_ms = number(n);
	}
	if (service) {
		xmlNodePtr n, auth = cli_xml_child(service, "Auth");
		if ((n = cli_xml_child(service, "AllowUnencrypted")))
			out->allow_unencrypted = boolean(n);
		if ((n = cli_xml_child(service, "MaxConcurrentOperationsPerUser")))
			out->max_ops_per_user = number(n);
		if (auth && (n = cli_xml_child(auth, "Basic")))
			out->basic = boolean(n);
		if (auth && (n = cli_xml_child(auth, "CbtHardeningLevel"))) {
			char *t = cli_xml_text(n);
			if (t && strlen(t) < sizeof(out->cbt))
				strcpy(out->cbt, t);
			free(t);
		}
	}
	xmlFreeDoc(d);
	return rc;
}

long long winrm_plugin_quota(const char *xml, size_t len)
{
	xmlDocPtr d = cli_xml_read(xml, len);
	if (!d)
		return -1;
	long long v = -1;
	xmlNodePtr q = cli_xml_child(xmlDocGetRootElement(d), "Quotas");
	if (q) {
		xmlChar *a = xmlGetProp(q, BAD_CAST "MaxConcurrentOperationsPerUser");
		if (a) {
			const char *t = (const char *)a;
			if (*t && strspn(t, "0123456789") == strlen(t) && strlen(t) <= 18)
				v = strtoll(t, NULL, 10);
			xmlFree(a);
		} else {
			xmlNodePtr n = cli_xml_child(q, "MaxConcurrentOperationsPerUser");
			if (n)
				v = number(n);
		}
	}
	xmlFreeDoc(d);
	return v;
}
