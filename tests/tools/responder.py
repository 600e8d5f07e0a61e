#!/usr/bin/env python3
"""A small loopback HTTP/1.1 responder for transport and integration tests:
canned replies to POST /wsman with keep-alive, optional Basic auth, huge or
slow bodies, redirects, dropped connections, TLS, and a JSON log line per
request (with the client's port, so tests can see connection reuse).
Standard library only; binds 127.0.0.1 or ::1 on an ephemeral port and writes
the port to --port-file."""

import argparse
import base64
import http.server
import json
import os
import socket
import ssl
import sys
import threading
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port-file", required=True)
    p.add_argument("--ipv6", action="store_true", help="bind ::1")
    p.add_argument("--https", action="store_true")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--path", default="/wsman", help="only path served (else 404)")
    p.add_argument("--status", type=int, default=200)
    p.add_argument("--body", help="file with the response body")
    p.add_argument("--echo", action="store_true", help="reply with the request body")
    p.add_argument("--content-type", default="application/soap+xml;charset=UTF-8")
    p.add_argument("--basic", metavar="USER:PASS",
                   help="require this Basic authorization, else 401")
    p.add_argument("--www-authenticate", action="append", default=[],
                   metavar="VALUE", help="WWW-Authenticate values sent with a 401")
    p.add_argument("--huge-bytes", type=int, help="reply with this many bytes")
    p.add_argument("--chunked", action="store_true",
                   help="send the body chunked (no Content-Length)")
    p.add_argument("--delay-ms", type=int, default=0)
    p.add_argument("--redirect", metavar="URL", help="reply 302 to this URL")
    p.add_argument("--close", action="store_true",
                   help="read the request, then close without replying")
    p.add_argument("--stray-after-ms", type=int,
                   help="after each reply, wait this long, then send an "
                        "unrequested 500 on the same connection")
    p.add_argument("--log", help="append one JSON line per request")
    return p.parse_args()


ARGS = parse_args()
LOG_LOCK = threading.Lock()


def log_request(handler, body_len, outcome):
    if not ARGS.log:
        return
    headers = {k.lower(): v for k, v in handler.headers.items()
               if k.lower() != "authorization"}
    line = {
        "method": handler.command,
        "path": handler.path,
        "peer_port": handler.client_address[1],
        "body_len": body_len,
        "has_authorization": "Authorization" in handler.headers,
        "headers": headers,
        "outcome": outcome,
    }
    with LOG_LOCK, open(ARGS.log, "a", encoding="utf-8") as f:
        f.write(json.dumps(line) + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive whenever a length is known

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass  # stay quiet: tests read --log instead

    def reply(self, status, body, ctype=None, extra=()):
        self.send_response(status)
        for name, value in extra:
            self.send_header(name, value)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        if ARGS.stray_after_ms is not None:
            self.wfile.flush()
            time.sleep(ARGS.stray_after_ms / 1000.0)
            self.wfile.write(b"HTTP/1.1 500 Internal Server Error\r\n"
                             b"Content-Length: 5\r\n\r\nstray")

    def send_huge(self, n):
        self.send_response(ARGS.status)
        self.send_header("Content-Type", ARGS.content_type)
        if ARGS.chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(n))
        self.end_headers()
        block = b"x" * 65536
        try:
            while n > 0:
                part = block[:min(n, len(block))]
                if ARGS.chunked:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                else:
                    self.wfile.write(part)
                n -= len(part)
            if ARGS.chunked:
                self.wfile.write(b"0\r\n\r\n")
        except OSError:
            self.close_connection = True  # the client gave up, as intended

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length) if length else b""
        if ARGS.close:
            log_request(self, len(body), "close")
            self.close_connection = True
            return
        if ARGS.delay_ms:
            time.sleep(ARGS.delay_ms / 1000.0)
        if self.path != ARGS.path:
            log_request(self, len(body), "404")
            self.reply(404, b"not found\n", "text/plain")
            return
        if ARGS.basic:
            want = "Basic " + base64.b64encode(ARGS.basic.encode()).decode()
            if self.headers.get("Authorization") != want:
                log_request(self, len(body), "401")
                challenges = ARGS.www_authenticate or ['Basic realm="WSMAN"']
                self.reply(401, b"", None,
                           [("WWW-Authenticate", c) for c in challenges])
                return
        if ARGS.redirect:
            log_request(self, len(body), "302")
            self.reply(302, b"", None, [("Location", ARGS.redirect)])
            return
        log_request(self, len(body), "ok")
        if ARGS.huge_bytes is not None:
            self.send_huge(ARGS.huge_bytes)
        elif ARGS.echo:
            self.reply(ARGS.status, body, self.headers.get("Content-Type"))
        else:
            data = b""
            if ARGS.body:
                with open(ARGS.body, "rb") as f:
                    data = f.read()
            self.reply(ARGS.status, data, ARGS.content_type)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    address_family = socket.AF_INET6 if ARGS.ipv6 else socket.AF_INET
    tls = None

    def finish_request(self, request, client_address):
        # The TLS handshake runs here, in the connection's thread, so a
        # client that rejects our certificate cannot stall the listener.
        if self.tls:
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
            try:
                super().finish_request(request, client_address)
            finally:
                self.shutdown_request(request)
            return
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address):
        # Clients that hang up (timeouts, size caps) are expected here.
        if isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError)):
            return
        super().handle_error(request, client_address)


def watch_parent():
    # Exit when the test that started us dies, so no responder outlives it.
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main():
    host = "::1" if ARGS.ipv6 else "127.0.0.1"
    try:
        server = Server((host, 0), Handler)
    except OSError as e:
        print("responder: cannot bind %s: %s" % (host, e), file=sys.stderr)
        return 3
    if ARGS.https:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.cert, ARGS.key)
        server.tls = ctx
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write("%d\n" % server.server_address[1])
    os.replace(tmp, ARGS.port_file)  # readers never see a partial file
    threading.Thread(target=watch_parent, daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
