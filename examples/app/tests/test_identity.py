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


# Groups and the allowed-groups check.
from chatbot.identity import Identity, allowed_groups, identity_from_headers, is_allowed, parse_groups  # noqa: E402
from chatbot.ui import access_denied_markdown, user_summary_markdown  # noqa: E402


@pytest.mark.parametrize(
    "value, expected",
    [
        ("[chat-users, admins]", ("chat-users", "admins")),  # a SAML list as Cognito stores it
        ('["chat-users","admins"]', ("chat-users", "admins")),  # an OIDC array as Cognito stores it
        (["chat-users", "admins", "chat-users"], ("chat-users", "admins")),
        ("chat-users", ("chat-users",)),
        ("a, b,,", ("a", "b")),
        ("", ()),
        (None, ()),
        (42, ()),
        ([1, "x"], ("x",)),
    ],
)
def test_parse_groups(value, expected):
    assert parse_groups(value) == expected


def test_identity_has_name_and_groups_from_the_provider_and_the_user_pool():
    headers = {
        "x-amzn-oidc-data": token({"email": "ana@example.com", "name": "Ana Lima", "custom:groups": "[chat-users, finance]"}, pad=True),
        "x-amzn-oidc-accesstoken": token({"cognito:groups": ["pool-admins"], "username": "ana"}),
    }
    assert identity_from_headers(headers) == Identity("ana@example.com", "Ana Lima", ("chat-users", "finance", "pool-admins"))


def test_identity_without_headers_is_unknown_without_groups():
    assert identity_from_headers({}) == Identity(UNKNOWN_USER)


def test_forged_or_broken_access_token_adds_no_group():
    headers = {"x-amzn-oidc-data": token({"email": "bo@example.com"}), "x-amzn-oidc-accesstoken": "not.a-token"}
    assert identity_from_headers(headers).groups == ()


def test_allowed_groups_from_the_environment():
    assert allowed_groups({}) is None
    assert allowed_groups({"ALLOWED_GROUPS": "  "}) is None
    assert allowed_groups({"ALLOWED_GROUPS": "chat-users, admins,"}) == frozenset({"chat-users", "admins"})


@pytest.mark.parametrize(
    "groups, allowed, expected",
    [
        (("chat-users",), None, True),  # no restriction
        ((), None, True),
        (("chat-users",), frozenset({"chat-users"}), True),
        (("finance", "chat-users"), frozenset({"chat-users", "admins"}), True),
        (("finance",), frozenset({"chat-users"}), False),
        ((), frozenset({"chat-users"}), False),
        (("Chat-Users",), frozenset({"chat-users"}), False),  # names match exactly, as the provider sends them
    ],
)
def test_group_check(groups, allowed, expected):
    assert is_allowed(Identity("ana@example.com", None, groups), allowed) is expected


def test_unknown_user_is_refused_when_groups_are_required():
    assert is_allowed(Identity(UNKNOWN_USER, None, ("chat-users",)), frozenset({"chat-users"})) is False


def test_sidebar_shows_name_email_and_groups_escaped():
    text = user_summary_markdown(Identity("ana@example.com", "Ana *Lima*", ("chat_users",)))
    assert text == "Signed in as **Ana \\*Lima\\* (ana@example\\.com)**  \nGroups: chat\\_users"
    assert user_summary_markdown(Identity("unknown")) == "Signed in as **unknown**"


def test_access_denied_page_says_who_and_which_groups():
    text = access_denied_markdown(Identity("bo@example.com", None, ("finance",)), frozenset({"chat-users", "admins"}))
    assert text.startswith("**Access denied.** You are signed in as bo@example\\.com")
    assert "admins, chat\\-users" in text
    assert "Your groups: finance." in text
    assert "none" in access_denied_markdown(Identity("bo@example.com"), frozenset({"x"}))


def test_groups_claim_of_a_provider_without_cognito():
    headers = {"x-amzn-oidc-data": token({"email": "cy@example.com", "groups": ["chat-users", "ops"]})}
    assert identity_from_headers(headers).groups == ("chat-users", "ops")
