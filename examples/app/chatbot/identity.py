"""Who is signed in, from the headers the Application Load Balancer adds.

After a successful Cognito login the ALB forwards every request with:

* ``x-amzn-oidc-data``: a JWT (base64url ``header.payload.signature``) whose payload holds
  the user's claims, including ``email``;
* ``x-amzn-oidc-identity``: the user's subject (``sub``).

The JWT signature is deliberately NOT verified here. Verifying it needs the ALB's public key,
fetched from ``https://public-keys.auth.elb.<region>.amazonaws.com/<kid>``, and the task runs in
private subnets with VPC endpoints only (no NAT, no internet), so it cannot reach that address.
It is safe to trust the header in this deployment because the task's security group admits
traffic from the ALB only (nobody else can reach the container to forge it) and the ALB strips
and overwrites these headers on every incoming request. The value is used for display only.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any, Mapping, Optional

OIDC_DATA_HEADER = "x-amzn-oidc-data"
OIDC_IDENTITY_HEADER = "x-amzn-oidc-identity"
UNKNOWN_USER = "unknown"

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
