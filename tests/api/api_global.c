/* Library set-up and build facts: hvsnap_global_init/shutdown are
 * reference counted (sessions keep working while a reference is left, and
 * after a full shutdown a new init brings the library back), a session
 * works without any init, and hvsnap_version_info_get describes this
 * build (version numbers as the headers say, NTLM always, Kerberos exactly
 * when the library was built with GSSAPI). */
#include "api_test.h"

/* One real exchange with the host: the VM list. */
static int session_works(const char *when)
{
	hvsnap_session *s = api_session();
	hvsnap_vm_list *vms = NULL;
	hvsnap_error err;
	hvsnap_status st = hvsnap_vm_list_get(s, &vms, &err);
	CHECK(st == HVSNAP_OK, "%s: listing VMs: %s", when, err.message);
	CHECK(hvsnap_vm_list_count(vms) == 6, "%s: %zu VMs", when, hvsnap_vm_list_count(vms));
	hvsnap_vm_list_free(vms);
	hvsnap_session_free(s);
	return st == HVSNAP_OK;
}

int main(void)
{
	const hvsnap_version_info *info = hvsnap_version_info_get();

	/* Before any init: the build's facts. */
	CHECK(info != NULL, "no version info");
	CHECK(info == hvsnap_version_info_get(), "a second call gives other storage");
	CHECK(info->struct_version >= HVSNAP_VERSION_INFO_VERSION, "struct_version %u",
	      info->struct_version);
	CHECK(strcmp(info->version, HVSNAP_VERSION_STRING) == 0, "version %s", info->version);
	CHECK(strcmp(hvsnap_version(), info->version) == 0, "hvsnap_version %s", hvsnap_version());
	CHECK(info->major == HVSNAP_VERSION_MAJOR && info->minor == HVSNAP_VERSION_MINOR &&
	      info->patch == HVSNAP_VERSION_PATCH, "numbers %u.%u.%u", info->major, info->minor,
	      info->patch);
	CHECK(info->features & HVSNAP_FEATURE_NTLM, "features 0x%x lack NTLM", info->features);
	CHECK(!!(info->features & HVSNAP_FEATURE_KERBEROS) == API_EXPECT_KERBEROS,
	      "Kerberos bit %d in a build with GSSAPI=%d",
	      !!(info->features & HVSNAP_FEATURE_KERBEROS), API_EXPECT_KERBEROS);
	CHECK(info->curl_version && *info->curl_version, "no curl version");
	CHECK(info->ssl_version && strstr(info->ssl_version, "OpenSSL"), "ssl %s",
	      info->ssl_version ? info->ssl_version : "(null)");
	CHECK(info->xml_version && *info->xml_version, "no libxml2 version");

	/* No init at all: hvsnap_session_new sets the libraries up itself. */
	session_works("without hvsnap_global_init");

	/* Two references, one dropped: still set up. */
	CHECK(hvsnap_global_init() == HVSNAP_OK, "first init");
	CHECK(hvsnap_global_init() == HVSNAP_OK, "second init");
	hvsnap_global_shutdown();
	session_works("with one of two references left");
	/* The last reference: released. A shutdown too many is ignored. */
	hvsnap_global_shutdown();
	hvsnap_global_shutdown();
	/* And back again. */
	CHECK(hvsnap_global_init() == HVSNAP_OK, "init after a full shutdown");
	session_works("after a re-init");
	hvsnap_global_shutdown();
	return api_done("api_global");
}
