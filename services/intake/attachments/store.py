"""The content store: files named by their SHA-256, written only once verified."""

import asyncio
import contextlib
import hashlib
import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO

from services.intake.errors import ContentRejected


class AttachmentStore:
    """Files named by their SHA-256 under one directory; identical content is stored once."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    async def save(self, chunks: AsyncIterator[bytes], *, size: int, sha256: str) -> None:
        """Streams into a temporary file and renames it into place only if size and hash match,
        so a reader never sees a partial or unverified file."""
        final = self.path_for(sha256)
        if await asyncio.to_thread(final.exists):
            await _verify(chunks, size=size, sha256=sha256, sink=None)
            return
        tmp_dir = self.root / "tmp"
        await asyncio.to_thread(tmp_dir.mkdir, parents=True, exist_ok=True)
        fd, tmp_name = await asyncio.to_thread(tempfile.mkstemp, dir=tmp_dir)
        try:
            with os.fdopen(fd, "wb") as sink:
                await _verify(chunks, size=size, sha256=sha256, sink=sink)
                await asyncio.to_thread(_flush, sink)
            await asyncio.to_thread(_move, Path(tmp_name), final)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
            raise


async def _verify(
    chunks: AsyncIterator[bytes], *, size: int, sha256: str, sink: IO[bytes] | None
) -> None:
    digest, received = hashlib.sha256(), 0
    async for chunk in chunks:
        received += len(chunk)
        if received > size:
            raise ContentRejected(f"the body is longer than the declared size of {size} bytes")
        digest.update(chunk)
        if sink is not None and chunk:
            await asyncio.to_thread(sink.write, chunk)
    if received != size:
        raise ContentRejected(f"the body has {received} bytes; {size} were declared")
    if digest.hexdigest() != sha256:
        raise ContentRejected("the body's SHA-256 differs from the declared sha256")


def _flush(sink: IO[bytes]) -> None:
    sink.flush()
    os.fsync(sink.fileno())


def _move(tmp: Path, final: Path) -> None:
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, final)  # atomic: a concurrent upload of the same content lands the same bytes
