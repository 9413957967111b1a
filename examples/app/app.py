"""Streamlit chat UI: answers stream from Amazon Bedrock (Converse API).

Run: ``streamlit run app.py [-- --model-id ID --max-tokens N --system-prompt TEXT --config FILE]``.
See README.md for configuration, identity and the read-only filesystem.
"""

from __future__ import annotations

import logging
import os
import sys

import boto3
import streamlit as st
from botocore.config import Config

from chatbot import bedrock, identity, settings, ui

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

st.set_page_config(page_title="Chatbot", page_icon=":speech_balloon:")


@st.cache_resource
def bedrock_client(region: str):
    # Credentials: boto3's default chain only (the ECS task role); never from configuration.
    return boto3.client(
        "bedrock-runtime",
        region_name=region,
        config=Config(
            connect_timeout=5,
            read_timeout=120,
            retries={"mode": "standard", "max_attempts": 3},
            user_agent_extra="secure-container-chatbot-example",
        ),
    )


def current_identity() -> identity.Identity:
    try:
        headers = st.context.headers
    except Exception:  # no request context (for example in a bare script run)
        return identity.Identity(identity.UNKNOWN_USER)
    return identity.identity_from_headers(headers)


def render_history(history: list[dict]) -> None:
    for turn in history:
        with st.chat_message(turn["role"]):
            if turn.get("error") and turn["text"] == bedrock.GUARDRAIL_BLOCKED:
                st.warning(turn["text"])
            elif turn.get("error"):
                st.error(turn["text"])
            else:
                st.markdown(turn["text"])


def main() -> None:
    try:
        config = settings.load_settings(sys.argv[1:], os.environ)
    except settings.SettingsError as err:
        st.error(f"The chatbot is not configured: {err}")
        st.stop()

    user = current_identity()
    allowed = identity.allowed_groups(os.environ)
    with st.sidebar:
        st.markdown(ui.user_summary_markdown(user))
        st.markdown(ui.signout_link_html(config.signout_path), unsafe_allow_html=True)
    if not identity.is_allowed(user, allowed):
        st.error(ui.access_denied_markdown(user, allowed))
        st.stop()
    with st.sidebar:
        if st.button("New conversation"):
            st.session_state.history = []
        model_id = ui.choose_model(st, config.models)

    st.title("Chatbot")
    history: list[dict] = st.session_state.setdefault("history", [])
    render_history(history)

    prompt = st.chat_input("Ask a question")
    if not prompt:
        return

    question = {"role": "user", "text": prompt}
    history.append(question)
    with st.chat_message("user"):
        st.markdown(prompt)

    with st.chat_message("assistant"):
        replies = bedrock.stream_reply(
            bedrock_client(config.region),
            model_id,
            bedrock.to_converse_messages(history),
            max_tokens=config.max_tokens,
            system_prompt=config.system_prompt,
            guardrail=(config.guardrail_id, config.guardrail_version) if config.guardrail_id and config.guardrail_version else None,
        )
        try:
            answer = st.write_stream(replies)
        except bedrock.GuardrailIntervened as err:
            # The blocked exchange stays on screen but out of the next request, which it would block again.
            question["failed"] = True
            history.append({"role": "assistant", "text": err.user_message, "error": True})
            st.warning(err.user_message)
        except bedrock.ChatError as err:
            # Keep the question and the notice on screen, but out of the next request.
            question["failed"] = True
            history.append({"role": "assistant", "text": err.user_message, "error": True})
            st.error(err.user_message)
        else:
            history.append({"role": "assistant", "text": answer if isinstance(answer, str) else "".join(map(str, answer))})


main()
