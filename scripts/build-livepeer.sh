#!/usr/bin/env bash
# Builds the real go-livepeer node the real-network tests run (localnet,
# jobs/sweep_real_test.go) from source, at the commits docs/livepeer.md
# names: go-livepeer 176aa415 (0.9.1), lpms c44af7253bc9 and Livepeer's
# FFmpeg fork d9751c73, FFmpeg configured as lpms's install_ffmpeg.sh does
# for a production build, without programs and hardware back ends. Needs
# network access to github.com (the three public repositories) and the Go
# module proxy; about 10 minutes on 2 cores. Nothing of go-livepeer is kept
# in this repository: the sources go to the work directory.
#
#   scripts/build-livepeer.sh [OUT]   OUT defaults to .livepeer/livepeer
#
# LIVEPEER_WORK (default .livepeer/src) holds the checkouts and FFmpeg's
# install prefix; a second run reuses them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out=${1:-.livepeer/livepeer}
work=${LIVEPEER_WORK:-.livepeer/src}
go_livepeer_commit=176aa415ccea4f9861e0dd44e981cda17fb36f52
lpms_commit=c44af7253bc9
ffmpeg_commit=d9751c73e714b01b363483db358b1ea8022c9bea

fail() {
	echo "build-livepeer.sh: $*" >&2
	exit 1
}

# What the build needs on the machine, said all at once.
missing=()
for tool in git go gcc make pkg-config nasm; do
	command -v "$tool" >/dev/null || missing+=("$tool")
done
if ! pkg-config --exists x264 2>/dev/null; then
	missing+=("libx264-dev (x264.pc)")
fi
if ((${#missing[@]} > 0)); then
	fail "missing: ${missing[*]}. On Debian: apt-get install -y git build-essential pkg-config nasm libx264-dev, and Go >= 1.23 (scripts/setup.sh says how)."
fi

mkdir -p "$work"
work=$(cd "$work" && pwd)

# checkout URL DIR COMMIT: a shallow fetch of one commit.
checkout() {
	local url=$1 dir=$2 commit=$3
	if [[ -d $dir/.git ]] && git -C "$dir" rev-parse -q --verify "$commit^{commit}" >/dev/null; then
		git -C "$dir" checkout -q "$commit"
		return
	fi
	mkdir -p "$dir"
	git -C "$dir" init -q
	git -C "$dir" remote remove origin 2>/dev/null || true
	git -C "$dir" remote add origin "$url"
	if ! git -C "$dir" fetch -q --depth 1 origin "$commit" 2>/dev/null &&
		! git -C "$dir" fetch -q origin; then
		fail "cannot fetch $url (commit $commit): this build needs network access to github.com. Without it, give the tests a built binary: JOBTESTER_TEST_LIVEPEER=/path/to/livepeer, or JOBTESTER_TEST_LIVEPEER=off to skip them."
	fi
	git -C "$dir" checkout -q "$commit" || fail "$url has no commit $commit"
}

echo "build-livepeer.sh: sources in $work"
checkout https://github.com/livepeer/go-livepeer.git "$work/go-livepeer" "$go_livepeer_commit"
checkout https://github.com/livepeer/lpms.git "$work/lpms" "$lpms_commit"
checkout https://github.com/livepeer/FFmpeg.git "$work/ffmpeg" "$ffmpeg_commit"

prefix=$work/ffmpeg-prefix
if [[ ! -e $prefix/lib/libavcodec.a ]]; then
	echo "build-livepeer.sh: building FFmpeg (a few minutes)"
	(
		cd "$work/ffmpeg"
		./configure --prefix="$prefix" --enable-static --disable-shared \
			--disable-doc --disable-sdl2 --disable-iconv --disable-muxers --disable-demuxers \
			--disable-parsers --disable-protocols --disable-encoders --disable-decoders \
			--disable-filters --disable-bsfs --disable-postproc --disable-lzma --fatal-warnings \
			--enable-libx264 --enable-gpl --enable-protocol=rtmp,file,pipe \
			--enable-muxer=mp3,wav,flac,mpegts,hls,segment,mp4,hevc,matroska,webm,flv,null \
			--enable-demuxer=mp3,wav,flac,flv,mpegts,mp4,mov,webm,matroska,image2 \
			--enable-bsf=h264_mp4toannexb,aac_adtstoasc,h264_metadata,h264_redundant_pps,hevc_mp4toannexb,extract_extradata \
			--enable-parser=mpegaudio,vorbis,opus,flac,aac,aac_latm,h264,hevc,vp8,vp9,png \
			--enable-filter=abuffer,buffer,abuffersink,buffersink,afifo,fifo,aformat,format \
			--enable-filter=aresample,asetnsamples,fps,scale,hwdownload,select,livepeer_dnn,signature \
			--enable-encoder=mp3,vorbis,flac,aac,opus,libx264 \
			--enable-decoder=mp3,vorbis,flac,aac,opus,h264,png \
			--disable-programs --disable-ffnvcodec --disable-nvenc --disable-nvdec --disable-cuvid \
			--disable-cuda-llvm --disable-vaapi --disable-vdpau --disable-xlib --disable-libxcb \
			--disable-alsa --disable-sndio --disable-libdrm --disable-v4l2-m2m >/dev/null ||
			fail "FFmpeg configure failed: see $work/ffmpeg/ffbuild/config.log"
		make -j"$(nproc)" >/dev/null || fail "FFmpeg build failed"
		make install >/dev/null
	)
fi

echo "build-livepeer.sh: building livepeer (a few minutes)"
cat >"$work/go.work" <<EOF
go 1.23

use ./go-livepeer

replace github.com/livepeer/lpms => ./lpms
EOF
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
(
	cd "$work/go-livepeer"
	GOWORK=$work/go.work PKG_CONFIG_PATH=$prefix/lib/pkgconfig CGO_ENABLED=1 \
		go build -trimpath -ldflags "-s -w" -o "$out" ./cmd/livepeer
) || fail "go build of go-livepeer failed"
"$out" -version >/dev/null 2>&1 || fail "the built $out does not run"
echo "build-livepeer.sh: built $out; the tests find it there, or set JOBTESTER_TEST_LIVEPEER=$out"
