package netfault

import (
	"bufio"
	"net"
	"testing"
	"time"
)

// echo is a loopback server that sends back every line it reads.
func echo(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if _, err := c.Write([]byte(line)); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func roundTrip(c net.Conn, r *bufio.Reader, msg string, wait time.Duration) (string, error) {
	if _, err := c.Write([]byte(msg + "\n")); err != nil {
		return "", err
	}
	_ = c.SetReadDeadline(time.Now().Add(wait))
	return r.ReadString('\n')
}

func TestProxyForwardsCutsAndFreezes(t *testing.T) {
	p, err := New(echo(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	if got, err := roundTrip(c, r, "one", time.Minute); err != nil || got != "one\n" {
		t.Fatalf("through the proxy: %q, %v", got, err)
	}

	// Frozen: the bytes are held (a short wait sees nothing), then
	// delivered when the fault ends.
	p.Freeze()
	if got, err := roundTrip(c, r, "two", 100*time.Millisecond); err == nil {
		t.Fatalf("a frozen proxy let %q through", got)
	}
	p.Up()
	_ = c.SetReadDeadline(time.Now().Add(time.Minute))
	if got, err := r.ReadString('\n'); err != nil || got != "two\n" {
		t.Fatalf("after the thaw: %q, %v; want the held line", got, err)
	}

	// Down: the open connection is cut and a new one ends at once.
	p.Down()
	_ = c.SetReadDeadline(time.Now().Add(time.Minute))
	if _, err := r.ReadString('\n'); err == nil {
		t.Fatal("an open connection survived Down")
	}
	c2, err := net.Dial("tcp", p.Addr())
	if err == nil {
		_, err = roundTrip(c2, bufio.NewReader(c2), "three", time.Minute)
		c2.Close()
	}
	if err == nil {
		t.Fatal("a new connection was served while down")
	}

	// Up again on the same address.
	p.Up()
	c3, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c3.Close()
	if got, err := roundTrip(c3, bufio.NewReader(c3), "four", time.Minute); err != nil || got != "four\n" {
		t.Fatalf("after Up: %q, %v", got, err)
	}
}
