"""manage.py signing_key: make the audit trail's signing key, or show its public half.

    manage.py signing_key --generate PATH   write a new Ed25519 private key (owner-only file)
    manage.py signing_key                   print the current key's id, fingerprint and public key (PEM)
    manage.py signing_key --public-out FILE write the public key to FILE (give it to examiners, or
                                            put it in MLTRACK_TRUSTED_KEYS_DIR before a rotation)
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common import signing


class Command(BaseCommand):
    help = "Generate the audit trail's Ed25519 signing key, or print or export its public key."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--generate", metavar="PATH", type=Path, help="write a new private key to PATH")
        parser.add_argument("--public-out", metavar="FILE", type=Path, help="write the current public key to FILE")

    def handle(self, *args, generate: Path | None, public_out: Path | None, **options) -> None:
        if generate is not None:
            try:
                key = signing.generate_key_file(generate)
            except FileExistsError:
                raise CommandError(f"{generate} exists: a signing key is never overwritten.") from None
            except OSError as exc:
                raise CommandError(f"Cannot write {generate}: {exc.strerror}.") from None
            self.stdout.write(self.style.SUCCESS(f"Wrote a new signing key to {generate} (key id {key.key_id})."))
            self.stdout.write("Set MLTRACK_SIGNING_KEY_FILE to it; keep it outside the database and its backups.")
            return
        key = signing.signer()
        pem = signing.public_pem(key.public_key)
        if public_out is not None:
            public_out.write_text(pem)
            self.stdout.write(self.style.SUCCESS(f"Wrote the public key {key.key_id} to {public_out}."))
            return
        self.stdout.write(f"Key id:      {key.key_id}\nFingerprint: {signing.fingerprint(key.public_key)}\n{pem}")
