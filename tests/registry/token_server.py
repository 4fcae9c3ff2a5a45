#!/usr/bin/python3
"""A token server for the registry tests: the Docker/distribution token flow.

GET /token?service=S&scope=repository:NAME:ACTIONS[&scope=...] with Basic
credentials (or POST grant_type=refresh_token) answers {"token": JWT} whose
"access" grants the actions asked for when the credentials are right. The JWT
is RS256-signed; its x5c header carries the signing certificate, which the
registry's auth.token.rootcertbundle trusts. Wrong credentials: 401.
Anonymous: a token with no access (the registry then answers 401).

Each request is appended to --log as one JSON line (method, scopes, whether
credentials came, the answer), so tests can check what ocimake asked for.
"""
import argparse
import base64
import json
import ssl
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

REFRESH_TOKEN = "ocimake-test-refresh-token"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Signer:
    def __init__(self, key_file, cert_file):
        with open(key_file, "rb") as f:
            self.key = serialization.load_pem_private_key(f.read(), password=None)
        with open(cert_file, "rb") as f:
            cert = x509.load_pem_x509_certificate(f.read())
        self.x5c = [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]

    def token(self, subject, service, access, lifetime):
        now = int(time.time())
        header = {"alg": "RS256", "typ": "JWT", "x5c": self.x5c}
        claims = {"iss": "ocimake-test-issuer", "sub": subject, "aud": service,
                  "exp": now + lifetime, "nbf": now - 10, "iat": now,
                  "jti": str(uuid.uuid4()), "access": access}
        signing_input = (b64url(json.dumps(header).encode()) + "." +
                         b64url(json.dumps(claims).encode()))
        signature = self.key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return signing_input + "." + b64url(signature)


def access_for(scopes):
    access = []
    for scope in scopes:
        for one in scope.split(" "):
            parts = one.split(":")
            if len(parts) < 3 or parts[0] != "repository":
                continue
            name, actions = ":".join(parts[1:-1]), parts[-1].split(",")
            access.append({"type": "repository", "name": name,
                           "actions": [a for a in actions if a in ("pull", "push")]})
    return access


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--sign-key", required=True)
    ap.add_argument("--sign-cert", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--lifetime", type=int, default=300)
    args = ap.parse_args()
    signer = Signer(args.sign_key, args.sign_cert)
    expected = "Basic " + base64.b64encode(f"{args.user}:{args.password}".encode()).decode()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def record(self, **entry):
            with lock, open(args.log, "a") as f:
                f.write(json.dumps(entry) + "\n")

        def reply(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def grant(self, method, query, auth, credentials_ok, subject):
            scopes = query.get("scope", [])
            service = (query.get("service") or [""])[0]
            if auth and not credentials_ok:
                self.record(method=method, scopes=scopes, auth=True, status=401)
                return self.reply(401, {"details": "wrong credentials"})
            access = access_for(scopes) if credentials_ok else []
            self.record(method=method, scopes=scopes, auth=bool(auth), status=200)
            token = signer.token(subject, service, access, args.lifetime)
            self.reply(200, {"token": token, "access_token": token,
                             "expires_in": args.lifetime})

        def do_GET(self):
            url = urlparse(self.path)
            if url.path == "/health":
                return self.reply(200, {})
            if url.path != "/token":
                return self.reply(404, {})
            auth = self.headers.get("Authorization")
            self.grant("GET", parse_qs(url.query), auth, auth == expected, args.user)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            form = parse_qs(self.rfile.read(length).decode())
            ok = (form.get("grant_type") == ["refresh_token"] and
                  form.get("refresh_token") == [REFRESH_TOKEN])
            self.grant("POST", form, True, ok, args.user)

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    print(f"token server on 127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
