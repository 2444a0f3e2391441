package main

import (
	"time"

	"jobtester/bench/benchenv"
)

// load is what the load generator sends.
type load struct {
	clients  int
	duration time.Duration
	orchs    int
	keyed    bool
}

// measured is one service's figures over one or more periods of posting.
type measured struct {
	rep          clientReport
	cpu          cpuSplit // server: this process, or the anchor's
	load0, load1 string
}

// measure runs the load generator against url for l.duration and reads
// what it cost. serverCPU reads the server's CPU time when the server is
// another process (the anchor); nil: the server is this process.
func measure(url string, l load, serverCPU func() time.Duration) (measured, error) {
	m := measured{load0: benchenv.LoadAvg()}
	c0 := cpuNow()
	var s0 time.Duration
	if serverCPU != nil {
		s0 = serverCPU()
	}
	rep, err := spawnClient(url, l)
	if err != nil {
		return m, err
	}
	m.rep, m.cpu, m.load1 = rep, cpuNow().sub(c0), benchenv.LoadAvg()
	if serverCPU != nil {
		m.cpu.server = serverCPU() - s0
	}
	return m, nil
}

// add sums another period into m: the posts, the time and the CPU; the
// load averages are the first period's before and the last's after.
func (m *measured) add(o measured) {
	if m.load0 == "" {
		m.load0 = o.load0
	}
	m.load1 = o.load1
	m.rep.Acked += o.rep.Acked
	m.rep.Refused += o.rep.Refused
	m.rep.Failed += o.rep.Failed
	m.rep.Duration += o.rep.Duration
	m.cpu = m.cpu.add(o.cpu)
}

// rate is the results acknowledged per second.
func (m measured) rate() float64 {
	if m.rep.Duration <= 0 {
		return 0
	}
	return float64(m.rep.Acked) / m.rep.Duration.Seconds()
}
