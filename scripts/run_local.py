"""Run the whole service on one machine as a platform would run the Procfile: its release
step first (migrations; it ends, which is not a crash), then its web and worker, plus an
embedded Redis and the LINE emulator, whose chat page lets a person talk to the bot.

`make run` calls this, in HOTLINE_ENV=development (the default here too: the dev secrets and
the instance dir's key are refused anywhere else). Ctrl-C stops everything it started.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from settings import DEV_ACCESS_TOKEN, DEV_CHANNEL_SECRET, INSTANCE  # noqa: E402
from worker.queue import embedded_redis  # noqa: E402

RELEASE = "release"   # the Procfile's one-off step before a release's processes start


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return {name.strip(): command.strip() for name, command in
            (line.split(":", 1) for line in lines if ":" in line and not line.startswith("#"))}


def main() -> int:
    web_port = os.environ.get("PORT", "5000")
    emulator_port = os.environ.get("EMULATOR_PORT", "5001")
    emulator_url = f"http://127.0.0.1:{emulator_port}"
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # the venv's gunicorn, flask
    env.setdefault("HOTLINE_ENV", "development")
    env.setdefault("LINE_CHANNEL_SECRET", DEV_CHANNEL_SECRET)
    env.setdefault("LINE_CHANNEL_ACCESS_TOKEN", DEV_ACCESS_TOKEN)
    env.setdefault("LINE_API_BASE", emulator_url)
    env.setdefault("LINE_API_DATA_BASE", emulator_url)
    env.setdefault("EMULATOR_WEBHOOK_URL", f"http://127.0.0.1:{web_port}/callback")
    env.setdefault("PUBLIC_BASE_URL", f"http://127.0.0.1:{web_port}")   # where the bot's dashboard links point
    env.update(PORT=web_port, EMULATOR_PORT=emulator_port, BIND_HOST=env.get("BIND_HOST", "127.0.0.1"))
    redis = None
    if not env.get("REDIS_URL"):
        redis = embedded_redis(INSTANCE)  # held open for as long as we run
        env["REDIS_URL"] = f"unix://{redis.embedded_server.socket_file}"
    processes = procfile()
    release = processes.pop(RELEASE, None)
    if release and subprocess.run(["bash", "-c", release], cwd=ROOT, env=env).returncode:
        print(f"the release step failed ({release}); not starting", flush=True)
        return 1
    commands = {**processes, "emulator": f"{sys.executable} -m emulator"}
    children = {name: subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=ROOT, env=env,
                                       start_new_session=True)
                for name, command in commands.items()}
    print(f"\n  Chat with the bot: {emulator_url}/\n  Webhook: http://127.0.0.1:{web_port}/callback\n"
          f"  Dashboard: {env['PUBLIC_BASE_URL']}/dashboard/ (type dashboard in an officer's chat)\n"
          "  Ctrl-C to stop.\n", flush=True)
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    print(f"{name} exited with {child.returncode}; stopping", flush=True)
                    stopping = True
            time.sleep(0.5)
    finally:
        for child in children.values():
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in children.values():
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
        del redis
    return 0


if __name__ == "__main__":
    sys.exit(main())
