package mediaserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// maxConns bounds concurrent RTMP connections, so a flood of sockets costs
// a bounded number of goroutines. A tester needs a handful per live test.
const maxConns = 1024

// ErrClosed is returned by WaitPublished once the server is closed.
var ErrClosed = errors.New("mediaserver: closed")

// Server is a running media server.
type Server struct {
	cfg   Config
	users users
	log   *slog.Logger

	ln    net.Listener
	apiLn net.Listener
	api   *http.Server

	life   context.Context
	cancel context.CancelFunc

	salt       string
	challenges *challengeStore
	hookClient *http.Client
	hooksSent  atomic.Int64

	mu      sync.Mutex
	closing bool
	conns   map[string]*conn
	paths   map[string]*path
	// changed is closed and replaced whenever a path becomes ready or the
	// server closes: waiters select on it instead of polling.
	changed chan struct{}

	wg        sync.WaitGroup // accept loop, API server, connections
	hookWG    sync.WaitGroup
	closeOnce sync.Once
	stopWatch func() bool
}

// Start listens and serves until Close is called or ctx ends.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("mediaserver: %w", err)
	}
	cfg = cfg.withDefaults()
	life, cancel := context.WithCancel(context.Background())
	s := &Server{
		cfg:        cfg,
		users:      users(cfg.Users),
		log:        cfg.Logger.With("component", "mediaserver"),
		life:       life,
		cancel:     cancel,
		salt:       randomHex(8),
		challenges: newChallengeStore(),
		hookClient: &http.Client{Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 4, IdleConnTimeout: 30 * time.Second}},
		conns:      make(map[string]*conn),
		paths:      make(map[string]*path),
		changed:    make(chan struct{}),
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", cfg.RTMPAddr)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("mediaserver: listen RTMP on %s: %w", cfg.RTMPAddr, err)
	}
	s.ln = ln
	if cfg.APIAddr != "" {
		apiLn, err := lc.Listen(ctx, "tcp", cfg.APIAddr)
		if err != nil {
			ln.Close()
			cancel()
			return nil, fmt.Errorf("mediaserver: listen API on %s: %w", cfg.APIAddr, err)
		}
		s.apiLn = apiLn
		s.api = &http.Server{
			Handler:           s.apiHandler(),
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       10 * time.Second,
			WriteTimeout:      10 * time.Second,
			IdleTimeout:       time.Minute,
			ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := s.api.Serve(apiLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Error("mediaserver: API server stopped", "err", err)
			}
		}()
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.acceptLoop()
	}()
	if err := ctx.Err(); err != nil {
		s.Close()
		return nil, fmt.Errorf("mediaserver: start: %w", err)
	}
	s.stopWatch = context.AfterFunc(ctx, func() { s.Close() })
	s.log.Info("mediaserver: listening", "rtmp", s.RTMPAddr(), "api", s.APIAddr())
	return s, nil
}

// RTMPAddr is the host:port the RTMP listener is bound to.
func (s *Server) RTMPAddr() string { return s.ln.Addr().String() }

// APIAddr is the host:port the control API is bound to, "" when disabled.
func (s *Server) APIAddr() string {
	if s.apiLn == nil {
		return ""
	}
	return s.apiLn.Addr().String()
}

// Close stops the listeners, hangs up every connection, cancels hooks in
// flight and waits for all of it. It is safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		if s.stopWatch != nil {
			s.stopWatch()
		}
		s.cancel()
		s.mu.Lock()
		s.closing = true
		conns := make([]*conn, 0, len(s.conns))
		for _, c := range s.conns {
			conns = append(conns, c)
		}
		close(s.changed)
		s.mu.Unlock()

		s.ln.Close()
		if s.api != nil {
			s.api.Close()
		}
		for _, c := range conns {
			c.close()
		}
		s.wg.Wait()
		s.hookWG.Wait()
		s.hookClient.CloseIdleConnections()
	})
	return nil
}

func (s *Server) acceptLoop() {
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			if s.life.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors and the like: back off instead of
			// spinning, and keep serving the connections we have.
			s.log.Warn("mediaserver: accept", "err", err)
			select {
			case <-time.After(100 * time.Millisecond):
			case <-s.life.Done():
				return
			}
			continue
		}
		c := newConn(s, nc)
		s.mu.Lock()
		if s.closing || len(s.conns) >= maxConns {
			s.mu.Unlock()
			nc.Close()
			continue
		}
		s.conns[c.id] = c
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			defer s.forget(c)
			c.run()
		}()
	}
}

func (s *Server) forget(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c.id)
}

// claimPath makes c the publisher of name; one publisher per path.
func (s *Server) claimPath(name, query string, c *conn) (*path, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return nil, ErrClosed
	}
	if _, busy := s.paths[name]; busy {
		return nil, errPathBusy
	}
	p := newPath(name, query, c)
	s.paths[name] = p
	return p, nil
}

// releasePath removes a path whose publisher left; its readers get EOF.
func (s *Server) releasePath(p *path) {
	s.mu.Lock()
	if s.paths[p.name] == p {
		delete(s.paths, p.name)
	}
	s.mu.Unlock()
	p.close()
	s.log.Debug("mediaserver: path closed", "path", p.name)
}

// pathReady runs once per publication, when the first keyframe after the
// decoder configuration arrives: it sends the start hook and wakes waiting
// readers.
func (s *Server) pathReady(p *path) {
	s.log.Debug("mediaserver: path ready", "path", p.name, "source", p.source.id)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return
	}
	if s.wantsHook(p.name) {
		s.hooksSent.Add(1)
		s.hookWG.Add(1)
		go func() {
			defer s.hookWG.Done()
			s.sendStartHook(p.name, p.query, p.source.id)
		}()
	}
	close(s.changed)
	s.changed = make(chan struct{})
}

// lookup returns the path if it is ready, and the channel that is closed
// at the next change.
func (s *Server) lookup(name string) (*path, <-chan struct{}, bool) {
	s.mu.Lock()
	p, changed, closing := s.paths[name], s.changed, s.closing
	s.mu.Unlock()
	if p != nil && p.isReady() {
		return p, changed, closing
	}
	return nil, changed, closing
}

// waitReady returns the ready path name, waiting up to ReadWait for it;
// nil when there is none or c hangs up.
func (s *Server) waitReady(name string, c *conn) *path {
	var timeout <-chan time.Time
	if s.cfg.ReadWait > 0 {
		t := time.NewTimer(s.cfg.ReadWait)
		defer t.Stop()
		timeout = t.C
	}
	for {
		p, changed, closing := s.lookup(name)
		if p != nil {
			return p
		}
		if timeout == nil || closing {
			return nil
		}
		select {
		case <-changed:
		case <-timeout:
			return nil
		case <-c.closed:
			return nil
		}
	}
}

// WaitPublished waits until path has a publisher whose stream is ready
// (decoder configuration and a first keyframe received).
func (s *Server) WaitPublished(ctx context.Context, path string) error {
	for {
		p, changed, closing := s.lookup(path)
		if p != nil {
			return nil
		}
		if closing {
			return ErrClosed
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("mediaserver: wait for %s to be published: %w", path, ctx.Err())
		}
	}
}
