"""Files a crashed or failed commit left in an index folder: find them, and remove them safely.

A Whoosh commit writes new segment files, then a temporary TOC (``_MAIN_<n>.toc.<stamp>``),
then renames it to ``_MAIN_<n>.toc``; only that rename makes the commit visible. A commit that
fails (disk full) or is killed leaves what it wrote: segment files no TOC names, a temporary
TOC, the ``<random>.tmp`` folders of the parallel sub-writers. Readers never see them, but they
hold disk space, so on a full disk they are exactly what makes the retry fail again.

The current TOC is the only authority: a file is an orphan when it belongs to the index's
naming scheme and the newest generation's TOC does not reference it. While an ingest holds the
write lock, the files it is writing look exactly like orphans, so nothing is reported or removed
then: ``clean`` takes the write lock itself (without waiting) and a writer that already holds it
calls ``remove`` directly.

The lock file (``MAIN_WRITELOCK``) is never removed. It is an ``flock`` target: the OS drops the
lock when its holder dies, so a lock file is never stale, and unlinking it while another process
waits on it would let two writers in.
"""
from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

from indexer.errors import IndexLockedError, PolicySearchError

__all__ = ["Orphan", "OrphanReport", "find_orphans", "remove", "clean", "lock_is_held"]

log = logging.getLogger(__name__)

INDEX_NAME = "MAIN"  # Whoosh's default index name, the one IndexStore uses


@dataclass(frozen=True)
class Orphan:
    name: str  # file or folder name inside the index folder
    bytes: int
    reason: str


@dataclass
class OrphanReport:
    generation: int  # the current (newest) TOC generation
    orphans: list[Orphan] = field(default_factory=list)
    removed: list[Orphan] = field(default_factory=list)
    failed: list[tuple[Orphan, str]] = field(default_factory=list)  # (orphan, reason) not removed

    @property
    def bytes(self) -> int:
        return sum(o.bytes for o in self.orphans)


def _size(path: Path) -> int:
    try:
        if path.is_dir() and not path.is_symlink():
            return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())
        return path.lstat().st_size
    except OSError:
        return 0


def lock_is_held(index_dir: Path, indexname: str = INDEX_NAME) -> bool:
    """True when a writer holds the index's write lock right now."""
    lock = FileStorage(str(index_dir)).lock(f"{indexname}_WRITELOCK")
    if lock.acquire(blocking=False):
        lock.release()
        return False
    return True


def _current(storage: FileStorage, indexname: str) -> tuple[int, set[str]]:
    """The newest generation and the segment ids its TOC references."""
    gen = TOC._latest_generation(storage, indexname)
    if gen < 0:
        raise PolicySearchError(f"{storage.folder} is not an index (no TOC file)")
    try:
        toc = TOC.read(storage, indexname, gen)
    except Exception as exc:  # a TOC we cannot read names nothing we could safely delete
        raise PolicySearchError(
            f"cannot read the current TOC of {storage.folder} ({type(exc).__name__}: {exc}); nothing removed"
        ) from exc
    return gen, {segment.segment_id() for segment in toc.segments}


def classify(names: list[str], gen: int, live: set[str], indexname: str = INDEX_NAME) -> dict[str, str]:
    """``{name: reason}`` for each orphan among the folder entry ``names`` (pure)."""
    toc = re.compile(rf"^_{re.escape(indexname)}_(\d+)\.toc$")
    temp_toc = re.compile(rf"^_{re.escape(indexname)}_\d+\.toc\..+$")
    segment = re.compile(rf"^({re.escape(indexname)}_[0-9a-z]+)\.[A-Za-z0-9_.]+$")
    found: dict[str, str] = {}
    for name in names:
        if m := toc.match(name):
            if int(m.group(1)) != gen:
                found[name] = f"TOC of old generation {m.group(1)}"
        elif temp_toc.match(name):
            found[name] = "temporary TOC of an unfinished commit"
        elif name.endswith(".tmp") and not name.startswith("."):
            found[name] = "temporary folder of an unfinished commit"
        elif (m := segment.match(name)) and m.group(1) not in live and name != f"{indexname}_WRITELOCK":
            found[name] = "segment file not referenced by the current TOC"
    return found


def find_orphans(index_dir: Path, indexname: str = INDEX_NAME) -> OrphanReport:
    """Orphans in ``index_dir`` against its current TOC. Call it without the write lock only for
    a report: a running writer's files look the same (``clean`` checks the lock)."""
    storage = FileStorage(str(index_dir))
    gen, live = _current(storage, indexname)
    entries = sorted(p.name for p in Path(index_dir).iterdir())
    found = classify(entries, gen, live, indexname)
    return OrphanReport(gen, [Orphan(n, _size(Path(index_dir, n)), r) for n, r in found.items()])


def remove(index_dir: Path, indexname: str = INDEX_NAME) -> OrphanReport:
    """Find and delete orphans. The caller must hold the write lock (a writer before it starts
    and after a failed commit; ``clean`` otherwise). Deleting frees space, never needs it."""
    report = find_orphans(index_dir, indexname)
    for orphan in report.orphans:
        path = Path(index_dir, orphan.name)
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
        except OSError as exc:
            report.failed.append((orphan, exc.strerror or str(exc)))
            continue
        report.removed.append(orphan)
    if report.removed:
        log.info("removed %d orphan file(s), %d bytes, from %s", len(report.removed),
                 sum(o.bytes for o in report.removed), index_dir)
    return report


def clean(index_dir: Path, indexname: str = INDEX_NAME, fix: bool = True) -> OrphanReport:
    """Report (and with ``fix`` remove) orphans while holding the write lock, so no writer's
    in-progress files are touched; ``IndexLockedError`` when an ingest is running."""
    storage = FileStorage(str(index_dir))
    if not Path(index_dir).is_dir() or TOC._latest_generation(storage, indexname) < 0:
        raise PolicySearchError(f"{index_dir} is not an index folder (no TOC file)")
    lock = storage.lock(f"{indexname}_WRITELOCK")  # created only in a folder that is an index
    if not lock.acquire(blocking=False):
        raise IndexLockedError(str(index_dir), 0)
    try:
        return remove(index_dir, indexname) if fix else find_orphans(index_dir, indexname)
    finally:
        lock.release()
