"""Converse-stream requests to Amazon Bedrock, and what the user sees when they fail.

Everything here takes the boto3 ``bedrock-runtime`` client as a parameter, so tests can pass a
stubbed one. Errors reach the caller as :class:`ChatError`, whose ``user_message`` is short and
friendly; details go to the log (the container's CloudWatch log group), never to the user.
"""

from __future__ import annotations

import logging
from typing import Any, Iterable, Iterator, Mapping, Optional

from botocore.exceptions import BotoCoreError, ClientError

LOG = logging.getLogger(__name__)

BUSY = "The model is busy right now. Please wait a few seconds and try again."
ACCESS_DENIED = "This app is not allowed to use the configured model. Please ask your administrator to check the model access."
INVALID_REQUEST = "The model could not accept this request (the conversation may be too long). Start a new conversation or shorten your message."
NOT_FOUND = "The configured model is not available in this region. Please ask your administrator to check the model id."
UNAVAILABLE = "The model is temporarily unavailable. Please try again in a moment."
UNREACHABLE = "The app could not reach Amazon Bedrock. Please try again in a moment."
NO_ANSWER = "The model returned no answer. Try rephrasing your message."
GENERIC = "Something went wrong while getting an answer. Please try again."
GUARDRAIL_BLOCKED = (
    "This conversation was stopped by the app's content policy (a Bedrock guardrail). "
    "Rephrase your message, or start a new conversation."
)

# Error codes (lower-cased, as both API errors and stream exception events name them).
_MESSAGES = {
    "throttlingexception": BUSY,
    "servicequotaexceededexception": BUSY,
    "accessdeniedexception": ACCESS_DENIED,
    "unrecognizedclientexception": ACCESS_DENIED,
    "validationexception": INVALID_REQUEST,
    "resourcenotfoundexception": NOT_FOUND,
    "modeltimeoutexception": UNAVAILABLE,
    "modelnotreadyexception": UNAVAILABLE,
    "modelstreamerrorexception": UNAVAILABLE,
    "serviceunavailableexception": UNAVAILABLE,
    "internalserverexception": UNAVAILABLE,
}


class ChatError(Exception):
    """A failed answer. ``user_message`` is safe to show; ``code`` is for logs and tests."""

    def __init__(self, user_message: str, code: str = "") -> None:
        super().__init__(user_message)
        self.user_message = user_message
        self.code = code


class GuardrailIntervened(ChatError):
    """The guardrail blocked the prompt or the answer (stop reason ``guardrail_intervened``)."""

    def __init__(self) -> None:
        super().__init__(GUARDRAIL_BLOCKED, "guardrail_intervened")


def friendly_message(code: Optional[str]) -> str:
    return _MESSAGES.get((code or "").lower(), GENERIC)


def to_converse_messages(history: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Chat history (``{"role", "text"}`` dicts) as Converse messages.

    Turns marked ``error`` (an error notice shown to the user) or ``failed`` (a question that got
    no answer) are left out, so the roles keep alternating user/assistant as Converse requires.
    """
    return [
        {"role": turn["role"], "content": [{"text": turn["text"]}]}
        for turn in history
        if not turn.get("error") and not turn.get("failed") and turn.get("text")
    ]


def build_request(
    model_id: str,
    messages: list[dict[str, Any]],
    max_tokens: int,
    system_prompt: Optional[str] = None,
    guardrail: Optional[tuple[str, str]] = None,
) -> dict[str, Any]:
    """Keyword arguments for ``converse_stream``; ``guardrail`` is (id, version)."""
    request: dict[str, Any] = {
        "modelId": model_id,
        "messages": messages,
        "inferenceConfig": {"maxTokens": max_tokens},
    }
    if system_prompt:
        request["system"] = [{"text": system_prompt}]
    if guardrail:
        # "sync": the guardrail checks each chunk before it is streamed, so nothing it would block reaches the user.
        request["guardrailConfig"] = {"guardrailIdentifier": guardrail[0], "guardrailVersion": guardrail[1], "streamProcessingMode": "sync"}
    return request


def _fail(code: str, detail: str) -> ChatError:
    LOG.warning("Bedrock request failed: %s: %s", code, detail[:500])
    return ChatError(friendly_message(code), code)


def stream_reply(
    client: Any,
    model_id: str,
    messages: list[dict[str, Any]],
    max_tokens: int,
    system_prompt: Optional[str] = None,
    guardrail: Optional[tuple[str, str]] = None,
) -> Iterator[str]:
    """Yield the answer's text as it streams in; raise ChatError if it fails or is empty, and
    GuardrailIntervened (after the guardrail's own message, if any) when the guardrail blocked it."""
    request = build_request(model_id, messages, max_tokens, system_prompt, guardrail)
    stream = None
    answered = False
    intervened = False
    try:
        stream = client.converse_stream(**request)["stream"]
        for event in stream:
            text = event.get("contentBlockDelta", {}).get("delta", {}).get("text")
            if text:
                answered = True
                yield text
                continue
            for name, body in event.items():
                # Exception events, should a stream hand them over as plain events.
                if name.lower().endswith("exception"):
                    raise _fail(name, str((body or {}).get("message", "")))
            stop = event.get("messageStop")
            if stop and stop.get("stopReason") == "guardrail_intervened":
                LOG.info("The guardrail intervened")
                intervened = True
            elif stop and stop.get("stopReason") not in (None, "end_turn", "stop_sequence", "max_tokens"):
                LOG.info("Bedrock stopped the answer: %s", stop.get("stopReason"))
    except ClientError as err:  # includes EventStreamError, raised for exception events mid-stream
        error = err.response.get("Error", {})
        raise _fail(str(error.get("Code", "")), str(error.get("Message", ""))) from None
    except BotoCoreError as err:  # no credentials, endpoint unreachable, timeouts...
        LOG.warning("Bedrock request failed: %s", type(err).__name__)
        raise ChatError(UNREACHABLE, type(err).__name__) from None
    finally:
        close = getattr(stream, "close", None)
        if callable(close):
            close()
    if intervened:
        raise GuardrailIntervened()
    if not answered:
        raise ChatError(NO_ANSWER, "empty")
