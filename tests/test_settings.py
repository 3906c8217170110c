"""Outside an explicit HOTLINE_ENV=development the service refuses to start without a real
channel secret, access token and encryption keys (issue 10, point 2), a dashboard key of 32
characters or more and an https public address (issue 14), and names each one missing."""
from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from app import StartupRefused, create_app
from settings import DEV_ACCESS_TOKEN, DEV_CHANNEL_SECRET, DEV_DASHBOARD_SECRET, DEV_PUBLIC_BASE_URL, Settings
from storage import crypto

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "HOTLINE_ENCRYPTION_KEYS", "DASHBOARD_SECRET_KEY",
            "PUBLIC_BASE_URL")
REAL_DASHBOARD_SECRET = "k" * 32


@pytest.fixture
def production(settings, monkeypatch):
    """The test settings in production, with real-looking values for all of them."""
    monkeypatch.setenv(crypto.ENV_KEYS, Fernet.generate_key().decode())
    return replace(settings, environment="production", dashboard_secret_key=REAL_DASHBOARD_SECRET,
                   public_base_url="https://hotline.example.org")


def refusal(settings: Settings) -> str:
    with pytest.raises(StartupRefused) as refused:
        create_app(settings)
    return refused.value.message


def named(message: str) -> set[str]:
    return {name for name in REQUIRED if name in message}


def test_production_with_real_values_starts(production):
    app = create_app(production)
    assert app.extensions["hotline"].settings.environment == "production"


def test_nothing_set_names_them_all(production, monkeypatch):
    monkeypatch.delenv(crypto.ENV_KEYS)
    message = refusal(replace(production, channel_secret="", access_token="", dashboard_secret_key="",
                              public_base_url=""))
    assert named(message) == set(REQUIRED)
    assert "\n" not in message


@pytest.mark.parametrize("field, name", [("channel_secret", "LINE_CHANNEL_SECRET"),
                                         ("access_token", "LINE_CHANNEL_ACCESS_TOKEN")])
@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_channel_value_is_refused_and_named(production, field, name, value):
    assert named(refusal(replace(production, **{field: value}))) == {name}


@pytest.mark.parametrize("field, name, placeholder", [
    ("channel_secret", "LINE_CHANNEL_SECRET", DEV_CHANNEL_SECRET),
    ("access_token", "LINE_CHANNEL_ACCESS_TOKEN", DEV_ACCESS_TOKEN)])
def test_dev_placeholders_are_refused_outside_development(production, field, name, placeholder):
    assert named(refusal(replace(production, **{field: placeholder}))) == {name}


@pytest.mark.parametrize("value", [None, "", "  ", " , "])
def test_missing_encryption_keys_are_refused_and_named(production, monkeypatch, value):
    if value is None:
        monkeypatch.delenv(crypto.ENV_KEYS)
    else:
        monkeypatch.setenv(crypto.ENV_KEYS, value)
    assert named(refusal(production)) == {"HOTLINE_ENCRYPTION_KEYS"}


def test_keys_that_do_not_parse_are_refused_without_showing_them(production, monkeypatch):
    bad = "not-a-key-" + "x" * 20
    monkeypatch.setenv(crypto.ENV_KEYS, f"{Fernet.generate_key().decode()},{bad}")
    message = refusal(production)
    assert named(message) == {"HOTLINE_ENCRYPTION_KEYS"} and "does not parse" in message
    assert bad not in message


def test_production_never_uses_the_instance_dirs_key(production, monkeypatch):
    """A key left in the instance dir (from a development run) is not a configured key."""
    monkeypatch.delenv(crypto.ENV_KEYS)
    (production.instance_dir / "encryption.key").write_text(Fernet.generate_key().decode())
    assert named(refusal(production)) == {"HOTLINE_ENCRYPTION_KEYS"}


@pytest.mark.parametrize("value", ["", "   ", DEV_DASHBOARD_SECRET, "k" * 31, " " + "k" * 30 + " "])
def test_a_dashboard_key_that_is_blank_the_dev_value_or_short_is_refused(production, value):
    message = refusal(replace(production, dashboard_secret_key=value))
    assert named(message) == {"DASHBOARD_SECRET_KEY"} and "32" in message
    assert not value.strip() or value.strip() not in message             # never the key itself


@pytest.mark.parametrize("value", ["", DEV_PUBLIC_BASE_URL, "http://hotline.example.org", "hotline.example.org",
                                   "ftp://hotline.example.org"])
def test_a_public_address_that_is_not_https_is_refused(production, value):
    assert named(refusal(replace(production, public_base_url=value))) == {"PUBLIC_BASE_URL"}


def test_a_long_enough_key_and_an_https_address_start(production):
    settings = replace(production, dashboard_secret_key="k" * 32, public_base_url="HTTPS://hotline.example.org")
    assert settings.missing() == []


def test_any_other_environment_name_is_production(production):
    assert named(refusal(replace(production, environment="Development", channel_secret=DEV_CHANNEL_SECRET))) \
        == {"LINE_CHANNEL_SECRET"}


def test_development_keeps_the_dev_defaults(settings, monkeypatch):
    monkeypatch.delenv(crypto.ENV_KEYS, raising=False)
    app = create_app(replace(settings, environment="development", channel_secret=DEV_CHANNEL_SECRET,
                             access_token=DEV_ACCESS_TOKEN))
    assert app.extensions["hotline"].settings.channel_secret == DEV_CHANNEL_SECRET
    assert (settings.instance_dir / "encryption.key").exists()


def test_from_env_defaults_to_production_and_takes_a_blank_secret_for_unset(monkeypatch):
    monkeypatch.delenv("HOTLINE_ENV")
    monkeypatch.setenv("LINE_CHANNEL_SECRET", "  ")
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", "")
    settings = Settings.from_env()
    assert settings.environment == "production" and not settings.development
    assert settings.channel_secret == DEV_CHANNEL_SECRET          # never an empty HMAC key
    assert named(", ".join(settings.missing())) == set(REQUIRED) - {"HOTLINE_ENCRYPTION_KEYS"}
    assert Settings().environment == "production"                 # built directly, too


def test_from_env_reads_development():
    assert Settings.from_env().development and Settings.from_env().missing() == []   # conftest's HOTLINE_ENV


def _local_key(directory: str, queue, barrier) -> None:
    os.environ.pop(crypto.ENV_KEYS, None)
    barrier.wait()
    try:
        queue.put(crypto.keys_from_env(Path(directory)).keys)
    except Exception as exc:           # reported, not a silent exit code
        queue.put(repr(exc))


def test_processes_starting_together_share_one_development_key(tmp_path):
    """Web and worker both read the instance dir's key: made once, never half-written."""
    context = multiprocessing.get_context("fork")
    queue, barrier = context.Queue(), context.Barrier(8)
    processes = [context.Process(target=_local_key, args=(str(tmp_path), queue, barrier)) for _ in range(8)]
    for process in processes:
        process.start()
    keys = [queue.get(timeout=30) for _ in processes]
    for process in processes:
        process.join(30)
    assert len({repr(k) for k in keys}) == 1, keys and keys[0] == [(tmp_path / "encryption.key").read_text()]
    assert [p.name for p in tmp_path.iterdir()] == ["encryption.key"]


def test_a_key_made_by_another_process_just_after_our_look_is_the_one_used(tmp_path, monkeypatch):
    """The interleaving the test above cannot force: the file appears between the check and the write."""
    monkeypatch.delenv(crypto.ENV_KEYS, raising=False)
    theirs = crypto.keys_from_env(tmp_path).keys
    monkeypatch.setattr(Path, "exists", lambda self: False)
    assert crypto.keys_from_env(tmp_path).keys == theirs
    assert [p.name for p in tmp_path.iterdir()] == ["encryption.key"]


def _cli(*args: str, env: dict, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def _bare_env(tmp_path) -> dict:
    """The environment of a deployer who has set nothing yet."""
    env = {key: value for key, value in os.environ.items()
           if key not in (*REQUIRED, "HOTLINE_ENV", "DATABASE_URL", "REDIS_URL")}
    return {**env, "HOTLINE_INSTANCE_DIR": str(tmp_path / "instance"), "PYTHONPATH": str(ROOT)}


@pytest.mark.integration
def test_keys_generate_works_before_any_secret_exists(tmp_path):
    result = _cli("keys", "generate", env=_bare_env(tmp_path))
    assert result.returncode == 0, result.stderr
    crypto.KeyRing([result.stdout.strip()])                  # a key that parses
    assert not (tmp_path / "instance").exists()              # no database, no local key made


@pytest.mark.integration
@pytest.mark.parametrize("command", [("worker",), ("db", "upgrade"), ("keys", "rotate")])
def test_the_cli_refuses_in_one_line_naming_what_is_missing(tmp_path, command):
    result = _cli(*command, env=_bare_env(tmp_path))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "refusing to start" in lines[0] and named(lines[0]) == set(REQUIRED), result.stderr


@pytest.mark.integration
def test_a_relative_instance_dir_is_the_same_for_every_process(tmp_path):
    """Web and worker resolve HOTLINE_INSTANCE_DIR to one absolute dir (so one development key)."""
    code = "import settings; print(settings.Settings.from_env().instance_dir)"
    env = {**os.environ, "HOTLINE_INSTANCE_DIR": "instance", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert Path(out) == (tmp_path / "instance").resolve()
