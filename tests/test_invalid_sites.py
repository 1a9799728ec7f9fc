"""Each invalid fixture site fails with exactly the diagnostics in its expected file.

A case is a folder under ``tests/sites/invalid/`` with a ``content/`` tree (``site.yaml`` is
the shared three-language one unless the case has its own) and ``expected-diagnostics.txt``.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SITE_YAML, SITES, options
from sitegen.errors import BuildFailed
from sitegen.pipeline import build
from sitegen.writer import MARKER

CASES = sorted(p.name for p in (SITES / "invalid").iterdir() if p.is_dir())


def copy_case(name: str, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(SITES / "invalid" / name / "content", root / "content")
    if not (root / "content" / "site.yaml").exists():
        (root / "content" / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    return root


@pytest.mark.parametrize("case", CASES)
def test_invalid_site_reports_exactly_the_expected_diagnostics(case, tmp_path):
    root = copy_case(case, tmp_path)
    with pytest.raises(BuildFailed) as failed:
        build(options(root))
    reported = "\n".join(d.format() for d in failed.value.diagnostics.sorted()) + "\n"
    expected = (SITES / "invalid" / case / "expected-diagnostics.txt").read_text(encoding="utf-8")
    assert reported == expected


@pytest.mark.parametrize("case", CASES)
def test_invalid_site_leaves_the_last_good_output_untouched(case, tmp_path):
    root = copy_case(case, tmp_path)
    last_good = {MARKER: "Written by sitegen.\n", "index.html": "<p>the last good site</p>\n"}
    for name, text in last_good.items():
        (root / "output").mkdir(exist_ok=True)
        (root / "output" / name).write_text(text, encoding="utf-8")
    with pytest.raises(BuildFailed):
        build(options(root))
    assert {p.name: p.read_text(encoding="utf-8") for p in (root / "output").iterdir()} == last_good
    assert sorted(p.name for p in root.iterdir()) == ["content", "output"]


def test_configuration_errors_exit_with_code_2_and_content_errors_with_1(tmp_path):
    codes = {}
    for case in ("config-errors", "unknown-field"):
        with pytest.raises(BuildFailed) as failed:
            build(options(copy_case(case, tmp_path / case)))
        codes[case] = failed.value.exit_code
    assert codes == {"config-errors": 2, "unknown-field": 1}
