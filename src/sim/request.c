/* Parses and validates one WS-Management request as strictly as Windows:
 * hardened libxml2 parsing (no network, no entities, no DOCTYPE), lookups
 * by namespace URI and local name only (never by prefix), and the header
 * checks WinRM makes before a provider ever sees the request. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "model.h"
#include "util/strutil.h"

static int is_el(xmlNodePtr n, const char *ns, const char *local)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       strcmp((const char *)n->ns->href, ns) == 0 &&
	       strcmp((const char *)n->name, local) == 0;
}

void *req_child(void *node, const char *ns, const char *local)
{
	xmlNodePtr c;
	if (!node)
		return NULL;
	for (c = ((xmlNodePtr)node)->children; c; c = c->next)
		if (is_el(c, ns, local))
			return c;
	return NULL;
}

static int count_children(xmlNodePtr node, const char *ns, const char *local)
{
	xmlNodePtr c;
	int n = 0;
	for (c = node ? node->children : NULL; c; c = c->next)
		if (is_el(c, ns, local))
			n++;
	return n;
}

char *req_text(void *node)
{
	xmlChar *t;
	char *s;
	if (!node)
		return NULL;
	t = xmlNodeGetContent((xmlNodePtr)node);
	s = hvs_str_dup(t ? (const char *)t : "");
	xmlFree(t);
	return s;
}

/* Trimmed text: WinRM tolerates surrounding whitespace in header values. */
static char *trimmed(void *node)
{
	char *s = req_text(node), *p, *e;
	if (!s)
		return NULL;
	for (p = s; isspace((unsigned char)*p); p++)
		;
	e = p + strlen(p);
	while (e > p && isspace((unsigned char)e[-1]))
		e--;
	memmove(s, p, (size_t)(e - p));
	s[e - p] = '\0';
	return s;
}

int parse_duration_ms(const char *s, long long *out)
{
	/* xs:duration: PnYnMnDTnHnMn[.f]S; months and years count as 30 and
	 * 365 days, good enough for a timeout. */
	const char *p = s;
	double total = 0;
	int in_time = 0, any = 0, time_any = 0;
	if (!s || *p != 'P')
		return -1;
	p++;
	while (*p) {
		double v = 0, scale = 1;
		int digits = 0, frac = 0;
		if (*p == 'T') {
			if (in_time)
				return -1;
			in_time = 1;
			p++;
			if (!*p)
				return -1;
			continue;
		}
		while (isdigit((unsigned char)*p) || *p == '.') {
			if (*p == '.') {
				if (frac)
					return -1;
				frac = 1;
			} else if (frac) {
				scale /= 10;
				v += (*p - '0') * scale;
				digits++;
			} else {
				v = v * 10 + (*p - '0');
				digits++;
			}
			p++;
		}
		if (!digits)
			return -1;
		if (frac && !(in_time && *p == 'S'))
			return -1;
		switch (*p) {
		case 'Y': if (in_time) return -1; total += v * 365 * 86400; break;
		case 'M': total += in_time ? v * 60 : v * 30 * 86400; break;
		case 'D': if (in_time) return -1; total += v * 86400; break;
		case 'H': if (!in_time) return -1; total += v * 3600; break;
		case 'S': if (!in_time) return -1; total += v; break;
		default: return -1;
		}
		if (in_time)
			time_any = 1;
		any = 1;
		p++;
	}
	if (!any || (in_time && !time_any) || total > 1e12)
		return -1;
	*out = (long long)(total * 1000);
	return 0;
}

static int valid_uuid_urn(const char *s)
{
	size_t i;
	if (strncmp(s, "uuid:", 5) != 0 || strlen(s) != 41)
		return 0;
	for (i = 5; i < 41; i++) {
		char c = s[i];
		if (i == 13 || i == 18 || i == 23 || i == 28) {
			if (c != '-')
				return 0;
		} else if (!isxdigit((unsigned char)c)) {
			return 0;
		}
	}
	return 1;
}

/* The To header names this endpoint: http(s)://host[:port]/wsman. */
static int valid_to(const char *to)
{
	const char *p;
	if (strncmp(to, "http://", 7) == 0)
		p = to + 7;
	else if (strncmp(to, "https://", 8) == 0)
		p = to + 8;
	else
		return 0;
	p = strchr(p, '/');
	if (!p)
		return 0;
	return hvs_str_case_eq(p, "/wsman") || hvs_str_case_eq(p, "/wsman/");
}

enum sim_fault req_epr(void *node, sim_epr *out)
{
	xmlNodePtr addr, refp, ruri, sset, c;
	char *uri;
	memset(out, 0, sizeof(*out));
	if (req_child(node, SIM_NS_WSA, "EndpointReference"))
		return F_SCHEMA; /* real WinRM rejects the wrapper */
	addr = req_child(node, SIM_NS_WSA, "Address");
	refp = req_child(node, SIM_NS_WSA, "ReferenceParameters");
	if (!addr || !refp)
		return F_INVALID_PARAMETER;
	ruri = req_child(refp, SIM_NS_WSMAN, "ResourceURI");
	sset = req_child(refp, SIM_NS_WSMAN, "SelectorSet");
	if (!ruri)
		return F_INVALID_PARAMETER;
	uri = trimmed(ruri);
	if (strncmp(uri, SIM_WMI_V2, strlen(SIM_WMI_V2)) != 0 ||
	    !class_known(uri + strlen(SIM_WMI_V2))) {
		free(uri);
		return F_INVALID_PARAMETER;
	}
	epr_init(out, uri + strlen(SIM_WMI_V2));
	free(uri);
	for (c = sset ? sset->children : NULL; c; c = c->next) {
		xmlChar *name;
		char *val;
		if (!is_el(c, SIM_NS_WSMAN, "Selector"))
			continue;
		name = xmlGetProp(c, (const xmlChar *)"Name");
		if (!name || out->nsel >= SIM_MAX_SELECTORS) {
			xmlFree(name);
			epr_clear(out);
			return F_SELECTORS;
		}
		val = trimmed(c);
		epr_add(out, (const char *)name, val);
		free(val);
		xmlFree(name);
	}
	return F_NONE;
}

static enum sim_fault parse_selectors(xmlNodePtr header, sim_req *req)
{
	xmlNodePtr sset = req_child(header, SIM_NS_WSMAN, "SelectorSet"), c;
	size_t i;
	if (count_children(header, SIM_NS_WSMAN, "SelectorSet") > 1)
		return F_SELECTORS;
	for (c = sset ? sset->children : NULL; c; c = c->next) {
		xmlChar *name;
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!is_el(c, SIM_NS_WSMAN, "Selector"))
			return F_SELECTORS;
		name = xmlGetProp(c, (const xmlChar *)"Name");
		if (!name || !*name || req->nsel >= SIM_MAX_SELECTORS) {
			xmlFree(name);
			return F_SELECTORS;
		}
		for (i = 0; i < req->nsel; i++)
			if (hvs_str_case_eq(req->sel[i].name, (const char *)name)) {
				xmlFree(name);
				return F_SELECTORS; /* duplicate */
			}
		req->sel[req->nsel].name = hvs_str_dup((const char *)name);
		req->sel[req->nsel].value = trimmed(c);
		req->nsel++;
		xmlFree(name);
	}
	return F_NONE;
}

static int has_doctype(const char *body, size_t len)
{
	size_t i;
	for (i = 0; i + 9 <= len; i++)
		if (body[i] == '<' && body[i + 1] == '!' &&
		    strncmp(body + i + 2, "DOCTYPE", 7) == 0)
			return 1;
	return 0;
}

static const struct {
	const char *action;
	enum sim_op op;
} actions[] = {
	{ SIM_NS_WXF "/Get", OP_GET },
	{ SIM_NS_WXF "/Put", OP_PUT },
	{ SIM_NS_WSEN "/Enumerate", OP_ENUMERATE },
	{ SIM_NS_WSEN "/Pull", OP_PULL },
	{ SIM_NS_WSEN "/Release", OP_RELEASE },
};

enum sim_fault req_parse(const char *body, size_t len, sim_req *req,
                         const char **detail)
{
	xmlDocPtr doc;
	xmlNodePtr root, header, sbody, n, reply;
	enum sim_fault f;
	size_t i;
	int known = 0;
	static const char *const required[] = { "Action", "MessageID", "To",
	                                        "ReplyTo" };

	memset(req, 0, sizeof(*req));
	req->timeout_ms = -1;
	*detail = NULL;
	if (len == 0 || len > SIM_MAX_BODY) {
		*detail = "The request body is empty or too large.";
		return F_MALFORMED;
	}
	if (has_doctype(body, len)) {
		*detail = "A DTD (DOCTYPE) is not allowed in a WS-Management "
		          "request.";
		return F_MALFORMED;
	}
	doc = xmlReadMemory(body, (int)len, "request.xml", NULL,
	                    XML_PARSE_NONET | XML_PARSE_NOERROR |
	                    XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	if (!doc) {
		*detail = "The request is not well-formed XML.";
		return F_MALFORMED;
	}
	req->doc = doc;
	if (doc->intSubset || doc->extSubset) {
		*detail = "A DTD is not allowed.";
		return F_MALFORMED;
	}
	root = xmlDocGetRootElement(doc);
	if (!is_el(root, SIM_NS_SOAP, "Envelope")) {
		*detail = "The root element is not a SOAP 1.2 Envelope.";
		return F_SCHEMA;
	}
	header = req_child(root, SIM_NS_SOAP, "Header");
	sbody = req_child(root, SIM_NS_SOAP, "Body");
	req->header = header;
	req->body = sbody;
	if (!sbody || count_children(root, SIM_NS_SOAP, "Body") > 1 ||
	    count_children(root, SIM_NS_SOAP, "Header") > 1) {
		*detail = "The envelope must have one Header and one Body.";
		return F_SCHEMA;
	}
	if (req_child(sbody, SIM_NS_WSMID, "Identify")) {
		req->op = OP_IDENTIFY;
		return F_NONE;
	}
	if (!header) {
		*detail = "The request has no SOAP header.";
		return F_HEADER_REQUIRED;
	}
	/* MessageID first so later faults can carry RelatesTo */
	req->message_id = trimmed(req_child(header, SIM_NS_WSA, "MessageID"));
	for (i = 0; i < 4; i++) {
		int c = count_children(header, SIM_NS_WSA, required[i]);
		if (c == 0) {
			*detail = i == 0 ? "The Action header is missing."
			        : i == 1 ? "The MessageID header is missing."
			        : i == 2 ? "The To header is missing."
			                 : "The ReplyTo header is missing.";
			return F_HEADER_REQUIRED;
		}
		if (c > 1) {
			*detail = "A WS-Addressing header appears more than once.";
			return F_HEADER_INVALID;
		}
	}
	if (!valid_uuid_urn(req->message_id)) {
		*detail = "The MessageID must be a uuid: URI.";
		return F_HEADER_INVALID;
	}
	reply = req_child(req_child(header, SIM_NS_WSA, "ReplyTo"), SIM_NS_WSA,
	                  "Address");
	{
		char *addr = trimmed(reply);
		int ok = addr && strcmp(addr, SIM_ANONYMOUS) == 0;
		free(addr);
		if (!ok) {
			*detail = "ReplyTo must be the anonymous address.";
			return F_HEADER_INVALID;
		}
	}
	req->to = trimmed(req_child(header, SIM_NS_WSA, "To"));
	if (!valid_to(req->to)) {
		*detail = "The To address does not name this service.";
		return F_DEST_UNREACHABLE;
	}
	req->action = trimmed(req_child(header, SIM_NS_WSA, "Action"));
	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(req->action, actions[i].action) == 0) {
			req->op = actions[i].op;
			known = 1;
		}
	if (count_children(header, SIM_NS_WSMAN, "ResourceURI") > 1) {
		*detail = "The ResourceURI header appears more than once.";
		return F_HEADER_INVALID;
	}
	req->resource_uri = trimmed(req_child(header, SIM_NS_WSMAN,
	                                      "ResourceURI"));
	if (!known) {
		const char *slash;
		size_t ul = req->resource_uri ? strlen(req->resource_uri) : 0;
		/* Invoke: Action is the resource URI plus "/Method" */
		slash = strrchr(req->action, '/');
		if (!req->resource_uri || !slash || slash[1] == '\0' ||
		    (size_t)(slash - req->action) != ul ||
		    strncmp(req->action, req->resource_uri, ul) != 0 ||
		    strncmp(req->action, SIM_WMI_V2, strlen(SIM_WMI_V2)) != 0) {
			*detail = "The action is not supported.";
			return F_ACTION;
		}
		req->op = OP_INVOKE;
		req->method = hvs_str_dup(slash + 1);
	}
	if (!req->resource_uri || !*req->resource_uri) {
		*detail = "The ResourceURI header is missing.";
		return F_DEST_UNREACHABLE;
	}
	if (req->op == OP_GET &&
	    strncmp(req->resource_uri, SIM_CONFIG_URI, strlen(SIM_CONFIG_URI)) == 0) {
		/* winrm/config and its parts: ops_config.c decides */
		req->config = 1;
	} else if (strncmp(req->resource_uri, SIM_WMI_V2, strlen(SIM_WMI_V2)) != 0) {
		*detail = "The resource URI is not supported by this host.";
		return F_DEST_UNREACHABLE;
	} else {
		req->cls = hvs_str_dup(req->resource_uri + strlen(SIM_WMI_V2));
		if (strcmp(req->cls, "*") != 0 && !class_known(req->cls)) {
			*detail = "Invalid class.";
			return F_DEST_UNREACHABLE;
		}
		if (strcmp(req->cls, "*") == 0 && req->op != OP_ENUMERATE &&
		    req->op != OP_PULL && req->op != OP_RELEASE) {
			*detail = "The * resource URI only supports enumeration.";
			return F_DEST_UNREACHABLE;
		}
	}
	f = parse_selectors(header, req);
	if (f != F_NONE) {
		*detail = "The SelectorSet is not valid.";
		return f;
	}
	n = req_child(header, SIM_NS_WSMAN, "OperationTimeout");
	if (n) {
		char *t = trimmed(n);
		int bad = parse_duration_ms(t, &req->timeout_ms) != 0;
		free(t);
		if (bad) {
			*detail = "OperationTimeout is not an xs:duration.";
			return F_TIMEOUT_HEADER;
		}
	}
	n = req_child(header, SIM_NS_WSMAN, "Locale");
	if (n) {
		xmlChar *l = xmlGetNsProp(n, (const xmlChar *)"lang",
		                          XML_XML_NAMESPACE);
		if (l)
			req->locale = hvs_str_dup((const char *)l);
		xmlFree(l);
	}
	n = req_child(header, SIM_NS_WSMAN, "MaxEnvelopeSize");
	if (n) {
		char *t = trimmed(n);
		uint64_t v;
		int bad = hvs_str_to_u64(t, 0xffffffffu, &v) != 0 || v < 8192;
		free(t);
		if (bad) {
			*detail = "MaxEnvelopeSize is not valid.";
			return F_SCHEMA;
		}
		req->max_envelope = (size_t)v;
	}
	return F_NONE;
}

void req_peek(const char *body, size_t len, char **action, char **uri,
              char **method)
{
	xmlDocPtr doc;
	xmlNodePtr root, header, sbody;
	size_t i, ul;
	int known = 0;
	*action = *uri = *method = NULL;
	/* the same hardened parse as req_parse: this body was never vetted */
	if (!body || len == 0 || len > SIM_MAX_BODY || has_doctype(body, len))
		return;
	doc = xmlReadMemory(body, (int)len, "request.xml", NULL,
	                    XML_PARSE_NONET | XML_PARSE_NOERROR |
	                    XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	if (!doc)
		return;
	root = xmlDocGetRootElement(doc);
	if (is_el(root, SIM_NS_SOAP, "Envelope") && !doc->intSubset) {
		header = req_child(root, SIM_NS_SOAP, "Header");
		sbody = req_child(root, SIM_NS_SOAP, "Body");
		if (req_child(sbody, SIM_NS_WSMID, "Identify")) {
			*action = hvs_str_dup("Identify"); /* as sim_dispatch logs it */
		} else {
			*action = trimmed(req_child(header, SIM_NS_WSA, "Action"));
			*uri = trimmed(req_child(header, SIM_NS_WSMAN,
			                         "ResourceURI"));
		}
	}
	xmlFreeDoc(doc);
	if (!*action || !*uri)
		return;
	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(*action, actions[i].action) == 0)
			known = 1;
	/* an Invoke action is the resource URI plus "/Method" */
	ul = strlen(*uri);
	if (!known && ul && strncmp(*action, *uri, ul) == 0 &&
	    (*action)[ul] == '/' && (*action)[ul + 1] &&
	    !strchr(*action + ul + 1, '/'))
		*method = hvs_str_dup(*action + ul + 1);
}

void req_free(sim_req *req)
{
	size_t i;
	if (req->doc)
		xmlFreeDoc(req->doc);
	free(req->action);
	free(req->message_id);
	free(req->to);
	free(req->resource_uri);
	free(req->cls);
	free(req->method);
	free(req->locale);
	for (i = 0; i < req->nsel; i++) {
		free(req->sel[i].name);
		free(req->sel[i].value);
	}
	memset(req, 0, sizeof(*req));
}
