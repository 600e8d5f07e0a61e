#!/usr/bin/python3
"""Drives hvsim with python3-winrm (Debian's 0.3.0), an independent WinRM
client, to prove hvsim speaks real WinRM: NTLM with message encryption,
Basic over https, channel binding. SOAP envelopes are written by hand here
so neither hvsnap's builders nor hvsim's writer are involved.

Usage: winrm_flow.py MODE --endpoint URL --user USER [options]
The password comes from the environment variable named by --password-env
(never from argv). Prints one JSON object on stdout; exit 0 when the mode's
expectation holds, 1 otherwise (the JSON says why).
"""
import argparse
import json
import os
import sys
import time
import uuid
import xml.etree.ElementTree as ET

import requests
import urllib3
import winrm
from winrm.exceptions import (InvalidCredentialsError, WinRMError,
                              WinRMTransportError)

urllib3.disable_warnings()

SOAP = "http://www.w3.org/2003/05/soap-envelope"
WSA = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
WSMAN = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
WSEN = "http://schemas.xmlsoap.org/ws/2004/09/enumeration"
WXF = "http://schemas.xmlsoap.org/ws/2004/09/transfer"
ANON = WSA + "/role/anonymous"
WMI = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2"
WQL = "http://schemas.microsoft.com/wbem/wsman/1/WQL"


def esc(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;"))


def envelope(endpoint, action, resource_uri, body, selectors=None):
    sel = ""
    if selectors:
        sel = "<w:SelectorSet>" + "".join(
            '<w:Selector Name="%s">%s</w:Selector>' % (esc(k), esc(v))
            for k, v in selectors.items()) + "</w:SelectorSet>"
    return (
        '<s:Envelope xmlns:s="%s" xmlns:a="%s" xmlns:w="%s" xmlns:n="%s">'
        "<s:Header><a:To>%s</a:To>"
        '<w:ResourceURI s:mustUnderstand="true">%s</w:ResourceURI>'
        '<a:ReplyTo><a:Address s:mustUnderstand="true">%s</a:Address></a:ReplyTo>'
        '<a:Action s:mustUnderstand="true">%s</a:Action>'
        '<w:MaxEnvelopeSize s:mustUnderstand="true">512000</w:MaxEnvelopeSize>'
        "<a:MessageID>uuid:%s</a:MessageID>"
        '<w:Locale xml:lang="en-US" s:mustUnderstand="false"/>'
        "<w:OperationTimeout>PT60.000S</w:OperationTimeout>%s"
        "</s:Header><s:Body>%s</s:Body></s:Envelope>"
        % (SOAP, WSA, WSMAN, WSEN, esc(endpoint), esc(resource_uri), ANON,
           esc(action), str(uuid.uuid4()).upper(), sel, body))


def local(tag):
    return tag.rsplit("}", 1)[-1]


def find_all(node, name):
    return [e for e in node.iter() if local(e.tag) == name]


def find_one(node, name):
    found = find_all(node, name)
    return found[0] if found else None


def text_of(node, name):
    e = find_one(node, name)
    return e.text if e is not None else None


def epr_selectors(epr):
    return {s.get("Name"): s.text for s in find_all(epr, "Selector")}


class Flow:
    def __init__(self, args, **extra):
        self.endpoint = args.endpoint
        password = os.environ.get(args.password_env, "")
        self.p = winrm.protocol.Protocol(
            endpoint=args.endpoint, transport=args.transport,
            username=args.user, password=password,
            # validate against hvsim's own certificate: "ignore" would be
            # overridden by REQUESTS_CA_BUNDLE from the environment
            server_cert_validation="validate" if args.ca else "ignore",
            ca_trust_path=args.ca,
            message_encryption=args.encryption, **extra)
        self.sent = 0

    def send(self, action, resource_uri, body="", selectors=None):
        self.sent += 1
        xml = envelope(self.endpoint, action, resource_uri, body, selectors)
        return ET.fromstring(self.p.send_message(xml))

    def wql(self, query):
        """Enumerate + Pull until EndOfSequence: one item per Pull."""
        root = self.send(WSEN + "/Enumerate", WMI + "/*",
                         '<n:Enumerate><w:Filter Dialect="%s">%s</w:Filter>'
                         "</n:Enumerate>" % (WQL, esc(query)))
        ctx = text_of(root, "EnumerationContext")
        items = []
        while ctx:
            root = self.send(WSEN + "/Pull", WMI + "/*",
                             "<n:Pull><n:EnumerationContext>%s"
                             "</n:EnumerationContext></n:Pull>" % esc(ctx))
            items += list(find_one(root, "Items") or [])
            ctx = None if find_one(root, "EndOfSequence") is not None \
                else text_of(root, "EnumerationContext")
        return items

    def checkpoint(self, vm_name):
        vms = self.wql("SELECT * FROM Msvm_ComputerSystem WHERE "
                       "ElementName='%s'" % vm_name.replace("'", "\\'"))
        if len(vms) != 1:
            raise RuntimeError("expected one VM named %s, got %d"
                               % (vm_name, len(vms)))
        vm_id = text_of(vms[0], "Name")
        svc = self.wql("SELECT * FROM Msvm_VirtualSystemSnapshotService")
        keys = {k: text_of(svc[0], k) for k in
                ("CreationClassName", "Name", "SystemCreationClassName",
                 "SystemName")}
        cls = WMI + "/Msvm_VirtualSystemSnapshotService"
        root = self.send(
            cls + "/CreateSnapshot", cls,
            '<p:CreateSnapshot_INPUT xmlns:p="%s"><p:AffectedSystem>'
            "<a:Address>%s</a:Address><a:ReferenceParameters>"
            "<w:ResourceURI>%s/Msvm_ComputerSystem</w:ResourceURI>"
            '<w:SelectorSet><w:Selector Name="CreationClassName">'
            'Msvm_ComputerSystem</w:Selector><w:Selector Name="Name">%s'
            "</w:Selector></w:SelectorSet></a:ReferenceParameters>"
            "</p:AffectedSystem><p:SnapshotSettings></p:SnapshotSettings>"
            "<p:SnapshotType>2</p:SnapshotType></p:CreateSnapshot_INPUT>"
            % (cls, ANON, WMI, esc(vm_id)), keys)
        rv = text_of(root, "ReturnValue")
        if rv != "4096":
            raise RuntimeError("CreateSnapshot ReturnValue %s" % rv)
        job_id = epr_selectors(find_one(root, "Job"))["InstanceID"]
        deadline = time.time() + 60
        while True:
            job = self.send(WXF + "/Get", WMI + "/Msvm_ConcreteJob", "",
                            {"InstanceID": job_id})
            state = text_of(job, "JobState")
            if state in ("7", "32768"):
                break
            if state in ("8", "9", "10") or time.time() > deadline:
                raise RuntimeError("job ended in state %s" % state)
            time.sleep(0.2)
        snaps = self.wql(
            "ASSOCIATORS OF {Msvm_ConcreteJob.InstanceID='%s'} WHERE "
            "AssocClass = Msvm_AffectedJobElement "
            "ResultClass = Msvm_VirtualSystemSettingData" % job_id)
        if len(snaps) != 1:
            raise RuntimeError("expected one snapshot, got %d" % len(snaps))
        return {"vm": vm_id, "job": job_id, "job_state": state,
                "snapshot": text_of(snaps[0], "InstanceID"),
                "snapshot_name": text_of(snaps[0], "ElementName"),
                "requests": self.sent}


def identify_body():
    return ('<s:Envelope xmlns:s="%s" xmlns:wsmid="http://schemas.dmtf.org/'
            'wbem/wsman/identity/1/wsmanidentity.xsd"><s:Header/><s:Body>'
            "<wsmid:Identify/></s:Body></s:Envelope>" % SOAP)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["flow", "plaintext", "reconnect",
                                     "auth", "tamper", "gets"])
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password-env", default="HVSIM_PASSWORD")
    ap.add_argument("--transport", default="ntlm")
    ap.add_argument("--encryption", default="always")
    ap.add_argument("--vm", default="web01")
    ap.add_argument("--ca", help="PEM to validate an https endpoint with")
    ap.add_argument("--get", action="append", default=[],
                    help="gets mode: a service class to Get, in order")
    ap.add_argument("--no-cbt", action="store_true",
                    help="requests_ntlm send_cbt=False")
    ap.add_argument("--keep-domain-case", action="store_true",
                    help="send DOMAIN as typed (requests_ntlm upper-cases)")
    ap.add_argument("--wrong-cbt", action="store_true",
                    help="send a channel binding for another certificate")
    args = ap.parse_args()
    extra = {}
    if args.no_cbt:
        extra["send_cbt"] = False
    if args.keep_domain_case:
        # requests_ntlm upper-cases DOMAIN; Windows clients need not, and
        # NTOWFv2 hashes the domain as sent, so send it as typed
        import requests_ntlm
        orig_init = requests_ntlm.HttpNtlmAuth.__init__

        # the same parameters: pywinrm inspects them (getfullargspec)
        def init(self, username, password, session=None, send_cbt=True):
            orig_init(self, username, password, session, send_cbt)
            if "\\" in username:
                self.domain = username.split("\\", 1)[0]
        requests_ntlm.HttpNtlmAuth.__init__ = init
    if args.wrong_cbt:
        import requests_ntlm.requests_ntlm as rn
        rn._get_certificate_hash = lambda der: "00" * 32
    out = {"mode": args.mode}
    ok = False
    try:
        f = Flow(args, **extra)
        if args.mode == "flow":
            out.update(f.checkpoint(args.vm))
            ok = True
        elif args.mode == "auth":
            # one authenticated request: Identify
            root = ET.fromstring(f.p.send_message(identify_body()))
            out["product"] = text_of(root, "ProductVendor")
            ok = out["product"] is not None
        elif args.mode == "plaintext":
            # NTLM-authenticated but unsealed SOAP on http must be refused
            # (run with --encryption never); pywinrm turns the 500 fault
            # into WinRMError with the fault's details
            try:
                f.send(WXF + "/Get", WMI + "/Msvm_VirtualSystemManagementService",
                       "", {"CreationClassName":
                            "Msvm_VirtualSystemManagementService"})
                out["refused"] = False
            except WinRMError as e:
                out["refused"] = True
                out["detail"] = str(e)
                out["status"] = getattr(e, "code", None)
            ok = out["refused"] and "w:AccessDenied" in out.get("detail", "")
        elif args.mode == "reconnect":
            # authenticate and talk on one connection, then try the same
            # session's sealed request on a fresh TCP connection (new
            # requests.Session without auth): the context must not follow.
            f.send(WXF + "/Get", WMI + "/Msvm_VirtualSystemManagementService",
                   "", {"CreationClassName":
                        "Msvm_VirtualSystemManagementService"})
            t = f.p.transport
            xml = envelope(args.endpoint, WXF + "/Get",
                           WMI + "/Msvm_VirtualSystemManagementService", "",
                           {"CreationClassName":
                            "Msvm_VirtualSystemManagementService"})
            sealed = t.encryption.prepare_encrypted_request(
                t.session, args.endpoint, xml.encode())
            # a plain requests.Session: no NTLM hook, so a 401 stays a 401
            fresh = requests.Session()
            fresh.verify = False
            r = fresh.post(args.endpoint, verify=args.ca or False,
                           data=sealed.body, headers={
                "Content-Type": sealed.headers["Content-Type"]})
            out["fresh_status"] = r.status_code
            out["fresh_offers"] = r.headers.get("WWW-Authenticate", "")
            ok = r.status_code == 401 and "Negotiate" in out["fresh_offers"]
        elif args.mode == "gets":
            # one session, one Get per --get class; each result records
            # what came back on the wire (status, Content-Type) and
            # whether pywinrm's own integrity check accepted it
            t = f.p.transport
            wire = []
            results = []
            for cls in args.get:
                wire.clear()
                res = {"class": cls}
                try:
                    if t.session is None:
                        t.build_session()
                    if t.encryption is not None and \
                            not hasattr(t.encryption, "_hvsim_spy"):
                        orig = t.encryption.parse_encrypted_response

                        def spy(response, orig=orig):
                            wire.append(response)
                            return orig(response)
                        t.encryption.parse_encrypted_response = spy
                        t.encryption._hvsim_spy = True
                    f.send(WXF + "/Get", WMI + "/" + cls, "",
                           {"CreationClassName": cls})
                    res["ok"] = True
                except WinRMTransportError as e:
                    res["error"] = "WinRMTransportError"
                    res["status"] = e.code
                except Exception as e:  # the integrity failure lands here
                    res["error"] = type(e).__name__
                    res["detail"] = str(e)
                if wire:
                    res["wire_status"] = wire[-1].status_code
                    res["wire_type"] = wire[-1].headers.get("Content-Type")
                results.append(res)
            out["results"] = results
            ok = True
        elif args.mode == "tamper":
            # a sealed request with one ciphertext bit flipped: 400, and
            # the connection's context is gone (next request: 401)
            get = (WXF + "/Get", WMI + "/Msvm_VirtualSystemManagementService",
                   "", {"CreationClassName":
                        "Msvm_VirtualSystemManagementService"})
            f.send(*get)
            t = f.p.transport
            xml = envelope(args.endpoint, *get).encode()
            sealed = t.encryption.prepare_encrypted_request(
                t.session, args.endpoint, xml)
            body = bytearray(sealed.body)
            body[len(body) - len(b"--Encrypted Boundary--\r\n") - 3] ^= 1
            sealed.body = bytes(body)
            r = t.session.send(sealed)
            out["tampered_status"] = r.status_code
            # same keep-alive connection, no NTLM hook: must be a 401 now
            good = t.encryption.prepare_encrypted_request(
                t.session, args.endpoint, xml)
            t.session.auth = None
            r2 = t.session.post(args.endpoint, data=good.body,
                                verify=args.ca or False,
                                headers={"Content-Type":
                                         good.headers["Content-Type"]})
            out["next_status"] = r2.status_code
            ok = r.status_code == 400 and r2.status_code == 401
    except InvalidCredentialsError as e:
        out["error"] = "InvalidCredentialsError"
        out["detail"] = str(e)
    except WinRMTransportError as e:
        out["error"] = "WinRMTransportError"
        out["status"] = e.code
    except Exception as e:  # the JSON must say what went wrong
        out["error"] = type(e).__name__
        out["detail"] = str(e)
    out["ok"] = ok
    print(json.dumps(out))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
