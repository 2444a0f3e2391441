package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// instance is one jobtester process of the fleet.
type instance struct {
	name string
	addr string // 127.0.0.1:port
	args []string
	log  string // its log file
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// buildBinary builds the jobtester command into dir.
func buildBinary(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "jobtester")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/jobtester")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build jobtester: %w", err)
	}
	return bin, nil
}

// start runs the instance's process and waits until it answers /readyz.
func (in *instance) start(bin string) error {
	f, err := os.OpenFile(in.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	in.cmd = exec.Command(bin, append([]string{"serve", "--addr", in.addr, "--instance", in.name}, in.args...)...)
	in.cmd.Stdout, in.cmd.Stderr = f, f
	if err := in.cmd.Start(); err != nil {
		f.Close()
		return fmt.Errorf("start %s: %w", in.name, err)
	}
	in.done = make(chan struct{})
	go func() { _ = in.cmd.Wait(); f.Close(); close(in.done) }()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case <-in.done:
			return fmt.Errorf("%s exited at start (%v); see %s", in.name, in.cmd.ProcessState, in.log)
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+in.addr+"/readyz", nil)
		resp, err := http.DefaultClient.Do(req)
		cancel()
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s not ready within 2 minutes; see %s", in.name, in.log)
}

// kill ends the process at once (SIGKILL): nothing of it is flushed.
func (in *instance) kill() {
	if in.cmd != nil && in.cmd.Process != nil {
		_ = in.cmd.Process.Kill()
		<-in.done
	}
}

// stop asks the process to shut down (SIGTERM) and waits for it.
func (in *instance) stop(within time.Duration) {
	if in.cmd == nil || in.cmd.Process == nil {
		return
	}
	_ = in.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-in.done:
	case <-time.After(within):
		in.kill()
	}
}
