#!/usr/bin/env bash
# Quick start, part one: sets the machine up, builds jobtester and runs
# `jobtester demo` until Ctrl-C: a simulated Livepeer network (gateways and
# orchestrators on loopback), the leaderboard on SQLite (./data/jobtester.db),
# and a sweep of the simulated network at once and every minute after. Any
# JOBTESTER_* setting in the environment is passed through.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh
if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then
	export PATH="/usr/local/go/bin:$PATH"
fi

version=$(git describe --always --dirty 2>/dev/null || echo dev)
go build -o bin/jobtester -ldflags "-X main.version=$version" ./cmd/jobtester

# The demo listens on loopback only, and has a well-known ingest key so the
# README's signed post_stats example works. Neither is a production default.
export JOBTESTER_ADDR=${JOBTESTER_ADDR:-127.0.0.1:8080}
if [[ -z ${JOBTESTER_SECRET:-}${JOBTESTER_INGEST_KEYS:-}${JOBTESTER_CONFIG:-} ]]; then
	export JOBTESTER_SECRET=demo-secret-0123456789
	echo "demo: ingest key \"default\" has the secret $JOBTESTER_SECRET"
fi

host=${JOBTESTER_ADDR%:*}
port=${JOBTESTER_ADDR##*:}
case $host in "" | 0.0.0.0 | "[::]") host=localhost ;; esac
echo "demo: jobtester $version on http://$host:$port/ (Ctrl-C stops it)"
exec bin/jobtester demo "$@"
