"""Seconds to render each dashboard page (Streamlit AppTest, no browser) on a given store.

    python bench/ui_render.py --url sqlite:///data/foresight.db [--repeat 3] [--pages overview themes]

For every page it prints the render time with empty data caches ("cold": the queries run) and the median
of ``--repeat`` renders with warm caches (what an analyst clicking around sees), each as wall-clock and
as process CPU seconds (the latter is what to trust on a machine busy with other work). "startup" is the very
first run of the process (imports, engine, migrations check). The target is under 2 s per page on the
demo corpus. Prints figures only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "ui" / "app.py"
PAGES = ("overview", "themes", "graph", "emergence", "delphi", "priorities")
TARGET_SECONDS = 2.0


def _timed(at: Any) -> tuple[float, float]:
    """Wall-clock and process CPU seconds of one run of ``at`` (CPU time is the figure to trust on a busy
    machine: it does not count the time other processes held the cores)."""
    wall, cpu = time.perf_counter(), time.process_time()
    at.run()
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="SQLAlchemy URL of the store (default: FORESIGHT_DATABASE_URL / data/)")
    parser.add_argument("--repeat", type=int, default=3, help="warm renders per page (median is shown)")
    parser.add_argument("--pages", nargs="+", choices=PAGES, default=list(PAGES))
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds allowed for one render")
    args = parser.parse_args(argv)
    if args.url:
        os.environ["FORESIGHT_DATABASE_URL"] = args.url

    import streamlit.logger

    streamlit.logger.set_log_level("error")  # AppTest runs without a server: silence its notices

    from streamlit.testing.v1 import AppTest

    from ui import datasource as ds

    started = time.perf_counter()
    at = AppTest.from_file(APP, default_timeout=args.timeout).run()
    startup = time.perf_counter() - started
    streamlit.logger.set_log_level("error")  # the run reset it from Streamlit's config
    if ds.store_problem():
        print(f"store unreadable: {ds.store_problem()}", file=sys.stderr)
        return 1
    corpus = ds.corpus()
    runs = ds.runs()
    run = runs[0] if runs else None
    print(f"store: {ds.store_label()}")
    print(
        f"documents: {corpus['total']:,}; runs: {len(runs)}; latest run: "
        + (f"#{run['id']} ({run['n_documents']:,} documents, {run['n_themes']} themes)" if run else "none")
    )
    print(f"startup (first run of the process): {startup:.3f} s\n")
    header = ("page", "cold s", "cold cpu", "warm s", "warm cpu", "elements")
    print("{:<12} {:>8} {:>9} {:>8} {:>9}  {:>8}  status".format(*header))
    worst = worst_cpu = 0.0
    for page in args.pages:
        ds.clear_caches()
        at.switch_page(f"app_pages/{page}.py")
        cold, cold_cpu = _timed(at)
        warm_runs = [_timed(at) for _ in range(max(1, args.repeat))]
        warm = statistics.median(w for w, _ in warm_runs)
        warm_cpu = statistics.median(c for _, c in warm_runs)
        worst = max(worst, cold)
        worst_cpu = max(worst_cpu, cold_cpu)
        status = f"EXCEPTION {at.exception[0].value}" if at.exception else "ok"
        elements = len(list(at.main))
        print(f"{page:<12} {cold:8.3f} {cold_cpu:9.3f} {warm:8.3f} {warm_cpu:9.3f}  {elements:>8}  {status}")
    verdict = "within" if worst < TARGET_SECONDS else "OVER"
    print(
        f"\nslowest cold render: {worst:.3f} s wall, {worst_cpu:.3f} s CPU "
        f"({verdict} the {TARGET_SECONDS:.0f} s target on wall-clock time)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
