"""The Dockerfile keeps the contract the library's ChatbotService expects of an image: a non-root
user, the port, and every writable directory declared as a VOLUME owned by that user (Fargate seeds
a task volume from the image only at a declared VOLUME; elsewhere it is root's, mode 0755)."""

from __future__ import annotations

import pytest

import image_contract
from image_contract import ids


@pytest.fixture(scope="module")
def image() -> image_contract.Image:
    return image_contract.parse()


@pytest.fixture(scope="module")
def defaults() -> image_contract.LibraryDefaults:
    found = image_contract.library_defaults()
    if found is None:
        pytest.skip(f"not inside the library's repository ({image_contract.LIBRARY_SERVICE} is missing)")
    return found


def test_user_is_the_library_default_and_not_root(image, defaults):
    assert defaults.container_user == "1000:1000"
    assert image.user == defaults.container_user, "USER must be the library's default user (ChatbotService's `user`)"
    uid, gid = ids(image.user)
    assert uid != 0 and gid != 0


def test_every_writable_directory_is_a_volume_owned_by_the_user(image, defaults):
    assert defaults.writable_directories == ["/tmp", "/home/chatbot"]
    for path in defaults.writable_directories:
        assert path in image.volumes, f"{path} is not declared as a VOLUME: Fargate would mount it root-owned, mode 0755"
        state = image.at_volume[path]
        assert state.created, f"{path} is not created (mkdir) before its VOLUME line"
        assert state.owner == image.user, f"{path} is not chowned to {image.user} before its VOLUME line"
        assert state.mode is not None and state.mode & 0o700 == 0o700, f"{path} mode {state.mode!r} before its VOLUME line"
        assert image.fargate_volume(path) == (*ids(image.user), state.mode)


def test_home_is_a_writable_volume(image, defaults):
    assert image.env.get("HOME") in defaults.writable_directories
    assert image.env["HOME"] in image.volumes


def test_exposes_the_library_default_port(image, defaults):
    assert str(defaults.container_port) in image.exposed


def test_parser_counts_only_what_precedes_the_volume():
    base = 'FROM python AS builder\nRUN chown 0:0 /x\nFROM python\n# a comment\nRUN mkdir -p /x \\\n && chmod 0700 /x'
    declared = image_contract.parse(base + ' \\\n && chown 1000:1000 /x\nVOLUME ["/x"]\nUSER 1000:1000\n')
    assert declared.fargate_volume("/x") == (1000, 1000, 0o700)
    late_chown = image_contract.parse(base + '\nVOLUME /x\nRUN chown 1000:1000 /x\n')
    assert late_chown.fargate_volume("/x") == (0, 0, 0o700)
    assert image_contract.parse(base + "\n").fargate_volume("/x") == image_contract.UNDECLARED_VOLUME
