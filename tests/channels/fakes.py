"""Stand-ins for Slack's Web API and Microsoft's Bot Framework services: real HTTP servers on 127.0.0.1
that record what they receive. Signing keys are generated here; nothing leaves the machine."""
from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Dict, List, Optional, Tuple
from urllib.parse import parse_qs, unquote

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


# The settings the channel tests give the assistant (none of them real).
SLACK_TOKEN = "xoxb-test-token"
SLACK_SECRET = "test-signing-secret-" + secrets.token_hex(8)
APP_ID = "5a0c3d8e-0000-4000-8000-00000000a11d"
TENANT = "7e1f2a3b-0000-4000-8000-0000000071e7"
APP_PASSWORD = "test-app-password"
KEY_ID = "test-key-1"


@dataclass
class Received:
    method: str
    path: str
    headers: Dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body or b"null")

    def form(self) -> Dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


Reply = Tuple[int, object]  # (status, JSON-able body)


class FakeServer:
    """A threaded HTTP server on a free loopback port; `handle(request)` returns (status, json body)."""

    def __init__(self, handle: Callable[[Received], Reply]) -> None:
        self.received: List[Received] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = Received(self.command, self.path, dict(self.headers.items()), self.rfile.read(length))
                with owner._lock:
                    owner.received.append(request)
                status, body = handle(request)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def requests(self, predicate: Callable[[Received], bool] = lambda r: True) -> List[Received]:
        with self._lock:
            return [r for r in self.received if predicate(r)]

    def wait_for(self, predicate: Callable[[Received], bool], count: int = 1, timeout: float = 30) -> List[Received]:
        """The matching requests once there are `count` of them; AssertionError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.requests(predicate)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"expected {count} matching request(s) within {timeout:.0f} s, "
                             f"got {len(self.requests(predicate))}")

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- Slack ---------------------------------------------------------------------------------------
class FakeSlack(FakeServer):
    """Slack's Web API at {url}/api/: chat.postMessage and friends answer ok."""

    def __init__(self) -> None:
        self._ts = itertools.count(1)
        super().__init__(self._reply)

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def _reply(self, request: Received) -> Reply:
        if request.path == "/api/chat.postMessage":
            body = request.json() or {}
            return 200, {"ok": True, "channel": body.get("channel"), "ts": f"{int(time.time())}.{next(self._ts):06d}"}
        return 200, {"ok": True}

    def posts(self, thread: Optional[str] = None, feedback: bool = False) -> List[dict]:
        """The answers posted (in `thread`); with feedback=True the 'Was this helpful?' posts too."""
        found = [r.json() for r in self.requests(lambda r: r.path == "/api/chat.postMessage")]
        return [p for p in found if (thread is None or p.get("thread_ts") == thread)
                and (feedback or not is_feedback(json.dumps(p)))]

    def wait_for_posts(self, thread: str, count: int = 1, timeout: float = 30, feedback: bool = False) -> List[dict]:
        self.wait_for(lambda r: r.path == "/api/chat.postMessage" and (r.json() or {}).get("thread_ts") == thread
                      and (feedback or not is_feedback(r.body.decode("utf-8", "replace"))), count, timeout)
        return self.posts(thread, feedback)


def is_feedback(body: str) -> bool:
    """A 'Was this answer helpful?' message: the only one whose buttons rate the answer."""
    return "/rate_helpful" in body


def slack_signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return f"v0={digest}"


def slack_headers(secret: str, body: bytes, content_type: str = "application/json",
                  timestamp: Optional[int] = None) -> Dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": slack_signature(secret, stamp, body)}


# --- Microsoft: OpenID metadata + JWKS, token endpoint, Bot Connector ------------------------------
class FakeMicrosoft(FakeServer):
    """Publishes signing keys at /openid -> /keys, issues app tokens at /token, and takes replies at
    /connector/v3/conversations/{id}/activities[/{reply_to}] (so serviceUrl = {url}/connector/)."""

    ACCESS_TOKEN = "fake-bot-connector-token"

    def __init__(self) -> None:
        self.private: Dict[str, rsa.RSAPrivateKey] = {}
        self.published: List[str] = []
        self.endorsements: Dict[str, object] = {}
        super().__init__(self._reply)

    @property
    def metadata_url(self) -> str:
        return self.url + "/openid"

    @property
    def token_url(self) -> str:
        return self.url + "/token"

    @property
    def service_url(self) -> str:
        return self.url + "/connector/"

    def add_key(self, kid: str, publish: bool = True, endorsements: Optional[object] = None) -> None:
        """A new signing key; `endorsements` (e.g. ["msteams"]) are published with it, as Microsoft does."""
        self.private[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if endorsements is not None:
            self.endorsements[kid] = endorsements
        if publish:
            self.published.append(kid)

    def sign(self, claims: dict, kid: str, algorithm: str = "RS256") -> str:
        return jwt.encode(claims, self.private[kid], algorithm=algorithm, headers={"kid": kid})

    def _jwk(self, kid: str) -> dict:
        key = RSAAlgorithm.to_jwk(self.private[kid].public_key(), as_dict=True)
        found = {**key, "kid": kid, "use": "sig", "alg": "RS256"}
        if kid in self.endorsements:
            found["endorsements"] = self.endorsements[kid]
        return found

    def _reply(self, request: Received) -> Reply:
        if request.path == "/openid":
            return 200, {"issuer": "https://api.botframework.com", "jwks_uri": self.url + "/keys",
                         "id_token_signing_alg_values_supported": ["RS256"]}
        if request.path == "/keys":
            return 200, {"keys": [self._jwk(k) for k in list(self.published)]}
        if request.path == "/token":
            return 200, {"token_type": "Bearer", "expires_in": 3600, "access_token": self.ACCESS_TOKEN}
        if request.path.startswith("/connector/v3/conversations/"):
            return 200, {"id": f"reply-{len(self.received)}"}
        return 404, {"error": "not found"}

    @staticmethod
    def is_reply(request: Received, conversation: Optional[str] = None) -> bool:
        return request.path.startswith("/connector/v3/conversations/") and (
            conversation is None or unquote(request.path.split("/")[4]) == conversation)

    def replies(self, conversation: Optional[str] = None, feedback: bool = False) -> List[Received]:
        """The answers sent (to `conversation`); with feedback=True the 'Was this helpful?' cards too."""
        return self.requests(lambda r: self.is_reply(r, conversation)
                             and (feedback or not is_feedback(r.body.decode("utf-8", "replace"))))

    def wait_for_replies(self, conversation: str, count: int = 1, timeout: float = 30,
                         feedback: bool = False) -> List[dict]:
        return [r.json() for r in self.wait_for(lambda r: self.is_reply(r, conversation) and (
            feedback or not is_feedback(r.body.decode("utf-8", "replace"))), count, timeout)]

    def count(self, path: str) -> int:
        return len(self.requests(lambda r: r.path == path))


# --- HTTP client for the tests -------------------------------------------------------------------
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only: never a proxy


def post(url: str, body: bytes, headers: Dict[str, str], timeout: float = 30) -> Tuple[int, str]:
    """(status, text) of a POST with exactly these headers."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with DIRECT.open(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
