#!/usr/bin/env python3
"""Prints each criterion benchmark's median time and its ratio to a baseline in
the same group, from target/criterion after a `cargo bench` run.

Usage: scripts/criterion-ratios.py GROUP BASELINE [TARGET_DIR]
"""
import json
import pathlib
import sys


def median_ns(bench_dir: pathlib.Path) -> float:
    estimates = json.loads((bench_dir / "new" / "estimates.json").read_text())
    return estimates["median"]["point_estimate"]


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    group, baseline = sys.argv[1], sys.argv[2]
    root = pathlib.Path(sys.argv[3] if len(sys.argv) > 3 else "target") / "criterion" / group
    if not (root / baseline).is_dir():
        print(f"no results for {group}/{baseline} under {root.parent}: run cargo bench first",
              file=sys.stderr)
        return 1
    base = median_ns(root / baseline)
    for bench in sorted(p for p in root.iterdir() if (p / "new" / "estimates.json").exists()):
        median = median_ns(bench)
        print(f"{group}/{bench.name}: median {median:,.0f} ns, {base / median:.2f}x the speed of {baseline}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
