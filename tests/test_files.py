"""The one file writer: atomic, through symlinks, refusing non-regular targets, leaving nothing behind."""

from __future__ import annotations

import errno
import json
import os
import stat

import pytest
import sympy as sp

from eos_theory.outputs import files
from eos_theory.outputs.files import NotRegularFile, check_writable, target, write_bytes_atomic, write_json_atomic


def names(d) -> list[str]:
    return sorted(os.listdir(d))


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path):
    (tmp_path / "real").mkdir()
    dest = tmp_path / "real" / "report.json"
    dest.write_text("old\n")
    link = tmp_path / "link.json"
    link.symlink_to(dest)
    write_json_atomic(link, {"a": 1})
    assert link.is_symlink() and os.readlink(link) == str(dest)
    assert json.loads(dest.read_text()) == {"a": 1}
    assert names(tmp_path) == ["link.json", "real"] and names(tmp_path / "real") == ["report.json"]


def test_a_chain_of_links_and_a_dangling_link_reach_the_final_target(tmp_path):
    dest = tmp_path / "out.txt"
    (tmp_path / "b").symlink_to(dest)  # dangling: out.txt does not exist yet
    (tmp_path / "a").symlink_to(tmp_path / "b")
    files.write_text_atomic(tmp_path / "a", "x")
    assert dest.read_text() == "x" and (tmp_path / "a").is_symlink() and (tmp_path / "b").is_symlink()


@pytest.mark.parametrize("via_link", [False, True])
def test_a_fifo_is_refused_and_left_alone(tmp_path, via_link):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    path = fifo
    if via_link:
        path = tmp_path / "link"
        path.symlink_to(fifo)
    with pytest.raises(NotRegularFile, match="FIFO") as info:
        write_bytes_atomic(path, b"data")
    assert info.value.strerror.startswith("is a FIFO")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert names(tmp_path) == sorted({"pipe", path.name})
    with pytest.raises(NotRegularFile):
        check_writable(path)


def test_a_character_device_is_refused_by_the_type_check():
    # only the check runs (no write is attempted), so this is harmless even as root
    with pytest.raises(NotRegularFile, match="character device"):
        target("/dev/null")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_directory_and_a_missing_directory_are_refused(tmp_path):
    with pytest.raises(NotRegularFile, match="directory"):
        write_bytes_atomic(tmp_path, b"x")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_bytes_atomic(tmp_path / "missing" / "f", b"x")
    assert names(tmp_path) == []


def test_a_replaced_file_keeps_its_mode_and_a_new_file_follows_the_umask(tmp_path):
    old = tmp_path / "old"
    old.write_text("x")
    old.chmod(0o640)
    write_bytes_atomic(old, b"y")
    assert stat.S_IMODE(os.stat(old).st_mode) == 0o640 and old.read_bytes() == b"y"
    umask = os.umask(0o027)
    try:
        write_bytes_atomic(tmp_path / "new", b"z")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(os.stat(tmp_path / "new").st_mode) == 0o640


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "report.json"
    path.write_text("old\n")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        write_bytes_atomic(path, b"new\n" * 1000)
    assert path.read_text() == "old\n" and names(tmp_path) == ["report.json"]


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux /proc")
def test_proc_cannot_be_written_and_says_so():
    with pytest.raises(OSError, match="cannot create a file in /proc"):
        check_writable("/proc/eos-theory-test.tex")
    with pytest.raises(OSError, match="cannot create a file in /proc"):
        write_bytes_atomic("/proc/eos-theory-test.tex", b"x")


def test_check_writable_leaves_nothing(tmp_path):
    assert check_writable(tmp_path / "r.json") == (tmp_path / "r.json").resolve()
    assert names(tmp_path) == []


# -- write_json_atomic ----------------------------------------------------------------------------


def test_write_json_atomic_round_trip(tmp_path):
    path = tmp_path / "report.json"
    data = {"claims": [{"id": "a", "verdict": "verified"}], "text": "ż = −η(JJᵀ)z"}
    write_json_atomic(path, data)
    assert json.loads(path.read_text(encoding="utf-8")) == data
    write_json_atomic(path, {"claims": []})
    assert json.loads(path.read_text(encoding="utf-8")) == {"claims": []}
    assert os.listdir(tmp_path) == ["report.json"]


@pytest.mark.parametrize("bad", [object(), {1, 2}, sp.Symbol("x")], ids=["object", "set", "sympy"])
def test_write_json_atomic_keeps_old_file_when_serialisation_fails(tmp_path, bad):
    path = tmp_path / "report.json"
    write_json_atomic(path, {"old": True})
    before = path.read_bytes()
    # a large serialisable prefix first, so that a non-atomic writer would leave a partial file
    data = {"claims": [{"id": str(i), "evidence": "e" * 100} for i in range(500)], "z_bad": bad}
    with pytest.raises(TypeError):
        write_json_atomic(path, data)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["report.json"], "a temporary file was left behind"


def test_write_json_atomic_new_path_leaves_nothing_on_failure(tmp_path):
    path = tmp_path / "new.json"
    with pytest.raises(TypeError):
        write_json_atomic(path, {"x": object()})
    assert os.listdir(tmp_path) == []


def test_write_json_atomic_missing_directory(tmp_path):
    with pytest.raises(OSError):
        write_json_atomic(tmp_path / "missing" / "report.json", {"a": 1})
    assert os.listdir(tmp_path) == []
