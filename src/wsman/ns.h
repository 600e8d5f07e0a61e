/* Namespace URIs and action URIs of WS-Management as Windows speaks it.
 * Lookups in responses go by these URIs, never by prefix. */
#ifndef HVSNAP_WSMAN_NS_H
#define HVSNAP_WSMAN_NS_H

#define NS_SOAP   "http://www.w3.org/2003/05/soap-envelope"
#define NS_WSA    "http://schemas.xmlsoap.org/ws/2004/08/addressing"
#define NS_WSMAN  "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
#define NS_WSEN   "http://schemas.xmlsoap.org/ws/2004/09/enumeration"
#define NS_WXF    "http://schemas.xmlsoap.org/ws/2004/09/transfer"
#define NS_WSMID  "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"
#define NS_XSI    "http://www.w3.org/2001/XMLSchema-instance"
#define NS_CIM    "http://schemas.dmtf.org/wbem/wscim/1/common"
#define NS_WSMANFAULT "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault"
#define NS_XML    "http://www.w3.org/XML/1998/namespace"

/* The Hyper-V WMI namespace: the default for class names, and its "*"
 * URI, which a WQL filter needs. */
#define WMI_V2_URI "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/"
#define WMI_V2_ALL WMI_V2_URI "*"

#define WSA_ANONYMOUS NS_WSA "/role/anonymous"
#define WQL_DIALECT   "http://schemas.microsoft.com/wbem/wsman/1/WQL"

#define ACTION_GET       NS_WXF "/Get"
#define ACTION_PUT       NS_WXF "/Put"
#define ACTION_ENUMERATE NS_WSEN "/Enumerate"
#define ACTION_PULL      NS_WSEN "/Pull"
#define ACTION_RELEASE   NS_WSEN "/Release"

#endif
