#!/bin/sh
# MediaMTX's runOnAvailable (runOnReady before 1.20) hook for a
# go-livepeer live gateway, passing the publish query intact. MediaMTX
# 1.18.1 and later put $MTX_QUERY URL-escaped into the environment
# (pipeline%3Dstreamdiffusion%26streamId%3D…); the gateway then finds no
# pipeline, streamId, orchestrator pin or params. This undoes the escaping
# (and leaves a query that still has its "=" alone: older MediaMTX), and
# drops user and pass, MediaMTX's credentials, which are not the
# gateway's to see.
#
#   runOnAvailable: sh /etc/mediamtx/gateway-hook.sh http://gateway:5936
#
# LIVE_RTMP_BASE (optional, e.g. rtmp://10.0.0.4:1940) is sent as the
# gateway's rtmp_url when MediaMTX's RTMP port is not 1935.
set -eu
gateway=${1:?usage: gateway-hook.sh http://gateway:5936}
case $MTX_PATH in
*-out) exit 0 ;; # the gateway's own output: go-livepeer ignores it
esac
case $MTX_QUERY in
*=*) query=$MTX_QUERY ;;
*) query=$(printf '%s\n' "$MTX_QUERY" | LC_ALL=C awk '{
	s = $0; gsub(/\+/, " ", s); out = ""
	while (match(s, /%[0-9A-Fa-f][0-9A-Fa-f]/)) {
		out = out substr(s, 1, RSTART - 1) sprintf("%c", hex(substr(s, RSTART + 1, 2)))
		s = substr(s, RSTART + 3)
	}
	printf "%s", out s
}
function hex(h,   i, n) {
	n = 0
	for (i = 1; i <= 2; i++) n = n * 16 + index("0123456789abcdef", tolower(substr(h, i, 1))) - 1
	return n
}') ;;
esac
query=$(printf '%s\n' "$query" | awk '{
	n = split($0, kv, "&"); out = ""
	for (i = 1; i <= n; i++) {
		if (kv[i] ~ /^(user|pass)(=|$)/) continue
		out = out (out == "" ? "" : "&") kv[i]
	}
	printf "%s", out
}')
set -- -sS -o /dev/null --max-time 60 -X POST "$gateway/live/video-to-video/$MTX_PATH/start" \
	-F "source_id=$MTX_SOURCE_ID" -F "source_type=$MTX_SOURCE_TYPE" --form-string "query=$query"
if [ -n "${LIVE_RTMP_BASE:-}" ]; then
	set -- "$@" --form-string "rtmp_url=$LIVE_RTMP_BASE/$MTX_PATH"
fi
exec curl "$@"
