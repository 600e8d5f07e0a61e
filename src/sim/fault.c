/* SOAP 1.2 faults as Windows WinRM writes them: Code/Subcode, Reason with
 * xml:lang, and s:Detail/f:WSManFault with the Windows error number
 * (ERROR_WSMAN_* from winerror.h, in decimal) and the machine name. One
 * table so every fault of a kind looks the same. All go out with HTTP 500,
 * which is what WinRM uses for SOAP faults (see docs/hvsim-scenario.md). */
#include <string.h>

#include "sim.h"

#define ACT_WSA   SIM_NS_WSA "/fault"
#define ACT_WSMAN "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault"
#define DETAIL_BASE "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/"

struct fault_info {
	enum sim_fault kind;
	const char *code;      /* s:Sender / s:Receiver */
	const char *subcode;
	const char *action;
	unsigned long wsman_code;
	const char *fault_detail; /* w:FaultDetail URI suffix, or NULL */
	const char *reason;
	const char *reason_ja;    /* [INF] translation, NULL: English */
};

static const struct fault_info faults[] = {
	{ F_SCHEMA, "s:Sender", "w:SchemaValidationError", ACT_WSMAN,
	  2150858817UL, NULL,
	  "The SOAP XML in the message does not match the corresponding XML "
	  "schema definition. Change the XML and retry. ", NULL },
	{ F_MALFORMED, "s:Sender", "w:SchemaValidationError", ACT_WSMAN,
	  2150858817UL, NULL,
	  "The SOAP XML in the message does not match the corresponding XML "
	  "schema definition. Change the XML and retry. ", NULL },
	{ F_HEADER_REQUIRED, "s:Sender", "a:MessageInformationHeaderRequired",
	  ACT_WSA, 2150858769UL, NULL,
	  "The WS-Management service cannot process the request. The request "
	  "does not have all the expected SOAP headers. ", NULL },
	{ F_HEADER_INVALID, "s:Sender", "a:InvalidMessageInformationHeader",
	  ACT_WSA, 2150858767UL, NULL,
	  "The WS-Management service cannot process the request. The request "
	  "contains one or more invalid SOAP headers. ", NULL },
	{ F_ACTION, "s:Sender", "a:ActionNotSupported", ACT_WSA, 2150858771UL,
	  NULL,
	  "The WS-Management service does not support the action specified in "
	  "the request. ", NULL },
	{ F_DEST_UNREACHABLE, "s:Sender", "a:DestinationUnreachable", ACT_WSA,
	  2150858752UL, "InvalidResourceURI",
	  "The WS-Management service cannot process the request. The service "
	  "cannot find the resource identified by the resource URI and "
	  "selectors. ",
	  "WS-Management サービスは要求を処理できません。リソース URI とセレクターで"
	  "識別されるリソースが見つかりません。" },
	{ F_NOT_FOUND, "s:Sender", "a:DestinationUnreachable", ACT_WSA,
	  2150858752UL, NULL,
	  "The WS-Management service cannot process the request. The service "
	  "cannot find the resource identified by the resource URI and "
	  "selectors. ",
	  "WS-Management サービスは要求を処理できません。リソース URI とセレクターで"
	  "識別されるリソースが見つかりません。" },
	{ F_SELECTORS, "s:Sender", "w:InvalidSelectors", ACT_WSMAN,
	  2150858843UL, "UnexpectedSelectors",
	  "The WS-Management service cannot process the request because the "
	  "request contained invalid selectors for the resource. ", NULL },
	{ F_TIMEOUT_HEADER, "s:Sender", "w:InvalidHeader", ACT_WSMAN,
	  2150858881UL, NULL,
	  "The WS-Management service cannot process the request because the "
	  "timeout header in the request is invalid. ", NULL },
	{ F_WQL_URI, "s:Sender", "w:CannotProcessFilter", ACT_WSMAN,
	  2150859003UL, NULL,
	  "The WS-Management service cannot process the request. The resource "
	  "URI for an enumeration operation with WQL filter must not contain "
	  "keys and the class name must be '*' (star). ", NULL },
	{ F_FILTER, "s:Sender", "w:CannotProcessFilter", ACT_WSMAN,
	  2150858778UL, NULL,
	  "The data source could not process the filter. The filter might be "
	  "missing or it might be invalid. Change the filter and try the "
	  "request again. ", NULL },
	{ F_DIALECT, "s:Sender", "n:FilterDialectRequestedUnavailable",
	  ACT_WSMAN, 2150858777UL, NULL,
	  "The filter dialect (the type associated with the filter) was not "
	  "supported for this resource. Change the filter dialect or remove it "
	  "from the request and try the request again. ", NULL },
	{ F_ENUM_CONTEXT, "s:Receiver", "n:InvalidEnumerationContext",
	  ACT_WSMAN, 2150858779UL, NULL,
	  "The WS-Enumeration context in the enumeration is not valid. "
	  "Enumeration may have been completed or canceled. You cannot use this "
	  "enumeration context anymore. Start a new enumeration. ", NULL },
	{ F_ENCRYPTION, "s:Sender", "w:AccessDenied", ACT_WSMAN, 5UL, NULL,
	  "Access is denied. ", NULL },
	{ F_INVALID_PARAMETER, "s:Sender", "w:InvalidParameter", ACT_WSMAN,
	  2150859247UL, NULL,
	  "The WS-Management service cannot process the request because a "
	  "method parameter is invalid or missing. ", NULL },
	{ F_ACCESS_DENIED, "s:Sender", "w:AccessDenied", ACT_WSMAN, 5UL, NULL,
	  "Access is denied. ", NULL },
	/* ERROR_WSMAN_QUOTA_MAX_OPERATIONS (0x803381A6): the WMI provider's
	 * per-user limit; the request was refused, not run */
	{ F_QUOTA, "s:Receiver", "w:QuotaLimit", ACT_WSMAN, 2150859174UL, NULL,
	  "The WS-Management service cannot process the request. This user is "
	  "allowed a maximum number of 15 concurrent operations, which has been "
	  "exceeded. Close existing operations for this user, or raise the "
	  "quota for this user. ", NULL },
	{ F_INTERNAL, "s:Receiver", "w:InternalError", ACT_WSMAN,
	  2150858882UL, NULL,
	  "The WS-Management service cannot process the request. ", NULL },
};

static const struct fault_info *lookup(enum sim_fault f)
{
	size_t i;
	for (i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		if (faults[i].kind == f)
			return &faults[i];
	return &faults[sizeof(faults) / sizeof(faults[0]) - 1];
}

void fault_write(sim_resp *r, enum sim_fault f, const char *lang,
                 const char *machine, const char *relates_to,
                 const char *detail)
{
	const struct fault_info *fi = lookup(f);
	buf *b = &r->body;
	int ja = lang && strcmp(lang, "ja-JP") == 0 && fi->reason_ja;
	const char *reason = ja ? fi->reason_ja : fi->reason;

	hvs_buf_reset(b);
	r->status = 500;
	r->content_type = "application/soap+xml;charset=UTF-8";
	hvs_buf_append_str(b, "<s:Envelope xml:lang=\"");
	xw_attr(b, lang ? lang : "en-US");
	hvs_buf_append_str(b, "\" xmlns:s=\"" SIM_NS_SOAP "\" xmlns:a=\"" SIM_NS_WSA
	               "\" xmlns:x=\"" SIM_NS_WXF "\" xmlns:e=\"" SIM_NS_WSE
	               "\" xmlns:n=\"" SIM_NS_WSEN "\" xmlns:w=\"" SIM_NS_WSMAN
	               "\" xmlns:p=\"" SIM_NS_MSWSMAN "\">");
	xw_header(b, fi->action, relates_to);
	hvs_buf_append_str(b, "<s:Body><s:Fault><s:Code><s:Value>");
	hvs_buf_append_str(b, fi->code);
	hvs_buf_append_str(b, "</s:Value><s:Subcode><s:Value>");
	hvs_buf_append_str(b, fi->subcode);
	hvs_buf_append_str(b, "</s:Value></s:Subcode></s:Code><s:Reason>"
	                  "<s:Text xml:lang=\"");
	xw_attr(b, ja ? "ja-JP" : (lang ? lang : "en-US"));
	hvs_buf_append_str(b, "\">");
	xw_text(b, reason);
	hvs_buf_append_str(b, "</s:Text></s:Reason><s:Detail>");
	if (fi->fault_detail) {
		hvs_buf_append_str(b, "<w:FaultDetail>" DETAIL_BASE);
		hvs_buf_append_str(b, fi->fault_detail);
		hvs_buf_append_str(b, "</w:FaultDetail>");
	}
	hvs_buf_printf(b, "<f:WSManFault xmlns:f=\"" SIM_NS_FAULT "\" Code=\"%lu\" "
	           "Machine=\"", fi->wsman_code);
	xw_attr(b, machine);
	hvs_buf_append_str(b, "\"><f:Message>");
	if (detail) {
		xw_text(b, detail);
	} else {
		xw_text(b, reason);
	}
	hvs_buf_append_str(b, "</f:Message></f:WSManFault></s:Detail></s:Fault>"
	                  "</s:Body></s:Envelope>");
}
