"""Start the real app with `streamlit run`, check its health endpoint, stop it with SIGTERM.

It binds 127.0.0.1 only and contacts nothing else. When the tests run as root, the app runs as
uid/gid 1000 (through setpriv) like in the task, from a directory it cannot write to.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

APP_DIR = Path(__file__).resolve().parent.parent
APP_UID = APP_GID = 1000
START_TIMEOUT = 60
STOP_TIMEOUT = 30
SETPRIV = shutil.which("setpriv")
AS_APP_USER = [SETPRIV or "setpriv", f"--reuid={APP_UID}", f"--regid={APP_GID}", "--clear-groups"]


def _uid_1000_can_run_the_app() -> bool:
    if os.geteuid() != 0 or not SETPRIV:
        return False
    probe = subprocess.run(
        [*AS_APP_USER, sys.executable, "-c", "import streamlit, boto3"],
        cwd=APP_DIR, capture_output=True, timeout=120, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
    )
    return probe.returncode == 0


CAN_DROP_PRIVILEGES = _uid_1000_can_run_the_app()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:  # 127.0.0.1 only
        return response.status, response.read().decode("utf-8", "replace")


def _files(root: Path) -> set[str]:
    skip = {".venv", "__pycache__", ".pytest_cache"}
    return {
        str(p.relative_to(root)) for p in root.rglob("*")
        if not skip.intersection(p.relative_to(root).parts)
    }


def _run_smoke(tmp_path: Path, as_app_user: bool) -> None:
    home = tmp_path / "home"
    scratch = tmp_path / "tmp"
    for d in (home, scratch):
        d.mkdir()
        if as_app_user:
            os.chown(d, APP_UID, APP_GID)
        d.chmod(0o700)

    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TMPDIR": str(scratch),
        "PYTHONDONTWRITEBYTECODE": "1",
        "AWS_REGION": "us-east-1",
        "BEDROCK_MODEL_ID": "smoke-test-model",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--browser.serverAddress", "127.0.0.1",
    ]
    if as_app_user:
        command = [*AS_APP_USER, *command]

    before = _files(APP_DIR)
    log_path = tmp_path / "streamlit.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(command, cwd=APP_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        status, body = None, None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/_stcore/health")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        output = log_path.read_text(errors="replace")
        assert status == 200, f"no healthy answer within {START_TIMEOUT}s; exit code {proc.poll()}; log:\n{output}"
        assert body == "ok"
        status, page = _get(f"http://127.0.0.1:{port}/")
        assert status == 200 and "<html" in page.lower()
        if as_app_user:  # the process itself (setpriv execs it) runs as 1000:1000
            ids = {line.split(":")[0]: line.split()[1] for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines()
                   if line.startswith(("Uid:", "Gid:"))}
            assert ids == {"Uid": str(APP_UID), "Gid": str(APP_GID)}

        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=STOP_TIMEOUT)
        assert time.monotonic() - started < STOP_TIMEOUT
        print(f"stopped {time.monotonic() - started:.1f}s after SIGTERM, exit code {proc.returncode}")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    output = log_path.read_text(errors="replace")
    for problem in ("Traceback", "Permission denied", "Read-only file system"):
        assert problem not in output, output
    assert _files(APP_DIR) == before, "the app wrote into its own directory"


def test_smoke_health_ok_and_sigterm_stops_it():
    """Runs as uid/gid 1000 when this machine allows it (root with setpriv, and uid 1000 able to read
    the virtualenv), else as the current user; either way the health check and SIGTERM are checked."""
    # Not pytest's tmp_path: its parent directory is private to root, so uid 1000 could not
    # reach a HOME inside it.
    with tempfile.TemporaryDirectory(prefix="chatbot-smoke-") as scratch:
        root = Path(scratch)
        root.chmod(0o755)
        print("running as", "uid 1000" if CAN_DROP_PRIVILEGES else "the current user (uid 1000 unavailable here)")
        _run_smoke(root, as_app_user=CAN_DROP_PRIVILEGES)
