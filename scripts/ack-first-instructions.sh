#!/usr/bin/env bash
# Counts, under callgrind, the instructions per body of the acknowledge-first
# reading (envelope + idempotency key, `data` not typed) and of the eager
# decode (typed `Event` + key), against the floor of validating the JSON
# (serde_json into IgnoredAny), on every bundled sample minified. Repeatable
# whatever else the machine is doing. Needs valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }

binary=$(cargo bench -p cometchat-webhooks --features testing --bench ack_first_instructions \
  --no-run --message-format=json 2>/dev/null |
  python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "ack_first_instructions" and m.get("executable"):
        print(m["executable"])')

count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$binary" "$1" "$2" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

report() {
  local scope=$1 label=$2
  local bodies none floor ack_first event
  bodies=$("$binary" count "$scope")
  none=$(count none "$scope")
  floor=$(count floor "$scope")
  ack_first=$(count ack-first "$scope")
  event=$(count event "$scope")
  python3 - "$label" "$bodies" "$none" "$floor" "$ack_first" "$event" <<'PY'
import sys
label = sys.argv[1]
bodies, none, floor, ack_first, event = (int(n) for n in sys.argv[2:])
per = lambda total: (total - none) / bodies
print(f"{bodies} bodies ({label}); instructions per body:")
print(f"  floor (serde_json into IgnoredAny):      {per(floor):>9,.0f}")
print(f"  acknowledge-first (KeyedEnvelope::read): {per(ack_first):>9,.0f}  {per(ack_first) / per(floor):.2f}x the floor (target <= 1.3x)")
print(f"  eager (Event::from_slice + key):         {per(event):>9,.0f}  {per(event) / per(floor):.2f}x the floor")
PY
}

report all "every bundled sample, minified, 100 times"
report recipes "the samples keyed by their fields, not the body hash, minified, 100 times"
