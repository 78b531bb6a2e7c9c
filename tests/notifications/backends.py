"""An email backend for tests whose sends fail for chosen addresses, as an SMTP server refusing them would."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.locmem import EmailBackend

# Addresses whose sends fail (a test sets and clears it).
REFUSED: set[str] = set()


class RefusingBackend(EmailBackend):
    def send_messages(self, messages):
        for message in messages:
            refused = REFUSED.intersection(message.to)
            if refused:
                raise smtplib.SMTPRecipientsRefused({address: (550, b"mailbox unavailable") for address in refused})
        return super().send_messages(messages)


class SilentBackend(EmailBackend):
    """Says it sent nothing, without an error (as a backend with fail_silently would)."""

    def send_messages(self, messages):
        return 0
