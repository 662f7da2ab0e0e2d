"""The environment: the three dependency declarations agree (pyproject.toml, environment.yml,
requirements.lock), and JupyterLab finds the project's kernel wherever it runs (make lab, Binder)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
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


# --- JupyterLab anywhere: make lab, the named kernel, Binder ------------------------------------------


def _make_dry_run(*args: str) -> str:
    result = subprocess.run(["make", "-n", *args], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _lab_line(*args: str) -> list[str]:
    (line,) = [line for line in _make_dry_run("lab", *args).splitlines() if "jupyter lab" in line]
    return shlex.split(line)


def test_make_lab_adds_allow_root_only_for_root():
    assert "--allow-root" in _lab_line("USER_ID=0")
    assert "--allow-root" not in _lab_line("USER_ID=1000")
    assert ("--allow-root" in _lab_line()) == (os.geteuid() == 0)
    assert "--notebook-dir=notebooks" in _lab_line()


def _kernel_install_command(text: str) -> list[str]:
    (line,) = [line for line in text.replace("\\\n", " ").splitlines() if "ipykernel install" in line]
    return shlex.split(line.split("ipykernel install", 1)[1])


def test_the_venv_and_binder_install_the_same_named_kernel():
    make = _kernel_install_command((PROJECT_ROOT / "Makefile").read_text())
    binder = _kernel_install_command((PROJECT_ROOT / "binder" / "postBuild").read_text())
    assert make == binder
    assert make[make.index("--name") + 1] == "workplan"
    assert make[make.index("--display-name") + 1] == "Python (workplan)"
    assert "--sys-prefix" in make


def test_binder_builds_the_pinned_environment_with_the_package():
    requirements = (PROJECT_ROOT / "binder" / "requirements.txt").read_text().split()
    assert "../requirements.lock" in requirements
    assert (PROJECT_ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    post_build = PROJECT_ROOT / "binder" / "postBuild"
    assert os.access(post_build, os.X_OK)
    assert "pip install --no-deps -e ." in post_build.read_text()


def test_readme_binder_badge_names_the_configured_repository():
    from workplan.build.site import binder_url

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    badges = re.findall(r"\(https://mybinder\.org/v2/gh/[^)\s]+\)", readme)
    assert badges == [f"({binder_url()})"], "README's Binder badge must name workplan.paths.REPOSITORY"


def test_the_scheduled_workflow_builds_today_in_parts_merges_and_publishes():
    import yaml

    workflow = yaml.safe_load((PROJECT_ROOT / ".github" / "workflows" / "reports.yml").read_text())
    jobs = workflow["jobs"]
    parts = jobs["part"]["strategy"]["matrix"]["part"]
    assert parts == list(range(1, int(workflow["env"]["SHARDS"]) + 1))
    part_steps = " ".join(str(step.get("run", "")) for step in jobs["part"]["steps"])
    assert "--shard $PART/$SHARDS" in part_steps and "--as-of $AS_OF" in part_steps
    # the run's values reach the scripts through env:, never as ${{ }} inside run: (template injection)
    build = next(step for step in jobs["part"]["steps"] if "--shard" in str(step.get("run", "")))
    assert build["env"] == {
        "AS_OF": "${{ needs.day.outputs.as_of }}",
        "PART": "${{ matrix.part }}",
        "FORCE": "${{ inputs.force }}",
    }
    runs = [str(step.get("run", "")) for job in jobs.values() for step in job["steps"]]
    assert not [run for run in runs if "${{" in run]
    merge_steps = " ".join(str(step.get("run", "")) for step in jobs["merge"]["steps"])
    assert "--merge" in merge_steps
    assert "date -u +%Y-%m-%d" in jobs["day"]["steps"][0]["run"]
    uses = [step.get("uses", "") for job in jobs.values() for step in job["steps"]]
    assert any(u.startswith("actions/upload-artifact") for u in uses)
    assert any(u.startswith("actions/deploy-pages") for u in uses)
