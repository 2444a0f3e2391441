package mediaserver

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bluenviron/gortmplib/pkg/amf0"
	"github.com/bluenviron/gortmplib/pkg/bytecounter"
	"github.com/bluenviron/gortmplib/pkg/handshake"
	"github.com/bluenviron/gortmplib/pkg/message"
)

// streamID1 is message stream 1 as gortmplib encodes it (the field is
// little-endian on the wire, gortmplib writes it big-endian).
const streamID1 = 0x1000000

// Limits on what a client may send before it publishes or plays; the
// handshake deadline bounds the time, these bound the work.
const (
	maxSetupMessages = 64
	maxConnectObject = 64
)

var (
	errKicked        = errors.New("kicked")
	errAuthRequested = errors.New("authentication requested")
	errAuthFailed    = errors.New("authentication failed")
	errNotAllowed    = errors.New("not allowed")
	errPublisherLeft = errors.New("publisher left")
)

type connState int

const (
	stateIdle connState = iota
	stateRead
	statePublish
)

func (s connState) String() string {
	switch s {
	case stateRead:
		return "read"
	case statePublish:
		return "publish"
	default:
		return "idle"
	}
}

// conn is one RTMP client. It implements gortmplib.Conn so gortmplib's
// Writer can write to it.
type conn struct {
	s          *Server
	nc         net.Conn
	id         string
	created    time.Time
	ip         netip.Addr
	remoteAddr string
	log        *slog.Logger

	bc  *bytecounter.ReadWriter
	mrw *message.ReadWriter

	closeOnce sync.Once
	closed    chan struct{}
	kicked    atomic.Bool
	discarded atomic.Uint64

	mu        sync.Mutex
	state     connState
	pathName  string
	query     string
	user      string
	userAgent string
}

func newConn(s *Server, nc net.Conn) *conn {
	c := &conn{
		s:          s,
		nc:         nc,
		id:         newUUID(),
		created:    time.Now(),
		remoteAddr: nc.RemoteAddr().String(),
		closed:     make(chan struct{}),
	}
	if ap, err := netip.ParseAddrPort(c.remoteAddr); err == nil {
		c.ip = ap.Addr().Unmap()
	}
	c.bc = bytecounter.NewReadWriter(nc)
	c.mrw = message.NewReadWriter(c.bc, c.bc, false)
	c.log = s.log.With("conn", c.id, "remote", c.remoteAddr)
	return c
}

// BytesReceived implements gortmplib.Conn.
func (c *conn) BytesReceived() uint64 { return c.bc.Reader.Count() }

// BytesSent implements gortmplib.Conn.
func (c *conn) BytesSent() uint64 { return c.bc.Writer.Count() }

// Read implements gortmplib.Conn.
func (c *conn) Read() (message.Message, error) { return c.mrw.Read() }

// Write implements gortmplib.Conn.
func (c *conn) Write(msg message.Message) error { return c.mrw.Write(msg) }

// close hangs up; safe from any goroutine, any number of times.
func (c *conn) close() {
	c.closeOnce.Do(func() {
		close(c.closed)
		c.nc.Close()
	})
}

func (c *conn) kick() {
	c.kicked.Store(true)
	c.close()
}

func (c *conn) setState(st connState, pathName, query string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.state, c.pathName, c.query = st, pathName, query
}

// run serves the connection until it ends.
func (c *conn) run() {
	defer c.close()
	defer func() {
		// gortmplib and mediacommon parse what the client sends; a bug
		// there must cost one connection, not the tester.
		if v := recover(); v != nil {
			c.log.Error("rtmp: panic while serving connection", "panic", v)
		}
	}()
	err := c.serve()
	switch {
	case c.kicked.Load():
		c.log.Info("rtmp: connection kicked")
	case errors.Is(err, errAuthRequested):
		c.log.Debug("rtmp: asked client for credentials")
	default:
		c.log.Debug("rtmp: connection closed", "err", err)
	}
}

// connectInfo is what the connect command said.
type connectInfo struct {
	chunkStreamID byte
	commandID     int
	app           string
	tcURL         string
	flashVer      string
	// player: the connect object carries the fields a player sends (ffmpeg
	// and gortmplib add audioCodecs/videoCodecs/fpad only when reading).
	// Used only to decide whether to ask for credentials; the real action is
	// checked when it arrives.
	player bool
}

func (c *conn) serve() error {
	cfg := &c.s.cfg
	// One deadline for everything up to publish/play: a client that opens
	// a socket and trickles bytes costs a goroutine for ReadTimeout at most.
	if err := c.nc.SetDeadline(time.Now().Add(cfg.ReadTimeout)); err != nil {
		return err
	}
	keyIn, _, err := handshake.DoServer(c.bc, false)
	if err != nil {
		return fmt.Errorf("handshake: %w", err)
	}
	if keyIn != nil {
		return errors.New("handshake: encrypted RTMP (RTMPE) is not supported")
	}

	cmd, err := c.readCommand()
	if err != nil {
		return fmt.Errorf("read connect: %w", err)
	}
	ci, err := parseConnect(cmd)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.userAgent = ci.flashVer
	c.mu.Unlock()

	named, tcURL, err := c.authenticate(ci)
	if err != nil {
		return err
	}
	if named != nil {
		c.mu.Lock()
		c.user = named.Name
		c.mu.Unlock()
	}
	if err := c.acceptConnect(ci); err != nil {
		return fmt.Errorf("accept connect: %w", err)
	}

	action, err := c.readAction()
	if err != nil {
		return err
	}
	streamKey, _ := action.Arguments[1].(string)
	publish := action.Name == "publish"
	pathName, query, err := streamTarget(tcURL, streamKey)
	app, _, _ := cutAuth(ci.app)
	c.log.Debug("rtmp: "+action.Name, "app", app, "tcUrl", tcURL, "streamKey", streamKey, "path", pathName, "query", query, "err", err)
	if err != nil {
		if publish {
			_ = c.writeStatus(action.CommandID, "error", "NetStream.Publish.BadName", err.Error())
		} else {
			_ = c.writeStatus(action.CommandID, "error", "NetStream.Play.StreamNotFound", err.Error())
		}
		return err
	}
	// Shown in the API while the action is pending (a reader waiting for a
	// publisher is idle on its path).
	c.setState(stateIdle, pathName, query)
	if publish {
		return c.publish(action.CommandID, pathName, query, named)
	}
	return c.play(action.CommandID, pathName, query, named)
}

// readCommand skips protocol chatter up to the next AMF0 command.
func (c *conn) readCommand() (*message.CommandAMF0, error) {
	for range maxSetupMessages {
		msg, err := c.mrw.Read()
		if err != nil {
			return nil, err
		}
		if cmd, ok := msg.(*message.CommandAMF0); ok {
			return cmd, nil
		}
	}
	return nil, fmt.Errorf("no command in %d messages", maxSetupMessages)
}

func parseConnect(cmd *message.CommandAMF0) (connectInfo, error) {
	if cmd.Name != "connect" {
		return connectInfo{}, fmt.Errorf("expected connect, got %q", cmd.Name)
	}
	if len(cmd.Arguments) < 1 {
		return connectInfo{}, errors.New("connect without a command object")
	}
	var obj amf0.Object
	switch o := cmd.Arguments[0].(type) {
	case amf0.Object:
		obj = o
	case amf0.ECMAArray:
		obj = amf0.Object(o)
	default:
		return connectInfo{}, fmt.Errorf("connect command object is %T", cmd.Arguments[0])
	}
	if len(obj) > maxConnectObject {
		return connectInfo{}, fmt.Errorf("connect command object has %d entries", len(obj))
	}
	ci := connectInfo{chunkStreamID: cmd.ChunkStreamID, commandID: cmd.CommandID}
	ci.app, _ = obj.GetString("app")
	var ok bool
	if ci.tcURL, ok = obj.GetString("tcUrl"); !ok {
		ci.tcURL, _ = obj.GetString("tcurl")
	}
	// Some clients quote the URL.
	if n := len(ci.tcURL); n >= 2 && ci.tcURL[0] == '\'' && ci.tcURL[n-1] == '\'' {
		ci.tcURL = ci.tcURL[1 : n-1]
	}
	if ci.tcURL == "" {
		if ci.app == "" {
			return connectInfo{}, errors.New("connect without app or tcUrl")
		}
		ci.tcURL = "rtmp://server/" + ci.app
	}
	ci.flashVer, _ = obj.GetString("flashVer")
	for _, k := range []string{"fpad", "audioCodecs", "videoCodecs", "videoFunction", "fourCcList"} {
		if _, ok := obj.Get(k); ok {
			ci.player = true
		}
	}
	return ci, nil
}

// authenticate runs the server side of adobe authentication on the connect
// command. It returns the authenticated named user (nil: anonymous) and the
// tcUrl without the authentication parameters; a non-nil error means the
// connection was answered and must close.
func (c *conn) authenticate(ci connectInfo) (*User, string, error) {
	us := c.s.users
	tcURL, authStr, found := cutAuth(ci.tcURL)
	if !found {
		if _, a, ok := cutAuth(ci.app); ok {
			authStr, found = a, true
		}
	}
	if !found {
		guess := ActionPublish
		if ci.player {
			guess = ActionRead
		}
		if !us.anonymous(guess, c.ip) && len(us.named(c.ip)) > 0 {
			_ = c.rejectConnect(ci, "code=403 need auth; authmod=adobe")
			return nil, "", errAuthRequested
		}
		return nil, tcURL, nil
	}

	p := parseAuthParams(authStr)
	if p.mod != "adobe" {
		_ = c.rejectConnect(ci, "authmod="+p.mod+" ?reason=unsupported")
		return nil, "", fmt.Errorf("%w: unsupported authmod %q", errAuthFailed, p.mod)
	}
	now := time.Now()
	if p.challenge == "" || p.response == "" {
		ch := c.s.challenges.issue(c.ip, now)
		desc := fmt.Sprintf("authmod=adobe ?reason=needauth&user=%s&salt=%s&challenge=%s&opaque=%s",
			p.user, c.s.salt, ch, ch)
		_ = c.rejectConnect(ci, desc)
		return nil, "", errAuthRequested
	}
	u := c.s.challenges.verify(us.named(c.ip), p, c.ip, c.s.salt, now)
	if u == nil {
		_ = c.rejectConnect(ci, "authmod=adobe ?reason=authfailed")
		return nil, "", fmt.Errorf("%w for user %q", errAuthFailed, p.user)
	}
	return u, tcURL, nil
}

func (c *conn) rejectConnect(ci connectInfo, desc string) error {
	return c.mrw.Write(&message.CommandAMF0{
		ChunkStreamID: ci.chunkStreamID,
		Name:          "_error",
		CommandID:     ci.commandID,
		Arguments: []any{
			nil,
			amf0.Object{
				{Key: "level", Value: "error"},
				{Key: "code", Value: "NetConnection.Connect.Rejected"},
				{Key: "description", Value: desc},
			},
		},
	})
}

func (c *conn) acceptConnect(ci connectInfo) error {
	for _, m := range []message.Message{
		&message.SetWindowAckSize{Value: 2500000},
		&message.SetPeerBandwidth{Value: 2500000, Type: 2},
		&message.SetChunkSize{Value: 65536},
		&message.CommandAMF0{
			ChunkStreamID: ci.chunkStreamID,
			Name:          "_result",
			CommandID:     ci.commandID,
			Arguments: []any{
				amf0.Object{
					{Key: "fmsVer", Value: "LNX 9,0,124,2"},
					{Key: "capabilities", Value: float64(31)},
				},
				amf0.Object{
					{Key: "level", Value: "status"},
					{Key: "code", Value: "NetConnection.Connect.Success"},
					{Key: "description", Value: "Connection succeeded."},
					{Key: "objectEncoding", Value: float64(0)},
				},
			},
		},
	} {
		if err := c.mrw.Write(m); err != nil {
			return err
		}
	}
	return nil
}

// readAction answers createStream and returns the publish or play command.
func (c *conn) readAction() (*message.CommandAMF0, error) {
	for range maxSetupMessages {
		cmd, err := c.readCommand()
		if err != nil {
			return nil, fmt.Errorf("read command: %w", err)
		}
		switch cmd.Name {
		case "createStream":
			err := c.mrw.Write(&message.CommandAMF0{
				ChunkStreamID: cmd.ChunkStreamID,
				Name:          "_result",
				CommandID:     cmd.CommandID,
				Arguments:     []any{nil, float64(1)},
			})
			if err != nil {
				return nil, fmt.Errorf("answer createStream: %w", err)
			}
		case "publish", "play":
			if len(cmd.Arguments) < 2 {
				return nil, fmt.Errorf("%s without a stream name", cmd.Name)
			}
			if _, ok := cmd.Arguments[1].(string); !ok {
				return nil, fmt.Errorf("%s stream name is %T", cmd.Name, cmd.Arguments[1])
			}
			return cmd, nil
		case "deleteStream", "closeStream":
			return nil, fmt.Errorf("client sent %s before publishing or playing", cmd.Name)
		}
		// releaseStream, FCPublish, FCSubscribe, getStreamLength, _checkbw:
		// nothing a live server needs to answer.
	}
	return nil, fmt.Errorf("no publish or play in %d commands", maxSetupMessages)
}

func (c *conn) writeStatus(commandID int, level, code, desc string) error {
	return c.mrw.Write(&message.CommandAMF0{
		ChunkStreamID:   5,
		MessageStreamID: streamID1,
		Name:            "onStatus",
		CommandID:       commandID,
		Arguments: []any{
			nil,
			amf0.Object{
				{Key: "level", Value: level},
				{Key: "code", Value: code},
				{Key: "description", Value: desc},
			},
		},
	})
}
