"""A deployment as a platform runs it (issue 10, point 1): only the Procfile's processes, in
production settings, on an EMPTY database: the release step migrates, then web and worker
answer a signed event. Web and worker on a schema not at head refuse in one line."""
from __future__ import annotations

import importlib.util
import os
import shlex
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from cryptography.fernet import Fernet

from emulator import create_emulator_app
from storage import migrate
from tests.support.databases import fresh_database
from tests.support.servers import ServerThread, free_port, stop_process_group, wait_for

ROOT = Path(__file__).resolve().parents[1]
SECRET = uuid.uuid4().hex                 # real-looking values: production refuses the dev ones
TOKEN = "token-" + uuid.uuid4().hex


def procfile() -> dict[str, str]:
    """The Procfile as a platform reads it: `name: command` per line."""
    entries = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            entries[name.strip()] = command.strip()
    return entries


def production_env(tmp_path: Path, database_url: str, redis_url: str, line_api: str = "http://127.0.0.1:9") -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HOTLINE_", "LINE_"))}
    return {**env,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",   # gunicorn, flask
            "HOTLINE_ENV": "production", "LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
            "HOTLINE_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "DASHBOARD_SECRET_KEY": uuid.uuid4().hex, "PUBLIC_BASE_URL": "https://hotline.example.org",
            "HOTLINE_INSTANCE_DIR": str(tmp_path / "instance"),
            "DATABASE_URL": database_url, "REDIS_URL": redis_url, "HOTLINE_QUEUE": f"procfile-{uuid.uuid4().hex[:8]}",
            "LINE_API_BASE": line_api, "LINE_API_DATA_BASE": line_api,
            "PORT": str(free_port()), "BIND_HOST": "127.0.0.1", "WEB_CONCURRENCY": "1", "PYTHONUNBUFFERED": "1"}


def start(name: str, env: dict, tmp_path: Path) -> subprocess.Popen:
    """One Procfile process, started the way a platform does: its line, run by a shell."""
    out = open(tmp_path / f"{name}.out", "wb")  # noqa: SIM115  (the process writes to them while it runs)
    err = open(tmp_path / f"{name}.err", "wb")  # noqa: SIM115
    return subprocess.Popen(["bash", "-c", f"exec {procfile()[name]}"], cwd=ROOT, env=env, stdout=out, stderr=err,
                            start_new_session=True)


def logs(tmp_path: Path) -> str:
    return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(tmp_path.glob("*.[eo]*")))


def gunicorn_conf():
    """gunicorn.conf.py as gunicorn reads it: a module run from the repository root."""
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_web_workers_are_the_platforms_number_or_chosen_by_the_database(monkeypatch):
    assert "--workers" not in shlex.split(procfile()["web"])        # gunicorn.conf.py decides
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/hotline")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert gunicorn_conf().workers == 3
    monkeypatch.setenv("DATABASE_URL", "sqlite:///hotline.db")
    assert gunicorn_conf().workers == 3
    monkeypatch.delenv("WEB_CONCURRENCY")
    assert gunicorn_conf().workers == 2                             # one writer at a time
    monkeypatch.setenv("WEB_CONCURRENCY", " ")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db/hotline")
    assert gunicorn_conf().workers == 4                             # commits wait for the WAL


def test_the_procfile_has_the_release_step_first():
    assert list(procfile())[0] == "release"
    assert shlex.split(procfile()["release"]) == ["flask", "--app", "app", "db", "upgrade"]


@pytest.mark.integration
def test_a_fresh_deployment_from_the_procfile_answers(tmp_path, redis_url):
    emulator_port = free_port()
    emulator_url = f"http://127.0.0.1:{emulator_port}"
    with fresh_database(tmp_path, revision=None) as database_url:
        env = production_env(tmp_path, database_url, redis_url, line_api=emulator_url)
        emulator = ServerThread(create_emulator_app({
            "port": emulator_port, "webhook_url": f"http://127.0.0.1:{env['PORT']}/callback",
            "channel_secret": SECRET, "channel_access_token": TOKEN}), port=emulator_port).start()
        processes = []
        try:
            release = subprocess.run(["bash", "-c", procfile()["release"]], cwd=ROOT, env=env,
                                     capture_output=True, text=True, timeout=120)
            assert release.returncode == 0, release.stderr
            migrate.require_head(database_url)
            processes = [start("web", env, tmp_path), start("worker", env, tmp_path)]

            def web_up():
                assert all(p.poll() is None for p in processes), logs(tmp_path)
                try:
                    return requests.get(f"http://127.0.0.1:{env['PORT']}/healthz", timeout=2).ok
                except requests.ConnectionError:
                    return False
            wait_for(web_up, timeout=60, interval=0.2, message="web listening")

            api = f"{emulator_url}/emulator/api"
            user = requests.post(f"{api}/users", json={"displayName": "Deployer", "language": "en"},
                                 timeout=10).json()["userId"]
            sent = requests.post(f"{api}/send", json={"userId": user, "type": "text", "text": "hello"}, timeout=30)
            assert sent.json()["status"] == 200, logs(tmp_path)          # the signed event was stored

            def answered():
                return [r for r in requests.get(f"{api}/received", params={"chat": user}, timeout=10).json()
                        if r.get("status") == 200]
            answers = wait_for(answered, timeout=30, interval=0.2, message=f"the bot's answer\n{logs(tmp_path)}")
            assert answers[0]["messages"]
            assert not (tmp_path / "instance" / "encryption.key").exists()   # production: no local key
        finally:
            for process in processes:
                stop_process_group(process)
            emulator.stop()


@pytest.mark.integration
@pytest.mark.parametrize("revision", [None, "0003"], ids=["empty", "behind"])
@pytest.mark.parametrize("name", ["web", "worker"])
def test_web_and_worker_refuse_a_schema_not_at_head_in_one_line(tmp_path, redis_url, name, revision):
    with fresh_database(tmp_path, revision=revision) as database_url:
        process = start(name, production_env(tmp_path, database_url, redis_url), tmp_path)
        try:
            process.wait(90)
        except subprocess.TimeoutExpired:
            stop_process_group(process)
            pytest.fail(f"{name} started on a schema not at head\n{logs(tmp_path)}")
        stderr = (tmp_path / f"{name}.err").read_text()
        refusals = [line for line in stderr.splitlines() if "refusing to start" in line]
        assert process.returncode != 0
        assert len(refusals) == 1 and "db upgrade" in refusals[0] and "Traceback" not in stderr, stderr
        assert ("empty database" if revision is None else "0003") in refusals[0]


def test_require_head_accepts_only_the_head(tmp_path):
    with fresh_database(tmp_path / "empty", revision=None) as url:
        with pytest.raises(migrate.SchemaNotReady, match="empty database"):
            migrate.require_head(url)
        migrate.upgrade(url, "0002")
        with pytest.raises(migrate.SchemaNotReady, match="0002"):
            migrate.require_head(url)
        migrate.upgrade(url)
        migrate.require_head(url)


def test_require_head_waits_for_then_refuses_an_unreachable_database_without_its_password():
    url = f"postgresql://hotline:s3cret-word@127.0.0.1:{free_port()}/hotline"
    started = time.monotonic()
    with pytest.raises(migrate.SchemaNotReady, match="cannot reach the database") as refused:
        migrate.require_head(url, wait_seconds=1.5)
    assert time.monotonic() - started >= 1.5
    assert "s3cret-word" not in str(refused.value) and "\n" not in str(refused.value)
