"""The archive: what replaying a file needs, without clear personal data.

Instead of the clerk's original file (which holds every 身份证号 and 手机 in clear), each loaded
file leaves `<home>/archive/<sha256 of the original>.parquet`: its rows as read (text cells, one
row per data row, with `_kind`, `_sheet`, `_row_number`), 身份证号 replaced by its salted hash (or
the masked form of an invalid number), 手机 masked like every published phone, ID- and mobile-shaped
text in any other column masked. The original's sha256 is the name and is kept in the Parquet
metadata. Replaying an archive re-validates these rows: everything comes back except clear phones,
which only the raw tables hold.

Written atomically (temporary name, fsync, rename, fsync of the folder); a sidecar
`<name>.sha256` holds the Parquet's own digest, and an existing archive is reused only when it
matches (a copy left by a killed run is rewritten).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import polars as pl

from ingest import guards, idcard
from lvzhi import pii
from lvzhi.faults import fault_point

SUFFIX = ".parquet"


def path_for(archive_dir: Path, digest: str) -> Path:
    return archive_dir / f"{digest}{SUFFIX}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_intact(path: Path) -> bool:
    """The archive exists and matches the digest recorded when it was written."""
    sidecar = path.with_name(path.name + ".sha256")
    try:
        return path.stat().st_size > 0 and sidecar.read_text().strip() == _sha256(path)
    except OSError:
        return False


def _fsync(path: Path) -> None:
    """A file's bytes, or a folder's entries (renames), made durable."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _cell(name: str, salt: str, scrub: frozenset[str]) -> pl.Expr:
    """A text column as the archive keeps it."""
    cell = pl.col(name)
    if name == "id_card_no":
        cell = idcard.cleaned_expr(cell, salt)
    elif name == "phone":
        cell = pl.when(cell.str.len_chars() >= 7).then(
            cell.str.slice(0, 3) + pl.lit("****") + cell.str.slice(-4)).otherwise(
            pl.when(cell.is_not_null()).then(pl.lit("****")))
    elif name in scrub:
        cell = pii.mask_expr(guards.printable(cell))
    return cell.alias(name)


class Writer:
    """Rows of one file, batch by batch, into a temporary Parquet; `close` makes it the archive."""

    def __init__(self, target: Path, digest: str, source_name: str, columns: list[str]) -> None:
        self.target = target
        # One name per archive (the writer lock admits one ingest at a time): a temporary left by a
        # killed run is simply overwritten, with no scan of the whole archive folder per file.
        self.temporary = target.with_name(f".{target.name}.tmp")
        self.columns = ["_kind", "_sheet", "_row_number", *columns]
        self.metadata = {"source_sha256": digest, "source_file": source_name}
        self.parts: list[Path] = []  # one Parquet per batch, joined into one by close
        self.closed = False

    def add(self, kind: str, sheet: str | None, frame: pl.DataFrame, row_number: str, salt: str,
            scrub: frozenset[str] | None = None, id_cards: pl.Series | None = None) -> None:
        """`id_cards`: the batch's 身份证号 already cleaned (validation's), row for row."""
        if scrub is None:
            scrub = guards.column_facts(frame).scrub  # text columns only: not the row number
        # One query: each further step on a small batch cost about as much as the masking.
        data = frame.select(
            pl.lit(kind, pl.String).alias("_kind"), pl.lit(sheet, pl.String).alias("_sheet"),
            pl.col(row_number).cast(pl.Int64).alias("_row_number"),
            *(id_cards.alias(c) if c == "id_card_no" and id_cards is not None
              else _cell(c, salt, scrub).cast(pl.String) if c in frame.columns else pl.lit(None, pl.String).alias(c)
              for c in self.columns[3:]),
        )
        part = self.temporary.with_name(f"{self.temporary.name}.{len(self.parts)}")
        self._write(part, data)
        self.parts.append(part)

    def _write(self, path: Path, data: pl.DataFrame | pl.LazyFrame) -> None:
        # Polars' own writer, not pyarrow's: pyarrow (~30 MB of every ingest's memory) is not loaded.
        # No statistics: an archive is read whole (replay), never filtered; they cost ~15 % of the write.
        options = {"compression": "zstd", "statistics": False, "metadata": self.metadata}
        if isinstance(data, pl.LazyFrame):  # streamed: the batches are never all in memory
            data.sink_parquet(path, **options)
        else:
            data.write_parquet(path, **options)

    def close(self) -> None:
        if len(self.parts) == 1:  # most files: their one batch is the archive
            os.replace(self.parts[0], self.temporary)
        else:
            self._write(self.temporary, pl.scan_parquet(self.parts) if self.parts else pl.DataFrame(
                schema={c: pl.Int64 if c == "_row_number" else pl.String for c in self.columns}))
        _fsync(self.temporary)
        for part in self.parts:
            part.unlink(missing_ok=True)
        fault_point("archive_before_rename")
        # The sidecar goes in unsynced: torn or lost in a crash, it no longer matches and the archive
        # is rewritten. One fsync of the folder then makes both renames durable (4 fsyncs were 2).
        sidecar = self.target.with_name(self.target.name + ".sha256")
        sidecar_temporary = sidecar.with_name(f".{sidecar.name}.tmp")
        sidecar_temporary.write_text(_sha256(self.temporary))
        os.replace(self.temporary, self.target)
        os.replace(sidecar_temporary, sidecar)
        _fsync(self.target.parent)
        self.closed = True

    def abandon(self) -> None:
        if self.closed:
            return
        for path in (*self.parts, self.temporary):
            path.unlink(missing_ok=True)


def read(path: Path) -> pl.DataFrame:
    """An archive's rows (for replay and checks)."""
    return pl.read_parquet(path)
