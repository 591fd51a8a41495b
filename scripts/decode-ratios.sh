#!/usr/bin/env bash
# Decode cost of the bundled samples, per family and for the whole corpus,
# bundled (indented) and minified (as servers send them), in one run:
#
#   1. instructions under callgrind (repeatable whatever else the machine is
#      doing) for validating the JSON (`IgnoredAny`, the floor), building a
#      `serde_json::Value` and decoding the typed `Event`;
#   2. wall-clock medians from criterion (`benches/decode.rs`) for the same
#      three decoders (noisy on a shared machine; ratios within one run);
#
# and prints each as a ratio against the floor and against `Value`.
#
# Usage: scripts/decode-ratios.sh [--instructions-only | --wall-clock-only]
# Needs valgrind for the instruction counts.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
rounds=${DECODE_ROUNDS:-20}

if [ "$mode" != "--wall-clock-only" ]; then
  command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
  binary=$(cargo bench -p cometchat-webhooks --features testing --bench decode_instructions \
    --no-run --message-format=json 2>/dev/null |
    python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "decode_instructions" and m.get("executable"):
        print(m["executable"])')
  echo "Instructions per body (callgrind, ${rounds} rounds, counting only the decoding loop)"
  python3 - "$binary" "$rounds" <<'PY'
import re, subprocess, sys
binary, rounds = sys.argv[1], sys.argv[2]
decoders = ["ignored_any", "serde_json_value", "typed_event"]
selections = subprocess.run([binary, "list"], capture_output=True, text=True, check=True).stdout.split()

def count(decoder, layout, selection):
    run = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
         "--toggle-collect=*measured_decoding*", binary, decoder, layout, selection, rounds],
        capture_output=True, text=True, check=True)
    collected = int(re.search(r"Collected : (\d+)", run.stderr).group(1))
    bodies = int(re.search(r"bodies=(\d+)", run.stdout).group(1))
    return collected / (int(rounds) * bodies), bodies

header = f"{'layout':<9} {'family':<22} {'bodies':>6} {'floor':>8} {'Value':>8} {'Event':>8}  {'Value/floor':>11} {'Event/floor':>11} {'Event/Value':>11}"
print(header)
print("-" * len(header))
for layout in ["bundled", "minified"]:
    for selection in selections:
        (floor, bodies), (value, _), (event, _) = (count(d, layout, selection) for d in decoders)
        print(f"{layout:<9} {selection:<22} {bodies:>6} {floor:>8,.0f} {value:>8,.0f} {event:>8,.0f}  "
              f"{value / floor:>10.2f}x {event / floor:>10.2f}x {event / value:>10.2f}x", flush=True)
PY
fi

if [ "$mode" != "--instructions-only" ]; then
  echo
  echo "Wall-clock per body (criterion medians; the machine's other load adds noise)"
  cargo bench -p cometchat-webhooks --features testing --bench decode -- --noplot >/dev/null 2>&1
  python3 - target/criterion <<'PY'
import json, pathlib, sys
root = pathlib.Path(sys.argv[1])
decoders = ["ignored_any", "serde_json_value", "typed_event"]

def median_ns(group, decoder):
    """Median time per body: criterion times one pass over the group's bodies."""
    bench = root / group / decoder / "new"
    median = json.loads((bench / "estimates.json").read_text())["median"]["point_estimate"]
    bodies = json.loads((bench / "benchmark.json").read_text())["throughput"]["Elements"]
    return median / bodies

groups = sorted((p.name for p in root.iterdir() if p.name.startswith("decode_")),
                key=lambda name: (not name.endswith("_corpus"), name)) if root.is_dir() else []
header = f"{'layout':<9} {'family':<22} {'floor ns':>9} {'Value ns':>9} {'Event ns':>9}  {'Value/floor':>11} {'Event/floor':>11} {'Event/Value':>11}"
print(header)
print("-" * len(header))
for layout in ["bundled", "minified"]:
    for group in [g for g in groups if g.startswith(f"decode_{layout}_")]:
        selection = group[len(f"decode_{layout}_"):]
        try:
            floor, value, event = (median_ns(group, d) for d in decoders)
        except FileNotFoundError:
            continue
        print(f"{layout:<9} {selection:<22} {floor:>9,.0f} {value:>9,.0f} {event:>9,.0f}  "
              f"{value / floor:>10.2f}x {event / floor:>10.2f}x {event / value:>10.2f}x")
PY
fi
