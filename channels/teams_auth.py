"""Bot Framework authentication, both ways, for single- and multi-tenant bots.

- Incoming: `TokenValidator` checks the Bearer token of each activity: RS256 signature with a key
  published by the OpenID metadata's jwks_uri (fetched on first use, cached, fetched again for an
  unknown key id), audience = our app id, issuer, expiry (60 s clock skew at most), the `serviceurl`
  claim = the activity's, and, when the signing key lists `endorsements`, the activity's channelId
  among them.
- Outgoing: `TokenClient` gets (and caches) our app's token from the tenant's token endpoint.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Dict, List, Optional, Sequence

import aiohttp
import jwt
from jwt.algorithms import RSAAlgorithm

logger = logging.getLogger(__name__)

BOT_CONNECTOR_ISSUER = "https://api.botframework.com"
BOT_CONNECTOR_METADATA = "https://login.botframework.com/v1/.well-known/openidconfiguration"
MULTI_TENANT = "botframework.com"
SCOPE = "https://api.botframework.com/.default"
# Leeway on exp/nbf/iat. Microsoft's Bot Connector authentication page calls 5 minutes the
# "industry-standard clock-skew" and the Bot Framework SDKs default to 300 s, but a token is then
# usable 5 minutes after it expired. Our servers keep NTP time, so we allow 60 s, and no more: the
# Bot Connector sends fresh tokens (valid for about an hour), so a small leeway refuses none of them.
CLOCK_SKEW_SECONDS = 60
TIMEOUT = aiohttp.ClientTimeout(total=10)


class AuthError(Exception):
    """The request is not from the Bot Framework for this bot (answer 401)."""


class KeysUnavailable(Exception):
    """The signing keys could not be fetched (answer 503, so the Bot Framework tries again)."""


def token_url(tenant_id: Optional[str]) -> str:
    return f"https://login.microsoftonline.com/{tenant_id or MULTI_TENANT}/oauth2/v2.0/token"


def metadata_urls(tenant_id: Optional[str]) -> List[str]:
    """The Bot Connector's metadata, and the tenant's (for tokens a single-tenant bot's tenant issues)."""
    urls = [BOT_CONNECTOR_METADATA]
    if tenant_id:
        urls.append(f"https://login.microsoftonline.com/{tenant_id}/v2.0/.well-known/openid-configuration")
    return urls


def issuers(tenant_id: Optional[str]) -> List[str]:
    found = [BOT_CONNECTOR_ISSUER]
    if tenant_id:
        found += [f"https://sts.windows.net/{tenant_id}/", f"https://login.microsoftonline.com/{tenant_id}/v2.0"]
    return found


async def _get_json(session: aiohttp.ClientSession, url: str) -> dict:
    async with session.get(url) as reply:
        reply.raise_for_status()
        return await reply.json(content_type=None)


class KeyCache:
    """Signing keys by key id, from the jwks_uri of each OpenID metadata document."""

    def __init__(self, metadata: Sequence[str], max_age: float = 86400, min_refresh: float = 60) -> None:
        self.metadata, self.max_age, self.min_refresh = list(metadata), max_age, min_refresh
        self.keys: Dict[str, dict] = {}
        self.fetched_at = self.tried_at = 0.0
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> Optional[dict]:
        if self._should_refresh(kid):
            async with self._lock:
                if self._should_refresh(kid):  # unless a request we waited for just did
                    await self._refresh()
        return self.keys.get(kid)

    def _should_refresh(self, kid: str) -> bool:
        """No keys yet; or the keys are a day old or lack this id, and the last try is a while ago."""
        now = time.monotonic()
        wanted = kid not in self.keys or now - self.fetched_at > self.max_age
        return not self.keys or (wanted and now - self.tried_at >= self.min_refresh)

    async def _refresh(self) -> None:
        """Fetch every document's keys; keep the old keys if none could be fetched."""
        self.tried_at = time.monotonic()
        keys: Dict[str, dict] = {}
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            for url in self.metadata:
                try:
                    jwks = await _get_json(session, (await _get_json(session, url))["jwks_uri"])
                    keys.update({k["kid"]: k for k in jwks.get("keys", []) if k.get("kid")})
                except (aiohttp.ClientError, asyncio.TimeoutError, KeyError, TypeError, ValueError) as error:
                    logger.warning("Could not fetch Bot Framework signing keys from %s: %r", url, error)
        if keys:
            self.keys, self.fetched_at = keys, time.monotonic()
        elif not self.keys:
            raise KeysUnavailable("could not fetch the Bot Framework signing keys")


class TokenValidator:
    def __init__(self, app_id: str, tenant_id: Optional[str], keys: KeyCache,
                 allowed_issuers: Optional[Sequence[str]] = None) -> None:
        self.app_id, self.keys = app_id, keys
        self.issuers = list(allowed_issuers or issuers(tenant_id))

    async def validate(self, authorization: Optional[str], service_url: Optional[str],
                       channel_id: Optional[str] = None) -> dict:
        """The token's claims, or AuthError. `channel_id` is the activity's channelId."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError("no Bearer token")
        try:
            header = jwt.get_unverified_header(token.strip())
        except jwt.PyJWTError as error:
            raise AuthError(f"malformed token: {error}") from error
        if header.get("alg") != "RS256":
            raise AuthError(f"unexpected algorithm {header.get('alg')!r}")
        jwk = await self.keys.key(str(header.get("kid")))
        if jwk is None:
            raise AuthError(f"unknown signing key {header.get('kid')!r}")
        try:
            claims = jwt.decode(token.strip(), key=RSAAlgorithm.from_jwk(jwk), algorithms=["RS256"],
                                audience=self.app_id, issuer=self.issuers, leeway=CLOCK_SKEW_SECONDS,
                                options={"require": ["exp", "iss", "aud"]})
        except jwt.PyJWTError as error:
            raise AuthError(f"invalid token: {error}") from error
        if (not isinstance(service_url, str) or not service_url
                or not isinstance(claims.get("serviceurl"), str)
                or _normal_url(claims.get("serviceurl")) != _normal_url(service_url)):
            raise AuthError("the token's serviceurl is not the activity's serviceUrl")
        if not endorsed(jwk, channel_id):
            raise AuthError(f"the signing key does not endorse the channel {repr(channel_id)[:60]}")
        return claims


def endorsed(jwk: dict, channel_id: Optional[str]) -> bool:
    """Bot Framework: a key that has endorsements may sign only for the channels it lists, so the
    activity's channelId must be one of them. Stricter than the SDKs, which let an activity without a
    channelId through: here a key with endorsements needs a channelId (Teams always sends "msteams")."""
    if "endorsements" not in jwk:
        return True
    endorsements = jwk["endorsements"]
    return (isinstance(endorsements, list) and isinstance(channel_id, str) and bool(channel_id)
            and channel_id in [e for e in endorsements if isinstance(e, str)])


def _normal_url(url: Optional[str]) -> str:
    return (url or "").strip().rstrip("/").lower()


class TokenClient:
    """Our app's access token for the Bot Connector, cached until five minutes before it expires."""

    def __init__(self, app_id: str, password: str, url: str) -> None:
        self.app_id, self.password, self.url = app_id, password, url
        self._token, self._expires_at = "", 0.0
        self._lock = asyncio.Lock()

    async def token(self, session: aiohttp.ClientSession) -> str:
        async with self._lock:
            if time.monotonic() > self._expires_at - 300:
                form = {"grant_type": "client_credentials", "client_id": self.app_id,
                        "client_secret": self.password, "scope": SCOPE}
                async with session.post(self.url, data=form) as reply:
                    if reply.status != 200:
                        raise RuntimeError(f"the token endpoint answered {reply.status}")
                    body = await reply.json(content_type=None)
                self._token = body["access_token"]
                self._expires_at = time.monotonic() + int(body.get("expires_in", 3600))
            return self._token
