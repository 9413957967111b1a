"""Who is signed in, from the headers the Application Load Balancer adds.

After a successful Cognito login the ALB forwards every request with:

* ``x-amzn-oidc-data``: a JWT (base64url ``header.payload.signature``) whose payload holds
  the user's claims, including ``email``;
* ``x-amzn-oidc-identity``: the user's subject (``sub``);
* ``x-amzn-oidc-accesstoken``: the access token from Cognito, whose payload holds the user
  pool groups (``cognito:groups``).

Groups come from two places: the identity provider's groups, which the user pool keeps in the
``custom:groups`` attribute (a string such as ``[a, b]`` or ``["a","b"]``) and the ALB passes in
``x-amzn-oidc-data``; the ``groups`` claim of a provider the ALB signs in with directly (without
Cognito); and the user pool's own groups in the access token. When ``ALLOWED_GROUPS``
(comma-separated) is set, only members of one of them get past ``is_allowed``.

The JWT signature is deliberately NOT verified here. Verifying it needs the ALB's public key,
fetched from ``https://public-keys.auth.elb.<region>.amazonaws.com/<kid>``, and the task runs in
private subnets with VPC endpoints only (no NAT, no internet), so it cannot reach that address.
It is safe to trust the header in this deployment because the task's security group admits
traffic from the ALB only (nobody else can reach the container to forge it) and the ALB strips
and overwrites these headers on every incoming request. This trust boundary also carries the group
check: it holds only while every listener rule that forwards to the tasks authenticates first, and
the task's security group admits nothing but the load balancer. An app reachable any other way
must verify the signature (ES256, key by ``kid`` from the address above, ``signer`` equal to the
load balancer's ARN) before trusting a claim.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any, Mapping, Optional

OIDC_DATA_HEADER = "x-amzn-oidc-data"
OIDC_IDENTITY_HEADER = "x-amzn-oidc-identity"
OIDC_ACCESS_TOKEN_HEADER = "x-amzn-oidc-accesstoken"
UNKNOWN_USER = "unknown"
ALLOWED_GROUPS_VARIABLE = "ALLOWED_GROUPS"

# A real token is a few KB at most; anything far larger is not worth decoding.
MAX_TOKEN_LENGTH = 16 * 1024
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]+$")


def decode_jwt_payload(token: Optional[str]) -> Optional[dict[str, Any]]:
    """Return the claims of a JWT without checking its signature, or None if malformed."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    parts = token.strip().split(".")
    if len(parts) != 3:
        return None
    # The ALB pads its base64url segments with '='; standard JWTs do not. Accept both.
    payload = parts[1].rstrip("=")
    if not _BASE64URL.match(payload):
        return None
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        claims = json.loads(raw.decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return claims if isinstance(claims, dict) else None


def _header(headers: Mapping[str, str], name: str) -> Optional[str]:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _clean(value: Any) -> Optional[str]:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def user_from_headers(headers: Optional[Mapping[str, str]]) -> str:
    """The signed-in user's email; else the OIDC identity (subject); else ``"unknown"``."""
    if not headers:
        return UNKNOWN_USER
    claims = decode_jwt_payload(_header(headers, OIDC_DATA_HEADER))
    email = _clean(claims.get("email")) if claims else None
    if email:
        return email
    return _clean(_header(headers, OIDC_IDENTITY_HEADER)) or UNKNOWN_USER


@dataclass(frozen=True)
class Identity:
    """Who is signed in: email (or subject), display name, and every group the claims name."""

    user: str
    name: Optional[str] = None
    groups: tuple[str, ...] = ()


def parse_groups(value: Any) -> tuple[str, ...]:
    """Group names from a claim: a list, or the string forms Cognito stores (``[a, b]``, ``["a","b"]``, ``a,b``)."""
    if isinstance(value, list):
        items = [item for item in value if isinstance(item, str)]
    elif isinstance(value, str):
        text = value.strip()
        if text.startswith("[") and text.endswith("]"):
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
            if isinstance(parsed, list):
                return parse_groups(parsed)
            text = text[1:-1]
        items = text.split(",")
    else:
        return ()
    seen: dict[str, None] = {}
    for item in items:
        name = item.strip().strip('"').strip()
        if name:
            seen.setdefault(name, None)
    return tuple(seen)


def identity_from_headers(headers: Optional[Mapping[str, str]]) -> Identity:
    """The signed-in user's identity from the load balancer's headers."""
    if not headers:
        return Identity(UNKNOWN_USER)
    claims = decode_jwt_payload(_header(headers, OIDC_DATA_HEADER)) or {}
    access = decode_jwt_payload(_header(headers, OIDC_ACCESS_TOKEN_HEADER)) or {}
    # custom:groups: a provider federated into Cognito; groups: a provider the ALB talks to directly.
    groups = parse_groups(claims.get("custom:groups")) + parse_groups(claims.get("groups")) + parse_groups(access.get("cognito:groups"))
    return Identity(
        user=user_from_headers(headers),
        name=_clean(claims.get("name")),
        groups=tuple(dict.fromkeys(groups)),
    )


def allowed_groups(environ: Mapping[str, str]) -> Optional[frozenset[str]]:
    """The groups in ``ALLOWED_GROUPS``; None when unset (everyone signed in may use the app)."""
    raw = environ.get(ALLOWED_GROUPS_VARIABLE)
    if raw is None or not raw.strip():
        return None
    return frozenset(name.strip() for name in raw.split(",") if name.strip())


def is_allowed(identity: Identity, allowed: Optional[frozenset[str]]) -> bool:
    """Whether the user may use the app: always without a restriction, else with a shared group."""
    if allowed is None:
        return True
    return identity.user != UNKNOWN_USER and any(group in allowed for group in identity.groups)


# Where the verified user comes from, as the library sets it (IDENTITY_SOURCE).
IDENTITY_SOURCE_VARIABLE = "IDENTITY_SOURCE"
LOAD_BALANCER = "load-balancer"
API_GATEWAY_JWT = "api-gateway-jwt"
AUTHORIZATION_HEADER = "authorization"
# DynamoDB allows 2048 bytes in a partition key; a subject is far shorter.
MAX_USER_ID_LENGTH = 512


def verified_user_id(headers: Optional[Mapping[str, str]], environ: Mapping[str, str]) -> Optional[str]:
    """The stable id of the user the front door verified, for keying their data; None without one.

    * ``load-balancer`` (the default; CloudFront + ALB with Cognito or OIDC, the VPC origin): the
      ALB's ``x-amzn-oidc-identity``, the ``sub`` of the user (Cognito's, or the OIDC provider's).
      The ALB overwrites that header on every request it forwards after its login.
    * ``api-gateway-jwt`` (the HTTP API): the ``sub`` of the bearer token in ``Authorization``,
      which the API's JWT authorizer validated (signature, issuer, audience, expiry) before it
      forwarded the request unchanged. The ``x-amzn-oidc-*`` headers are ignored there: API Gateway
      passes a client's own headers through, so they could be forged.

    Never the email (it can change, and a provider may let users edit it), never anything else
    the browser chooses.
    """
    if not headers:
        return None
    source = (environ.get(IDENTITY_SOURCE_VARIABLE) or LOAD_BALANCER).strip()
    if source == API_GATEWAY_JWT:
        value = _header(headers, AUTHORIZATION_HEADER) or ""
        scheme, _, token = value.strip().partition(" ")
        claims = decode_jwt_payload(token.strip()) if scheme.lower() == "bearer" else None
        user_id = _clean(claims.get("sub")) if claims else None
    elif source == LOAD_BALANCER:
        user_id = _clean(_header(headers, OIDC_IDENTITY_HEADER))
    else:
        # An unknown source is a misconfiguration: trust nothing rather than guess.
        return None
    if user_id is None or len(user_id) > MAX_USER_ID_LENGTH:
        return None
    return user_id
