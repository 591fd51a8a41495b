#!/usr/bin/env bash
# Counts the instructions it takes to decode every bundled sample into
# `Event` and into `serde_json::Value`, under callgrind, and prints the ratio.
# Repeatable whatever else the machine is doing. Needs valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }

binary=$(cargo bench -p cometchat-webhooks --features testing --bench decode_instructions \
  --no-run --message-format=json 2>/dev/null |
  python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "decode_instructions" and m.get("executable"):
        print(m["executable"])')

count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$binary" "$1" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

value=$(count value)
event=$(count event)
python3 - "$value" "$event" <<'PY'
import sys
value, event = (int(n) for n in sys.argv[1:])
print(f"serde_json::Value: {value:,} instructions")
print(f"Event:             {event:,} instructions")
print(f"Event decodes in {value / event:.2f}x fewer instructions")
PY
