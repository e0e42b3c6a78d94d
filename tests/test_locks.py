"""The two lock files pin exactly what the direct dependencies need: a production
install (requirements.lock) gets no development tools, and nothing is pinned that no
dependency asks for."""

import importlib.metadata as metadata
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def _name(text: str) -> str:
    return text.lower().replace("_", "-")


def _pinned(path: Path) -> set[str]:
    return {
        _name(line.split("==")[0])
        for line in path.read_text().splitlines()
        if "==" in line and not line.startswith("#")
    }


def _closure(requirements: list[str]) -> set[str]:
    """Every distribution the requirements pull in, extras included."""
    seen, stack = set(), [Requirement(r) for r in requirements]
    while stack:
        req = stack.pop()
        key = (_name(req.name), frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        for text in metadata.requires(req.name) or []:
            sub = Requirement(text)
            if sub.marker is None or any(
                sub.marker.evaluate({"extra": extra}) for extra in (*req.extras, "")
            ):
                stack.append(sub)
    return {name for name, _extras in seen}


def _project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_the_runtime_lock_is_exactly_what_the_runtime_dependencies_need():
    needed = _closure(_project()["dependencies"])
    assert _pinned(ROOT / "requirements.lock") == needed


def test_the_development_lock_adds_only_what_the_tools_need():
    project = _project()
    runtime = _closure(project["dependencies"])
    tools = _closure(project["optional-dependencies"]["dev"])
    assert _pinned(ROOT / "requirements-dev.lock") == tools - runtime
