"""Small helpers for the Streamlit page."""

from __future__ import annotations

import html
import re
from typing import Optional

from chatbot.identity import Identity

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def escape_markdown(text: str) -> str:
    """``text`` with Markdown syntax escaped, so header-supplied values show literally."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def signout_link_html(path: str) -> str:
    """A sign-out link that opens in the same tab (Streamlit's Markdown links open a new one)."""
    return f'<a href="{html.escape(path, quote=True)}" target="_self">Sign out</a>'


def choose_model(st, models: tuple[str, ...]) -> str:
    """The model for the next answer: a picker when the operator allowed several, else the one.

    ``st`` is the Streamlit module (passed in so the helper stays importable without a page).
    """
    if len(models) > 1:
        return st.selectbox("Model", models, index=0, key="model")
    st.caption(f"Model: {escape_markdown(models[0])}")
    return models[0]


def user_summary_markdown(identity: Identity) -> str:
    """Who is signed in, for the sidebar: name and email, then the groups (escaped Markdown)."""
    who = escape_markdown(identity.user)
    if identity.name and identity.name != identity.user:
        who = f"{escape_markdown(identity.name)} ({who})"
    lines = [f"Signed in as **{who}**"]
    if identity.groups:
        lines.append("Groups: " + ", ".join(escape_markdown(group) for group in identity.groups))
    return "  \n".join(lines)


def access_denied_markdown(identity: Identity, allowed: Optional[frozenset[str]]) -> str:
    """The page a signed-in user outside the allowed groups sees: who they are, and what to ask for."""
    needed = ", ".join(escape_markdown(group) for group in sorted(allowed or ()))
    has = ", ".join(escape_markdown(group) for group in identity.groups) or "none"
    return (
        f"**Access denied.** You are signed in as {escape_markdown(identity.user)}, but this chatbot is only for members of: {needed}.  \n"
        f"Your groups: {has}.  \n"
        "Ask your administrator to add you to one of these groups, then sign out and sign in again."
    )
