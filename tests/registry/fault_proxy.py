#!/usr/bin/python3
"""A misbehaving registry front for the tests: forwards to a real registry
(plain http) and, on the way,

  --basic USER:PASS    asks for Basic credentials on /v2/ (401 + WWW-Authenticate)
  --bearer-realm URL   asks for a Bearer token from URL instead (never serves one)
  --redirect-blobs H   answers GET /v2/<repo>/blobs/<digest> with 307 to
                       http://H:<port>/blobstore/..., which it serves itself
                       (another host name for the same port: another host to
                       the client, which must not send its credentials there)
  --faults             one of each, once: 429 + Retry-After: 1 on the first
                       HEAD of a manifest, 503 on the first GET of a manifest,
                       and the first blob download cut off half-way
  --hold-blobs SECONDS holds each blob upload (the PUT or PATCH that carries its
                       bytes) and each blob download that long before it goes on,
                       counting those in flight: the log line of each has
                       "inflight", the number held at once when it arrived
  --fail-blob DIGEST=STATUS  answers STATUS to every upload PUT of that blob

Every request is logged to --log as a JSON line: method, path, whether an
Authorization header came, its Range header, and what was answered.
"""
import argparse
import base64
import http.client
import json
import re
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-authorization", "proxy-authenticate"}
BLOB_GET = re.compile(r"^/v2/(.+)/blobs/(sha256:[0-9a-f]{64})$")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--upstream", required=True, help="host:port of the registry")
    ap.add_argument("--log", required=True)
    ap.add_argument("--basic")
    ap.add_argument("--bearer-realm")
    ap.add_argument("--redirect-blobs")
    ap.add_argument("--faults", action="store_true")
    ap.add_argument("--hold-blobs", type=float, default=0)
    ap.add_argument("--fail-blob", default="")
    args = ap.parse_args()
    expected = ("Basic " + base64.b64encode(args.basic.encode()).decode()) if args.basic else None
    lock = threading.Lock()
    done = set()  # faults already injected
    inflight = [0]  # blob transfers held now
    fail_digest, _, fail_status = args.fail_blob.partition("=")

    def once(name):
        with lock:
            if not args.faults or name in done:
                return False
            done.add(name)
            return True

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def record(self, answer):
            entry = {"method": self.command, "path": self.path,
                     "auth": "Authorization" in self.headers,
                     "range": self.headers.get("Range", ""), "answer": answer,
                     "inflight": getattr(self, "inflight", 0)}
            with lock, open(args.log, "a") as f:
                f.write(json.dumps(entry) + "\n")

        def simple(self, status, headers=(), body=b""):
            self.record(status)
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def body(self):
            length = int(self.headers.get("Content-Length", "0") or "0")
            return self.rfile.read(length) if length else None

        def forward(self, path, drop_half=False):
            payload = self.body()
            conn = http.client.HTTPConnection(args.upstream, timeout=60)
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() not in HOP_BY_HOP and k.lower() != "authorization"}
            conn.request(self.command, path, body=payload, headers=headers)
            r = conn.getresponse()
            data = r.read()
            if drop_half:
                self.record("drop")
                self.send_response(r.status)
                for k, v in r.getheaders():
                    if k.lower() not in HOP_BY_HOP:
                        self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)
                return
            self.record(r.status)
            self.send_response(r.status)
            for k, v in r.getheaders():
                if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def is_blob_transfer(self):
            path = self.path
            if self.command == "GET" and BLOB_GET.match(path.split("?")[0]):
                return True
            return "/blobs/uploads/" in path and (
                self.command == "PATCH" or (self.command == "PUT" and "digest=" in path))

        def handle_any(self):
            if args.hold_blobs and self.is_blob_transfer():
                with lock:
                    inflight[0] += 1
                    self.inflight = inflight[0]
                try:
                    time.sleep(args.hold_blobs)
                    return self.dispatch()
                finally:
                    with lock:
                        inflight[0] -= 1
            return self.dispatch()

        def dispatch(self):
            path = self.path
            if (fail_digest and self.command == "PUT" and "/blobs/uploads/" in path
                    and fail_digest in urllib.parse.unquote(path)):
                self.body()
                return self.simple(int(fail_status), [("Content-Type", "application/json")],
                                   b'{"errors":[{"code":"BLOB_UPLOAD_INVALID","message":"refused"}]}')
            if path.startswith("/blobstore/"):
                return self.forward(path[len("/blobstore"):], drop_half=once("drop"))
            if path.startswith("/token"):
                return self.simple(500)  # must never be reached
            if args.bearer_realm:
                return self.simple(401, [("WWW-Authenticate",
                                          f'Bearer realm="{args.bearer_realm}",service="x"')])
            if expected and self.headers.get("Authorization") != expected:
                self.body()
                return self.simple(401, [("WWW-Authenticate", 'Basic realm="fault-proxy"')],
                                   b'{"errors":[{"code":"UNAUTHORIZED","message":"login"}]}')
            if "/manifests/" in path and self.command == "HEAD" and once("429"):
                return self.simple(429, [("Retry-After", "1")])
            if "/manifests/" in path and self.command == "GET" and once("503"):
                return self.simple(503)
            m = BLOB_GET.match(path)
            if m and self.command == "GET" and args.redirect_blobs:
                location = f"http://{args.redirect_blobs}:{args.port}/blobstore{path}"
                return self.simple(307, [("Location", location)])
            return self.forward(path)

        do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = handle_any

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"fault proxy on 127.0.0.1:{args.port} -> {args.upstream}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
