package mediaserver

import (
	"errors"
	"fmt"
	"strings"
)

// maxPathLen bounds a path name; MediaMTX has no limit, but nothing real
// comes close and the name ends up in logs, JSON and a hook URL.
const maxPathLen = 512

// validPathName applies MediaMTX's rule for path names: alphanumerics and
// `_ . - /`, not empty, no leading or trailing slash.
func validPathName(name string) error {
	switch {
	case name == "":
		return errors.New("path name is empty")
	case len(name) > maxPathLen:
		return fmt.Errorf("path name is longer than %d bytes", maxPathLen)
	case name[0] == '/':
		return errors.New("path name begins with a slash")
	case name[len(name)-1] == '/':
		return errors.New("path name ends with a slash")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '_' || c == '.' || c == '-' || c == '/') {
			return fmt.Errorf("path name %q may contain only alphanumerics, _ . - and /", name)
		}
	}
	return nil
}

// afterHost returns what follows scheme://host[:port] in an RTMP tcUrl:
// "/app?query", or "" when there is nothing. A tcUrl without a scheme is
// taken to be the app itself.
func afterHost(tcURL string) string {
	i := strings.Index(tcURL, "://")
	if i < 0 {
		return tcURL
	}
	s := tcURL[i+3:]
	j := strings.IndexAny(s, "/?")
	if j < 0 {
		return ""
	}
	return s[j:]
}

// authMarker is how ffmpeg and gortmplib append adobe authentication to the
// app and tcUrl: always with '?', even after a query of the stream's own.
const authMarker = "?authmod="

// cutAuth splits the adobe authentication parameters off a tcUrl or app.
func cutAuth(s string) (rest, auth string, found bool) {
	i := strings.Index(s, authMarker)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

// authParams parses "authmod=adobe&user=u&challenge=c&response=r[&opaque=o]".
// Values are not URL-decoded: neither ffmpeg nor gortmplib encodes them.
type authParams struct {
	mod, user, challenge, response, opaque string
}

func parseAuthParams(s string) authParams {
	var p authParams
	for kv := range strings.SplitSeq(s, "&") {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "authmod":
			p.mod = v
		case "user":
			p.user = v
		case "challenge":
			p.challenge = v
		case "response":
			p.response = v
		case "opaque":
			p.opaque = v
		}
	}
	return p
}

// streamTarget works out the path name and raw query a client asked for,
// from the tcUrl it connected with (authentication already cut off) and
// the stream key of its publish or play command. Clients split a URL
// differently: ffmpeg sends rtmp://h/a/b?q as app "a", key "b?q", and
// rtmp://h/s?q as app "s?q" with an empty key; gortmplib puts everything in
// the app. Joining both halves covers all of them. The query is returned
// exactly as sent — no decoding, no re-encoding — because the gateway
// parses it itself (docs/livepeer.md, "MediaMTX's contract").
func streamTarget(tcURL, streamKey string) (path, query string, err error) {
	base, q1, _ := strings.Cut(afterHost(tcURL), "?")
	key, q2, _ := strings.Cut(streamKey, "?")
	path = strings.Trim(base, "/")
	if key = strings.Trim(key, "/"); key != "" {
		if path != "" {
			path += "/"
		}
		path += key
	}
	switch {
	case q1 == "":
		query = q2
	case q2 == "":
		query = q1
	default:
		query = q1 + "&" + q2
	}
	if err := validPathName(path); err != nil {
		return "", "", err
	}
	return path, query, nil
}
