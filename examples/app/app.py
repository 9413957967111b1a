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

from chatbot import bedrock, conversations, identity, settings, ui

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

st.set_page_config(page_title="Chatbot", page_icon=":speech_balloon:")


def aws_client(service: str, region: str, connect_timeout: int, read_timeout: int):
    # Credentials: boto3's default chain only (the ECS task role); never from configuration. The
    # endpoint comes from the SDK's standard variables (AWS_ENDPOINT_URL_<SERVICE>), which boto3 reads itself.
    return boto3.client(
        service,
        region_name=region,
        config=Config(
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries={"mode": "standard", "max_attempts": 3},
            user_agent_extra="secure-container-chatbot-example",
        ),
    )


@st.cache_resource
def bedrock_client(region: str):
    # Streamed answers can pause for long between chunks.
    return aws_client("bedrock-runtime", region, connect_timeout=5, read_timeout=120)


@st.cache_resource
def dynamodb_client(region: str):
    # Short timeouts: a slow store must not hold up the chat, which then goes on in memory.
    return aws_client("dynamodb", region, connect_timeout=3, read_timeout=5)


def request_headers() -> dict:
    try:
        return dict(st.context.headers)
    except Exception:  # no request context (for example in a bare script run)
        return {}


def current_identity() -> identity.Identity:
    headers = request_headers()
    return identity.identity_from_headers(headers) if headers else identity.Identity(identity.UNKNOWN_USER)


def conversation_session(region: str) -> conversations.ConversationSession:
    """This tab's conversation. A new Streamlit session (a new tab, a reload, or a reconnect that
    lands on another task) starts here and reopens the user's most recent conversation."""
    session = st.session_state.get("conversation")
    if session is None:
        user_id = identity.verified_user_id(request_headers(), os.environ)
        store = conversations.store_from_environment(lambda: dynamodb_client(region), user_id, os.environ)
        # Without a verified user there is no shared bucket to fall back to: memory only, and say so.
        identified = user_id is not None or not os.environ.get(conversations.TABLE_VARIABLE)
        session = conversations.ConversationSession(store, identified=identified)
        session.restore_latest()
        st.session_state.conversation = session
    return session


def render_history(history: list[dict]) -> None:
    for turn in history:
        with st.chat_message(turn["role"]):
            if turn.get("error") and turn["text"] == bedrock.GUARDRAIL_BLOCKED:
                st.warning(turn["text"])
            elif turn.get("error"):
                st.error(turn["text"])
            else:
                st.markdown(turn["text"])


def render_conversation_list(session: conversations.ConversationSession) -> None:
    """Saved conversations, newest first: open one by its title, or delete it."""
    if not session.persistent:
        return
    listed = session.conversations()
    st.subheader("Conversations")
    if not listed:
        st.caption("No saved conversation yet.")
    for summary in listed:
        cid = summary.conversation_id
        title, remove = st.columns([5, 1], vertical_alignment="center")
        with title:
            label = f"**{ui.escape_markdown(summary.title)}**" if cid == session.conversation_id else ui.escape_markdown(summary.title)
            st.button(label, key=f"open_{cid}", on_click=session.open, args=(cid,), use_container_width=True, help=summary.updated_at)
        with remove:
            # Tertiary: an icon without a button's padding and border, so it fits the narrow column.
            st.button(":material/delete:", key=f"delete_{cid}", on_click=session.delete, args=(cid,), help="Delete this conversation", type="tertiary")


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
    session = conversation_session(config.region)
    with st.sidebar:
        st.button("New conversation", key="new_conversation", on_click=session.start_new)
        model_id = ui.choose_model(st, config.models)
        # Filled after the chat below, so that a conversation saved by this run (a new one's first
        # turn) is already listed; the slot keeps the list in its place in the sidebar.
        conversation_list = st.container()

    st.title("Chatbot")
    notice = st.empty()
    history = session.turns()
    st.session_state.history = history
    render_history(history)

    prompt = st.chat_input("Ask a question")
    if prompt:
        ask(session, config, model_id, prompt)
    with conversation_list:
        render_conversation_list(session)
    # Last, so that it reflects this run's writes.
    if session.notice:
        with notice.container(key="history_notice"):
            st.info(session.notice)


def ask(session: conversations.ConversationSession, config: settings.Settings, model_id: str, prompt: str) -> None:
    # Saved before the model is called: a task that stops mid-answer keeps the question.
    earlier = bedrock.to_converse_messages(session.turns())
    session.add_question(prompt)
    with st.chat_message("user"):
        st.markdown(prompt)

    with st.chat_message("assistant"):
        replies = bedrock.stream_reply(
            bedrock_client(config.region),
            model_id,
            earlier + [{"role": "user", "content": [{"text": prompt}]}],
            max_tokens=config.max_tokens,
            system_prompt=config.system_prompt,
            guardrail=(config.guardrail_id, config.guardrail_version) if config.guardrail_id and config.guardrail_version else None,
        )
        try:
            answer = st.write_stream(replies)
        except bedrock.GuardrailIntervened as err:
            # The blocked exchange stays on screen (and saved, marked) but out of the next request.
            session.add_answer(err.user_message, conversations.STATUS_BLOCKED)
            st.warning(err.user_message)
        except bedrock.ChatError as err:
            # The question and the notice stay, marked failed, out of the next request.
            session.add_answer(err.user_message, conversations.STATUS_FAILED)
            st.error(err.user_message)
        else:
            session.add_answer(answer if isinstance(answer, str) else "".join(map(str, answer)))
    st.session_state.history = session.turns()


main()
