package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

// startBusy starts n processes of this binary that each keep one core busy
// (-spin) for as long as the measurement runs, so that the services are
// compared on a busy machine, as a CI runner or a host shared with other
// work is. The returned stop kills and reaps them; it must run after the
// last measurement, because a reaped child's CPU time joins this process's
// children's, which measure reads as the load generator's.
func startBusy(n int) (stop func(), err error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	var cmds []*exec.Cmd
	stop = func() {
		for _, c := range cmds {
			c.Process.Kill() //nolint:errcheck // it may have died already
			c.Wait()         //nolint:errcheck // killed on purpose
		}
	}
	for range n {
		c := exec.Command(self, "-spin")
		c.Env = append(os.Environ(), "GOMAXPROCS=1")
		// Killed with the bench if the bench dies first.
		c.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := c.Start(); err != nil {
			stop()
			return nil, fmt.Errorf("busy process: %w", err)
		}
		cmds = append(cmds, c)
	}
	return stop, nil
}

// spin keeps one core busy until the process is killed.
func spin() {
	x := uint64(1)
	for {
		x = x*6364136223846793005 + 1442695040888963407
		if x == 0 {
			fmt.Println(x) // never: keeps the loop from being optimized away
		}
	}
}
