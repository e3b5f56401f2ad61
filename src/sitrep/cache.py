"""A per-user cache of derived data (indexes built from data files), kept between runs.

The folder is ``$SITREP_CACHE_DIR``, else ``$XDG_CACHE_HOME/sitrep``, else
``~/.cache/sitrep``. Nothing in it is precious: every file is rebuilt from its sources
when missing, stale or unreadable, so deleting the folder is always safe. Files are
written to a temporary name beside their final one and moved into place with
``os.replace``, so a reader sees a whole file or none, and two processes building the same
file at once each leave a complete one.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

CACHE_ENV = "SITREP_CACHE_DIR"


def cache_dir() -> Path:
    """The cache folder (not created here)."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg).expanduser() / "sitrep"
    return Path.home() / ".cache" / "sitrep"


def file_identity(path: Path) -> str:
    """Path, size and modification time of a file: changes whenever the file is replaced."""
    stat = path.stat()
    return f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"


def digest(parts: Iterable[str | bytes]) -> str:
    """A short hex digest of ``parts`` (order matters; parts are length-prefixed)."""
    hasher = hashlib.blake2b(digest_size=12)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def write_atomically(path: Path, write: Callable[[Path], None], *, mode: int = 0o644) -> bool:
    """Have ``write`` fill a temporary file beside ``path``, then move it into place.

    False (and nothing left behind) when the folder cannot be created or written; an
    exception raised by ``write`` itself is not swallowed.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
        os.close(handle)
    except OSError:
        return False
    temp = Path(temp_name)
    try:
        write(temp)
        os.chmod(temp, mode)  # mkstemp makes it private; the data is not
        os.replace(temp, path)
    except OSError:
        temp.unlink(missing_ok=True)
        return False
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return True


def prune_siblings(path: Path, pattern: str, *, keep: int) -> list[Path]:
    """Delete the files beside ``path`` that match ``pattern``, except ``path`` and the
    ``keep`` most recently written others; the deleted paths. Files that vanish or cannot
    be deleted meanwhile are left to the next prune."""
    others = []
    for sibling in path.parent.glob(pattern):
        if sibling.name == path.name:
            continue
        try:
            others.append((sibling.stat().st_mtime_ns, sibling))
        except OSError:
            continue
    others.sort(reverse=True)
    deleted = []
    for _, sibling in others[keep:]:
        try:
            sibling.unlink()
        except OSError:
            continue
        deleted.append(sibling)
    return deleted
