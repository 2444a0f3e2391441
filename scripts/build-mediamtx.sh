#!/usr/bin/env bash
# Builds the real MediaMTX the live tests run against (as well as the
# embedded media server), at a pinned version, from its Go module: the module
# comes through the Go module proxy (checked against the Go checksum
# database), hls.js from npm (checked against the pinned integrity), and the
# two files MediaMTX's own release build generates are added by hand:
# internal/core/VERSION and internal/servers/hls/hls.min.js.
#
# Cached: the binary goes to $JOBTESTER_MEDIAMTX_CACHE (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/jobtester/mediamtx-<version>/mediamtx); a
# second run finds it there and prints nothing. Prints the binary's path
# with --print-path. Nothing here is committed to the repository.
#
#   scripts/build-mediamtx.sh               build unless cached
#   scripts/build-mediamtx.sh --print-path  only print where the binary goes
set -euo pipefail

version=v1.20.1
hls_version=1.7.0
hls_integrity='sha512-NnQpT6Z//+2IB2qovSUbKbrlXY1MOpi0JynZ9L2NNOuTJiNCyMSQj9k2laEj1v7CxU/Hb8oTWR98eT3mVpPQVQ=='

dir=${JOBTESTER_MEDIAMTX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jobtester/mediamtx-$version}
bin=$dir/mediamtx

case "${1:-}" in
--print-path)
	echo "$bin"
	exit 0
	;;
"") ;;
*)
	echo "build-mediamtx.sh: unknown argument $1" >&2
	exit 2
	;;
esac

if [[ -x $bin ]]; then
	exit 0
fi

fail() {
	echo "build-mediamtx.sh: $*" >&2
	echo "build-mediamtx.sh: the live tests against real MediaMTX need it; set JOBTESTER_TEST_MEDIAMTX=off to skip them." >&2
	exit 1
}
command -v go >/dev/null || fail "no go on PATH"
command -v npm >/dev/null || fail "no npm on PATH (hls.js comes from npm)"

work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

# The module, outside any other module so that go.mod of this repository
# has no say; GOFLAGS of the caller are kept out for the same reason.
src=$(cd "$work" && GOFLAGS= go mod download -json "github.com/bluenviron/mediamtx@$version" |
	sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') || true
[[ -n $src && -d $src ]] || fail "go mod download github.com/bluenviron/mediamtx@$version failed"
cp -R "$src" "$work/mediamtx"
chmod -R u+w "$work/mediamtx"

# hls.js, the file MediaMTX's HLS page embeds.
(cd "$work" && npm pack --silent --loglevel=error "hls.js@$hls_version" >pack.out 2>pack.err) ||
	fail "npm pack hls.js@$hls_version failed: $(cat "$work/pack.err")"
tgz=$work/hls.js-$hls_version.tgz
[[ -f $tgz ]] || fail "npm pack left no $tgz"
got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
[[ $got == "$hls_integrity" ]] || fail "hls.js-$hls_version.tgz has integrity $got, want $hls_integrity"
tar -xzf "$tgz" -C "$work" package/dist/hls.min.js || fail "no dist/hls.min.js in hls.js-$hls_version.tgz"
cp "$work/package/dist/hls.min.js" "$work/mediamtx/internal/servers/hls/hls.min.js"
echo "$version" >"$work/mediamtx/internal/core/VERSION"

(cd "$work/mediamtx" && GOFLAGS=-buildvcs=false CGO_ENABLED=0 go build -o "$work/mediamtx.bin" . >"$work/build.log" 2>&1) ||
	fail "go build of mediamtx $version failed: $(tail -20 "$work/build.log")"
mkdir -p "$dir"
mv "$work/mediamtx.bin" "$bin.tmp.$$"
mv "$bin.tmp.$$" "$bin"
