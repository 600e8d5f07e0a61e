/* hvsim internal interfaces: the pieces of the simulator (server glue, auth,
 * request parsing, response writing, the Hyper-V model, WQL, jobs, scenario)
 * talk to each other only through what is declared here and in model.h.
 * Nothing here comes from the client library (DESIGN.md: independence). */
#ifndef HVSIM_SIM_H
#define HVSIM_SIM_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/buf.h"

/* --- namespace and action URIs, written down again on purpose ---------- */
#define SIM_NS_SOAP  "http://www.w3.org/2003/05/soap-envelope"
#define SIM_NS_WSA   "http://schemas.xmlsoap.org/ws/2004/08/addressing"
#define SIM_NS_WSMAN "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
#define SIM_NS_WSEN  "http://schemas.xmlsoap.org/ws/2004/09/enumeration"
#define SIM_NS_WXF   "http://schemas.xmlsoap.org/ws/2004/09/transfer"
#define SIM_NS_WSE   "http://schemas.xmlsoap.org/ws/2004/08/eventing"
#define SIM_NS_WSMID "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"
#define SIM_NS_XSI   "http://www.w3.org/2001/XMLSchema-instance"
#define SIM_NS_CIM   "http://schemas.dmtf.org/wbem/wscim/1/common"
#define SIM_NS_MSWSMAN "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd"
#define SIM_NS_FAULT "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault"
#define SIM_ANONYMOUS SIM_NS_WSA "/role/anonymous"
#define SIM_WQL_DIALECT "http://schemas.microsoft.com/wbem/wsman/1/WQL"
#define SIM_WMI_V2 "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/"
/* WinRM's own configuration, readable with a plain Get (winrm get
 * winrm/config) and its plugins' (config/plugin?Name=...). */
#define SIM_CONFIG_URI "http://schemas.microsoft.com/wbem/wsman/1/config"

#define SIM_MAX_SELECTORS 8
#define SIM_MAX_BODY (512 * 1024) /* WinRM MaxEnvelopeSizekb default is 500 */

/* --- instances: a class name plus named, typed property values --------- */
typedef struct sim_sel {
	char *name;
	char *value;
} sim_sel;

/* An endpoint reference as WMI writes it: class + key selectors. */
typedef struct sim_epr {
	char *cls;
	size_t nsel;
	sim_sel sel[SIM_MAX_SELECTORS];
} sim_epr;

enum sim_pkind {
	PK_NIL,      /* xsi:nil="true" */
	PK_TEXT,     /* plain text (numbers and booleans too) */
	PK_DATETIME, /* text is ISO 8601, written as cim:Datetime */
	PK_INTERVAL, /* text is xs:duration, written as cim:Interval */
	PK_EPR,      /* a:Address + a:ReferenceParameters */
	PK_ARRAY     /* repeated elements, one per item */
};

typedef struct sim_prop {
	char *name;
	enum sim_pkind kind;
	char *text;
	char **items;
	size_t nitems;
	sim_epr epr;
} sim_prop;

typedef struct sim_inst {
	char *cls;
	sim_prop *props;
	size_t n, cap;
} sim_inst;

/* inst.c. Setters copy their strings; a NULL text makes a nil property. */
sim_inst *inst_new(const char *cls);
void inst_free(sim_inst *in);
sim_inst *inst_clone(const sim_inst *in);
void inst_set_text(sim_inst *in, const char *name, const char *text);
void inst_set_fmt(sim_inst *in, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void inst_set_nil(sim_inst *in, const char *name);
void inst_set_bool(sim_inst *in, const char *name, int v);
void inst_set_uint(sim_inst *in, const char *name, unsigned long long v);
/* ms since the Unix epoch; a negative value means "never" (1601-01-01) */
void inst_set_datetime(sim_inst *in, const char *name, long long epoch_ms);
void inst_set_interval(sim_inst *in, const char *name, unsigned long long ms);
void inst_set_array(sim_inst *in, const char *name, const char *const *items,
                    size_t n);
void inst_set_uint_array(sim_inst *in, const char *name,
                         const unsigned *items, size_t n);
void inst_set_epr(sim_inst *in, const char *name, const sim_epr *epr);
const sim_prop *inst_get(const sim_inst *in, const char *name);
/* Text of a scalar property, or NULL (nil, missing, array, EPR). */
const char *inst_text(const sim_inst *in, const char *name);
/* Sorts properties the way WMI writes them (alphabetical). */
void inst_sort(sim_inst *in);

void epr_init(sim_epr *e, const char *cls);
void epr_add(sim_epr *e, const char *name, const char *value);
void epr_clear(sim_epr *e);
void epr_copy(sim_epr *dst, const sim_epr *src);
/* Same class and same selector set (order-free, values case-insensitive). */
int epr_equal(const sim_epr *a, const sim_epr *b);

void iso8601_from_ms(long long epoch_ms, char out[40]);

/* A growable list of instances. */
typedef struct sim_list {
	sim_inst **v;
	size_t n, cap;
} sim_list;
void list_push(sim_list *l, sim_inst *in);
void list_free(sim_list *l);

/* --- faults (fault.c) -------------------------------------------------- */
enum sim_fault {
	F_NONE = 0,
	F_SCHEMA,             /* w:SchemaValidationError */
	F_MALFORMED,          /* malformed XML / DOCTYPE (SchemaValidation too) */
	F_HEADER_REQUIRED,    /* a:MessageInformationHeaderRequired */
	F_HEADER_INVALID,     /* a:InvalidMessageInformationHeader */
	F_ACTION,             /* a:ActionNotSupported */
	F_DEST_UNREACHABLE,   /* a:DestinationUnreachable, unknown resource */
	F_NOT_FOUND,          /* a:DestinationUnreachable, no such instance */
	F_SELECTORS,          /* w:InvalidSelectors */
	F_TIMEOUT_HEADER,     /* invalid OperationTimeout */
	F_WQL_URI,            /* class URI with a WQL filter */
	F_FILTER,             /* w:CannotProcessFilter */
	F_DIALECT,            /* n:FilterDialectRequestedUnavailable */
	F_ENUM_CONTEXT,       /* n:InvalidEnumerationContext */
	F_ENCRYPTION,         /* plaintext SOAP where encryption is required */
	F_INVALID_PARAMETER,  /* bad method parameters (WMI provider fault) */
	F_ACCESS_DENIED,      /* w:AccessDenied */
	F_QUOTA,              /* w:QuotaLimit, WinRM error 0x803381A6 */
	F_INTERNAL            /* s:Receiver w:InternalError (keep last) */
};

/* --- a parsed request (request.c) ------------------------------------- */
enum sim_op {
	OP_IDENTIFY, OP_GET, OP_PUT, OP_ENUMERATE, OP_PULL, OP_RELEASE, OP_INVOKE
};

typedef struct sim_req {
	void *doc;           /* xmlDocPtr */
	void *header, *body; /* xmlNodePtr */
	enum sim_op op;
	char *action;
	char *message_id;
	char *to;
	char *resource_uri;
	char *cls;          /* class named by the resource URI, "*" for the star */
	char *method;       /* Invoke only */
	char *locale;       /* wsman:Locale xml:lang, or NULL */
	sim_sel sel[SIM_MAX_SELECTORS];
	size_t nsel;
	long long timeout_ms; /* OperationTimeout, -1 when absent */
	size_t max_envelope;  /* MaxEnvelopeSize, 0 when absent */
	int config;         /* a Get of winrm/config or one of its parts */
} sim_req;

/* Parses and validates; on failure returns the fault kind and sets *detail
 * (static text or NULL). Identify is recognised without WS-A headers. */
enum sim_fault req_parse(const char *body, size_t len, sim_req *req,
                         const char **detail);
void req_free(sim_req *req);
/* Namespace-aware child lookup under a libxml2 node. */
void *req_child(void *node, const char *ns, const char *local);
/* Text content of a node (malloc'd, "" for empty), or NULL for no node. */
char *req_text(void *node);
/* Best effort, for the log of a request an injected fault cut short: the
 * Action, ResourceURI and Invoke method of a body that may not even be
 * valid WS-Management ("Identify" for Identify). Each out is malloc'd, or
 * NULL when that much could not be read. */
void req_peek(const char *body, size_t len, char **action, char **uri,
              char **method);
/* Parses xs:duration into ms; returns 0 on success. */
int parse_duration_ms(const char *s, long long *out);
/* An EPR parameter in an Invoke/association body: a:Address +
 * a:ReferenceParameters directly under node. 0 on success, else the fault. */
enum sim_fault req_epr(void *node, sim_epr *out);

/* --- the response being built ------------------------------------------ */
enum sim_inject { INJ_NONE, INJ_DROP, INJ_TRUNCATE, INJ_GARBAGE, INJ_503,
                  INJ_TAMPER };

typedef struct sim_resp {
	int status;
	buf body;
	const char *content_type;
	int auth_challenge;   /* add WWW-Authenticate headers */
	enum sim_inject inject;
	/* Invoke: the method's input parameters as compact JSON text for the
	 * --log line's "params" (malloc'd, the caller frees), or NULL */
	char *log_params;
} sim_resp;

/* --- writer.c: the real recorded format -------------------------------- */
void xw_text(buf *b, const char *s);     /* escaped character data */
void xw_attr(buf *b, const char *s);     /* escaped attribute value */
void xw_uuid(char out[48]);              /* "uuid:" + upper-case UUID */
/* Envelope start through <s:Body>; action may be NULL (Identify). */
void xw_envelope_open(buf *b, const char *lang, const char *action,
                      const char *relates_to);
void xw_envelope_close(buf *b);
/* <s:Header> with Action, a fresh MessageID, To and RelatesTo (when given). */
void xw_header(buf *b, const char *action, const char *relates_to);
/* <p:Class xmlns:p=... xsi:type=...> with every property; elem is the
 * element's local name (the class name for items). */
void xw_instance(buf *b, const sim_inst *in);
/* EPR contents (a:Address + a:ReferenceParameters) for element tag, which
 * is written with xmlns:a and xmlns:w declarations when decl is set. */
void xw_epr(buf *b, const char *tag, const sim_epr *e, int decl);
/* A:EndpointReference item for EnumerationMode EnumerateEPR. */
void xw_epr_item(buf *b, const sim_epr *e);
/* One property of a DSP0201 CIM-XML INSTANCE: value NULL is a property
 * without VALUE (null); array writes PROPERTY.ARRAY, with its one value
 * (if any) as the only VALUE.ARRAY item. */
typedef struct xw_cimprop {
	const char *name;
	const char *type;        /* "string", "uint16", "uint32", ... */
	const char *value;
	int array;
	const char *origin;      /* CLASSORIGIN, or NULL */
} xw_cimprop;
/* <INSTANCE CLASSNAME="cls"> with props in the order given: the text of
 * an embedded-instance string (GetError's Msvm_Error), to be escaped
 * again by whoever puts it into SOAP. */
void xw_cimxml_instance(buf *b, const char *cls, const xw_cimprop *props,
                        size_t n);
/* Characters (Unicode code points) in UTF-8 text: names are limited in
 * characters, not bytes. Continuation bytes are not counted. */
size_t xw_utf8_chars(const char *s);

/* fault.c */
void fault_write(sim_resp *r, enum sim_fault f, const char *lang,
                 const char *machine, const char *relates_to,
                 const char *detail);

/* --- connection and server context ------------------------------------- */
typedef struct sim_conn {
	unsigned long id;
	unsigned long requests;
	char *user;         /* authenticated user of this connection, or NULL */
	char scheme[24];    /* "basic", "negotiate-ntlm", "negotiate-kerberos",
	                       "certificate" or "" (what --log shows as "auth") */
	int tls;
	void *tls_session;  /* MHD's gnutls_session_t over https, else NULL */
	int encrypted;      /* the current request came multipart/encrypted */
	void *gss;          /* negotiate.c's security context, or NULL */
	int uac_filtered;   /* the current request's user is users[].uac_filtered */
} sim_conn;

struct sim_model;
struct sim_scenario;

/* Requests of one user being answered right now (quota enforcement). */
typedef struct sim_inflight {
	char *user;
	unsigned n;
} sim_inflight;

/* One simulated host. hvsim serves one, or several (scenario "hosts"),
 * each with its own context, port, model and lock. */
typedef struct sim_ctx {
	pthread_mutex_t lock;       /* guards model, counters, inflight */
	struct sim_model *model;
	struct sim_scenario *sc;
	int https;
	unsigned long requests;     /* all requests, for fault injection */
	FILE *log;                  /* shared by every host; log.c locks it */
	int log_host;               /* several hosts: each log line names it */
	unsigned port;              /* the port asked for (0: any free one) */
	sim_inflight *inflight;     /* per user, when sc caps concurrency */
	size_t ninflight;
	/* "tls-server-end-point:" || H(cert), the channel binding over https */
	unsigned char *cbt_app;
	size_t cbt_len;
} sim_ctx;

/* --- auth.c: which scheme, and the encryption policy ------------------- */
enum sim_auth_result {
	AUTH_OK,               /* go on and dispatch */
	AUTH_CHALLENGE,        /* 401 with the offered WWW-Authenticate */
	AUTH_CONTINUE,         /* 401 with "Negotiate <token>": handshake leg */
	AUTH_REFUSE_PLAINTEXT  /* authenticated, but plaintext SOAP is refused */
};
/* Decides whether a request may proceed. authz is the Authorization header
 * (or NULL); encrypted says the body came as multipart/encrypted and was
 * opened; body_len is the raw body length. Sets conn->user/scheme on
 * success. A Negotiate leg may leave a token for the client in token_out
 * (raw bytes: the CHALLENGE, or Kerberos' AP-REP on the final leg). */
enum sim_auth_result auth_check(sim_ctx *ctx, sim_conn *conn,
                                const char *authz, int encrypted,
                                size_t body_len, buf *token_out);
/* The WWW-Authenticate values to offer; returns how many (at most 2). */
size_t auth_offers(const sim_ctx *ctx, const char *out[2]);
/* Forgets the connection's identity and security context. */
void auth_conn_reset(sim_conn *conn);
struct sim_user;
/* users.c. The scenario user a login names: "user", "DOMAIN\user" or "user@domain";
 * the domain must be the user's or the host's (case-insensitive). */
const struct sim_user *auth_find_user(const sim_ctx *ctx, const char *login);

/* --- certauth.c: client certificates (WinRM's https/mutual profile) -- */
#define SIM_SECPROFILE_MUTUAL \
	"http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/mutual"
/* Once, after the scenario is loaded: reads auth.client_ca and every
 * users[].certificate. 0, or -1 with *err naming the key and file. */
int cert_init(sim_ctx *ctx, char **err);
/* The scenario user the TLS client certificate of conn maps to, or NULL
 * with the reason in why (no certificate, does not verify against
 * auth.client_ca, no user for it). */
const struct sim_user *cert_map(sim_ctx *ctx, const sim_conn *conn,
                                char *why, size_t whylen);

/* --- negotiate.c: GSSAPI acceptor (gss-ntlmssp for NTLM, keytab for
 * Kerberos), channel binding, and the per-connection wrap/unwrap ------- */
enum nego_step { NEGO_CONTINUE, NEGO_DONE, NEGO_FAILED };
/* Once, before any thread starts: writes the private NTLM_USER_FILE, sets
 * the environment, acquires acceptor credentials and, with a certificate,
 * computes the tls-server-end-point binding. 0, or -1 with *err set. */
int nego_init(sim_ctx *ctx, const char *cert_path, char **err);
void nego_shutdown(void);
/* One handshake leg: tok is the decoded Authorization token. On NEGO_DONE
 * conn->user and conn->scheme are set. */
enum nego_step nego_accept(sim_ctx *ctx, sim_conn *conn,
                           const unsigned char *tok, size_t len,
                           buf *token_out);
int nego_established(const sim_conn *conn);
/* in = header || data exactly as it followed the u32 length; hdr_len is
 * that u32, expect the OriginalContent Length. Appends the plaintext to
 * out. 0, or -1 (bad signature, wrong length, not sealed). */
int nego_unwrap(sim_conn *conn, const unsigned char *in, size_t len,
                size_t hdr_len, size_t expect, buf *out);
/* Appends u32le(header length) | header | sealed data [| padding]. */
int nego_wrap(sim_conn *conn, const void *msg, size_t len, buf *out);
void nego_conn_free(sim_conn *conn);

/* --- sealing.c: WinRM multipart/encrypted framing (MS-WSMV 2.2.9.1) --- */
#define SEAL_PROTOCOL "application/HTTP-SPNEGO-session-encrypted"
#define SEAL_CONTENT_TYPE "multipart/encrypted;protocol=\"" SEAL_PROTOCOL \
	"\";boundary=\"Encrypted Boundary\""
/* The Content-Type announces an encrypted body. */
int seal_is_encrypted(const char *content_type);
/* Opens a request body: unwraps through conn and checks the Length. On
 * success the plaintext is in out and *orig_type (static or NULL) is the
 * OriginalContent type. 0, or -1 (framing) / -2 (unwrap failed). */
int seal_open(sim_conn *conn, const char *content_type, const char *body,
              size_t len, buf *out, const char **orig_type);
/* Seals a reply body into the same framing. 0, or -1. */
int seal_close(sim_conn *conn, const char *msg, size_t len, buf *out);
/* Fault injection: flips one byte of the sealed data (the ciphertext after
 * the signature/header) in a frame seal_close wrote, leaving the MIME
 * framing and lengths intact. 0, or -1 when the frame has no such byte. */
int seal_tamper(buf *frame);

/* --- dispatch.c: one SOAP request to one response ----------------------- */
/* identify_only: the request came unauthenticated with the WSMANIDENTIFY
 * header, so only Identify may be answered (anything else gets a 401). */
void sim_dispatch(sim_ctx *ctx, sim_conn *conn, const char *body, size_t len,
                  int identify_only, sim_resp *resp, char **log_action,
                  char **log_uri, char **log_method);

/* ops_*.c, called with ctx->lock held. */
void op_identify(sim_ctx *ctx, sim_req *req, sim_resp *r);
void op_get(sim_ctx *ctx, sim_req *req, sim_resp *r);
void op_put(sim_ctx *ctx, sim_req *req, sim_resp *r);
void op_enumerate(sim_ctx *ctx, sim_req *req, sim_resp *r);
void op_pull(sim_ctx *ctx, sim_req *req, sim_resp *r);
void op_release(sim_ctx *ctx, sim_req *req, sim_resp *r);
void op_invoke(sim_ctx *ctx, sim_req *req, sim_resp *r);
void enum_free_all(void);

/* answer.c. Shortcut for ops: the fault in the host's language. */
void sim_fault(sim_ctx *ctx, sim_req *req, sim_resp *r, enum sim_fault f,
               const char *detail);
/* ops_config.c: Get of winrm/config (cfg:Config) and of
 * config/plugin?Name=WMI Provider, as the scenario's winrm_config says. */
void op_config(sim_ctx *ctx, sim_req *req, sim_resp *r);
/* answer.c. The response language: the request's Locale if given, else
 * the host's. */
const char *sim_lang(sim_ctx *ctx, sim_req *req);

/* log.c. fault names the injected fault that shaped this answer (scenario
 * kind, e.g. "drop_connection"), or NULL: then the line has no "fault".
 * params is sim_resp.log_params (JSON object text) or NULL. */
void log_request(sim_ctx *ctx, const sim_conn *conn, const char *action,
                 const char *uri, const char *method, int status,
                 const char *fault, const char *params);

/* server.c */
struct sim_options {
	const char *listen;
	int https;
	const char *cert, *key;
	const char *port_file;
};
/* Serves ctxs[0..n) (each host on its own port) until SIGTERM/SIGINT:
 * 0, 2 (bad options) or 3 (cannot listen). */
int server_run(sim_ctx *ctxs, size_t n, const struct sim_options *o);

#endif
