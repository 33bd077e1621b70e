"""Where the tests keep their files: in memory (`/dev/shm`) when the machine has room there.

The suite makes and drops a database for most tests. On a disk, even with fsync off, the
kernel's work for each made and deleted file costs PostgreSQL 0.3-0.4 s per `CREATE
DATABASE`; in memory it is 20 ms, and SQLite's commits get cheaper too. Nothing the tests
check depends on where the files are; a machine with a small `/dev/shm` (a Docker container
has 64 MB) keeps the usual temporary folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile

MEMORY = "/dev/shm"
# One session's files: two PostgreSQL servers with their copies, two Synapses, the SQLite
# copies of tests that failed (the others are removed as they pass).
NEEDED_BYTES = 3 * 1024**3


def use_memory_when_roomy() -> str:
    """Make `tempfile` (and child processes, through TMPDIR) use `/dev/shm` when it is a
    writable folder with room for a session; return the folder in use."""
    if os.environ.get("TMPDIR"):
        return tempfile.gettempdir()  # the user chose one
    try:
        roomy = shutil.disk_usage(MEMORY).free >= NEEDED_BYTES
    except OSError:
        roomy = False
    if roomy and os.access(MEMORY, os.W_OK | os.X_OK):
        os.environ["TMPDIR"] = MEMORY
        tempfile.tempdir = MEMORY
    return tempfile.gettempdir()
