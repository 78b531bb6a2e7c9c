"""Files written whole or not at all."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

# Readable by everyone, as a file made with open() under the usual umask would be: mkstemp's 0600
# would shut out a worker, web server or examiner's account that is not the writer.
FILE_MODE = 0o644


def replace_atomically(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Call ``write`` with a temporary file in ``path``'s folder, then rename it into place, so a
    reader finds the old file or the whole new one, never a part. On any error the temporary
    file is removed and the error raised; ``path`` is left as it was."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class DigestingWriter:
    """A binary file that passes every write on to ``out`` and keeps the SHA-256 and size of what
    went through, so a streamed file's digest needs no second read."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.out.write(data)
        self.digest.update(data)
        self.size += len(data)
        return len(data)

    def hexdigest(self) -> str:
        return self.digest.hexdigest()
