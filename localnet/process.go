package localnet

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// process is one node: its command, its captured output and its end.
type process struct {
	name   string
	cmd    *exec.Cmd
	out    *logBuffer
	exited chan struct{}
	err    error // set before exited is closed
}

// logBuffer keeps the last maxLog bytes of a node's output for failures.
type logBuffer struct {
	mu  sync.Mutex
	buf []byte
}

const maxLog = 4 << 20

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if len(b.buf) > maxLog {
		b.buf = append([]byte(nil), b.buf[len(b.buf)-maxLog/2:]...)
	}
	return len(p), nil
}

func (b *logBuffer) tail(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.buf) > n {
		return string(b.buf[len(b.buf)-n:])
	}
	return string(b.buf)
}

func startProcess(bin, dir string, env []string, args ...string) (*process, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out := &logBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	// Its own process group, so that stopping it never signals ours.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{name: filepath.Base(dir), cmd: cmd, out: out, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// Tail is the last n bytes of the node's log.
func (p *process) Tail(n int) string { return p.out.tail(n) }

// stop asks the node to end (SIGTERM), and kills it after 10 s.
func (p *process) stop() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// usage is the node's CPU time and resident memory from /proc, or from
// its exit state once it has ended. Zero where neither is available.
func (p *process) usage() (cpu time.Duration, rss int64) {
	select {
	case <-p.exited:
		if st := p.cmd.ProcessState; st != nil {
			cpu = st.UserTime() + st.SystemTime()
			if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
				rss = ru.Maxrss * 1024
			}
		}
		return cpu, rss
	default:
	}
	pid := strconv.Itoa(p.cmd.Process.Pid)
	if b, err := os.ReadFile("/proc/" + pid + "/stat"); err == nil {
		// Fields after the command name, which is in parentheses.
		if i := bytes.LastIndexByte(b, ')'); i > 0 {
			f := strings.Fields(string(b[i+1:]))
			if len(f) > 13 {
				ut, _ := strconv.ParseInt(f[11], 10, 64)
				st, _ := strconv.ParseInt(f[12], 10, 64)
				cpu = time.Duration(ut+st) * time.Second / 100 // USER_HZ
			}
		}
	}
	if b, err := os.ReadFile("/proc/" + pid + "/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "VmHWM:") {
				f := strings.Fields(line)
				if len(f) >= 2 {
					kb, _ := strconv.ParseInt(f[1], 10, 64)
					rss = kb * 1024
				}
			}
		}
	}
	return cpu, rss
}
