"""The distribution: one package, glose, whatever the folders are called in the repository."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

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
    wheel = _wheel(tmp_path)
    tops = {name.split("/")[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"glose"}, tops
    names = zipfile.ZipFile(wheel).namelist()
    assert "glose/data/reporting_verbs.txt" in names and "glose/tui/glose.tcss" in names
    assert "glose/db/migrations.py" in names and "glose/widgets/article_view.py" in names


def _locked(name: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith(("#", " ")):
            package, _, version = line.split(";")[0].strip().partition("==")
            pins[canonicalize_name(package)] = version
    return pins


def test_ranges_in_pyproject_and_the_versions_tested_in_the_lock_files_agree():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT AND CC-BY-SA-4.0"  # the Verb∋Net list keeps its share-alike license
    notice = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert notice.startswith("MIT License") and "reporting_verbs_verbenet.txt" in notice
    for lock, requirements in (("requirements.lock", project["dependencies"]),
                               ("requirements-dev.lock", project["dependencies"]
                                + project["optional-dependencies"]["dev"])):
        pins = _locked(lock)
        for requirement in map(Requirement, requirements):
            assert "==" not in str(requirement.specifier), f"{requirement}: a range, so glose installs beside others"
            pinned = pins.get(canonicalize_name(requirement.name))
            assert pinned is not None, f"{requirement.name} is not in {lock}: run make lock"
            assert requirement.specifier.contains(pinned), f"{lock} pins {requirement.name}=={pinned}: make lock"
    assert _locked("requirements-dev.lock")["spacy"].startswith("3.8.")


def _wheel(tmp_path: Path) -> Path:
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # setuptools would ship a stale build/lib
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(tmp_path),
                            str(ROOT)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("glose-*.whl")
    return wheel


# Each installer fetches spaCy and its model: minutes on a cold cache. Run with
# GLOSE_INSTALL_TESTS=1 (the README's release checklist does).
@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("GLOSE_INSTALL_TESTS"), reason="set GLOSE_INSTALL_TESTS=1 to install the wheel")
@pytest.mark.parametrize("installer", ["pip", "pipx", "uv"])
def test_the_wheel_installs_with_pip_pipx_and_uv(tmp_path, installer):
    wheel = _wheel(tmp_path)
    tools = tmp_path / "tools"
    subprocess.run([sys.executable, "-m", "venv", str(tools)], check=True)
    env = {**os.environ, "PIPX_HOME": str(tmp_path / "pipx"), "PIPX_BIN_DIR": str(tmp_path / "bin"),
           "UV_TOOL_DIR": str(tmp_path / "uv"), "UV_TOOL_BIN_DIR": str(tmp_path / "bin")}
    if installer == "pip":
        target = tmp_path / "target"
        subprocess.run([sys.executable, "-m", "venv", str(target)], check=True)
        command = [str(target / "bin" / "pip"), "install", "--quiet", str(wheel)]
        glose = target / "bin" / "glose"
    else:
        subprocess.run([str(tools / "bin" / "pip"), "install", "--quiet", installer], check=True)
        command = ([str(tools / "bin" / "pipx"), "install", str(wheel)] if installer == "pipx"
                   else [str(tools / "bin" / "uv"), "tool", "install", str(wheel)])
        glose = tmp_path / "bin" / "glose"
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    version = subprocess.run([str(glose), "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("glose 0."), version.stderr
    db = tmp_path / "x.db"
    imported = subprocess.run([str(glose), "import", str(ROOT / "samples"), "--db", str(db)],
                              capture_output=True, text=True)  # the French model came with it
    assert imported.returncode == 0 and "imported 2 document(s)" in imported.stdout, imported.stderr
