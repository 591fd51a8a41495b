#!/usr/bin/env bash
# Installs what the test suite needs beyond the Rust toolchain: the Redis
# server the delivery tests start on loopback ports (Debian package
# redis-server). Does nothing when `redis-server` is already on PATH.
set -euo pipefail

if command -v redis-server >/dev/null 2>&1; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "redis-server is missing and apt-get is not available: install Redis 7 or later so that redis-server is on PATH" >&2
  exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "installing redis-server needs root (or sudo)" >&2; exit 1; }
  sudo="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends redis-server >/dev/null
# The package starts a system service; the tests run their own servers.
if command -v systemctl >/dev/null 2>&1; then
  $sudo systemctl disable --now redis-server >/dev/null 2>&1 || true
fi

command -v redis-server >/dev/null 2>&1 || { echo "redis-server is still not on PATH after installing it" >&2; exit 1; }
redis-server --version
