"""Shared test helpers: a real bedrock-runtime client whose calls are stubbed (no network)."""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any, Iterable

import boto3
import pytest
from botocore.eventstream import EventStream
from botocore.parsers import EventStreamJSONParser
from botocore.stub import Stubber


def _header(name: str, value: str) -> bytes:
    key, val = name.encode(), value.encode()
    return struct.pack(">B", len(key)) + key + b"\x07" + struct.pack(">H", len(val)) + val  # 7 = string


def encode_message(headers: dict[str, str], payload: dict[str, Any]) -> bytes:
    """One AWS event-stream message: prelude, its CRC, headers, JSON payload, message CRC."""
    head = b"".join(_header(k, v) for k, v in headers.items())
    body = json.dumps(payload).encode()
    prelude = struct.pack(">II", 12 + len(head) + len(body) + 4, len(head))
    message = prelude + struct.pack(">I", zlib.crc32(prelude)) + head + body
    return message + struct.pack(">I", zlib.crc32(message))


def event(kind: str, payload: dict[str, Any]) -> bytes:
    return encode_message({":event-type": kind, ":content-type": "application/json", ":message-type": "event"}, payload)


def exception_event(kind: str, message: str) -> bytes:
    return encode_message({":exception-type": kind, ":content-type": "application/json", ":message-type": "exception"}, {"message": message})


def text_events(*chunks: str, stop_reason: str = "end_turn") -> list[bytes]:
    return [
        event("messageStart", {"role": "assistant"}),
        *(event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": c}}) for c in chunks),
        event("contentBlockStop", {"contentBlockIndex": 0}),
        event("messageStop", {"stopReason": stop_reason}),
    ]


class _RawBody:
    """Stands in for the HTTP body botocore reads the event stream from."""

    def __init__(self, messages: Iterable[bytes]) -> None:
        self._messages = list(messages)
        self.closed = False

    def stream(self):
        yield from self._messages

    def close(self) -> None:
        self.closed = True


class StubbedBedrock:
    """A real ``bedrock-runtime`` client under ``botocore.stub.Stubber``.

    Stubber validates the request against the service model and checks the expected
    parameters, but it cannot build an event-stream response (its validator wants a dict for
    ``stream``). So the stub answers with an empty ``stream`` and an ``after-call`` hook puts a
    real botocore ``EventStream`` there, decoded from bytes like a live response would be.
    """

    def __init__(self) -> None:
        self.client = boto3.client(
            "bedrock-runtime",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        self.stubber = Stubber(self.client)
        self._streams: list[EventStream] = []
        self.bodies: list[_RawBody] = []
        self.client.meta.events.register("after-call.bedrock-runtime.ConverseStream", self._swap_stream)

    def _swap_stream(self, parsed: dict[str, Any], **_: Any) -> None:
        if "stream" in parsed and self._streams:
            parsed["stream"] = self._streams.pop(0)

    def add_stream(self, messages: Iterable[bytes], expected_params: dict[str, Any] | None = None) -> None:
        shape = self.client.meta.service_model.operation_model("ConverseStream").output_shape.members["stream"]
        body = _RawBody(messages)
        self.bodies.append(body)
        self._streams.append(EventStream(body, shape, EventStreamJSONParser(), "ConverseStream"))
        self.stubber.add_response("converse_stream", {"stream": {}}, expected_params)

    def add_error(self, code: str, status: int, message: str = "details for the log") -> None:
        self.stubber.add_client_error("converse_stream", service_error_code=code, service_message=message, http_status_code=status)


@pytest.fixture
def bedrock_stub():
    stub = StubbedBedrock()
    with stub.stubber:
        yield stub
    stub.stubber.assert_no_pending_responses()
