/* Get of WinRM's own configuration: winrm/config (the cfg:Config document
 * `winrm get winrm/config` shows) and the WMI Provider plugin's
 * configuration with its quotas. Readable only when the scenario says so
 * (winrm_config.readable), as only administrators may read them.
 *
 * The cfg:Config shape follows a recorded Windows answer (pypsrp's
 * test_wsman_update_envelope_size_500.yml, see vm-lifecycle-fleet.md §4.2);
 * the plugin document's shape (Quotas as attributes of a PlugInConfiguration
 * element) is inferred from `winrm get winrm/config/plugin?Name=...` output
 * and MS-WSMV's QuotasType, not from a recording. */
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "util/strutil.h"

#define NS_CFG SIM_CONFIG_URI
#define NS_PLUGIN "http://schemas.microsoft.com/wbem/wsman/1/config/PluginConfiguration"

static void flag(buf *b, const char *name, int on)
{
	hvs_buf_printf(b, "<cfg:%s>%s</cfg:%s>", name, on ? "true" : "false", name);
}

static void config_doc(sim_ctx *ctx, buf *b)
{
	const sim_scenario *sc = ctx->sc;
	static const char *const cbt[] = { "None", "Relaxed", "Strict" };
	hvs_buf_printf(b, "<cfg:Config xmlns:cfg=\"%s\">", NS_CFG);
	hvs_buf_printf(b, "<cfg:MaxEnvelopeSizekb>%lld</cfg:MaxEnvelopeSizekb>"
	               "<cfg:MaxTimeoutms>%lld</cfg:MaxTimeoutms>"
	               "<cfg:MaxBatchItems>32000</cfg:MaxBatchItems>"
	               "<cfg:MaxProviderRequests>4294967295</cfg:MaxProviderRequests>",
	               sc->max_envelope_kb, sc->max_timeout_ms);
	/* The client part is the host's own outgoing side: fixed defaults. */
	hvs_buf_append_str(b, "<cfg:Client><cfg:NetworkDelayms>5000</cfg:NetworkDelayms>"
	                   "<cfg:URLPrefix>wsman</cfg:URLPrefix>"
	                   "<cfg:AllowUnencrypted>false</cfg:AllowUnencrypted><cfg:Auth>"
	                   "<cfg:Basic>true</cfg:Basic><cfg:Digest>true</cfg:Digest>"
	                   "<cfg:Kerberos>true</cfg:Kerberos><cfg:Negotiate>true</cfg:Negotiate>"
	                   "<cfg:Certificate>true</cfg:Certificate><cfg:CredSSP>false</cfg:CredSSP>"
	                   "</cfg:Auth><cfg:DefaultPorts><cfg:HTTP>5985</cfg:HTTP>"
	                   "<cfg:HTTPS>5986</cfg:HTTPS></cfg:DefaultPorts>"
	                   "<cfg:TrustedHosts></cfg:TrustedHosts></cfg:Client>");
	hvs_buf_printf(b, "<cfg:Service><cfg:RootSDDL>O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;IU)"
	               "S:P(AU;FA;GA;;;WD)(AU;SA;GXGW;;;WD)</cfg:RootSDDL>"
	               "<cfg:MaxConcurrentOperations>4294967295</cfg:MaxConcurrentOperations>"
	               "<cfg:MaxConcurrentOperationsPerUser>%lld</cfg:MaxConcurrentOperationsPerUser>"
	               "<cfg:EnumerationTimeoutms>240000</cfg:EnumerationTimeoutms>"
	               "<cfg:MaxConnections>300</cfg:MaxConnections>"
	               "<cfg:MaxPacketRetrievalTimeSeconds>120</cfg:MaxPacketRetrievalTimeSeconds>",
	               sc->service_max_ops_per_user);
	flag(b, "AllowUnencrypted", sc->allow_unencrypted);
	hvs_buf_append_str(b, "<cfg:Auth>");
	flag(b, "Basic", sc->basic);
	flag(b, "Kerberos", sc->negotiate);
	flag(b, "Negotiate", sc->negotiate);
	flag(b, "Certificate", sc->client_ca != NULL);
	flag(b, "CredSSP", 0);
	hvs_buf_printf(b, "<cfg:CbtHardeningLevel>%s</cfg:CbtHardeningLevel></cfg:Auth>",
	               cbt[sc->cbt_hardening]);
	hvs_buf_append_str(b, "<cfg:DefaultPorts><cfg:HTTP>5985</cfg:HTTP>"
	                   "<cfg:HTTPS>5986</cfg:HTTPS></cfg:DefaultPorts>"
	                   "<cfg:IPv4Filter>*</cfg:IPv4Filter><cfg:IPv6Filter>*</cfg:IPv6Filter>"
	                   "<cfg:EnableCompatibilityHttpListener>false</cfg:EnableCompatibilityHttpListener>"
	                   "<cfg:EnableCompatibilityHttpsListener>false</cfg:EnableCompatibilityHttpsListener>"
	                   "<cfg:CertificateThumbprint></cfg:CertificateThumbprint>"
	                   "<cfg:AllowRemoteAccess>true</cfg:AllowRemoteAccess></cfg:Service>"
	                   "<cfg:Winrs><cfg:AllowRemoteShellAccess>true</cfg:AllowRemoteShellAccess>"
	                   "<cfg:IdleTimeout>7200000</cfg:IdleTimeout>"
	                   "<cfg:MaxConcurrentUsers>10</cfg:MaxConcurrentUsers>"
	                   "<cfg:MaxShellRunTime>2147483647</cfg:MaxShellRunTime>"
	                   "<cfg:MaxProcessesPerShell>25</cfg:MaxProcessesPerShell>"
	                   "<cfg:MaxMemoryPerShellMB>1024</cfg:MaxMemoryPerShellMB>"
	                   "<cfg:MaxShellsPerUser>30</cfg:MaxShellsPerUser></cfg:Winrs></cfg:Config>");
}

static void plugin_doc(sim_ctx *ctx, buf *b)
{
	hvs_buf_printf(b, "<PlugInConfiguration xmlns=\"%s\" Name=\"WMI Provider\" "
	               "Filename=\"%%systemroot%%\\system32\\WsmWmiPl.dll\" SDKVersion=\"1\" "
	               "XmlRenderingType=\"text\" Enabled=\"true\" Architecture=\"64\">"
	               "<Resources><Resource ResourceUri=\"http://schemas.microsoft.com/wbem/wsman/1/wmi\" "
	               "SupportsOptions=\"true\" ExactMatch=\"false\">"
	               "<Capability Type=\"Get\"/><Capability Type=\"Put\"/>"
	               "<Capability Type=\"Invoke\"/><Capability Type=\"Enumerate\"/>"
	               "</Resource></Resources>"
	               "<Quotas MaxConcurrentUsers=\"100\" MaxConcurrentOperationsPerUser=\"%lld\" "
	               "MaxConcurrentOperations=\"1500\"/></PlugInConfiguration>",
	               NS_PLUGIN, ctx->sc->wmi_max_ops_per_user);
}

static const char *selector(const sim_req *req, const char *name)
{
	for (size_t i = 0; i < req->nsel; i++)
		if (hvs_str_case_eq(req->sel[i].name, name))
			return req->sel[i].value;
	return NULL;
}

void op_config(sim_ctx *ctx, sim_req *req, sim_resp *r)
{
	int whole = strcmp(req->resource_uri, SIM_CONFIG_URI) == 0;
	const char *plugin = selector(req, "Name");
	int wmi = strcmp(req->resource_uri, SIM_CONFIG_URI "/plugin") == 0 && plugin &&
	          strcmp(plugin, "WMI Provider") == 0;
	if (!whole && !wmi) {
		sim_fault(ctx, req, r, F_DEST_UNREACHABLE,
		          "The WS-Management service cannot process the request because the "
		          "configuration resource is not supported by this host.");
		return;
	}
	if (!ctx->sc->config_readable) {
		sim_fault(ctx, req, r, F_ACCESS_DENIED, "Access is denied.");
		return;
	}
	xw_envelope_open(&r->body, sim_lang(ctx, req), SIM_NS_WXF "/GetResponse",
	                 req->message_id);
	if (whole)
		config_doc(ctx, &r->body);
	else
		plugin_doc(ctx, &r->body);
	xw_envelope_close(&r->body);
}
