"""The Streamlit page itself, run in-process with streamlit.testing and a stubbed Bedrock client."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
import streamlit as st
from conftest import text_events
from streamlit.testing.v1 import AppTest

from chatbot import bedrock

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def app_env(monkeypatch, bedrock_stub):
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("BEDROCK_MODEL_ID", "test-model")
    monkeypatch.setenv("SIGNOUT_PATH", "/signout")
    monkeypatch.delenv("CHATBOT_CONFIG", raising=False)
    monkeypatch.setattr(boto3, "client", lambda *args, **kwargs: bedrock_stub.client)
    st.cache_resource.clear()
    yield bedrock_stub
    st.cache_resource.clear()


def markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def test_page_shows_user_and_signout_link(app_env):
    at = AppTest.from_file(APP).run()
    assert not at.exception
    sidebar = [m.value for m in at.sidebar.markdown]
    assert "Signed in as **unknown**" in sidebar  # no ALB headers in this test
    assert '<a href="/signout" target="_self">Sign out</a>' in sidebar


def test_question_gets_a_streamed_answer_kept_in_the_conversation(app_env):
    app_env.add_stream(text_events("Hello", ", human"))
    at = AppTest.from_file(APP).run()
    at.chat_input[0].set_value("Hi?").run()
    assert not at.exception and not at.error
    assert at.session_state["history"] == [
        {"role": "user", "text": "Hi?"},
        {"role": "assistant", "text": "Hello, human"},
    ]
    assert "Hello, human" in markdown(at)


def test_throttling_is_shown_as_a_friendly_error(app_env):
    app_env.add_error("ThrottlingException", 429)
    at = AppTest.from_file(APP).run()
    at.chat_input[0].set_value("Hi?").run()
    assert not at.exception
    assert [e.value for e in at.error] == [bedrock.BUSY]
    assert at.session_state["history"][0]["failed"] is True


def test_missing_model_is_reported(app_env, monkeypatch):
    monkeypatch.delenv("BEDROCK_MODEL_ID")
    at = AppTest.from_file(APP).run()
    assert not at.exception
    assert "not configured" in at.error[0].value


def test_guardrail_intervention_is_shown_as_a_clear_warning_and_left_out_of_the_next_request(app_env, monkeypatch):
    monkeypatch.setenv("BEDROCK_GUARDRAIL_ID", "abc123def456")
    monkeypatch.setenv("BEDROCK_GUARDRAIL_VERSION", "1")
    app_env.add_stream(
        text_events("Sorry, this request is not allowed here.", stop_reason="guardrail_intervened"),
        expected_params={
            "modelId": "test-model",
            "messages": [{"role": "user", "content": [{"text": "Which stock should I buy?"}]}],
            "inferenceConfig": {"maxTokens": 1024},
            "guardrailConfig": {"guardrailIdentifier": "abc123def456", "guardrailVersion": "1", "streamProcessingMode": "sync"},
        },
    )
    at = AppTest.from_file(APP).run()
    at.chat_input[0].set_value("Which stock should I buy?").run()
    assert not at.exception and not at.error
    assert [w.value for w in at.warning] == [bedrock.GUARDRAIL_BLOCKED]
    assert at.session_state["history"][0]["failed"] is True
    assert bedrock.to_converse_messages(at.session_state["history"]) == []


def test_the_user_picks_among_the_allowed_models(app_env, monkeypatch):
    monkeypatch.setenv("BEDROCK_ALLOWED_MODELS", "test-model,other-model")
    app_env.add_stream(
        text_events("From the other one"),
        expected_params={"modelId": "other-model", "messages": [{"role": "user", "content": [{"text": "Hi?"}]}], "inferenceConfig": {"maxTokens": 1024}},
    )
    at = AppTest.from_file(APP).run()
    picker = at.sidebar.selectbox[0]
    assert list(picker.options) == ["test-model", "other-model"] and picker.value == "test-model"
    picker.select("other-model").run()
    at.chat_input[0].set_value("Hi?").run()
    assert not at.exception and not at.error
    assert "From the other one" in markdown(at)


def test_user_outside_the_allowed_groups_gets_the_access_denied_page_and_no_chat(app_env, monkeypatch):
    monkeypatch.setenv("ALLOWED_GROUPS", "chat-users")
    at = AppTest.from_file(APP).run()
    assert not at.exception
    assert len(at.error) == 1 and at.error[0].value.startswith("**Access denied.**")
    assert "chat-users" in at.error[0].value.replace("\\", "")
    assert len(at.chat_input) == 0
    # The sign-out link stays, so the user can sign in as someone else.
    assert '<a href="/signout" target="_self">Sign out</a>' in [m.value for m in at.sidebar.markdown]
