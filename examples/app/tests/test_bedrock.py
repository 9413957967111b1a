from __future__ import annotations

import pytest
from botocore.exceptions import EndpointConnectionError
from conftest import event, exception_event, text_events

from chatbot import bedrock

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
QUESTION = [{"role": "user", "content": [{"text": "Hello?"}]}]


def reply(client, messages=QUESTION, **kwargs) -> str:
    return "".join(bedrock.stream_reply(client, MODEL, messages, max_tokens=kwargs.pop("max_tokens", 256), **kwargs))


def assert_friendly(err: bedrock.ChatError, expected: str) -> None:
    assert err.user_message == expected
    text = str(err)
    for leak in ("Traceback", "ClientError", "botocore", "details for the log", "Exception"):
        assert leak not in text


def test_text_deltas_are_yielded_in_order(bedrock_stub):
    bedrock_stub.add_stream(text_events("Hel", "lo ", "there", "!"))
    chunks = list(bedrock.stream_reply(bedrock_stub.client, MODEL, QUESTION, max_tokens=256))
    assert chunks == ["Hel", "lo ", "there", "!"]
    assert bedrock_stub.bodies[0].closed


def test_request_carries_model_id_and_conversation_in_converse_format(bedrock_stub):
    history = [
        {"role": "user", "text": "What is 2+2?"},
        {"role": "assistant", "text": "4"},
        {"role": "user", "text": "And 3+3?"},
    ]
    expected = {
        "modelId": MODEL,
        "messages": [
            {"role": "user", "content": [{"text": "What is 2+2?"}]},
            {"role": "assistant", "content": [{"text": "4"}]},
            {"role": "user", "content": [{"text": "And 3+3?"}]},
        ],
        "inferenceConfig": {"maxTokens": 512},
        "system": [{"text": "Answer briefly."}],
    }
    bedrock_stub.add_stream(text_events("6"), expected_params=expected)
    assert reply(bedrock_stub.client, bedrock.to_converse_messages(history), max_tokens=512, system_prompt="Answer briefly.") == "6"


def test_request_without_system_prompt_has_no_system_field():
    request = bedrock.build_request(MODEL, QUESTION, 100)
    assert request == {"modelId": MODEL, "messages": QUESTION, "inferenceConfig": {"maxTokens": 100}}


def test_failed_turns_and_error_notices_are_left_out_of_the_request():
    history = [
        {"role": "user", "text": "first", "failed": True},
        {"role": "assistant", "text": bedrock.BUSY, "error": True},
        {"role": "user", "text": "second"},
    ]
    assert bedrock.to_converse_messages(history) == [{"role": "user", "content": [{"text": "second"}]}]


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("ThrottlingException", 429, bedrock.BUSY),
        ("AccessDeniedException", 403, bedrock.ACCESS_DENIED),
        ("ValidationException", 400, bedrock.INVALID_REQUEST),
        ("ResourceNotFoundException", 404, bedrock.NOT_FOUND),
        ("ServiceUnavailableException", 503, bedrock.UNAVAILABLE),
        ("SomethingNewException", 500, bedrock.GENERIC),
    ],
)
def test_api_errors_become_friendly_messages(bedrock_stub, code, status, expected):
    bedrock_stub.add_error(code, status)
    with pytest.raises(bedrock.ChatError) as caught:
        reply(bedrock_stub.client)
    assert caught.value.code == code
    assert_friendly(caught.value, expected)


def test_throttling_in_the_middle_of_the_stream_becomes_a_friendly_message(bedrock_stub):
    bedrock_stub.add_stream([
        event("messageStart", {"role": "assistant"}),
        event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Partial"}}),
        exception_event("throttlingException", "details for the log"),
    ])
    received = []
    with pytest.raises(bedrock.ChatError) as caught:
        for chunk in bedrock.stream_reply(bedrock_stub.client, MODEL, QUESTION, max_tokens=256):
            received.append(chunk)
    assert received == ["Partial"]
    assert_friendly(caught.value, bedrock.BUSY)
    assert bedrock_stub.bodies[0].closed


def test_exception_given_as_a_plain_event_becomes_a_friendly_message():
    class FakeClient:
        def converse_stream(self, **_):
            return {"stream": [{"modelStreamErrorException": {"message": "details for the log"}}]}

    with pytest.raises(bedrock.ChatError) as caught:
        reply(FakeClient())
    assert_friendly(caught.value, bedrock.UNAVAILABLE)


def test_connection_failure_becomes_a_friendly_message():
    class UnreachableClient:
        def converse_stream(self, **_):
            raise EndpointConnectionError(endpoint_url="https://bedrock-runtime.us-east-1.amazonaws.com")

    with pytest.raises(bedrock.ChatError) as caught:
        reply(UnreachableClient())
    assert_friendly(caught.value, bedrock.UNREACHABLE)


def test_an_answer_without_text_is_reported(bedrock_stub):
    bedrock_stub.add_stream(text_events(stop_reason="content_filtered"))
    with pytest.raises(bedrock.ChatError) as caught:
        reply(bedrock_stub.client)
    assert_friendly(caught.value, bedrock.NO_ANSWER)


def test_errors_are_logged_for_operators(bedrock_stub, caplog):
    bedrock_stub.add_error("AccessDeniedException", 403, "not authorized to invoke the model")
    with pytest.raises(bedrock.ChatError):
        reply(bedrock_stub.client)
    assert "AccessDeniedException" in caplog.text
    assert "not authorized" in caplog.text


GUARDRAIL = ("abc123def456", "3")


def test_the_guardrail_goes_with_every_request(bedrock_stub):
    expected = {
        "modelId": MODEL,
        "messages": QUESTION,
        "inferenceConfig": {"maxTokens": 256},
        "guardrailConfig": {"guardrailIdentifier": "abc123def456", "guardrailVersion": "3", "streamProcessingMode": "sync"},
    }
    bedrock_stub.add_stream(text_events("Fine."), expected_params=expected)
    assert reply(bedrock_stub.client, guardrail=GUARDRAIL) == "Fine."


def test_without_a_guardrail_the_request_has_none():
    assert "guardrailConfig" not in bedrock.build_request(MODEL, QUESTION, 100)


def test_a_guardrail_intervention_is_reported_after_the_guardrail_message(bedrock_stub):
    bedrock_stub.add_stream(text_events("Sorry, this request is not allowed here.", stop_reason="guardrail_intervened"))
    received = []
    with pytest.raises(bedrock.GuardrailIntervened) as caught:
        for chunk in bedrock.stream_reply(bedrock_stub.client, MODEL, QUESTION, max_tokens=256, guardrail=GUARDRAIL):
            received.append(chunk)
    assert received == ["Sorry, this request is not allowed here."]
    assert caught.value.code == "guardrail_intervened"
    assert_friendly(caught.value, bedrock.GUARDRAIL_BLOCKED)


def test_a_guardrail_intervention_without_text_is_still_a_guardrail_message(bedrock_stub):
    bedrock_stub.add_stream(text_events(stop_reason="guardrail_intervened"))
    with pytest.raises(bedrock.GuardrailIntervened):
        reply(bedrock_stub.client, guardrail=GUARDRAIL)
