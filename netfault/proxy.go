// Package netfault is a TCP proxy on loopback that can make the server
// behind it unreachable or frozen for the clients that connect through it,
// without touching the server, which other work on the machine may share.
// The outage tests and the fleet benchmark put it between jobtester and
// PostgreSQL.
package netfault

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
)

// Proxy forwards every connection made to Addr to the target.
type Proxy struct {
	ln     net.Listener
	target string

	mu     sync.Mutex
	mode   mode
	thaw   chan struct{} // closed while not frozen
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

type mode int

const (
	up     mode = iota
	down        // new connections closed at once, open ones cut
	frozen      // connections accepted, no byte goes through
)

// New starts a proxy on a free loopback port in front of target
// (host:port).
func New(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("netfault: listen: %w", err)
	}
	p := &Proxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}, thaw: make(chan struct{})}
	close(p.thaw)
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the host:port clients connect to instead of the target.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		refuse := p.mode == down || p.closed
		p.mu.Unlock()
		if refuse {
			// The listener stays open so that the address is still ours when
			// the outage ends; a client sees its connection closed at once.
			c.Close()
			continue
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns[c], p.conns[s] = struct{}{}, struct{}{}
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(c, s)
		go p.pipe(s, c)
	}
}

// pipe copies src to dst, holding every chunk while the proxy is frozen, as
// the kernel holds bytes for a server stopped with SIGSTOP.
func (p *Proxy) pipe(src, dst net.Conn) {
	defer p.wg.Done()
	defer func() {
		p.mu.Lock()
		delete(p.conns, src)
		p.mu.Unlock()
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			thaw := p.thaw
			p.mu.Unlock()
			<-thaw
			if _, werr := dst.Write(buf[:n]); werr != nil {
				src.Close()
				return
			}
		}
		if err != nil {
			// A clean end is passed on as one (the other direction may still
			// carry an answer); anything else cuts both ends.
			if tc, ok := dst.(*net.TCPConn); ok && errors.Is(err, io.EOF) {
				_ = tc.CloseWrite()
			} else {
				dst.Close()
			}
			src.Close()
			return
		}
	}
}

// Down cuts every open connection and closes new ones as they come: the
// server is gone.
func (p *Proxy) Down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.unfreezeLocked()
	p.mode = down
	for c := range p.conns {
		c.Close()
	}
}

// Freeze lets connections open but holds every byte until Up.
func (p *Proxy) Freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode != frozen {
		p.thaw = make(chan struct{})
	}
	p.mode = frozen
}

// Up ends a fault: what was held goes through, new connections are served.
func (p *Proxy) Up() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.unfreezeLocked()
	p.mode = up
}

func (p *Proxy) unfreezeLocked() {
	if p.mode == frozen {
		close(p.thaw)
	}
}

// Close cuts everything and waits for the proxy's goroutines to end.
func (p *Proxy) Close() {
	p.mu.Lock()
	p.closed = true
	p.unfreezeLocked()
	p.mode = down
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.ln.Close()
	p.wg.Wait()
}
