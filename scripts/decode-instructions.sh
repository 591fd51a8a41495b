#!/usr/bin/env bash
# Instruction counts (callgrind) of decoding the bundled samples: the
# `IgnoredAny` floor, `serde_json::Value` and the typed `Event`, per family,
# bundled and minified. Repeatable whatever else the machine is doing. Needs
# valgrind. `scripts/decode-ratios.sh` adds the wall-clock figures.
set -euo pipefail
exec "$(dirname "$0")/decode-ratios.sh" --instructions-only
