"""The errors every operation on the warehouse shares, and the exit code of a refusal to wait."""

from __future__ import annotations

CODE_VERROU_PRIS = 75  # EX_TEMPFAIL: try again later


class VerrouPris(RuntimeError):
    """Another refresh (or backup, or publication) holds the warehouse lock."""


class OperationRefusee(RuntimeError):
    """An operation on the warehouse stopped before changing it: a new file that could not be
    written in full or verified (a full disk), a lock path that is not a plain file."""
