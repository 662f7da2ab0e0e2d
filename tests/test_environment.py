"""The three dependency declarations agree: pyproject.toml, environment.yml, requirements.lock."""

from __future__ import annotations

import re
import tomllib

from workplan.paths import PROJECT_ROOT

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([A-Za-z0-9_.\-+]+)$")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        specs.extend(extra)
    pins = {}
    for spec in specs:
        match = PIN.match(spec.strip())
        assert match, f"pyproject.toml: {spec!r} is not pinned with =="
        pins[_canonical(match.group(1))] = match.group(2)
    return pins


def _environment_pins() -> dict[str, str]:
    pins = {}
    in_pip = False
    for line in (PROJECT_ROOT / "environment.yml").read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("- pip:"):
            in_pip = True
            continue
        if in_pip and stripped.startswith("- ") and "==" in stripped:
            match = PIN.match(stripped[2:].strip())
            assert match, f"environment.yml: {stripped!r} is not pinned with =="
            pins[_canonical(match.group(1))] = match.group(2)
    return pins


def _lock_pins() -> dict[str, str]:
    pins = {}
    for line in (PROJECT_ROOT / "requirements.lock").read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            pins[_canonical(match.group(1))] = match.group(2)
    return pins


def test_environment_yml_pins_equal_pyproject_pins():
    assert _environment_pins() == _pyproject_pins()


def test_lock_file_contains_every_direct_pin_at_the_same_version():
    lock = _lock_pins()
    for name, version in _pyproject_pins().items():
        assert lock.get(name) == version, (
            f"requirements.lock has {name}=={lock.get(name)}, pyproject {version}"
        )


def test_environment_yml_names_python_311():
    text = (PROJECT_ROOT / "environment.yml").read_text()
    assert re.search(r"^\s*-\s*python=3\.11\b", text, re.M)
