"""Signed checkpoints of the chain head, kept in the database and anchored outside it.

Each successful verification signs the head it saw (sequence and chain hash) and writes it twice:
as a ChainCheckpoint row and as a small JSON file in MLTRACK_CHECKPOINT_DIR, a folder outside the
database (on another host's share, or sent on by the scheduler). Whoever can rewrite the database
can delete rows, not the files, and cannot sign: a later verification that finds the chain shorter
than, or different at, a signed checkpoint names what was removed or rewritten.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from common.signing import signer, verify
from reviews.hashing import as_text, checkpoint_signing_message
from reviews.models import ChainCheckpoint

BAD_FILE_MESSAGE = "{path} is not a checkpoint file (expected MLTrack's JSON with sequence, chain_hash and signature)"


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint as read back: where from, what it vouches for, and whether its signature holds."""

    source: str
    sequence: int
    chain_hash: str
    verified_at: str
    verified_by: str
    signing_key_id: str
    signature: str

    def signature_problem(self, keys) -> str | None:
        if not self.signature:
            return "it is not signed"
        message = checkpoint_signing_message(
            sequence=self.sequence, chain_hash=self.chain_hash, verified_at=self.verified_at, verified_by=self.verified_by,
        )
        return verify(keys, self.signing_key_id, self.signature, message)

    def as_dict(self) -> dict[str, object]:
        return {
            "type": "mltrack-chain-checkpoint-v1", "sequence": self.sequence, "chain_hash": self.chain_hash,
            "verified_at": self.verified_at, "verified_by": self.verified_by,
            "signing_key_id": self.signing_key_id, "signature": self.signature,
        }


def stored_checkpoints() -> list[Checkpoint]:
    rows = ChainCheckpoint.objects.order_by("sequence", "pk").values_list(
        "pk", "sequence", "chain_hash", "verified_at", "verified_by", "signing_key_id", "signature"
    )
    return [
        Checkpoint(f"checkpoint row {pk}", sequence, chain_hash, as_text(verified_at), verified_by, key or "", sig or "")
        for pk, sequence, chain_hash, verified_at, verified_by, key, sig in rows
    ]


def read_file(path: Path) -> Checkpoint:
    """A checkpoint file; ValueError (naming the file) when it is not one."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return Checkpoint(
            str(path), int(data["sequence"]), str(data["chain_hash"]), str(data["verified_at"]),
            str(data["verified_by"]), str(data.get("signing_key_id") or ""), str(data.get("signature") or ""),
        )
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise ValueError(BAD_FILE_MESSAGE.format(path=path)) from None


def anchored_files() -> list[Path]:
    folder = Path(settings.MLTRACK_CHECKPOINT_DIR)
    return sorted(folder.glob("checkpoint-*.json")) if folder.is_dir() else []


def write_checkpoint(*, sequence: int, chain_hash: str, now: dt.datetime, by: str) -> tuple[ChainCheckpoint, str]:
    """Sign the head, anchor it as a file, and store it. Returns the row and where the file went,
    or why it could not be written (the checkpoint still counts in the database)."""
    verified_at = as_text(now)
    key = signer()
    message = checkpoint_signing_message(sequence=sequence, chain_hash=chain_hash, verified_at=verified_at, verified_by=by)
    checkpoint = Checkpoint("", sequence, chain_hash, verified_at, by, key.key_id, key.sign(message))
    folder = Path(settings.MLTRACK_CHECKPOINT_DIR)
    path = folder / f"checkpoint-{sequence:012d}-{now.astimezone(dt.UTC):%Y%m%dT%H%M%S%fZ}.json"
    try:
        _write_file(path, checkpoint)
        anchored = str(path)
    except OSError as exc:
        anchored = f"not anchored: {path} could not be written ({exc.strerror or exc})"
    row = ChainCheckpoint.objects.create(
        sequence=sequence, chain_hash=chain_hash, verified_at=now, verified_by=by,
        signature=checkpoint.signature, signing_key_id=key.key_id,
    )
    return row, anchored


def _write_file(path: Path, checkpoint: Checkpoint) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(checkpoint.as_dict(), indent=2, sort_keys=True) + "\n"
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
