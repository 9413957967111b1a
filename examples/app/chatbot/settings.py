"""App configuration from command-line flags, environment variables and an optional TOML file.

Precedence, highest first, for each setting: flag > environment variable > config file > default.

| setting       | flag              | environment variable    | config file key |
| ------------- | ----------------- | ----------------------- | --------------- |
| model id      | ``--model-id``    | ``BEDROCK_MODEL_ID``    | ``model_id``    |
| allowed models | ``--allowed-models`` | ``BEDROCK_ALLOWED_MODELS`` (comma-separated) | ``allowed_models`` |
| guardrail id  |                   | ``BEDROCK_GUARDRAIL_ID`` | ``guardrail_id`` |
| guardrail version |               | ``BEDROCK_GUARDRAIL_VERSION`` | ``guardrail_version`` |
| max tokens    | ``--max-tokens``  | ``BEDROCK_MAX_TOKENS``  | ``max_tokens``  |
| system prompt | ``--system-prompt`` | ``CHATBOT_SYSTEM_PROMPT`` | ``system_prompt`` |

The model id is the default model; the allowed models are the ones the user may pick from (the
default is always among them, and comes first when the list does not name it). The construct sets
``BEDROCK_MODEL_ID`` to the first of its ``bedrockModels`` and ``BEDROCK_ALLOWED_MODELS`` to all of
them: the task role may invoke exactly those. The guardrail id and version go together: with them,
every request carries the guardrail (the task role may invoke models only with it).

The config file is ``--config PATH``, else ``$CHATBOT_CONFIG``, else ``chatbot.toml`` beside
``app.py`` if it exists. The region comes only from ``AWS_REGION`` (``AWS_DEFAULT_REGION`` as a
fallback) and the sign-out path only from ``SIGNOUT_PATH``. Credentials are never read from
configuration: boto3 finds the ECS task role through its default chain.
"""

from __future__ import annotations

import argparse
import logging
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

LOG = logging.getLogger(__name__)

DEFAULT_SIGNOUT_PATH = "/signout"
DEFAULT_MAX_TOKENS = 1024
DEFAULT_CONFIG_FILE = Path(__file__).resolve().parent.parent / "chatbot.toml"

# A same-site absolute path: no scheme, no host, nothing that could leave the site.
_SAFE_PATH = re.compile(r"^/(?!/)[A-Za-z0-9._~/-]*$")


class SettingsError(ValueError):
    """The configuration is missing or invalid; the message is safe to show."""


@dataclass(frozen=True)
class Settings:
    model_id: str
    region: str
    signout_path: str = DEFAULT_SIGNOUT_PATH
    max_tokens: int = DEFAULT_MAX_TOKENS
    system_prompt: Optional[str] = None
    allowed_models: tuple[str, ...] = ()
    guardrail_id: Optional[str] = None
    guardrail_version: Optional[str] = None

    @property
    def models(self) -> tuple[str, ...]:
        """The models the user may pick from, the default first when it is not listed."""
        return self.allowed_models if self.model_id in self.allowed_models else (self.model_id, *self.allowed_models)


def _parse_flags(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--model-id")
    parser.add_argument("--allowed-models")
    parser.add_argument("--max-tokens")
    parser.add_argument("--system-prompt")
    parser.add_argument("--config")
    flags, unknown = parser.parse_known_args(list(argv))
    if unknown:
        LOG.warning("Ignoring unknown arguments: %s", " ".join(unknown))
    return flags


def _read_config_file(path: Optional[str]) -> dict[str, Any]:
    """The config file's settings; a file named explicitly must exist, the default may not."""
    file = Path(path) if path else DEFAULT_CONFIG_FILE
    if not file.is_file():
        if path:
            raise SettingsError(f"Config file {path} does not exist.")
        return {}
    try:
        with file.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise SettingsError(f"Config file {file} could not be read: {err}") from None


def _first(*values: Any) -> Any:
    for value in values:
        if value is not None and str(value).strip() != "":
            return value
    return None


def safe_signout_path(value: Optional[str]) -> str:
    """``value`` if it is a plain same-site path, else the default (so a bad value cannot redirect)."""
    if value and _SAFE_PATH.match(value):
        return value
    if value:
        LOG.warning("SIGNOUT_PATH %r is not a plain absolute path; using %s", value, DEFAULT_SIGNOUT_PATH)
    return DEFAULT_SIGNOUT_PATH


def load_settings(argv: Sequence[str], environ: Mapping[str, str]) -> Settings:
    """Resolve the settings; raise SettingsError when something required is missing or invalid."""
    flags = _parse_flags(argv)
    file = _read_config_file(_first(flags.config, environ.get("CHATBOT_CONFIG")))

    raw_allowed = _first(flags.allowed_models, environ.get("BEDROCK_ALLOWED_MODELS"), file.get("allowed_models"))
    allowed = _model_list(raw_allowed)
    model_id = _first(flags.model_id, environ.get("BEDROCK_MODEL_ID"), file.get("model_id"), allowed[0] if allowed else None)
    if not model_id:
        raise SettingsError("No Bedrock model is configured. Set BEDROCK_MODEL_ID (or --model-id, or model_id in the config file).")

    region = _first(environ.get("AWS_REGION"), environ.get("AWS_DEFAULT_REGION"))
    if not region:
        raise SettingsError("No AWS region is configured. Set AWS_REGION.")

    raw_tokens = _first(flags.max_tokens, environ.get("BEDROCK_MAX_TOKENS"), file.get("max_tokens"), DEFAULT_MAX_TOKENS)
    try:
        max_tokens = int(raw_tokens)
    except (TypeError, ValueError):
        max_tokens = 0
    if max_tokens <= 0:
        raise SettingsError(f"max tokens must be a positive whole number, not {raw_tokens!r}.")

    system_prompt = _first(flags.system_prompt, environ.get("CHATBOT_SYSTEM_PROMPT"), file.get("system_prompt"))

    guardrail_id = _first(environ.get("BEDROCK_GUARDRAIL_ID"), file.get("guardrail_id"))
    guardrail_version = _first(environ.get("BEDROCK_GUARDRAIL_VERSION"), file.get("guardrail_version"))
    if bool(guardrail_id) != bool(guardrail_version):
        raise SettingsError("Set both BEDROCK_GUARDRAIL_ID and BEDROCK_GUARDRAIL_VERSION, or neither.")

    return Settings(
        model_id=str(model_id).strip(),
        region=str(region).strip(),
        signout_path=safe_signout_path(environ.get("SIGNOUT_PATH")),
        max_tokens=max_tokens,
        system_prompt=str(system_prompt) if system_prompt else None,
        allowed_models=allowed,
        guardrail_id=str(guardrail_id).strip() if guardrail_id else None,
        guardrail_version=str(guardrail_version).strip() if guardrail_version else None,
    )


def _model_list(value: Any) -> tuple[str, ...]:
    """Model ids from a comma-separated string or a list, without blanks or repeats, in order."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else [str(v) for v in value]
    return tuple(dict.fromkeys(i.strip() for i in items if i.strip()))
