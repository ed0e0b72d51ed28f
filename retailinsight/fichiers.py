"""Flags for `os.open` that mean the same on every system."""

from __future__ import annotations

import os

# Never follow a symbolic link in the last component (POSIX O_NOFOLLOW; Windows opens no link
# as a file), and never translate newlines (Windows O_BINARY): the bytes written are the bytes.
NE_PAS_SUIVRE = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
