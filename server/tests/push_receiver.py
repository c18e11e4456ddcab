#!/usr/bin/env python3
"""A push service and a browser in one, for `tests/push.rs`: an independent implementation (Python's
`cryptography`, not the Rust crates the server uses) of what receives a Web Push message.

It makes a device key pair and auth secret as a browser does, prints them (one JSON line:
port, p256dh, auth), then for every POST to /push/<name>:
  - /push/gone answers 410 (a subscription its push service no longer knows);
  - otherwise checks the VAPID header (RFC 8292: ES256 JWT signed by the key in `k`, `aud` the
    endpoint's origin, `exp` within 24 hours, a `sub`), decrypts the aes128gcm body (RFC 8291 /
    RFC 8188), answers 201 and prints what it got as one JSON line. A message that fails a check
    is printed with its `error` and answered 400.
"""

import base64
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


DEVICE_KEY = ec.generate_private_key(ec.SECP256R1())
DEVICE_PUBLIC = DEVICE_KEY.public_key().public_bytes(
    serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
)
AUTH_SECRET = os.urandom(16)


def decrypt(body: bytes) -> bytes:
    """RFC 8291 section 3.4 with the RFC 8188 aes128gcm header."""
    salt, record_size, id_length = body[:16], int.from_bytes(body[16:20], "big"), body[20]
    server_public = body[21 : 21 + id_length]
    ciphertext = body[21 + id_length :]
    if record_size < 18 or len(ciphertext) > record_size:
        raise ValueError("one record expected")
    shared = DEVICE_KEY.exchange(
        ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), server_public)
    )
    ikm = hkdf(AUTH_SECRET, shared, b"WebPush: info\x00" + DEVICE_PUBLIC + server_public, 32)
    key = hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
    nonce = hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
    padded = AESGCM(key).decrypt(nonce, ciphertext, None)
    # The last record ends with the delimiter 0x02, then zero or more padding zeros.
    stripped = padded.rstrip(b"\x00")
    if not stripped.endswith(b"\x02"):
        raise ValueError("no last-record delimiter")
    return stripped[:-1]


def check_vapid(header: str, origin: str) -> dict:
    """The claims of a valid `vapid t=…, k=…` authorization, or an exception."""
    if not header.startswith("vapid "):
        raise ValueError("not a vapid authorization")
    params = dict(part.strip().split("=", 1) for part in header[len("vapid ") :].split(","))
    token, public = params["t"], unb64url(params["k"])
    head, claims, signature = token.split(".")
    if json.loads(unb64url(head)).get("alg") != "ES256":
        raise ValueError("not ES256")
    raw = unb64url(signature)
    verifier = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), public)
    verifier.verify(
        encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
        f"{head}.{claims}".encode(),
        ec.ECDSA(hashes.SHA256()),
    )
    claims = json.loads(unb64url(claims))
    now = time.time()
    if claims.get("aud") != origin:
        raise ValueError(f"aud {claims.get('aud')!r} is not {origin!r}")
    if not now < claims["exp"] <= now + 24 * 3600 + 60:
        raise ValueError("exp out of range")
    if not claims.get("sub"):
        raise ValueError("no sub")
    return {"claims": claims, "server_key": params["k"]}


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (the http.server API)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path == "/push/gone":
            self.respond(410, {"path": self.path, "answered": 410})
            return
        try:
            if self.headers.get("Content-Encoding") != "aes128gcm":
                raise ValueError("not aes128gcm")
            if not self.headers.get("TTL", "").isdigit():
                raise ValueError("no TTL")
            # The sender puts the endpoint's scheme and host (no port) into `aud`.
            vapid = check_vapid(self.headers.get("Authorization", ""), "http://127.0.0.1")
            payload = json.loads(decrypt(body))
        except Exception as error:  # noqa: BLE001 (everything wrong is reported the same way)
            self.respond(400, {"path": self.path, "error": repr(error)})
            return
        self.respond(201, {"path": self.path, "payload": payload, "ttl": int(self.headers["TTL"]), **vapid})

    def respond(self, status: int, report: dict):
        print(json.dumps(report), flush=True)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    print(
        json.dumps({"port": server.server_address[1], "p256dh": b64url(DEVICE_PUBLIC), "auth": b64url(AUTH_SECRET)}),
        flush=True,
    )
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
