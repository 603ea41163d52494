"""The operator's entry point: install into a local virtual environment, then run a command of the `scm` package.

    python3 scripts/scm.py run     # install, build on the embedded data (or --raw-dir), publish, record, print the list
    python3 scripts/scm.py test    # install, then every test (dbt data and unit tests, end-to-end, lint)
    python3 scripts/scm.py --help  # every command: run, test, lint, send, dashboard, report

Needs only Python 3.11 and the package registry: the first call creates `.venv/` in the project, installs the
pinned `requirements.txt` and the project itself (editable: `scm`, `readers`, `scload`, `devtools`) into it; later
calls reinstall only when requirements.txt or pyproject.toml change. Standard library only: everything after the
install runs inside `.venv` as `python -m scm`.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
VENV_DIR = PROJECT_ROOT / ".venv"
INSTALLED_FROM = (PROJECT_ROOT / "requirements.txt", PROJECT_ROOT / "pyproject.toml")
STAMP = VENV_DIR / ".installed.sha256"


def venv_python() -> Path:
    return VENV_DIR / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_installed() -> None:
    """Create .venv and install the pinned requirements and the project, unless the stamp says they are there."""
    wanted = hashlib.sha256(b"".join(path.read_bytes() for path in INSTALLED_FROM)).hexdigest()
    if venv_python().exists() and STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    if not venv_python().exists():
        print(f"creating virtual environment {VENV_DIR}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV_DIR)
    print(f"installing requirements.txt and the project into {VENV_DIR} (first run: a minute or two)", flush=True)
    pip = [str(venv_python()), "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "install", "-r", str(PROJECT_ROOT / "requirements.txt")], check=True)
    subprocess.run([*pip, "install", "--no-deps", "--editable", str(PROJECT_ROOT)], check=True)
    STAMP.write_text(wanted + "\n")


def main() -> None:
    try:
        ensure_installed()
    except subprocess.CalledProcessError as error:
        sys.exit(f"error: installing into {VENV_DIR} failed ({error}); see pip's output above")
    completed = subprocess.run([str(venv_python()), "-m", "scm", *sys.argv[1:]], check=False, cwd=PROJECT_ROOT)
    sys.exit(completed.returncode)


if __name__ == "__main__":
    main()
