"""Start the real app with `streamlit run`, check its health endpoint, stop it with SIGTERM, on
writable directories prepared the way Fargate prepares the task's volumes.

It binds 127.0.0.1 only and contacts nothing else. When the tests run as root, the app runs as in
the task: as uid/gid 1000 (through setpriv), in a mount namespace whose root filesystem is
read-only except for the writable directories (unshare), from a directory it cannot write to.
Otherwise it runs as the current user, and the volumes' owner is emulated through their mode.

Fargate mounts an empty task volume at each writable directory. Where the image declares a VOLUME
at that path, the volume gets the image's directory with its owner and mode; elsewhere it is
root's with mode 0755. The owner and mode used here come from parsing the Dockerfile, so dropping
its VOLUME or chown makes these tests fail as the task would.
"""

from __future__ import annotations

import json
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
from contextlib import contextmanager
from pathlib import Path

import pytest

import image_contract

APP_DIR = image_contract.APP_DIR
IMAGE = image_contract.parse()
APP_UID, APP_GID = image_contract.ids(IMAGE.user or "1000:1000")
WRITABLE = image_contract.writable_directories()
START_TIMEOUT = 60
STOP_TIMEOUT = 30
SETPRIV = shutil.which("setpriv")
UNSHARE = shutil.which("unshare")
AS_APP_USER = [SETPRIV or "setpriv", f"--reuid={APP_UID}", f"--regid={APP_GID}", "--clear-groups"]
# In a private mount namespace: bind each writable directory onto itself (a mount of its own),
# then make the root mount read-only; those binds stay writable, as the task's volumes do.
READ_ONLY_ROOT = (
    'n=$1; shift; while [ "$n" -gt 0 ]; do mount --bind "$1" "$1" || exit 97; shift; n=$((n-1)); done; '
    'mount -o remount,bind,ro / || exit 97; exec "$@"'
)
BASE_ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONDONTWRITEBYTECODE": "1"}
# Tries to create a file in each directory given, the way the app's libraries would.
WRITE_PROBE = r"""
import json, os, sys, tempfile
result = {}
for d in sys.argv[1:]:
    try:
        fd, name = tempfile.mkstemp(dir=d)
        os.close(fd)
        os.unlink(name)
        result[d] = "ok"
    except OSError as e:
        result[d] = f"{type(e).__name__}: {e.strerror}"
print(json.dumps(result))
"""


def _in_task(command: list[str], writable: list[Path]) -> list[str]:
    """`command` as the task runs it: uid 1000 on a read-only root with `writable` still writable."""
    return [UNSHARE or "unshare", "--mount", "--propagation", "private", "--",
            "sh", "-c", READ_ONLY_ROOT, "sh", str(len(writable)), *map(str, writable), *AS_APP_USER, *command]


def _can_run_as_in_the_task() -> bool:
    if os.geteuid() != 0 or not SETPRIV or not UNSHARE:
        return False
    probe = subprocess.run(
        _in_task([sys.executable, "-c", "import streamlit, boto3"], []),
        cwd=APP_DIR, capture_output=True, timeout=120, env=BASE_ENV,
    )
    return probe.returncode == 0


AS_IN_THE_TASK = _can_run_as_in_the_task()
WHY_NOT_AS_IN_THE_TASK = (
    "needs root with setpriv and unshare (to switch to uid 1000 and mount a read-only root) and "
    "uid 1000 able to read the virtualenv; the other tests run as the current user instead"
)


@contextmanager
def _volumes(fargate: dict[str, tuple[int, int, int]]):
    """A scratch directory per task path, with Fargate's (uid, gid, mode) for it. Without root,
    the current user stands for the app user: a directory owned by someone else gets the mode's
    'other' bits as its owner bits, which is what the app user would be allowed there."""
    # Not pytest's tmp_path: its parent directory is private to root, so uid 1000 could not reach it.
    with tempfile.TemporaryDirectory(prefix="chatbot-smoke-") as scratch:
        root = Path(scratch)
        root.chmod(0o755)
        dirs = {}
        for path, (uid, gid, mode) in fargate.items():
            d = dirs[path] = root / path.strip("/").replace("/", "-")
            d.mkdir()
            if AS_IN_THE_TASK:
                os.chown(d, uid, gid)
            elif (uid, gid) != (APP_UID, APP_GID):
                mode = (mode & 0o1000) | (mode & 0o7) * 0o111
            d.chmod(mode)
        try:
            yield root, dirs
        finally:
            for d in dirs.values():  # so the scratch directory can be removed
                d.chmod(0o700)


def _task_env(dirs: dict[str, Path]) -> dict[str, str]:
    home = IMAGE.env.get("HOME", "/home/chatbot")
    return {**BASE_ENV, "HOME": str(dirs[home]), "TMPDIR": str(dirs["/tmp"])}


def _write_probe(dirs: dict[str, Path]) -> dict[str, str]:
    command = [sys.executable, "-c", WRITE_PROBE, *map(str, dirs.values())]
    if AS_IN_THE_TASK:
        command = _in_task(command, list(dirs.values()))
    done = subprocess.run(command, cwd=APP_DIR, env=_task_env(dirs), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    by_dir = json.loads(done.stdout)
    return {path: by_dir[str(d)] for path, d in dirs.items()}


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


def _run_smoke(root: Path, dirs: dict[str, Path]) -> None:
    port = _free_port()
    env = {
        **_task_env(dirs),
        "AWS_REGION": "us-east-1",
        "BEDROCK_MODEL_ID": "smoke-test-model",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--browser.serverAddress", "127.0.0.1",
    ]
    if AS_IN_THE_TASK:
        command = _in_task(command, list(dirs.values()))

    before = _files(APP_DIR)
    log_path = root / "streamlit.log"  # opened here, before the root turns read-only for the app
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
        if AS_IN_THE_TASK:  # the process itself (unshare, sh and setpriv exec it) runs as 1000:1000
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


def test_smoke_on_the_volumes_the_image_declares():
    """Case (a): the volumes as Fargate makes them from this Dockerfile. The app user can write
    each one, and the app starts, answers /_stcore/health and stops on SIGTERM."""
    print("running", "as in the task (uid 1000, read-only root)" if AS_IN_THE_TASK else f"as the current user: {WHY_NOT_AS_IN_THE_TASK}")
    with _volumes({path: IMAGE.fargate_volume(path) for path in WRITABLE}) as (root, dirs):
        assert _write_probe(dirs) == {path: "ok" for path in WRITABLE}, \
            "the app user cannot write a writable directory: is it declared as a VOLUME and chowned to the USER?"
        _run_smoke(root, dirs)


@pytest.mark.skipif(os.geteuid() == 0 and not AS_IN_THE_TASK,
                    reason="root bypasses file permissions, and the uid 1000 sandbox is unavailable: " + WHY_NOT_AS_IN_THE_TASK)
def test_without_volume_in_the_image_the_app_user_cannot_write():
    """Case (b): no VOLUME in the image, so Fargate mounts each directory root-owned, mode 0755,
    and the app user cannot create a file in any of them; this is why the Dockerfile declares them.
    Streamlit writes nothing at startup, so it would still pass the health check there: the
    failure would come later, at the first temporary file, hence a write probe rather than a start."""
    with _volumes({path: image_contract.UNDECLARED_VOLUME for path in WRITABLE}) as (_, dirs):
        result = _write_probe(dirs)
    assert all(outcome.startswith("PermissionError") for outcome in result.values()), result


@pytest.mark.skipif(not AS_IN_THE_TASK, reason=WHY_NOT_AS_IN_THE_TASK)
def test_task_sandbox_is_uid_1000_on_a_read_only_root():
    """The sandbox the other tests use as root: uid/gid 1000, and a write outside the writable
    directories fails even where permissions would allow it."""
    with _volumes({"/tmp": (APP_UID, APP_GID, 0o700)}) as (root, dirs):
        open_dir = root / "world-writable"
        open_dir.mkdir(mode=0o777)
        open_dir.chmod(0o777)
        script = (
            "import os, sys\n"
            "print(os.getuid(), os.getgid())\n"
            "for d in sys.argv[1:]:\n"
            "    try:\n"
            "        open(os.path.join(d, 'x'), 'w').close(); print('ok')\n"
            "    except OSError as e:\n"
            "        print(e.strerror)\n"
        )
        done = subprocess.run(_in_task([sys.executable, "-c", script, str(dirs["/tmp"]), str(open_dir)], [dirs["/tmp"]]),
                              cwd=APP_DIR, env=BASE_ENV, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"{APP_UID} {APP_GID}", "ok", "Read-only file system"]
