#!/usr/bin/env python3
"""A hostile WinRM host on a raw loopback socket, for the hardening tests:
it answers hvsnap's own requests well enough to reach one chosen stage (VM
lookup, settings query, CreateSnapshot) and then misbehaves there in the
way --mode names. Raw sockets, not http.server, so it can send bytes no
HTTP library would: no status line, an SSH banner, a 1 MB header line, an
unrequested answer on a kept-alive connection.

Every reply relates to the request's MessageID unless the mode says
otherwise. Basic credentials are accepted unseen. One JSON line per request
goes to --log: connection number, action (last path segment), method.
Standard library only; binds 127.0.0.1 on an ephemeral port written to
--port-file."""

import argparse
import base64
import json
import os
import re
import socket
import struct
import threading
import time
import uuid

MODES = [
    "normal",               # a well-behaved host (the baseline)
    "endless-enum",         # every Pull: --n items and a new context, forever
    "enum-items",           # VM lookup answered with --n VMs in one page
    "big-text",             # a VM whose ElementName is --n bytes long
    "empty-elements",       # a VM with --n empty <p:Pad/> elements
    "job-selectors",        # CreateSnapshot's job EPR carries --n selectors
    "relatesto-mismatch",   # every reply relates to another message
    "stray-500",            # an unrequested 500 fault --delay-ms after each reply
    "early-stray",          # the same stray right after the reply, same write
    "empty-invoke-body",    # CreateSnapshot answered with an empty s:Body
    "no-status-line",       # headers and a body with no HTTP status line
    "ssh-banner",           # an SSH server's greeting
    "huge-header",          # a 1 MB header line
    "ntlm-rechallenge",     # NTLM: a second CHALLENGE after AUTHENTICATE
    "c1-fault",             # a SOAP fault whose text holds C1/ESC controls
    "c1-names",             # a VM whose name holds C1/ESC controls
    "c1-authenticate",      # a 401 whose WWW-Authenticate holds C1 controls
    "esc-body",             # a non-XML body with raw ESC sequences
    "snapshot-chain",       # --n checkpoints in one chain (+1 with a missing parent)
    "snapshot-cycle",       # --n checkpoints whose parent links form one cycle
]

NS = ('xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
      'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
      'xmlns:n="http://schemas.xmlsoap.org/ws/2004/09/enumeration" '
      'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"')
V2 = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/"
ENUM = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/"
VM_ID = "C1C1C1C1-0000-4000-8000-000000000001"
C1 = "\u009b31m\u009d0;owned\u009c"  # CSI, OSC, ST: valid XML characters

ARGS = None
LOG_LOCK = threading.Lock()
CONNECTIONS = [0]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port-file", required=True)
    p.add_argument("--mode", choices=MODES, default="normal")
    p.add_argument("--n", type=int, default=1, help="size parameter of the mode")
    p.add_argument("--delay-ms", type=int, default=200)
    p.add_argument("--log")
    return p.parse_args()


def log(entry):
    if ARGS.log:
        with LOG_LOCK, open(ARGS.log, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")


def tag(body, name):
    m = re.search(r"<(?:\w+:)?%s\b[^>]*>(.*?)</(?:\w+:)?%s>" % (name, name), body, re.S)
    return m.group(1).strip() if m else None


def envelope(action, relates_to, body):
    return ('<s:Envelope %s><s:Header><a:Action>%s</a:Action>'
            '<a:MessageID>uuid:%s</a:MessageID>'
            '<a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To>'
            '%s</s:Header><s:Body>%s</s:Body></s:Envelope>' % (
                NS, action, str(uuid.uuid4()).upper(),
                "<a:RelatesTo>%s</a:RelatesTo>" % relates_to if relates_to else "",
                body)).encode("utf-8")


def fault(relates_to, text):
    return envelope("http://schemas.dmtf.org/wbem/wsman/1/wsman/fault", relates_to,
                     '<s:Fault><s:Code><s:Value>s:Receiver</s:Value></s:Code>'
                     '<s:Reason><s:Text xml:lang="en-US">%s</s:Text></s:Reason>'
                     '</s:Fault>' % text)


def vm_item(name="web01", vm_id=VM_ID, extra=""):
    return ('<p:Msvm_ComputerSystem xmlns:p="%sMsvm_ComputerSystem">'
            '<p:Caption>Virtual Machine</p:Caption><p:ElementName>%s</p:ElementName>'
            '<p:EnabledState>2</p:EnabledState><p:Name>%s</p:Name>%s'
            '</p:Msvm_ComputerSystem>' % (V2, name, vm_id, extra))


def vssd_item():
    return ('<p:Msvm_VirtualSystemSettingData xmlns:p="%sMsvm_VirtualSystemSettingData">'
            '<p:InstanceID>Microsoft:%s</p:InstanceID><p:UserSnapshotType>3</p:UserSnapshotType>'
            '<p:VirtualSystemIdentifier>%s</p:VirtualSystemIdentifier>'
            '<p:VirtualSystemType>Microsoft:Hyper-V:System:Realized</p:VirtualSystemType>'
            '</p:Msvm_VirtualSystemSettingData>' % (V2, VM_ID, VM_ID))


def snap_id(i):
    return "5A5A5A5A-0000-4000-8000-%012d" % i


def snap_item(i, parent):
    """A checkpoint's settings: parent is another checkpoint's number, or
    None for a root, or a GUID that names nothing (a dangling parent)."""
    if parent is None:
        par = ""
    else:
        pid = snap_id(parent) if isinstance(parent, int) else parent
        par = ('<p:Parent>\\\\HOSTILE\\root\\virtualization\\v2:'
               'Msvm_VirtualSystemSettingData.InstanceID="Microsoft:%s"</p:Parent>' % pid)
    return ('<p:Msvm_VirtualSystemSettingData xmlns:p="%sMsvm_VirtualSystemSettingData">'
            '<p:ConfigurationID>%s</p:ConfigurationID>'
            '<p:CreationTime>2026-01-01T00:00:00.%06dZ</p:CreationTime>'
            '<p:ElementName>c%d</p:ElementName><p:InstanceID>Microsoft:%s</p:InstanceID>%s'
            '<p:VirtualSystemIdentifier>%s</p:VirtualSystemIdentifier>'
            '<p:VirtualSystemType>Microsoft:Hyper-V:Snapshot:Realized</p:VirtualSystemType>'
            '</p:Msvm_VirtualSystemSettingData>' % (V2, snap_id(i), i % 1000000, i, snap_id(i),
                                                     par, VM_ID))


SNAPSHOTS = []          # the settings query's items in the snapshot modes
CONTEXTS = {}           # enumeration context -> items still to send
CONTEXTS_LOCK = threading.Lock()


def snapshot_items():
    if not SNAPSHOTS:
        n = ARGS.n
        if ARGS.mode == "snapshot-chain":
            SNAPSHOTS.extend(snap_item(i, i - 1 if i else None) for i in range(n))
            SNAPSHOTS.append(snap_item(n, "DEADBEEF-0000-4000-8000-000000000000"))
        else:
            SNAPSHOTS.extend(snap_item(i, (i + 1) % n) for i in range(n))
    return [vssd_item()] + SNAPSHOTS


def paged(mid, items, max_elements, pull=False):
    """The first max_elements items, with a context for the rest."""
    page, rest = items[:max_elements], items[max_elements:]
    context = None
    if rest:
        context = str(uuid.uuid4())
        with CONTEXTS_LOCK:
            CONTEXTS[context] = rest
    return enum_reply(mid, page, context=context, pull=pull)


def enum_reply(mid, items, context=None, pull=False):
    el = "PullResponse" if pull else "EnumerateResponse"
    wrap = "n:Items" if pull else "w:Items"
    ctx = "<n:EnumerationContext>%s</n:EnumerationContext>" % context if context else ""
    end = "" if context else ("<n:EndOfSequence/>" if pull else "<w:EndOfSequence/>")
    return envelope(ENUM + el, mid, "<n:%s>%s<%s>%s</%s>%s</n:%s>" % (
        el, ctx, wrap, "".join(items), wrap, end, el))


def lookup_items(wql):
    """The items a well-behaved host has for a WQL query (one VM)."""
    if "Msvm_VirtualSystemSettingData" in wql:
        return [vssd_item()]
    m = ARGS.mode
    if m == "enum-items":
        return [vm_item("vm%d" % i, "C1C1C1C1-0000-4000-8000-%012d" % i)
                for i in range(ARGS.n)]
    if m == "big-text":
        return [vm_item("w" * ARGS.n)]
    if m == "empty-elements":
        return [vm_item(extra="<p:Pad/>" * ARGS.n)]
    if m == "c1-names":
        return [vm_item("web01" + C1)]
    return [vm_item()]


def invoke_reply(mid, method):
    if ARGS.mode == "empty-invoke-body":
        return envelope(V2 + "Msvm_VirtualSystemSnapshotService/" + method + "Response",
                        mid, "")
    sels = ['<w:Selector Name="InstanceID">%s</w:Selector>' % str(uuid.uuid4()).upper()]
    if ARGS.mode == "job-selectors":
        sels += ['<w:Selector Name="S%d">v</w:Selector>' % i for i in range(ARGS.n)]
    job = ('<p:Job><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous'
           '</a:Address><a:ReferenceParameters><w:ResourceURI>%sMsvm_ConcreteJob</w:ResourceURI>'
           '<w:SelectorSet>%s</w:SelectorSet></a:ReferenceParameters></p:Job>' % (V2, "".join(sels)))
    out = ('<p:%s_OUTPUT xmlns:p="%sMsvm_VirtualSystemSnapshotService">%s'
           '<p:ReturnValue>4096</p:ReturnValue></p:%s_OUTPUT>' % (method, V2, job, method))
    return envelope(V2 + "Msvm_VirtualSystemSnapshotService/" + method + "Response", mid, out)


def answer(req):
    """The SOAP reply to one request body."""
    mid = tag(req, "MessageID")
    action = (tag(req, "Action") or "").rsplit("/", 1)[-1]
    relates = mid
    if ARGS.mode == "relatesto-mismatch":
        relates = "uuid:" + str(uuid.uuid4())
    if ARGS.mode == "c1-fault":
        return fault(relates, "the host says " + C1), 500
    max_elements = int(tag(req, "MaxElements") or 1)
    if ARGS.mode in ("snapshot-chain", "snapshot-cycle"):
        if action == "Enumerate":
            wql = tag(req, "Filter") or ""
            items = snapshot_items() if "Msvm_VirtualSystemSettingData" in wql else [vm_item()]
            return paged(relates, items, max_elements), 200
        if action == "Pull":
            with CONTEXTS_LOCK:
                rest = CONTEXTS.pop(tag(req, "EnumerationContext") or "", [])
            return paged(relates, rest, max_elements, pull=True), 200
    if action == "Enumerate":
        items = lookup_items(tag(req, "Filter") or "")
        if ARGS.mode == "endless-enum":
            return enum_reply(relates, [], context=str(uuid.uuid4())), 200
        return enum_reply(relates, items), 200
    if action == "Pull":
        if ARGS.mode == "endless-enum":
            items = [vm_item("vm", "C1C1C1C1-0000-4000-8000-%012d" % i) for i in range(ARGS.n)]
            return enum_reply(relates, items, context=str(uuid.uuid4()), pull=True), 200
        return enum_reply(relates, []), 200
    if action == "Release":
        return envelope(ENUM + "ReleaseResponse", relates, ""), 200
    if tag(req, "ResourceURI") and "SnapshotService" in tag(req, "ResourceURI"):
        return invoke_reply(relates, action), 200
    return fault(relates, "not simulated here: " + action), 500


def http_reply(status, body, extra=b""):
    reason = {200: b"OK", 401: b"Unauthorized", 500: b"Internal Server Error"}.get(status, b"X")
    return (b"HTTP/1.1 %d %s\r\nContent-Type: application/soap+xml;charset=UTF-8\r\n"
            b"%sContent-Length: %d\r\n\r\n" % (status, reason, extra, len(body))) + body


def ntlm_challenge():
    """A minimal NTLM CHALLENGE (MS-NLMP 2.2.1.2): NTLMv2, Unicode, a
    target name and an AV list with the names and a timestamp."""
    target = "HOSTILE".encode("utf-16-le")
    av = b""
    for av_id, val in ((2, target), (1, target), (4, "hostile".encode("utf-16-le")),
                       (3, "hostile".encode("utf-16-le"))):
        av += struct.pack("<HH", av_id, len(val)) + val
    av += struct.pack("<HHQ", 7, 8, (int(time.time()) + 11644473600) * 10000000)
    av += struct.pack("<HH", 0, 0)
    flags = 0x00000001 | 0x00000200 | 0x00008000 | 0x00080000 | 0x00800000 | \
        0x20000000 | 0x80000000 | 0x00000010 | 0x00000020 | 0x40000000 | 0x00000004 | \
        0x00010000
    head = 56
    msg = b"NTLMSSP\0" + struct.pack("<I", 2)
    msg += struct.pack("<HHI", len(target), len(target), head)
    msg += struct.pack("<I", flags) + os.urandom(8) + b"\0" * 8
    msg += struct.pack("<HHI", len(av), len(av), head + len(target))
    msg += b"\x0a\x00\x63\x45\x00\x00\x00\x0f"
    return msg + target + av


def read_request(f):
    """(header text, body bytes) of one request, or None at EOF."""
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        line = f.readline(65536)
        if not line:
            return None
        head += line
    text = head.decode("latin-1")
    m = re.search(r"(?im)^content-length:\s*(\d+)", text)
    body = f.read(int(m.group(1))) if m else b""
    return text, body


def serve(conn):
    CONNECTIONS[0] += 1
    number = CONNECTIONS[0]
    f = conn.makefile("rb")
    mode = ARGS.mode
    try:
        if mode == "ssh-banner":
            conn.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
            time.sleep(0.5)
            return
        while True:
            got = read_request(f)
            if got is None:
                return
            head, body = got
            req = body.decode("utf-8", "replace")
            auth = re.search(r"(?im)^authorization:\s*(\S+)\s*(\S*)", head)
            log({"connection": number,
                 "action": (tag(req, "Action") or "").rsplit("/", 1)[-1] or None,
                 "message_id": tag(req, "MessageID"),
                 "auth": auth.group(1) if auth else None})
            if mode == "no-status-line":
                payload = b"<s:Envelope/>"
                conn.sendall(b"Content-Type: text/xml\r\nContent-Length: %d\r\n\r\n%s"
                             % (len(payload), payload))
                return
            if mode == "huge-header":
                conn.sendall(b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * (1 << 20) + b"\r\n"
                             b"Content-Length: 0\r\n\r\n")
                return
            if mode == "c1-authenticate":
                conn.sendall(http_reply(401, b"", ("WWW-Authenticate: X%sY realm=\"%s\"\r\n"
                                                   % (C1, C1)).encode("utf-8")))
                continue
            if mode == "esc-body":
                conn.sendall(http_reply(200, b"\x1b[2J\x1b]0;owned\x07" + C1.encode("utf-8")))
                continue
            if mode == "ntlm-rechallenge":
                kind = auth.group(1).lower() if auth else ""
                if kind not in ("negotiate", "ntlm"):
                    conn.sendall(http_reply(401, b"", b"WWW-Authenticate: Negotiate\r\n"))
                    continue
                token = base64.b64encode(ntlm_challenge())
                # NEGOTIATE and AUTHENTICATE alike get a CHALLENGE
                conn.sendall(http_reply(401, b"", b"WWW-Authenticate: Negotiate " + token +
                                        b"\r\n"))
                continue
            reply, status = answer(req)
            data = http_reply(status, reply)
            if mode in ("stray-500", "early-stray"):
                stray = http_reply(500, fault(tag(req, "MessageID"),
                                              "unrequested answer, not for this request"))
                if mode == "early-stray":
                    conn.sendall(data + stray)
                    continue
                conn.sendall(data)
                time.sleep(ARGS.delay_ms / 1000.0)
                conn.sendall(stray)
                continue
            conn.sendall(data)
    except OSError:
        pass  # the client gave up, as it may
    finally:
        try:
            f.close()
            conn.close()
        except OSError:
            pass


def main():
    global ARGS
    ARGS = parse_args()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.getsockname()[1]))
    os.rename(tmp, ARGS.port_file)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
