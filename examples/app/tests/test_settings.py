from __future__ import annotations

import pytest

from chatbot import settings
from chatbot.settings import SettingsError, load_settings
from chatbot.ui import escape_markdown, signout_link_html

ENV = {"AWS_REGION": "eu-west-1", "BEDROCK_MODEL_ID": "env-model"}


@pytest.fixture(autouse=True)
def no_default_config_file(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "DEFAULT_CONFIG_FILE", tmp_path / "absent.toml")


def config_file(tmp_path, text: str) -> str:
    path = tmp_path / "chatbot.toml"
    path.write_text(text)
    return str(path)


def test_environment_alone():
    s = load_settings([], ENV)
    assert (s.model_id, s.region, s.signout_path, s.max_tokens, s.system_prompt) == ("env-model", "eu-west-1", "/signout", 1024, None)


def test_precedence_flag_over_environment_over_file(tmp_path):
    path = config_file(tmp_path, 'model_id = "file-model"\nmax_tokens = 300\nsystem_prompt = "Be nice."\n')
    assert load_settings(["--config", path], {"AWS_REGION": "eu-west-1"}).model_id == "file-model"
    assert load_settings(["--config", path], ENV).model_id == "env-model"
    s = load_settings(["--config", path, "--model-id", "flag-model"], ENV)
    assert (s.model_id, s.max_tokens, s.system_prompt) == ("flag-model", 300, "Be nice.")


def test_config_file_from_environment_variable(tmp_path):
    path = config_file(tmp_path, 'model_id = "file-model"\n')
    assert load_settings([], {"AWS_REGION": "eu-west-1", "CHATBOT_CONFIG": path}).model_id == "file-model"


def test_default_config_file_is_optional_but_a_named_one_must_exist(tmp_path):
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(["--config", str(tmp_path / "missing.toml")], ENV)


def test_broken_config_file(tmp_path):
    with pytest.raises(SettingsError, match="could not be read"):
        load_settings(["--config", config_file(tmp_path, "model_id = ")], ENV)


def test_missing_model_and_region_are_reported():
    with pytest.raises(SettingsError, match="BEDROCK_MODEL_ID"):
        load_settings([], {"AWS_REGION": "eu-west-1"})
    with pytest.raises(SettingsError, match="AWS_REGION"):
        load_settings([], {"BEDROCK_MODEL_ID": "m"})


def test_default_region_fallback():
    assert load_settings([], {"AWS_DEFAULT_REGION": "us-west-2", "BEDROCK_MODEL_ID": "m"}).region == "us-west-2"


@pytest.mark.parametrize("value", ["0", "-5", "many"])
def test_bad_max_tokens(value):
    with pytest.raises(SettingsError, match="max tokens"):
        load_settings(["--max-tokens", value], ENV)


def test_credentials_in_configuration_are_ignored(tmp_path):
    path = config_file(tmp_path, 'model_id = "m"\naws_access_key_id = "AKIAEXAMPLE"\n')
    s = load_settings(["--config", path], {"AWS_REGION": "eu-west-1"})
    assert "AKIAEXAMPLE" not in repr(s)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "/signout"),
        ("/logout", "/logout"),
        ("/auth/sign-out", "/auth/sign-out"),
        ("https://evil.example.com/", "/signout"),
        ("//evil.example.com", "/signout"),
        ("javascript:alert(1)", "/signout"),
        ('/x" onclick="alert(1)', "/signout"),
    ],
)
def test_signout_path(value, expected):
    env = dict(ENV, **({"SIGNOUT_PATH": value} if value is not None else {}))
    assert load_settings([], env).signout_path == expected


def test_signout_link_opens_in_the_same_tab():
    assert signout_link_html("/signout") == '<a href="/signout" target="_self">Sign out</a>'


def test_markdown_in_user_names_is_escaped():
    assert escape_markdown("**a_b**@x.com") == r"\*\*a\_b\*\*@x\.com"


def test_allowed_models_from_the_environment_with_the_default_first():
    s = load_settings([], {**ENV, "BEDROCK_ALLOWED_MODELS": "other-model, env-model,,other-model"})
    assert s.allowed_models == ("other-model", "env-model")
    assert s.models == ("other-model", "env-model")
    assert s.model_id == "env-model"


def test_a_default_outside_the_allowed_list_is_offered_first():
    s = load_settings([], {**ENV, "BEDROCK_ALLOWED_MODELS": "a,b"})
    assert s.models == ("env-model", "a", "b")


def test_without_a_default_the_first_allowed_model_is_used(tmp_path):
    path = config_file(tmp_path, 'allowed_models = ["eu.model-a", "eu.model-b"]\n')
    s = load_settings(["--config", path], {"AWS_REGION": "eu-west-1"})
    assert (s.model_id, s.models) == ("eu.model-a", ("eu.model-a", "eu.model-b"))


def test_only_one_model_without_a_list():
    assert load_settings([], ENV).models == ("env-model",)


def test_guardrail_id_and_version_go_together():
    s = load_settings([], {**ENV, "BEDROCK_GUARDRAIL_ID": "abc123", "BEDROCK_GUARDRAIL_VERSION": "2"})
    assert (s.guardrail_id, s.guardrail_version) == ("abc123", "2")
    assert load_settings([], ENV).guardrail_id is None
    with pytest.raises(SettingsError, match="BEDROCK_GUARDRAIL_ID and BEDROCK_GUARDRAIL_VERSION"):
        load_settings([], {**ENV, "BEDROCK_GUARDRAIL_ID": "abc123"})
