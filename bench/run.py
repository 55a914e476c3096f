"""followup-script benchmarks: each compared with a floor measured in the same run.

    python bench/run.py            # full sizes (make bench)
    python bench/run.py --tiny     # a quick run that keeps the suite from rotting

Prints a table (median wall time and peak memory of whole processes) and
writes bench/results.json. Ratios, not absolute times, are what matter on a
shared, noisy machine.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
BIN = Path(sys.executable).parent
COMMAND = str(BIN / "followup-script")
PROFILE = ["--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567"]


def measure(argv, runs, env=None):
    """Median wall seconds and the largest peak RSS (KiB) over ``runs`` runs."""
    walls, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        walls.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss)
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 2):
            raise SystemExit(f"benchmark command failed ({code}): {' '.join(argv)}")
    return {"seconds": statistics.median(walls), "peak_kib": max(peaks)}


def write_rows(path: Path, count: int) -> None:
    with open(path, "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["name", "company", "role", "last_contact", "outcome"])
        for n in range(count):
            out.writerow([f"Person {n} Example", f"Company {n % 97}", "Data Engineer", "2026-11-20",
                          "no-commitment"])


def compare(name, ours, floor, target, better="lower"):
    ratio = ours["seconds"] / floor["seconds"] if floor["seconds"] else float("inf")
    return {"name": name, "ours": ours, "floor": floor, "ratio": round(ratio, 3), "target": target,
            "met": ratio <= target}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiny", action="store_true", help="small sizes and one run each")
    parser.add_argument("--out", default=str(HERE / "results.json"), help="where to write the JSON results")
    parser.add_argument("--work", default=str(HERE / "work"), help="scratch folder for generated inputs")
    args = parser.parse_args(argv)
    runs = 1 if args.tiny else 7
    rows = 200 if args.tiny else 10_000
    big = 400 if args.tiny else 100_000
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, FOLLOWUP_SCRIPT_CONFIG=str(work / "none.toml"))
    results = []

    results.append(compare(
        "start-up: followup-script --help vs python -c 'import click'",
        measure([COMMAND, "--help"], runs, env),
        measure([sys.executable, "-c", "import click"], runs, env), 1.3))

    one_shot = [COMMAND, *PROFILE, "--name", "Dana Reyes", "--company", "Acme", "--role", "Data Engineer",
                "--last-contact", "2026-11-20", "--today", "2026-11-25", "--channel", "voicemail",
                "--format", "json"]
    results.append(compare(
        "one-shot voicemail JSON vs a script rendering one template with Jinja",
        measure(one_shot, runs, env),
        measure([sys.executable, str(HERE / "floor_render.py")], runs, env), 1.5))

    small, large = work / f"rows-{rows}.csv", work / f"rows-{big}.csv"
    write_rows(small, rows)
    write_rows(large, big)
    batch = [COMMAND, *PROFILE, "batch", "--today", "2026-11-25", "--channel", "voicemail"]
    ours_small = measure([*batch, str(small)], runs, env)
    results.append(compare(
        f"batch of {rows} rows to JSONL vs bare Jinja on the same rows",
        ours_small, measure([sys.executable, str(HERE / "floor_render.py"), str(small)], runs, env), 2.0))

    ours_large = measure([*batch, str(large)], max(1, runs // 3), env)
    memory_ratio = ours_large["peak_kib"] / ours_small["peak_kib"]
    results.append({"name": f"scale: peak memory of batch at {big} vs {rows} rows",
                    "ours": ours_large, "floor": ours_small, "ratio": round(memory_ratio, 3),
                    "target": 1.2, "met": memory_ratio <= 1.2, "measures": "peak_kib"})

    report = {"machine": {"python": platform.python_version(), "platform": platform.platform(),
                          "cpus": os.cpu_count()},
              "tiny": args.tiny, "runs": runs, "results": results}
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    print(f"{'benchmark':70} {'ours':>10} {'floor':>10} {'ratio':>7} {'target':>7}")
    for r in results:
        key = r.get("measures", "seconds")
        unit = "KiB" if key == "peak_kib" else "s"
        fmt = (lambda v: f"{v:.0f}{unit}") if key == "peak_kib" else (lambda v: f"{v:.3f}{unit}")
        print(f"{r['name'][:70]:70} {fmt(r['ours'][key]):>10} {fmt(r['floor'][key]):>10} "
              f"{r['ratio']:>7} {('<= ' + str(r['target'])):>7} {'ok' if r['met'] else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
