#!/usr/bin/env python3
"""A stand-in for Slack's Web API, for `tests/slack.rs` (outgoing calls only: incoming requests are
built and signed in the test exactly as Slack documents them).

It knows a few Slack users (their profile emails), answers `users.info` and `chat.postMessage`
(form-encoded, `Authorization: Bearer xoxb-test`), and prints each post as one JSON line after a
first line saying where it listens.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

USERS = {
    "U0LUIS": "luis@acme.example",
    "U0MEI": "mei@acme.example",
    "U0TOM": "tom@bluebird.example",
    "U0SAM": "sam@agency.example",
    "U0STRANGER": "stranger@elsewhere.example",
}
LOCK = threading.Lock()
POSTS = [0]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (the name http.server calls)
        length = int(self.headers.get("content-length", "0"))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if self.headers.get("authorization") != "Bearer xoxb-test":
            answer = {"ok": False, "error": "invalid_auth"}
        elif self.path == "/users.info":
            email = USERS.get(form.get("user", ""))
            answer = (
                {"ok": True, "user": {"id": form["user"], "profile": {"email": email}}}
                if email
                else {"ok": False, "error": "user_not_found"}
            )
        elif self.path == "/chat.postMessage":
            with LOCK:
                POSTS[0] += 1
                ts = f"1790000100.{POSTS[0]:06d}"
            answer = {"ok": True, "channel": form.get("channel"), "ts": ts}
            print(json.dumps({"ts": ts, **form}), flush=True)
        else:
            answer = {"ok": False, "error": "unknown_method"}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
