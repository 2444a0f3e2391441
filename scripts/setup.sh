#!/usr/bin/env bash
# Prepares a Debian bookworm machine to build jobtester and, with --test, to
# run its checks: Debian packages, a Go toolchain check, and the Go modules.
# Idempotent and quiet when everything is already there. Run as root, or as
# a user who can sudo.
#
#   scripts/setup.sh          what building and `jobtester demo` need
#   scripts/setup.sh --test   that, plus what scripts/test.sh needs
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

want_test=false
for arg in "$@"; do
	case "$arg" in
	--test) want_test=true ;;
	-h | --help)
		sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "setup.sh: unknown argument $arg (try --help)" >&2
		exit 2
		;;
	esac
done

# Debian packages, by what needs them. New needs get a line here.
packages=(
	build-essential # gcc and make: cgo (mattn/go-sqlite3, and the race detector)
	git             # go mod download of VCS modules; version stamping
	ca-certificates # TLS to the Go module proxy
	curl            # the quick start's examples
	openssl         # signing post_stats bodies in the quick start
	pkg-config      # finding C libraries for cgo
)
# Media: FFmpeg 5.1's libraries for go-astiav v0.16.0 (media/live: H.264
# decoding and libx264 encoding for live-video tests); libswresample-dev is
# for libavfilter's pkg-config requirements.
media_packages=(
	libavcodec-dev
	libavformat-dev
	libavutil-dev
	libswscale-dev
	libswresample-dev
	libavfilter-dev
	libavdevice-dev
)
# Only for tests: the PostgreSQL server the storage tests run against, the
# headless browser the dashboard's tests drive (web/webtest), and the ffmpeg
# CLI as an independent RTMP peer of the live-video code (ffmpeg, ffprobe).
test_packages=(
	postgresql
	chromium
	ffmpeg
)
# The dashboard's browser files (htmx, uPlot) come from npm at build time.
# Debian's nodejs and npm, unless a Node.js with npm is already installed
# (NodeSource's nodejs package bundles npm and conflicts with Debian's).
if ! command -v npm >/dev/null; then
	packages+=(nodejs npm)
fi

wanted=("${packages[@]}" "${media_packages[@]}")
if $want_test; then
	wanted+=("${test_packages[@]}")
fi

missing=()
for p in "${wanted[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing+=("$p")
	fi
done

if ((${#missing[@]} > 0)); then
	if [[ $(id -u) -eq 0 ]]; then
		as_root=()
	elif command -v sudo >/dev/null; then
		as_root=(sudo)
	else
		echo "setup.sh: these Debian packages are missing: ${missing[*]}" >&2
		echo "setup.sh: run this script as root, or install them with: apt-get install -y ${missing[*]}" >&2
		exit 1
	fi
	echo "setup.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	"${as_root[@]}" apt-get update -qq
	"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Go: the toolchain is not installed by this script. /usr/local/go is where
# the official tarball goes; put it on PATH if the caller's PATH lacks it.
if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then
	export PATH="/usr/local/go/bin:$PATH"
fi
go_help="Install Go 1.26 or newer from https://go.dev/dl/ (tar -C /usr/local -xzf go1.26.*.linux-amd64.tar.gz)
and put /usr/local/go/bin on PATH. Debian bookworm's own golang packages are too old (1.19).
With any Go >= 1.21 already on PATH and GOTOOLCHAIN unset (auto), go fetches the Go 1.26
toolchain that go.mod asks for through the Go module proxy by itself."
if ! command -v go >/dev/null; then
	echo "setup.sh: Go is not installed (no go on PATH, nor /usr/local/go/bin/go)." >&2
	echo "$go_help" >&2
	exit 1
fi
# Inside the module, so that a toolchain switch requested by go.mod counts.
go_version=$(go env GOVERSION 2>/dev/null || true)
if [[ ! $go_version =~ ^go([0-9]+)\.([0-9]+) ]] ||
	((BASH_REMATCH[1] < 1 || (BASH_REMATCH[1] == 1 && BASH_REMATCH[2] < 26))); then
	echo "setup.sh: jobtester needs Go >= 1.26; $(command -v go) is ${go_version:-unknown}." >&2
	echo "$go_help" >&2
	exit 1
fi

go mod download

# The dashboard's vendored scripts: npm installs the versions pinned in
# package-lock.json and build:web copies them into static/vendor/, where
# go:embed takes them into the binary.
npm ci --no-audit --no-fund --loglevel=error
npm run --silent build:web

# The real go-livepeer node for the tests that run a real network on
# loopback (localnet, jobs/sweep_real_test.go): JOBTESTER_TEST_LIVEPEER
# names the binary, or "off" skips those tests; unset, the tests use
# ../shared/livepeer/livepeer beside the repository, else .livepeer/livepeer.
# With neither, scripts/build-livepeer.sh builds the latter from the public
# go-livepeer, lpms and FFmpeg repositories (network access, ~10 minutes).
if $want_test; then
	lp=${JOBTESTER_TEST_LIVEPEER:-}
	if [[ -z $lp ]]; then
		lp=../shared/livepeer/livepeer
		[[ -x $lp ]] || lp=.livepeer/livepeer
	fi
	if [[ $lp != off && ! -x $lp ]]; then
		if [[ -n ${JOBTESTER_TEST_LIVEPEER:-} ]]; then
			echo "setup.sh: JOBTESTER_TEST_LIVEPEER=$lp is not an executable file." >&2
			exit 1
		fi
		echo "setup.sh: no livepeer binary; building one with scripts/build-livepeer.sh"
		if ! scripts/build-livepeer.sh "$lp"; then
			echo "setup.sh: could not build the livepeer binary: the real-network tests will fail." >&2
			echo "  Give them one (JOBTESTER_TEST_LIVEPEER=/path/to/livepeer)," >&2
			echo "  or set JOBTESTER_TEST_LIVEPEER=off to skip them." >&2
			exit 1
		fi
	fi
fi

# A real MediaMTX for the live tests that run through it (jobs: the live
# sweep, escaped query, credentials): built from its Go module at a pinned
# version by scripts/build-mediamtx.sh and cached, so only the first run
# pays (a few minutes of go build). JOBTESTER_TEST_MEDIAMTX names another
# binary, or "off" skips those tests; unset, they use the cached build.
if $want_test && [[ -z ${JOBTESTER_TEST_MEDIAMTX:-} ]]; then
	scripts/build-mediamtx.sh
fi
