"""The one refusal the SOP layer raises: a message in Bahasa Indonesia for the user, with what is missing."""

from __future__ import annotations

from typing import Sequence


class ProcessError(Exception):
    """A refused transition or edit. `str(error)` is the message for the user; nothing was changed."""

    def __init__(self, message: str, missing: Sequence[str] = ()):
        self.missing = list(missing)
        if self.missing:
            message = f"{message} Yang belum ada: {'; '.join(self.missing)}."
        super().__init__(message)


MIN_REASON_LENGTH = 5  # a return, a cancellation, a closure or an override says why in at least this many letters
