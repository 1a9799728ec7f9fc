"""The benchmarks run and report what they promise (their numbers are not tested: timing
targets belong in the benchmarks' own output, never in pass or fail)."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import PROJECT


def bench(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(PROJECT / "bench" / script), *args], cwd=PROJECT,
                          capture_output=True, text=True, timeout=600, check=True)
    return done.stdout


def test_the_benchmark_builds_cold_warm_and_edited_and_writes_its_results(tmp_path):
    printed = bench("run.py", "--n", "3", "--results", str(tmp_path))
    result = json.loads(next(tmp_path.glob("*-n3.json")).read_text(encoding="utf-8"))
    cold, warm, edited = result["cold"]["sitegen"], result["warm"], result["one_event_edited"]
    assert cold["pages"] > 100 and cold["pages"] == warm["pages"] == edited["pages"]
    assert {"load", "plan", "render and write", "search index"} <= cold["stages"].keys()
    assert list(warm["stages"]) == ["nothing changed"]          # the warm build wrote nothing
    assert "nothing changed" not in edited["stages"]
    assert result["markdown_floor"]["bodies"] == 2 * (3 + 15 + 15)
    assert cold["peak_mb"] > 20 and cold["cpu"] > 0
    assert "first event edited" in result["preview_one_event_edited"]["output"]
    assert "next event edited" in result["preview_one_event_edited"]["output"]
    assert "cold wall / Markdown floor (target ≤ 1.5)" in printed


def test_the_scale_check_prints_the_time_per_page_of_each_size(tmp_path):
    printed = bench("scale.py", "2", "4", "--results", str(tmp_path))
    lines = [line for line in printed.splitlines() if line.startswith("N=")]
    assert [line.split(":")[0].replace(" ", "") for line in lines] == ["N=2", "N=4"]
    assert "(1.00× N=2)" in lines[0]
    rows = json.loads(next(tmp_path.glob("*-scale.json")).read_text(encoding="utf-8"))
    assert [row["networks"] for row in rows] == [2, 4] and all(row["ms_per_page"] > 0 for row in rows)
