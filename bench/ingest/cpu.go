package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuSplit is CPU time spent during a measurement, by whom: this process
// (the server), its children (the load generator, or the anchor and its
// load generator), and PostgreSQL's processes, so the table can say what
// a result costs and where.
type cpuSplit struct {
	server, children, postgres time.Duration
}

// cpuNow reads the three counters. PostgreSQL's is the sum over the
// processes named postgres that /proc shows; a process that ended between
// two reads takes its time with it, so short-lived backends are
// undercounted (the bench's connections live through the run).
func cpuNow() cpuSplit {
	var self, kids syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)     //nolint:errcheck // zero on failure
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids) //nolint:errcheck // zero on failure
	return cpuSplit{server: rusageTime(&self), children: rusageTime(&kids), postgres: postgresCPU()}
}

func rusageTime(r *syscall.Rusage) time.Duration {
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}

// clockTick is the kernel's USER_HZ, which /proc/*/stat counts in; 100 on
// every Linux this runs on.
const clockTick = 100

func postgresCPU() time.Duration {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var sum time.Duration
	for _, p := range stats {
		if name, t, ok := procStat(p); ok && strings.HasPrefix(name, "postgres") {
			sum += t
		}
	}
	return sum
}

// procCPU is one process's CPU time so far (0 if it is gone).
func procCPU(pid int) time.Duration {
	_, t, _ := procStat("/proc/" + strconv.Itoa(pid) + "/stat")
	return t
}

// procStat reads a process's name and CPU time (user and system) from its
// /proc stat file.
func procStat(path string) (string, time.Duration, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", 0, false
	}
	s := string(b)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return "", 0, false
	}
	// After the name: state is field 3; utime and stime are 14 and 15.
	f := strings.Fields(s[end+1:])
	if len(f) < 13 {
		return "", 0, false
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return s[open+1 : end], time.Duration(u+k) * time.Second / clockTick, true
}

// perResult is each side's CPU per acknowledged result, in microseconds.
func (c cpuSplit) perResult(n int64) (server, children, postgres float64) {
	if n <= 0 {
		return 0, 0, 0
	}
	us := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(n) }
	return us(c.server), us(c.children), us(c.postgres)
}

func (c cpuSplit) add(o cpuSplit) cpuSplit {
	return cpuSplit{server: c.server + o.server, children: c.children + o.children, postgres: c.postgres + o.postgres}
}

func (c cpuSplit) sub(o cpuSplit) cpuSplit {
	return cpuSplit{server: c.server - o.server, children: c.children - o.children, postgres: c.postgres - o.postgres}
}
