"""What the image promises the task, read from the Dockerfile's final stage, and the library's
defaults, read from its TypeScript source, so that the tests keep the two in step.

Only the Dockerfile instructions the contract depends on are understood: USER, ENV, EXPOSE, VOLUME
and, inside RUN, `mkdir`, `chown` and `chmod` with numeric ids and octal modes.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

APP_DIR = Path(__file__).resolve().parent.parent
DOCKERFILE = APP_DIR / "Dockerfile"
# Present when the app sits in the library's repository; absent in a copy used as a template.
LIBRARY_SERVICE = APP_DIR.parent.parent / "src" / "service" / "chatbot-service.ts"

# What Fargate gives a task volume whose path the image does not declare as a VOLUME.
UNDECLARED_VOLUME = (0, 0, 0o755)


@dataclass
class DirState:
    created: bool = False
    owner: str | None = None  # as given to chown, "uid:gid"
    mode: int | None = None


@dataclass
class Image:
    user: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    exposed: list[str] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)
    # Each volume path as the image has it when its VOLUME line is reached; later changes to a
    # volume path are discarded by the classic builder, so they do not count.
    at_volume: dict[str, DirState] = field(default_factory=dict)

    def fargate_volume(self, path: str) -> tuple[int, int, int]:
        """(uid, gid, mode) of the task volume Fargate mounts at `path` for this image."""
        if path not in self.volumes:
            return UNDECLARED_VOLUME
        state = self.at_volume[path]
        uid, gid = ids(state.owner or "0:0")
        # A mode the Dockerfile does not set is the base image's: 1777 for /tmp, mkdir's 0755 else.
        mode = state.mode if state.mode is not None else (0o1777 if path == "/tmp" else 0o755)
        return uid, gid, mode


def ids(owner: str) -> tuple[int, int]:
    """'1000:1000' -> (1000, 1000); 'uid' alone keeps gid 0, as chown of a root-owned path does."""
    uid, _, gid = owner.partition(":")
    if not uid.isdigit() or (gid and not gid.isdigit()):
        raise ValueError(f"use numeric ids, not {owner!r}: the task's user is numeric")
    return int(uid), int(gid or 0)


def _instructions(text: str) -> list[tuple[str, str]]:
    """(KEYWORD, arguments) with continuation lines joined and comments dropped."""
    result, pending = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#") or (not line and not pending):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        if line.strip():
            keyword, _, args = line.strip().partition(" ")
            result.append((keyword.upper(), args.strip()))
    return result


def _simple_commands(script: str) -> list[list[str]]:
    lexer = shlex.shlex(script, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    commands, current = [], []
    for token in lexer:
        if token in {"&&", "||", ";", "|", "&"}:
            commands.append(current)
            current = []
        else:
            current.append(token)
    return [c for c in [*commands, current] if c]


def _apply_run(script: str, dirs: dict[str, DirState]) -> None:
    for command in _simple_commands(script):
        name, args = command[0], [a for a in command[1:] if not a.startswith("-")]
        if name == "mkdir":
            for path in args:
                dirs.setdefault(path, DirState()).created = True
        elif name == "chown" and args:
            for path in args[1:]:
                dirs.setdefault(path, DirState()).owner = args[0]
        elif name == "chmod" and args and re.fullmatch(r"[0-7]{3,4}", args[0]):
            for path in args[1:]:
                dirs.setdefault(path, DirState()).mode = int(args[0], 8)


def parse(text: str | None = None) -> Image:
    """The final stage of the Dockerfile (the image the task runs)."""
    instructions = _instructions(DOCKERFILE.read_text() if text is None else text)
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    image, dirs = Image(), {}
    for keyword, args in instructions[last_from + 1:]:
        if keyword == "RUN":
            _apply_run(args, dirs)
        elif keyword == "USER":
            image.user = args
        elif keyword == "ENV":
            parts = shlex.split(args)
            if parts and "=" not in parts[0]:  # legacy form: ENV KEY value
                image.env[parts[0]] = args.partition(" ")[2].strip()
            else:
                image.env.update(p.split("=", 1) for p in parts)
        elif keyword == "EXPOSE":
            image.exposed += [p.split("/")[0] for p in args.split()]
        elif keyword == "VOLUME":
            paths = json.loads(args) if args.startswith("[") else args.split()
            for path in paths:
                image.volumes.append(path)
                image.at_volume[path] = DirState(**vars(dirs.get(path, DirState())))
    return image


@dataclass(frozen=True)
class LibraryDefaults:
    writable_directories: list[str]
    container_user: str
    container_port: int


def library_defaults() -> LibraryDefaults | None:
    """The ChatbotService defaults the image must match; None outside the library's repository.
    Raises when the source no longer has the expected shape, so the tests cannot drift silently."""
    if not LIBRARY_SERVICE.is_file():
        return None
    source = LIBRARY_SERVICE.read_text()
    found = {
        "writable": re.search(r"props\.writableDirectories\s*\?\?\s*\[([^\]]*)\]", source),
        "user": re.search(r"props\.user\s*\?\?\s*['\"]([^'\"]+)['\"]", source),
        "port": re.search(r"props\.port\s*\?\?\s*(\d+)", source),
    }
    missing = [name for name, match in found.items() if not match]
    if missing:
        raise AssertionError(f"{LIBRARY_SERVICE}: default(s) not found: {missing}; update image_contract.py")
    return LibraryDefaults(
        writable_directories=re.findall(r"['\"]([^'\"]+)['\"]", found["writable"].group(1)),
        container_user=found["user"].group(1),
        container_port=int(found["port"].group(1)),
    )


def writable_directories() -> list[str]:
    """The task's writable directories: the library's defaults, or in a copy of the app outside
    the repository, /tmp and the image's HOME."""
    defaults = library_defaults()
    if defaults:
        return defaults.writable_directories
    return ["/tmp", parse().env.get("HOME", "/home/chatbot")]
