package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"sort"
	"time"

	"jobtester/simnet"
)

// storedTwiceSQL counts results beyond the attempts their sweep's plan
// recorded, per planned test: a test stored twice.
const storedTwiceSQL = `WITH t AS (
	SELECT sweep_id, orchestrator, target::json->'Capability'->>'Pipeline' AS pipeline,
		target::json->'Capability'->>'Model' AS model, SUM(attempts) AS attempts
	FROM sweep_tasks GROUP BY 1, 2, 3, 4),
r AS (SELECT sweep_id, orchestrator, pipeline, model, COUNT(*) AS n FROM results
	WHERE sweep_id IS NOT NULL GROUP BY 1, 2, 3, 4)
SELECT COALESCE(SUM(GREATEST(r.n - COALESCE(t.attempts, 0), 0)), 0)
FROM r LEFT JOIN t USING (sweep_id, orchestrator, pipeline, model)`

// resultKeysSQL reads what a forwarded copy keeps of each result, and
// (on the fleet's side) which instance stored it.
const resultKeysSQL = `SELECT g.name, re.orchestrator, re.pipeline, re.model, re.timestamp, re.round_trip_time, %s
FROM results re JOIN regions g ON g.id = re.region_id %s`

func (f *fleet) measure(ctx context.Context, m *measured) error {
	var err error
	if m.attempts, err = f.count(ctx, `SELECT COALESCE(SUM(attempts), 0) FROM sweep_tasks`); err != nil {
		return err
	}
	if m.stored, err = f.count(ctx, `SELECT COUNT(*) FROM results WHERE sweep_id IS NOT NULL`); err != nil {
		return err
	}
	if m.storedTwice, err = f.count(ctx, storedTwiceSQL); err != nil {
		return err
	}
	fleetKeys, storedBy, err := resultKeys(ctx, f.db, fmt.Sprintf(resultKeysSQL, "COALESCE(st.instance, '')",
		`LEFT JOIN sweep_tasks st ON st.result_id = re.id WHERE re.sweep_id IS NOT NULL AND re.outcome IN ('pass', 'fail')`))
	if err != nil {
		return err
	}
	// A row still in the outbox is not lost: the next instance of the
	// fleet to start forwards it.
	if m.waiting, err = f.count(ctx, `SELECT COUNT(*) FROM outbox`); err != nil {
		return err
	}
	f.centralI.stop(time.Minute) // nothing more arrives
	centralKeys, _, err := resultKeys(ctx, f.central, fmt.Sprintf(resultKeysSQL, "''", ""))
	if err != nil {
		return err
	}
	m.lostBy = map[string]int{}
	for k, n := range fleetKeys {
		m.forwardable += n
		if lost := max(0, n-centralKeys[k]); lost > 0 {
			m.lost += lost
			m.lostBy[storedBy[k]] += lost
		}
	}
	for k, n := range centralKeys {
		m.atCentral += n
		m.duplicated += max(0, n-fleetKeys[k])
	}
	m.sweepsDone = map[string]int{}
	rows, err := f.db.QueryContext(ctx, `SELECT region, COUNT(*) FROM sweeps WHERE status = 'done' GROUP BY region`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var region string
		var n int
		if err := rows.Scan(&region, &n); err != nil {
			return err
		}
		m.sweepsDone[region] = n
	}
	f.requestLog(m)
	return rows.Err()
}

// resultKeys counts results by what a forwarded copy keeps of them, and
// says which instance stored each.
func resultKeys(ctx context.Context, db *sql.DB, q string) (map[string]int, map[string]string, error) {
	qctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	rows, err := db.QueryContext(qctx, q)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	out, by := map[string]int{}, map[string]string{}
	for rows.Next() {
		var region, orch, pipeline, model, instance string
		var ts int64
		var rtt float64
		if err := rows.Scan(&region, &orch, &pipeline, &model, &ts, &rtt, &instance); err != nil {
			return nil, nil, err
		}
		k := fmt.Sprintf("%s|%s|%s|%s|%d|%.6f", region, orch, pipeline, model, ts, rtt)
		out[k]++
		by[k] = instance
	}
	return out, by, rows.Err()
}

// requestLog reads simnet's log: how many jobs the testers sent, and
// whether an orchestrator ever had two at once or two closer than min_gap.
func (f *fleet) requestLog(m *measured) {
	byOrch := map[string][]simnet.Request{}
	ids := map[string]bool{}
	for _, r := range f.nw.Requests() {
		if _, ok := f.regionOf[r.Gateway]; !ok {
			continue
		}
		if !ids[r.RequestID] {
			ids[r.RequestID] = true
			m.requests++
		}
		byOrch[r.Orchestrator] = append(byOrch[r.Orchestrator], r)
	}
	m.orchestrators = len(byOrch)
	for _, rs := range byOrch {
		sort.Slice(rs, func(i, j int) bool { return rs[i].Start.Before(rs[j].Start) })
		var end time.Time
		for i, r := range rs {
			switch {
			case i == 0:
			case r.Start.Before(end):
				m.overlaps++
			case r.Start.Sub(end) < f.o.minGap:
				m.gapMiss++
			}
			if r.End.After(end) {
				end = r.End
			}
		}
	}
}

func (m *measured) print(w io.Writer, o options, took time.Duration, load0, load1 string) {
	fmt.Fprintf(w, "\n## Fleet fault run: 3 testers (FRA ×2, LAX), a central, %d orchestrators\n\n", o.orchestrators)
	fmt.Fprintf(w, "lease_ttl %s, min_gap %s; faults: kill -9 of the FRA holder, PostgreSQL down %s, frozen %s, central stopped %s; %s in all; load average %s → %s\n\n",
		o.leaseTTL, o.minGap, o.pgDown, o.pgFreeze, o.centralDown, took.Round(time.Second), load0, load1)
	fmt.Fprintln(w, "| figure | measured | want |")
	fmt.Fprintln(w, "|---|---|---|")
	row := func(name, got, want string) { fmt.Fprintf(w, "| %s | %s | %s |\n", name, got, want) }
	row("sweeps done (FRA / LAX)", fmt.Sprintf("%d / %d", m.sweepsDone["FRA"], m.sweepsDone["LAX"]), "> 0 each")
	row("attempts recorded in the plans / results of sweeps stored", fmt.Sprintf("%d / %d", m.attempts, m.stored), "equal")
	row("tests stored twice", fmt.Sprint(m.storedTwice), "0")
	row("jobs the orchestrators saw / attempts stored", fmt.Sprintf("%d / %d", m.requests, m.stored),
		"the difference: tests whose run stored nothing (cut by a kill or a fault) and were run again")
	row("orchestrators tested by two instances at once", fmt.Sprintf("%d (of %d orchestrators)", m.overlaps, m.orchestrators), "0")
	row("tests closer than min_gap on one orchestrator", fmt.Sprint(m.gapMiss), "0")
	row("results to forward (pass, fail) / at the central", fmt.Sprintf("%d / %d", m.forwardable, m.atCentral), "equal")
	row("not at the central: still in the outbox when the testers stopped / lost", fmt.Sprintf("%d / %d %v", m.waiting, max(0, m.lost-m.waiting), m.lostBy), "— / 0")
	row("duplicated at the central", fmt.Sprint(m.duplicated), "0")
	row(fmt.Sprintf("takeover after kill -9 of %s (by %s)", m.killed, m.takenBy), m.takeover.Round(time.Millisecond).String(),
		fmt.Sprintf("≤ lease_ttl %s + one test", o.leaseTTL))
	row("kill -9 → first test stored by the new holder", m.takeoverFirst.Round(time.Millisecond).String(), "")
	drain := m.drain.Round(time.Millisecond).String()
	if !m.drained {
		drain = "not drained in 5 min: " + drain
	}
	row(fmt.Sprintf("forward drain after the central's return (%d results before it)", m.backlog), drain, "")
}
