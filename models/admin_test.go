package models_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/ingest"
	"jobtester/models"
)

func TestMappingValidationNamesTheField(t *testing.T) {
	good := models.URIMapping{Orchestrator: addr(1), URI: "https://o.example.com:8935", JobTypes: "ai"}
	cases := []struct {
		name  string
		edit  func(m *models.URIMapping)
		field string
	}{
		{"short address", func(m *models.URIMapping) { m.Orchestrator = "0x123" }, "orchestrator"},
		{"no 0x", func(m *models.URIMapping) { m.Orchestrator = "00" + addr(1)[2:] }, "orchestrator"},
		{"non-hex", func(m *models.URIMapping) { m.Orchestrator = "0x" + strings.Repeat("g", 40) }, "orchestrator"},
		{"empty address", func(m *models.URIMapping) { m.Orchestrator = "" }, "orchestrator"},
		{"no scheme", func(m *models.URIMapping) { m.URI = "o.example.com:8935" }, "uri"},
		{"ftp", func(m *models.URIMapping) { m.URI = "ftp://o:8935" }, "uri"},
		{"empty uri", func(m *models.URIMapping) { m.URI = "" }, "uri"},
		{"no host", func(m *models.URIMapping) { m.URI = "https://:8935" }, "uri"},
		{"credentials", func(m *models.URIMapping) { m.URI = "https://u:p@o:8935" }, "uri"},
		{"query", func(m *models.URIMapping) { m.URI = "https://o:8935?x=1" }, "uri"},
		{"empty query", func(m *models.URIMapping) { m.URI = "https://o:8935?" }, "uri"},
		{"fragment", func(m *models.URIMapping) { m.URI = "https://o:8935#f" }, "uri"},
		{"path", func(m *models.URIMapping) { m.URI = "https://o:8935/ai" }, "uri"},
		{"port 0", func(m *models.URIMapping) { m.URI = "https://o:0" }, "uri"},
		{"port too big", func(m *models.URIMapping) { m.URI = "https://o:70000" }, "uri"},
		{"port not a number", func(m *models.URIMapping) { m.URI = "https://o:89x5" }, "uri"},
		{"empty port", func(m *models.URIMapping) { m.URI = "https://o:" }, "uri"},
		{"space in host", func(m *models.URIMapping) { m.URI = "https://o o:8935" }, "uri"},
		{"unknown job type", func(m *models.URIMapping) { m.JobTypes = "ai,video" }, "job_types"},
		{"no job type", func(m *models.URIMapping) { m.JobTypes = " , " }, "job_types"},
		{"long note", func(m *models.URIMapping) { m.Note = strings.Repeat("n", 1001) }, "note"},
	}
	for _, c := range cases {
		m := good
		c.edit(&m)
		err := m.Normalize()
		var fe *models.FieldError
		if !errors.As(err, &fe) || fe.Field != c.field || !errors.Is(err, models.ErrInvalidMapping) {
			t.Errorf("%s: err = %v, want a FieldError on %s wrapping ErrInvalidMapping", c.name, err, c.field)
		}
	}
	m := good
	m.URI = " http://10.0.0.1:8935/ "
	if err := m.Normalize(); err != nil || m.URI != "http://10.0.0.1:8935" {
		t.Fatalf("trailing slash: %v %q", err, m.URI)
	}
	m.URI = "https://[::1]:8935"
	if err := m.Normalize(); err != nil {
		t.Fatalf("IPv6 host: %v", err)
	}
}

func TestAuditedChangesCommitWithTheirRecord(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		m := models.URIMapping{Orchestrator: addr(7), URI: "https://a:8935", JobTypes: "ai", Note: "first"}
		if err := st.SaveMappingAudited(ctx, "alice", &m); err != nil {
			t.Fatal(err)
		}
		if m.ID == 0 || m.CreatedAt.IsZero() {
			t.Fatalf("created mapping not read back: %+v", m)
		}
		m.URI, m.Note = "https://b:8935", "second"
		if err := st.SaveMappingAudited(ctx, "token", &m); err != nil {
			t.Fatal(err)
		}
		// A failed change leaves neither the change nor an entry.
		bad := m
		bad.JobTypes = "video"
		if err := st.SaveMappingAudited(ctx, "alice", &bad); !errors.Is(err, models.ErrInvalidMapping) {
			t.Fatalf("invalid update: %v", err)
		}
		if err := st.DeleteMappingAudited(ctx, "alice", 9999); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("delete of a missing mapping: %v", err)
		}
		errBoom := errors.New("boom")
		err := st.Audited(ctx, &models.AuditEntry{Actor: "alice", Action: "mapping.delete"}, func(tx *models.Store) error {
			if err := models.DeleteMapping(tx, ctx, m.ID); err != nil {
				return err
			}
			return errBoom
		})
		if !errors.Is(err, errBoom) {
			t.Fatalf("Audited returned %v", err)
		}
		if _, err := st.Mapping(ctx, m.ID); err != nil {
			t.Fatalf("the delete of a failed audited change was kept: %v", err)
		}
		if err := st.Audited(ctx, &models.AuditEntry{}, func(*models.Store) error { return nil }); err == nil {
			t.Fatal("an entry without actor and action was accepted")
		}
		if err := st.DeleteMappingAudited(ctx, "alice", m.ID); err != nil {
			t.Fatal(err)
		}
		log, err := st.AuditLog(ctx, models.AuditQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(log) != 3 {
			t.Fatalf("%d entries, want 3: %+v", len(log), log)
		}
		del, upd, cre := log[0], log[1], log[2]
		target := "mapping:" + itoa(m.ID)
		check := func(e models.AuditEntry, actor, action string, before, after string) {
			t.Helper()
			if e.Actor != actor || e.Action != action || e.Target != target || e.At.IsZero() {
				t.Errorf("entry %+v, want %s %s on %s", e, actor, action, target)
			}
			for _, side := range []struct{ got, want string }{{e.Before, before}, {e.After, after}} {
				if side.want == "" {
					if side.got != "" {
						t.Errorf("%s: got %s, want nothing", action, side.got)
					}
					continue
				}
				var rec models.URIMapping
				if err := json.Unmarshal([]byte(side.got), &rec); err != nil || rec.URI != side.want || rec.ID != m.ID {
					t.Errorf("%s: record %s (%v), want uri %s", action, side.got, err, side.want)
				}
			}
		}
		check(cre, "alice", "mapping.create", "", "https://a:8935")
		check(upd, "token", "mapping.update", "https://a:8935", "https://b:8935")
		check(del, "alice", "mapping.delete", "https://b:8935", "")
		page, err := st.AuditLog(ctx, models.AuditQuery{Limit: 1, BeforeID: upd.ID})
		if err != nil || len(page) != 1 || page[0].ID != cre.ID {
			t.Fatalf("page before %d: %+v %v", upd.ID, page, err)
		}
		byActor, err := st.AuditLog(ctx, models.AuditQuery{Actor: "token", Target: target})
		if err != nil || len(byActor) != 1 || byActor[0].ID != upd.ID {
			t.Fatalf("by actor: %+v %v", byActor, err)
		}
	})
}

func itoa(i int64) string { b, _ := json.Marshal(i); return string(b) }

func TestSessionsAndAdminUsers(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		if n, err := st.AdminUserCount(ctx); err != nil || n != 0 {
			t.Fatalf("count %d %v", n, err)
		}
		if err := st.CreateAdminUser(ctx, "config", "root", "$2a$04$hash"); err != nil {
			t.Fatal(err)
		}
		// A second instance creating the same account is not an error.
		if err := st.CreateAdminUser(ctx, "config", "root", "$2a$04$other"); err != nil {
			t.Fatalf("concurrent create: %v", err)
		}
		u, err := st.AdminUser(ctx, "root")
		if err != nil || u.PasswordHash != "$2a$04$hash" {
			t.Fatalf("user %+v %v", u, err)
		}
		if _, err := st.AdminUser(ctx, "nobody"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("missing user: %v", err)
		}
		now := time.Now().UTC().Truncate(time.Second)
		for i, exp := range []time.Time{now.Add(time.Hour), now.Add(-time.Minute)} {
			s := models.AdminSession{IDHash: strings.Repeat(string(rune('a'+i)), 64), UserID: u.ID,
				CreatedAt: now, LastSeenAt: now, ExpiresAt: exp}
			if err := st.CreateSession(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		got, err := st.Session(ctx, strings.Repeat("a", 64))
		if err != nil || got.Username != "root" || !got.ExpiresAt.Equal(now.Add(time.Hour)) {
			t.Fatalf("session %+v %v", got, err)
		}
		if err := st.TouchSession(ctx, got.IDHash, now.Add(time.Minute), now.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got, _ = st.Session(ctx, got.IDHash); !got.ExpiresAt.Equal(now.Add(2 * time.Hour)) {
			t.Fatalf("touched session expires %v", got.ExpiresAt)
		}
		if n, err := st.DeleteExpiredSessions(ctx, now); err != nil || n != 1 {
			t.Fatalf("expired sessions deleted: %d %v", n, err)
		}
		if err := st.SetAdminPassword(ctx, "config", u.ID, "$2a$04$new"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Session(ctx, got.IDHash); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("session survived a password change: %v", err)
		}
		if err := st.SetAdminPassword(ctx, "config", 9999, "$2a$04$new"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("password of a missing user: %v", err)
		}
		log, _ := st.AuditLog(ctx, models.AuditQuery{})
		for _, e := range log {
			if strings.Contains(e.Before+e.After, "$2a$") {
				t.Errorf("audit entry %+v holds a hash", e)
			}
		}
		if len(log) != 2 {
			t.Fatalf("audit log %+v, want create and password", log)
		}
	})
}

func TestReconciliationData(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		orchs := []models.DiscoveredOrchestrator{
			{Address: addr(1), ServiceURI: "https://a:8935", AIServiceURI: "https://a-ai:8935", Active: true},
			{Address: addr(2), ServiceURI: "https://b:8935", Active: true},
		}
		caps := []models.AdvertisedCapability{{Orchestrator: addr(1), Pipeline: "Llm", Model: "m", Capacity: -1}}
		if err := st.SaveDiscovery(ctx, orchs, caps); err != nil {
			t.Fatal(err)
		}
		m := models.URIMapping{Orchestrator: addr(3), URI: "https://c:8935", JobTypes: "ai"}
		if err := st.SaveMappingAudited(ctx, "alice", &m); err != nil {
			t.Fatal(err)
		}
		var sweeps []models.Sweep
		for i := 0; i < 2; i++ {
			sw := models.Sweep{Region: "GLOBAL", StartedBy: "cli"}
			if err := st.CreateSweep(ctx, &sw); err != nil {
				t.Fatal(err)
			}
			sweeps = append(sweeps, sw)
		}
		res := func(orch int, sweep int64, o models.Outcome) models.NewResult {
			return models.NewResult{SweepID: sweep, Outcome: o, IngestKey: "self", Stats: ingest.Stats{
				Region: "GLOBAL", Orchestrator: addr(orch), Pipeline: "Llm", Model: "m"}}
		}
		err := st.Insert(ctx,
			res(1, sweeps[0].ID, models.OutcomeFail), // older sweep: ignored
			res(1, sweeps[1].ID, models.OutcomePass),
			res(1, sweeps[1].ID, models.OutcomeUnavailable),
			res(2, sweeps[0].ID, models.OutcomeUnavailable),
			res(2, sweeps[0].ID, models.OutcomeUnavailable),
			res(2, 0, models.OutcomePass), // not ours
		)
		if err != nil {
			t.Fatal(err)
		}
		d, err := st.Reconciliation(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Orchestrators) != 2 || len(d.Mappings) != 1 || len(d.Capabilities[addr(1)]) != 1 || len(d.Capabilities[addr(2)]) != 0 {
			t.Fatalf("data %+v", d)
		}
		a, b := d.LastTests[addr(1)], d.LastTests[addr(2)]
		if a.Sweep != sweeps[1].ID || a.Passed != 1 || a.Unavailable != 1 || a.Failed != 0 || a.Total() != 2 {
			t.Errorf("orchestrator 1: %+v", a)
		}
		if b.Sweep != sweeps[0].ID || b.Unavailable != 2 || b.Total() != 2 || b.StartedAt.IsZero() {
			t.Errorf("orchestrator 2: %+v", b)
		}
		if _, ok := d.LastTests[addr(3)]; ok {
			t.Error("an untested orchestrator has tests")
		}
	})
}
