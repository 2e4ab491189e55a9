"""The project's one file writer: atomic, through symlinks, never onto devices.

Every output (``verify --json``, ``latex -o``, the figures of ``plot``) goes through
:func:`write_bytes_atomic`: the data is written to a temporary file beside its final target,
flushed to disk and renamed over the target, so a reader sees the old file or the whole new one,
never a partial file, and nothing is left behind on failure.  A symlink is written *through*
(its target gets the new content and the link stays a link); an existing target that is not a
regular file (a device such as /dev/full, a FIFO, a socket, a directory) is refused with
:class:`NotRegularFile`, since a rename would silently replace it.  (A rename also gives a
hard-linked file a new inode: its other names keep the old content.)  Failures are ``OSError``\\ s
with a readable ``strerror``, for one-line error messages.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> write_text_atomic(d / "a.txt", "hello\\n"); (d / "a.txt").read_text()
'hello\\n'
>>> (d / "link.txt").symlink_to(d / "a.txt"); write_text_atomic(d / "link.txt", "new\\n")
>>> (d / "link.txt").is_symlink(), (d / "a.txt").read_text(), sorted(p.name for p in d.iterdir())
(True, 'new\\n', ['a.txt', 'link.txt'])
>>> import shutil; shutil.rmtree(d)
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["NotRegularFile", "check_writable", "target", "write_bytes_atomic", "write_json_atomic", "write_text_atomic"]

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
)


class NotRegularFile(OSError):
    """The output path exists and is not a regular file; it is left untouched."""


def target(path: str | os.PathLike) -> tuple[Path, os.stat_result | None]:
    """The file that writing ``path`` replaces or creates (symlinks followed), and its stat if it exists.

    Raises :class:`NotRegularFile` for an existing non-regular target, FileNotFoundError when its
    directory does not exist, and PermissionError for an existing file without write permission.
    """
    real = Path(os.path.realpath(path))
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
        via = "" if real == Path(os.path.abspath(path)) else f" (the link points to {real})"
        raise NotRegularFile(errno.EEXIST, f"is {kind}{via}, not a regular file; refusing to replace it")
    if not real.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, f"directory {real.parent} does not exist")
    if st is not None and not os.access(real, os.W_OK):
        raise PermissionError(errno.EACCES, "not writable")
    return real, st


def check_writable(path: str | os.PathLike) -> Path:
    """Fail early if ``path`` could not be written: :func:`target`'s checks, then a real probe.

    The probe creates and removes a temporary file in the target's directory, which catches what
    permission bits do not show (a read-only file system, /proc, a full inode table).
    """
    real, _ = target(path)
    fd, tmp = _temporary(real, ".probe")
    os.close(fd)
    os.unlink(tmp)
    return real


def _temporary(real: Path, suffix: str) -> tuple[int, str]:
    """A new temporary file beside ``real`` (same directory, so the rename is atomic)."""
    try:
        return tempfile.mkstemp(prefix=f".{real.name}.", suffix=suffix, dir=real.parent)
    except OSError as exc:
        raise type(exc)(exc.errno, f"cannot create a file in {real.parent}: {exc.strerror or exc}") from None


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see the module docstring).

    A new file gets mode 0666 minus the umask; a replaced file keeps its permission bits.
    """
    real, st = target(path)
    fd, tmp = _temporary(real, ".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if st is not None:
            mode = stat.S_IMODE(st.st_mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask  # mkstemp creates 0600; an output is an ordinary file
        os.chmod(tmp, mode)
        os.replace(tmp, real)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path: str | os.PathLike, data: dict) -> None:
    """Write JSON to ``path`` atomically; serialisation (no NaN allowed) happens before any file exists."""
    write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
