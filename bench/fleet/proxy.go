package main

import (
	"net"
	"sync"
)

// faultProxy is a TCP proxy in front of PostgreSQL that the instances
// connect through, so that the database can be made unreachable or frozen
// for them without touching the server, which other work on the machine
// uses.
type faultProxy struct {
	ln     net.Listener
	target string

	mu     sync.Mutex
	mode   proxyMode
	thaw   chan struct{} // closed when a freeze ends
	conns  map[net.Conn]struct{}
	wg     sync.WaitGroup
	closed bool
}

type proxyMode int

const (
	proxyUp     proxyMode = iota
	proxyDown             // connections refused, open ones cut
	proxyFrozen           // connections accepted, no byte goes through
)

func newFaultProxy(target string) (*faultProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &faultProxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}, thaw: make(chan struct{})}
	close(p.thaw) // not frozen
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

func (p *faultProxy) addr() string { return p.ln.Addr().String() }

func (p *faultProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.mode == proxyDown || p.closed
		p.mu.Unlock()
		if down {
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

// pipe copies src to dst, holding every chunk while the proxy is frozen.
func (p *faultProxy) pipe(src, dst net.Conn) {
	defer p.wg.Done()
	defer func() {
		src.Close()
		dst.Close()
		p.mu.Lock()
		delete(p.conns, src)
		delete(p.conns, dst)
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
				return
			}
		}
		if err != nil {
			return // EOF or a cut: closing both ends passes it on
		}
	}
}

// down refuses new connections and cuts the open ones.
func (p *faultProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.unfreezeLocked()
	p.mode = proxyDown
	for c := range p.conns {
		c.Close()
	}
}

// freeze lets connections open but holds every byte until up.
func (p *faultProxy) freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode != proxyFrozen {
		p.thaw = make(chan struct{})
	}
	p.mode = proxyFrozen
}

// up ends a fault: what was held goes through.
func (p *faultProxy) up() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.unfreezeLocked()
	p.mode = proxyUp
}

func (p *faultProxy) unfreezeLocked() {
	if p.mode == proxyFrozen {
		close(p.thaw)
	}
}

func (p *faultProxy) close() {
	p.mu.Lock()
	p.closed = true
	p.unfreezeLocked()
	p.mode = proxyDown
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.ln.Close()
	p.wg.Wait()
}
