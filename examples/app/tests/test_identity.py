from __future__ import annotations

import base64
import json

import pytest

from chatbot.identity import UNKNOWN_USER, decode_jwt_payload, user_from_headers


def b64url(data: bytes, pad: bool = False) -> str:
    text = base64.urlsafe_b64encode(data).decode()
    return text if pad else text.rstrip("=")


def token(claims: dict, pad: bool = False) -> str:
    header = b64url(json.dumps({"alg": "ES256", "kid": "abc", "typ": "JWT"}).encode(), pad)
    return f"{header}.{b64url(json.dumps(claims).encode(), pad)}.c2lnbmF0dXJl"


def test_email_from_valid_token():
    headers = {"x-amzn-oidc-data": token({"sub": "1234", "email": "ana@example.com"})}
    assert user_from_headers(headers) == "ana@example.com"


def test_padded_base64url_as_the_alb_sends_it():
    headers = {"x-amzn-oidc-data": token({"email": "bo@example.com", "n": "x" * 4}, pad=True)}
    assert headers["x-amzn-oidc-data"].count("=") > 0
    assert user_from_headers(headers) == "bo@example.com"


def test_header_names_are_case_insensitive():
    headers = {"X-Amzn-Oidc-Data": token({"email": "cy@example.com"})}
    assert user_from_headers(headers) == "cy@example.com"


@pytest.mark.parametrize("headers", [None, {}, {"host": "chat.example.com"}])
def test_missing_header_gives_unknown(headers):
    assert user_from_headers(headers) == UNKNOWN_USER


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "onlyone",
        "two.parts",
        "a.b.c.d",
        "aGVhZGVy.!!!notbase64!!!.c2ln",
        "aGVhZGVy.a.c2ln",  # one base64 character is never valid
        "aGVhZGVy." + b64url(b"not json at all") + ".c2ln",
        "aGVhZGVy." + b64url(b"\xff\xfe\xfd") + ".c2ln",  # not UTF-8
        "aGVhZGVy." + b64url(b'["a", "list"]') + ".c2ln",  # JSON, but not an object
        "aGVhZGVy." + "A" * 20000 + ".c2ln",  # far too long
    ],
)
def test_malformed_token_is_rejected(bad):
    assert decode_jwt_payload(bad) is None
    assert user_from_headers({"x-amzn-oidc-data": bad}) == UNKNOWN_USER


def test_falls_back_to_identity_header_when_token_is_malformed():
    headers = {"x-amzn-oidc-data": "garbage", "x-amzn-oidc-identity": "sub-5678"}
    assert user_from_headers(headers) == "sub-5678"


@pytest.mark.parametrize("claims", [{"sub": "1"}, {"email": ""}, {"email": 42}, {"email": None}])
def test_falls_back_to_identity_header_when_token_has_no_usable_email(claims):
    headers = {"x-amzn-oidc-data": token(claims), "x-amzn-oidc-identity": "sub-5678"}
    assert user_from_headers(headers) == "sub-5678"


def test_identity_header_alone():
    assert user_from_headers({"x-amzn-oidc-identity": "sub-9"}) == "sub-9"
