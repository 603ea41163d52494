"""Where the warehouse's files are: the project, the build database, the history record and the published folder.

Every default is under the project root whatever the current directory; each can be moved by an environment
variable (``SCM_DUCKDB_PATH``, ``SCM_HISTORY_PATH``, ``SCM_PUBLISHED_DIR``).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATABASE_NAME = "sc_monitoring.duckdb"


def default_database() -> Path:
    """The build database dbt writes (``SCM_DUCKDB_PATH``, default build/sc_monitoring.duckdb)."""
    return Path(os.environ.get("SCM_DUCKDB_PATH") or PROJECT_ROOT / "build" / DATABASE_NAME).resolve()


def default_history() -> Path:
    """The append-only record of published and sent review lists (``SCM_HISTORY_PATH``)."""
    return Path(os.environ.get("SCM_HISTORY_PATH") or PROJECT_ROOT / "history" / "sc_history.duckdb").resolve()


def default_published_dir() -> Path:
    """Where releases for readers are published (``SCM_PUBLISHED_DIR``, default build/published)."""
    return Path(os.environ.get("SCM_PUBLISHED_DIR") or PROJECT_ROOT / "build" / "published").resolve()
