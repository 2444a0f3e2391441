#!/usr/bin/env bash
# Runs every check CI runs: gofmt, go vet, staticcheck and the tests (with
# the race detector, against SQLite and PostgreSQL). Assumes scripts/setup.sh
# --test has run; scripts/setup-and-test.sh runs both.
#
# PostgreSQL: JOBTESTER_TEST_POSTGRES names the server the tests use. When it
# is unset, the local cluster is started if it is down and the tests use its
# database "test" (postgres://postgres@127.0.0.1:5432/test). Set it to "off"
# to test SQLite only.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# staticcheck 2026.2.2, a release that supports Go 1.26.
STATICCHECK_VERSION=v0.8.2
PG_WAIT_SECONDS=60

if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then
	export PATH="/usr/local/go/bin:$PATH"
fi

step() { printf '\n== %s\n' "$*"; }
as_root() {
	if [[ $(id -u) -eq 0 ]]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo "$@"
	else
		echo "test.sh: need root (or sudo) for: $*" >&2
		return 1
	fi
}

# local_cluster prints the version of the newest local PostgreSQL cluster.
local_cluster() {
	find /etc/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort -V | tail -n 1
}

start_local_postgres() {
	local ver out
	ver=$(local_cluster)
	if [[ -z $ver ]]; then
		echo "test.sh: no local PostgreSQL cluster (/etc/postgresql is empty); run scripts/setup.sh --test," >&2
		echo "test.sh: or set JOBTESTER_TEST_POSTGRES to a server's DSN, or to off to skip PostgreSQL" >&2
		return 1
	fi
	if pg_isready -q -h 127.0.0.1 -p 5432; then
		return 0
	fi
	echo "test.sh: starting PostgreSQL $ver"
	if ! out=$(as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>&1); then
		if [[ $out != *"already running"* ]]; then
			echo "$out" >&2
		fi
	fi
}

wait_for_postgres() {
	local deadline=$((SECONDS + PG_WAIT_SECONDS))
	until pg_isready -q -d "$1"; do
		if ((SECONDS >= deadline)); then
			echo "test.sh: PostgreSQL did not accept connections within ${PG_WAIT_SECONDS}s" >&2
			local ver
			ver=$(local_cluster)
			if [[ -n $ver && -r /var/log/postgresql/postgresql-$ver-main.log ]]; then
				tail -n 20 "/var/log/postgresql/postgresql-$ver-main.log" >&2
			fi
			return 1
		fi
		sleep 0.5
	done
}

# use_local_test_role is for a machine whose PostgreSQL was just installed
# from Debian: there the postgres role has no password and TCP connections
# need one, so the default DSN cannot connect. It creates (once) a role
# without superuser rights that owns a scratch database, and prints its DSN.
use_local_test_role() {
	local sql="DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'jobtester_test') THEN
    CREATE ROLE jobtester_test LOGIN PASSWORD 'jobtester_test';
  END IF;
END \$\$;"
	as_root runuser -u postgres -- psql -q -X -v ON_ERROR_STOP=1 -d postgres -c "$sql" >/dev/null
	if [[ -z $(as_root runuser -u postgres -- psql -X -At -d postgres \
		-c "SELECT 1 FROM pg_database WHERE datname = 'jobtester_test'") ]]; then
		as_root runuser -u postgres -- createdb -O jobtester_test jobtester_test
	fi
	echo "postgres://jobtester_test:jobtester_test@127.0.0.1:5432/jobtester_test?sslmode=disable"
}

pg_dsn=${JOBTESTER_TEST_POSTGRES:-}
if [[ $pg_dsn != off ]]; then
	step "PostgreSQL"
	if [[ -z $pg_dsn ]]; then
		pg_dsn="postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
		start_local_postgres
		wait_for_postgres "$pg_dsn"
		if ! psql -X -q -At -d "$pg_dsn" -c 'SELECT 1' >/dev/null 2>&1; then
			echo "test.sh: cannot connect as $pg_dsn; using a local test role instead"
			pg_dsn=$(use_local_test_role)
		fi
	else
		wait_for_postgres "$pg_dsn"
	fi
	export JOBTESTER_TEST_POSTGRES=$pg_dsn
	echo "PostgreSQL tests use ${pg_dsn%%\?*}"
fi

failed=()

step "gofmt"
unformatted=$(gofmt -l . | grep -v '^node_modules/' || true)
if [[ -n $unformatted ]]; then
	echo "these files need gofmt -w:"
	echo "$unformatted"
	failed+=(gofmt)
fi

step "templ generate is current"
# The generated *_templ.go files are committed; regenerating must not change
# them. Hashing the diff before and after works in a dirty tree too.
templ_diff() { git diff -- '*_templ.go' | sha1sum; git ls-files --others --exclude-standard -- '*_templ.go'; }
before=$(templ_diff)
go tool templ generate -log-level error
if [[ $(templ_diff) != "$before" ]]; then
	echo "templ generate changed these files; commit its output:"
	git status --short -- '*_templ.go'
	failed+=("templ generate")
fi

step "go vet"
go vet ./... || failed+=("go vet")

step "staticcheck $STATICCHECK_VERSION"
go run "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION" ./... || failed+=(staticcheck)

step "go test -race"
# The whole-network tests (bench/verify, cmd/jobtester, jobs) take 3–5 min
# each under -race on a shared 2-core machine and far more when other work
# holds the cores: go test's default 10 min per package would fail them for
# the machine's load, not for a fault. A hang still ends at 30 min.
go test -race -count=1 -timeout 30m ./... || failed+=("go test")

if ((${#failed[@]} > 0)); then
	summary=$(printf '%s, ' "${failed[@]}")
	printf '\ntest.sh: FAILED: %s\n' "${summary%, }" >&2
	exit 1
fi
