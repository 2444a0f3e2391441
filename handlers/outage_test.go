package handlers

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // the test's own connection that locks the file

	"jobtester/dbtest"
	"jobtester/ingest"
	"jobtester/models"
	"jobtester/netfault"
	"jobtester/testutil"
)

// fault is an outage a test can cause on a real database: for PostgreSQL
// a netfault.Proxy between the store and the server; for SQLite another
// connection holding the file's write lock (SQLite has no server to stop,
// and its readers carry on under WAL).
type fault struct {
	down, up, freeze, thaw func()
}

func faultyStore(t *testing.T, dialect string) (*models.Store, fault) {
	t.Helper()
	dsn := dbtest.DSN(t, dialect)
	if dialect == "postgres" {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		p, err := netfault.New(u.Host)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(p.Close)
		u.Host = p.Addr()
		st := dbtest.OpenDSN(t, u.String(), models.Options{})
		return st, fault{down: p.Down, up: p.Up, freeze: p.Freeze, thaw: p.Up}
	}
	st := dbtest.OpenDSN(t, dsn, models.Options{})
	db, err := sql.Open("sqlite3", strings.TrimPrefix(dsn, "sqlite://")+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var lock *sql.Conn
	take := func() {
		ctx := context.Background()
		c, err := db.Conn(ctx)
		if err == nil {
			_, err = c.ExecContext(ctx, "BEGIN EXCLUSIVE")
		}
		if err != nil {
			t.Fatalf("lock the SQLite file: %v", err)
		}
		lock = c
	}
	release := func() {
		if lock != nil {
			_, _ = lock.ExecContext(context.Background(), "ROLLBACK")
			lock.Close()
			lock = nil
		}
	}
	t.Cleanup(release)
	return st, fault{down: take, up: release, freeze: take, thaw: release}
}

// faultOrch is the i-th test orchestrator, so each post's rows can be told apart.
func faultOrch(i int) string { return fmt.Sprintf("0x%040x", i+1) }

type answer struct {
	code   int
	retry  string
	stored string
	body   string
}

func postTo(t *testing.T, base string, i int) answer {
	t.Helper()
	body := transcodingBody(faultOrch(i), "FRA", 1, 2, 1.5)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/post_stats", bytes.NewReader(body))
	req.Header.Set("Authorization", ingest.Sign(streamTesterSecret, body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("post %d: %v", i, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]string
	_ = json.Unmarshal(b, &m)
	return answer{code: resp.StatusCode, retry: resp.Header.Get("Retry-After"), stored: m["stored"], body: string(b)}
}

// check holds an answer given while the database could not confirm to
// what it may be: 503 "not stored" with Retry-After, or 504 "unknown".
func (a answer) check(t *testing.T, what string) {
	t.Helper()
	switch {
	case a.code == http.StatusServiceUnavailable && a.stored == "no" && a.retry != "":
	case a.code == http.StatusGatewayTimeout && a.stored == "unknown":
	default:
		t.Fatalf("%s: %d Retry-After %q %s, want 503 not stored with Retry-After, or 504 unknown", what, a.code, a.retry, a.body)
	}
}

func storedOf(t *testing.T, st *models.Store, i int) int {
	t.Helper()
	page, err := st.Results(context.Background(), models.ResultQuery{Orchestrator: faultOrch(i), Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	return len(page.Results)
}

// A database that is down answers 503 with Retry-After, to a post (which
// then says it stored nothing, truly) and to a reader that needs it; when
// it returns, posts are stored again.
func TestDatabaseOutageAnswers503WithRetryAfter(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st, f := faultyStore(t, dialect)
		srv := pagesEnv(t, st, 2*time.Second)
		if a := postTo(t, srv.URL, 0); a.code != http.StatusOK {
			t.Fatalf("post before the outage: %+v", a)
		}
		f.down()
		var answers []answer
		testutil.Eventually(t, "a post answering 503 not stored", func() bool {
			a := postTo(t, srv.URL, len(answers)+1)
			a.check(t, "post while the database is down")
			answers = append(answers, a)
			return a.code == http.StatusServiceUnavailable
		})
		if dialect == "postgres" {
			for _, p := range []string{"/api/raw_stats?orchestrator=" + faultOrch(0), "/api/v1/results"} {
				testutil.Eventually(t, p+" answering 503", func() bool {
					code, h, b := (&env{t: t, srv: srv}).do(http.MethodGet, p, nil, nil)
					if code != http.StatusServiceUnavailable && code != http.StatusOK {
						t.Fatalf("GET %s while PostgreSQL is down: %d %s", p, code, b)
					}
					return code == http.StatusServiceUnavailable && h.Get("Retry-After") != "" && strings.Contains(string(b), `"error"`)
				})
			}
		}
		f.up()
		after := len(answers) + 1
		testutil.Eventually(t, "a post stored once the database is back", func() bool {
			return postTo(t, srv.URL, after).code == http.StatusOK
		})
		for i, a := range answers {
			n := storedOf(t, st, i+1)
			if (a.stored == "no" && n != 0) || n > 1 {
				t.Fatalf("post %d answered %d %q and has %d rows", i+1, a.code, a.stored, n)
			}
		}
		if storedOf(t, st, 0) != 1 || storedOf(t, st, after) != 1 {
			t.Fatal("a confirmed post is not stored exactly once")
		}
		t.Logf("%s: %d posts during the outage, answers %v", dialect, len(answers), answers)
	})
}

// A database that stops answering mid-write (frozen): every post answers
// by its deadline while the database is still frozen, and says truly
// whether it was stored. What was answered "not stored" never appears,
// even after the database wakes and runs what it had been sent.
func TestPostAnswersByItsDeadlineAndTellsTheTruth(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st, f := faultyStore(t, dialect)
		srv := pagesEnv(t, st, 1500*time.Millisecond)
		if a := postTo(t, srv.URL, 0); a.code != http.StatusOK {
			t.Fatalf("post before the freeze: %+v", a)
		}
		f.freeze()
		const n = 6
		answers := make([]answer, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() { defer wg.Done(); answers[i] = postTo(t, srv.URL, i+1) }()
		}
		wg.Wait() // every answer came while the database was frozen
		f.thaw()
		for i, a := range answers {
			a.check(t, fmt.Sprintf("post %d during the freeze", i+1))
		}
		if a := postTo(t, srv.URL, n+1); a.code != http.StatusOK {
			t.Fatalf("post after the thaw: %+v", a)
		}
		// The writer is sequential: once the post after the thaw is
		// confirmed, nothing the store itself still holds can land. Only
		// bytes a frozen server had already received can.
		unknown, landed := 0, 0
		for i, a := range answers {
			got := storedOf(t, st, i+1)
			if a.stored == "unknown" {
				unknown++
				landed += got
			}
			if (a.stored == "no" && got != 0) || got > 1 {
				t.Fatalf("post %d answered %d %q, and %d rows are stored", i+1, a.code, a.stored, got)
			}
		}
		t.Logf("%s: of %d posts during the freeze %d answered unknown (%d of them stored by now), the rest not stored",
			dialect, n, unknown, landed)
	})
}
