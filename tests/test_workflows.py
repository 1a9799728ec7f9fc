"""The CI workflows: valid YAML that runs the README's commands, and nothing else, at the right times."""
from __future__ import annotations

import datetime as dt
import re
import subprocess
import zoneinfo

import pytest
import yaml

from conftest import PROJECT, options
from sitegen.pipeline import check

GITHUB = PROJECT / ".github/workflows/publish.yml"
GITLAB = PROJECT / ".gitlab-ci.yml"
DEBIAN_PYTHON = "python:3.11-bookworm"   # what .ci/run is tested on


def readme_commands() -> set[str]:
    """Every command in the README's ``sh`` blocks, without its comment."""
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```sh\n(.*?)^```", readme, flags=re.S | re.M)
    return {line.split("#")[0].strip() for block in blocks for line in block.splitlines()} - {""}


def github() -> dict:
    workflow = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    workflow["on"] = workflow.pop(True)   # YAML 1.1 reads the key `on` as true
    return workflow


def gitlab() -> dict:
    return yaml.safe_load(GITLAB.read_text(encoding="utf-8"))


def github_runs(job: dict) -> list[str]:
    return [line for step in job["steps"] if "run" in step for line in step["run"].splitlines()]


def test_every_github_step_runs_a_readme_command():
    jobs = github()["jobs"]
    runs = {name: github_runs(job) for name, job in jobs.items()}
    assert runs == {"test": ["make test"], "check": ["make site", "make check"], "deploy": ["make site"]}
    assert {line for lines in runs.values() for line in lines} <= readme_commands()


def test_every_gitlab_script_line_is_a_readme_command():
    jobs = {name: job for name, job in gitlab().items() if isinstance(job, dict) and "script" in job}
    scripts = {name: job["script"] for name, job in jobs.items()}
    assert scripts == {"test": ["make test"], "check": ["make site", "make check"], "pages": ["make site"]}
    assert {line for lines in scripts.values() for line in lines} <= readme_commands()


@pytest.mark.parametrize("command", ["make site", "make test", "make check"])
def test_the_readme_commands_the_workflows_run_are_make_targets(command):
    assert command in readme_commands()
    dry_run = subprocess.run(["make", "-n", command.split()[1]], cwd=PROJECT, capture_output=True, text=True)
    assert dry_run.returncode == 0, dry_run.stderr


def test_github_tests_pushes_and_pull_requests_and_publishes_main_daily():
    workflow = github()
    assert workflow["on"]["push"] == {"branches": ["main"]}
    assert "pull_request" in workflow["on"]
    jobs = workflow["jobs"]
    assert jobs["check"]["if"] == "github.event_name == 'pull_request'"
    deploy = jobs["deploy"]
    assert deploy["needs"] == "test"
    # Also after the test job was skipped (the daily build), not after it failed.
    assert " ".join(deploy["if"].split()) == (
        "!cancelled() && github.event_name != 'pull_request' && github.ref == 'refs/heads/main' "
        "&& needs.test.result != 'failure'")
    uses = [step.get("uses", "").split("@")[0] for step in deploy["steps"]]
    assert uses[1:] == ["actions/configure-pages", "", "actions/upload-pages-artifact",
                        "actions/deploy-pages", "actions/github-script"]
    build = next(step for step in deploy["steps"] if step.get("run") == "make site")
    assert build["env"] == {"SITEGEN_BASE_URL": "${{ steps.pages.outputs.base_url }}"}
    assert deploy["steps"][3]["with"] == {"path": "output"}
    assert deploy["permissions"]["pages"] == deploy["permissions"]["id-token"] == "write"


SAFE_CHECKOUT = {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "safe.directory", "GIT_CONFIG_VALUE_0": "*"}


def test_every_github_job_checks_out_the_full_history_on_debian_with_python_3_11():
    assert github()["env"] == SAFE_CHECKOUT   # git reads a checkout another user owns
    for name, job in github()["jobs"].items():
        assert job["container"] == DEBIAN_PYTHON, name
        checkout = job["steps"][0]
        assert checkout["uses"].startswith("actions/checkout@"), name
        assert checkout["with"]["fetch-depth"] == 0, name


@pytest.mark.parametrize("day", [dt.date(2026, 1, 15), dt.date(2026, 7, 15)])
def test_the_daily_build_runs_early_in_the_morning_in_denmark_and_finland(day):
    (schedule,) = github()["on"]["schedule"]
    minute, hour, *every_day = schedule["cron"].split()
    assert every_day == ["*", "*", "*"]
    moment = dt.datetime.combine(day, dt.time(int(hour), int(minute)), dt.UTC)
    for zone in ("Europe/Copenhagen", "Europe/Helsinki"):
        assert 3 <= moment.astimezone(zoneinfo.ZoneInfo(zone)).hour < 7, zone


def test_gitlab_checks_merge_requests_and_publishes_the_default_branch():
    pipeline = gitlab()
    assert pipeline["image"] == DEBIAN_PYTHON
    assert pipeline["variables"] == {"GIT_DEPTH": "0", **SAFE_CHECKOUT}
    assert pipeline["check"]["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert pipeline["test"]["rules"] == [{"if": '$CI_PIPELINE_SOURCE != "schedule"'}]
    pages = pipeline["pages"]
    assert pages["stage"] == "deploy" and pipeline["stages"] == ["test", "deploy"]
    assert pages["rules"][0]["if"].startswith("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH")
    assert pages["variables"] == {"SITEGEN_BASE_URL": "$CI_PAGES_URL"}
    assert pages["pages"] == {"publish": "output"} and pages["artifacts"] == {"paths": ["output"]}


def test_the_sample_site_passes_the_pull_request_check(sample_site):
    diagnostics = check(options(sample_site.parent, strict=True), links=True)
    assert diagnostics.items == []
    assert diagnostics.allowed == 1   # the malformed phone number its file allows
