package mediaserver

import (
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/gortmplib"
	"github.com/bluenviron/gortmplib/pkg/codecs"
)

func FuzzStreamTarget(f *testing.F) {
	for _, s := range [][2]string{
		{"rtmp://127.0.0.1:1935/teststream?pipeline=noop&streamId=x", ""},
		{"rtmp://h/live", "stream?x=1"},
		{"rtmp://h/a/b?q=1?authmod=adobe&user=u&challenge=c&response=r&opaque=o", "k"},
		{"rtmp://h:1/x", "?params=%7B%22prompt%22%3A%22a%22%7D"},
		{"", ""},
		{"rtmp://h", "/"},
		{"rtmp://h?x", "a//b/"},
		{"noscheme/path?q", "k?r"},
		{"rtmp://h/%2F..", "a b"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, tcURL, key string) {
		rest, auth, found := cutAuth(tcURL)
		if found && rest+"?"+auth != tcURL || !found && rest != tcURL {
			t.Fatalf("cutAuth(%q) = %q, %q, %v", tcURL, rest, auth, found)
		}
		_ = parseAuthParams(auth)

		path, query, err := streamTarget(rest, key)
		if err != nil {
			return
		}
		if err := validPathName(path); err != nil {
			t.Fatalf("streamTarget(%q, %q) returned invalid path %q: %v", rest, key, path, err)
		}
		// The query is passed on exactly as sent: the tcUrl's, the
		// stream key's, or both joined.
		_, q1, _ := strings.Cut(afterHost(rest), "?")
		_, q2, _ := strings.Cut(key, "?")
		if query != q1 && query != q2 && query != q1+"&"+q2 {
			t.Fatalf("streamTarget(%q, %q) query %q is not what was sent", rest, key, query)
		}
		// What the server reports is what a client publishing to it
		// asks for.
		p2, q2, err := streamTarget("rtmp://h/"+path+"?"+query, "")
		if err != nil || p2 != path || q2 != query {
			t.Fatalf("round trip of %q, %q: %q, %q, %v", path, query, p2, q2, err)
		}
	})
}

func TestValidPathName(t *testing.T) {
	t.Parallel()
	for name, ok := range map[string]bool{
		"teststream": true, "live/my-stream_1.out": true, "a/b/c": true,
		"": false, "/a": false, "a/": false, "a b": false, "a?b": false, "a%2Fb": false, "é": false,
		"a~b": false, strings.Repeat("a", maxPathLen+1): false,
	} {
		if err := validPathName(name); (err == nil) != ok {
			t.Errorf("validPathName(%q) = %v, want ok=%v", name, err, ok)
		}
	}
}

// recordingConn keeps what a client writes, to replay it as fuzz seeds.
type recordingConn struct {
	net.Conn
	mu  *sync.Mutex
	buf *bytes.Buffer
}

func (c recordingConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.buf.Write(p)
	c.mu.Unlock()
	return c.Conn.Write(p)
}

// recordingDial dials and records what the client writes into buf.
func recordingDial(mu *sync.Mutex, buf *bytes.Buffer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return recordingConn{Conn: c, mu: mu, buf: buf}, nil
	}
}

// captureSessions records the bytes gortmplib clients send for a whole
// publish session (three frames) and, while it lasts, a play session.
func captureSessions(ctx context.Context, s *Server, path string) (pub, play []byte, err error) {
	var mu sync.Mutex
	var pubBuf, playBuf bytes.Buffer
	c, err := dialRTMP(ctx, "rtmp://"+s.RTMPAddr()+"/"+path+"?pipeline=noop", true, recordingDial(&mu, &pubBuf))
	if err != nil {
		return nil, nil, err
	}
	defer c.Close()
	track := &gortmplib.Track{Codec: &codecs.H264{SPS: testSPS, PPS: testPPS}}
	w := &gortmplib.Writer{Conn: c, Tracks: []*gortmplib.Track{track}}
	if err := w.Initialize(); err != nil {
		return nil, nil, err
	}
	for i, typ := range []byte{0x65, 0x41, 0x41} {
		ts := time.Duration(i) * 33 * time.Millisecond
		if err := w.WriteH264(track, ts, ts, [][]byte{{typ, 1, 2, 3}}); err != nil {
			return nil, nil, err
		}
	}
	if err := s.WaitPublished(ctx, path); err != nil {
		return nil, nil, err
	}
	r, err := dialRTMP(ctx, "rtmp://"+s.RTMPAddr()+"/"+path, false, recordingDial(&mu, &playBuf))
	if err != nil {
		return nil, nil, err
	}
	r.Close()
	mu.Lock()
	defer mu.Unlock()
	return bytes.Clone(pubBuf.Bytes()), bytes.Clone(playBuf.Bytes()), nil
}

// FuzzRTMPConn feeds bytes to a server connection as a client would: the
// server must neither panic nor hang, whatever arrives.
func FuzzRTMPConn(f *testing.F) {
	s, err := Start(f.Context(), Config{
		RTMPAddr:     "127.0.0.1:0",
		Users:        []User{{Name: AnyUser, Actions: []Action{ActionPublish, ActionRead}}},
		ReadTimeout:  2 * time.Second,
		WriteTimeout: 2 * time.Second,
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })

	ctx, cancel := context.WithTimeout(f.Context(), 10*time.Second)
	defer cancel()
	pubSeed, playSeed, err := captureSessions(ctx, s, "fuzzpub")
	if err != nil {
		f.Fatalf("capture client sessions: %v", err)
	}
	f.Add(pubSeed)
	f.Add(playSeed)
	f.Add(pubSeed[:3073+40])
	f.Add(append([]byte{3}, make([]byte, 3072)...))
	f.Add([]byte{6})
	f.Add([]byte("GET / HTTP/1.1\r\n\r\n"))

	f.Fuzz(func(t *testing.T, data []byte) {
		client, server := net.Pipe()
		c := newConn(s, server)
		done := make(chan struct{})
		go func() {
			defer close(done)
			defer c.close()
			_ = c.serve() // no recover: a panic must fail the fuzzer
		}()
		go io.Copy(io.Discard, client)
		client.SetWriteDeadline(time.Now().Add(5 * time.Second))
		client.Write(data)
		client.Close()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("connection still served 10 s after the client left")
		}
	})
}
