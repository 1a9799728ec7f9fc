"""Does a build's time per page stay flat as the site grows? Cold builds at several sizes.

    python bench/scale.py                 # N = 100, 300, 1000 networks
    python bench/scale.py 50 100 200      # other sizes

Prints, for each size, the pages, wall seconds, milliseconds per page (the whole build and
each stage) and the ratio of the time per page to the smallest size's. A ratio that grows
with N is superlinear work (a lookup that scans every item, say); flat is the goal. Results
are added to bench/results/<date>-scale.json.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402
from run import RESULTS, cold_build  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 300, 1000])
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the JSON goes")
    args = parser.parse_args()
    sizes = sorted(args.sizes)
    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="sitegen-scale-") as folder:
            run = cold_build(generate(Path(folder) / "site", networks=n))
        per_page = {stage: 1000 * seconds / run.pages for stage, seconds in run.stages.items()}
        rows.append({"networks": n, "pages": run.pages, "wall": run.wall, "cpu": run.cpu,
                     "peak_mb": run.peak_mb, "ms_per_page": 1000 * run.wall / run.pages,
                     "stage_ms_per_page": per_page})
        first = rows[0]["ms_per_page"]
        print(f"N={n:>5}: {run.pages:>6} pages in {run.wall:7.1f} s, {rows[-1]['ms_per_page']:.2f} ms/page "
              f"({rows[-1]['ms_per_page'] / first:.2f}× N={sizes[0]}), peak {run.peak_mb:.0f} MB; "
              + ", ".join(f"{stage} {ms:.2f}" for stage, ms in per_page.items()))
    args.results.mkdir(parents=True, exist_ok=True)
    result = args.results / f"{dt.date.today().isoformat()}-scale.json"
    result.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print(f"written to {result}")


if __name__ == "__main__":
    main()
