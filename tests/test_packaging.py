"""The distribution: one package, glose, whatever the folders are called in the repository."""
from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"glose": "app", "glose.db": "db", "glose.widgets": "widgets"}


def test_every_package_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join((name, *init.parent.relative_to(ROOT / folder).parts))
        for name, folder in FOLDERS.items()
        for init in (ROOT / folder).rglob("__init__.py")
    }
    assert found == listed


def test_the_wheel_holds_only_glose(tmp_path):
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # setuptools would ship a stale build/lib
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                            "--wheel-dir", str(tmp_path), str(ROOT)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("glose-*.whl")
    tops = {name.split("/")[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"glose"}, tops
    names = zipfile.ZipFile(wheel).namelist()
    assert "glose/data/reporting_verbs.txt" in names and "glose/tui/glose.tcss" in names
    assert "glose/db/migrations.py" in names and "glose/widgets/article_view.py" in names
