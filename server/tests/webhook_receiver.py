#!/usr/bin/env python3
"""A webhook receiver for `tests/webhooks.rs`: an independent implementation (Python's standard
library, not the Rust crates the server uses) of Standard Webhooks signature verification.

It prints where it listens (one JSON line: port), then reads signing secrets from stdin, one per
line, as they become known. For every POST:
  - /fail answers 500 (a receiver that is down);
  - otherwise verifies `webhook-signature` against every secret read so far (HMAC-SHA256, keyed
    with the Base64-decoded part after `whsec_`, over `webhook-id.webhook-timestamp.body`),
    answers 204 when one matches and 401 when none does.
Every request is printed as one JSON line: path, headers, verified, payload.
"""

import base64
import hashlib
import hmac
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRETS: list[bytes] = []


def read_secrets() -> None:
    for line in sys.stdin:
        secret = line.strip()
        if secret.startswith("whsec_"):
            SECRETS.append(base64.b64decode(secret[len("whsec_"):]))


def verified(msg_id: str, timestamp: str, body: bytes, header: str) -> bool:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    for key in SECRETS:
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        for candidate in header.split(" "):
            version, _, signature = candidate.partition(",")
            if version == "v1" and hmac.compare_digest(signature, expected):
                return True
    return False


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (the name http.server calls)
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        ok = verified(
            self.headers.get("webhook-id", ""),
            self.headers.get("webhook-timestamp", ""),
            body,
            self.headers.get("webhook-signature", ""),
        )
        status = 500 if self.path == "/fail" else (204 if ok else 401)
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        record = {
            "path": self.path,
            "status": status,
            "verified": ok,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "payload": payload,
        }
        print(json.dumps(record), flush=True)

    def log_message(self, *args) -> None:
        pass


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=read_secrets, daemon=True).start()
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
