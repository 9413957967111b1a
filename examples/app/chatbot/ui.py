"""Small helpers for the Streamlit page."""

from __future__ import annotations

import html
import re

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
