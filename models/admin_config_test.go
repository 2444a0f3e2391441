package models_test

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"jobtester/dbtest"
	"jobtester/ingest"
	"jobtester/models"
)

// TestIngestKeysAuthenticateAcrossInstancesUntilRevoked runs two
// instances on one database: a key created on one is accepted by the
// other after its refresh, its secret is stored sealed, and once revoked
// neither accepts it.
func TestIngestKeysAuthenticateAcrossInstancesUntilRevoked(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		dsn := dbtest.DSN(t, dialect)
		a := dbtest.OpenDSN(t, dsn, models.Options{})
		b := dbtest.OpenDSN(t, dsn, models.Options{})
		sealer, err := ingest.NewSealer("the-instance-secret-setting")
		if err != nil {
			t.Fatal(err)
		}
		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		ringA := ingest.NewKeyring([]ingest.Key{{Name: "default", Secret: "the-instance-secret-setting"}})
		ringB := ingest.NewKeyring([]ingest.Key{{Name: "default", Secret: "the-instance-secret-setting"}})
		refA := &ingest.Refresher{Ring: ringA, Source: a, Sealer: sealer, Log: quiet}
		refB := &ingest.Refresher{Ring: ringB, Source: b, Sealer: sealer, Log: quiet}

		for _, bad := range []string{"", "Upper", "-lead", strings.Repeat("k", 65), "sp ace"} {
			if _, _, err := a.CreateIngestKeyAudited(ctx, "alice", bad, sealer); !errors.Is(err, models.ErrInvalidSetting) {
				t.Errorf("name %q: err = %v, want ErrInvalidSetting", bad, err)
			}
		}
		k, secret, err := a.CreateIngestKeyAudited(ctx, "alice", "stream-tester-fra", sealer)
		if err != nil {
			t.Fatal(err)
		}
		if len(secret) != 64 || k.Secret == "" || strings.Contains(k.Secret, secret) {
			t.Fatalf("secret %q stored as %q: want 64 hex chars, stored sealed", secret, k.Secret)
		}
		if _, _, err := a.CreateIngestKeyAudited(ctx, "bob", "stream-tester-fra", sealer); !errors.Is(err, models.ErrInvalidSetting) {
			t.Fatalf("duplicate name: %v", err)
		}
		body := []byte(`{"region":"FRA"}`)
		if _, err := ringB.Verify(ingest.Sign(secret, body), body); err == nil {
			t.Fatal("instance b accepted the key before refreshing")
		}
		for _, r := range []*ingest.Refresher{refA, refB} {
			if err := r.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
		}
		for name, ring := range map[string]*ingest.Keyring{"a": ringA, "b": ringB} {
			if got, err := ring.Verify(ingest.Sign(secret, body), body); err != nil || got != "stream-tester-fra" {
				t.Fatalf("instance %s: %q %v", name, got, err)
			}
		}
		// b's use reaches the database at its next refresh.
		if err := refB.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		keys, err := a.IngestKeys(ctx)
		if err != nil || len(keys) != 1 || keys[0].LastUsedAt == nil || keys[0].CreatedBy != "alice" || keys[0].Revoked() {
			t.Fatalf("keys = %+v %v", keys, err)
		}

		if _, err := a.RevokeIngestKeyAudited(ctx, "bob", k.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.RevokeIngestKeyAudited(ctx, "bob", k.ID); !errors.Is(err, models.ErrInvalidSetting) {
			t.Fatalf("second revoke: %v", err)
		}
		if _, err := a.RevokeIngestKeyAudited(ctx, "bob", 9999); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("revoke of a missing key: %v", err)
		}
		for _, r := range []*ingest.Refresher{refA, refB} {
			if err := r.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
		}
		for name, ring := range map[string]*ingest.Keyring{"a": ringA, "b": ringB} {
			if _, err := ring.Verify(ingest.Sign(secret, body), body); err == nil {
				t.Fatalf("instance %s still accepts the revoked key", name)
			}
			if got, err := ring.Verify(ingest.Sign("the-instance-secret-setting", body), body); err != nil || got != "default" {
				t.Fatalf("instance %s lost its config key: %q %v", name, got, err)
			}
		}
		keys, _ = a.IngestKeys(ctx)
		if !keys[0].Revoked() || keys[0].RevokedBy != "bob" {
			t.Fatalf("after revoke: %+v", keys[0])
		}
	})
}

// TestSealedKeysNeedTheSameSecretSetting: an instance with another (or no)
// `secret` cannot use sealed keys, but keeps working with its own.
func TestSealedKeysNeedTheSameSecretSetting(t *testing.T) {
	st := dbtest.Open(t, "sqlite", models.Options{})
	sealed, _ := ingest.NewSealer("first-secret-setting-0001")
	plain, _ := ingest.NewSealer("")
	_, s1, err := st.CreateIngestKeyAudited(ctx, "alice", "sealed", sealed)
	if err != nil {
		t.Fatal(err)
	}
	_, s2, err := st.CreateIngestKeyAudited(ctx, "alice", "plain", plain)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte("x")
	for _, master := range []string{"", "other-secret-setting-0002"} {
		other, _ := ingest.NewSealer(master)
		ring := ingest.NewKeyring(nil)
		var logs strings.Builder
		ref := &ingest.Refresher{Ring: ring, Source: st, Sealer: other, Log: slog.New(slog.NewTextHandler(&logs, nil))}
		if err := ref.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := ring.Verify(ingest.Sign(s1, body), body); err == nil {
			t.Fatalf("secret %q opened a key sealed under another", master)
		}
		if got, err := ring.Verify(ingest.Sign(s2, body), body); err != nil || got != "plain" {
			t.Fatalf("secret %q: plain key %q %v", master, got, err)
		}
		if !strings.Contains(logs.String(), "sealed") {
			t.Fatalf("the unusable key is not logged: %s", logs.String())
		}
	}
}

func TestConfigKeyNamesWinOverStoredOnes(t *testing.T) {
	ring := ingest.NewKeyring([]ingest.Key{{Name: "default", Secret: "config-secret-000001"}})
	ring.SetStored([]ingest.Key{{Name: "default", Secret: "stored-secret-000002"}, {Name: "x", Secret: "stored-secret-000003"}})
	body := []byte("b")
	if _, err := ring.Verify(ingest.Sign("stored-secret-000002", body), body); err == nil {
		t.Fatal("a stored key shadowed a config key")
	}
	if ring.Len() != 2 {
		t.Fatalf("Len = %d, want 2", ring.Len())
	}
}

func TestSchedulesAndTestDefinitionsOverrideAndReset(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		if _, err := st.GetSchedule(ctx, models.SweepSchedule); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("no stored schedule: %v", err)
		}
		for _, bad := range []string{"", "   ", "a\nb", strings.Repeat("1", 257)} {
			if err := st.SaveScheduleAudited(ctx, "alice", &models.Schedule{Name: models.SweepSchedule, Expr: bad}); !errors.Is(err, models.ErrInvalidSetting) {
				t.Errorf("expr %q: %v", bad, err)
			}
		}
		sc := models.Schedule{Name: models.SweepSchedule, Expr: " @every 30m ", Enabled: true}
		if err := st.SaveScheduleAudited(ctx, "alice", &sc); err != nil {
			t.Fatal(err)
		}
		sc = models.Schedule{Name: models.SweepSchedule, Expr: "0 */2 * * *", Enabled: false}
		if err := st.SaveScheduleAudited(ctx, "bob", &sc); err != nil {
			t.Fatal(err)
		}
		got, err := st.GetSchedule(ctx, models.SweepSchedule)
		if err != nil || got.Expr != "0 */2 * * *" || got.Enabled || got.UpdatedBy != "bob" || time.Since(got.UpdatedAt) > time.Minute {
			t.Fatalf("schedule = %+v %v", got, err)
		}
		if err := st.DeleteScheduleAudited(ctx, "alice", models.SweepSchedule); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteScheduleAudited(ctx, "alice", models.SweepSchedule); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}

		for _, bad := range []string{"[]", "1", `{"a":`, "null", `"x"`} {
			d := models.TestDefinition{Pipeline: "Llm", Enabled: true, Params: bad}
			if err := st.SaveTestDefinitionAudited(ctx, "alice", &d); !errors.Is(err, models.ErrInvalidSetting) {
				t.Errorf("params %q: %v", bad, err)
			}
		}
		d := models.TestDefinition{Pipeline: "Llm", Enabled: false, Params: "{ \"max_tokens\": 8 }"}
		if err := st.SaveTestDefinitionAudited(ctx, "alice", &d); err != nil {
			t.Fatal(err)
		}
		d2 := models.TestDefinition{Pipeline: "Upscale", Enabled: true}
		if err := st.SaveTestDefinitionAudited(ctx, "alice", &d2); err != nil {
			t.Fatal(err)
		}
		defs, err := st.TestDefinitions(ctx)
		if err != nil || len(defs) != 2 || defs[0].Pipeline != "Llm" || defs[0].Enabled || defs[0].Params != `{"max_tokens":8}` || defs[1].Params != "{}" {
			t.Fatalf("definitions = %+v %v", defs, err)
		}
		if err := st.DeleteTestDefinitionAudited(ctx, "alice", "Llm"); err != nil {
			t.Fatal(err)
		}
		if defs, _ := st.TestDefinitions(ctx); len(defs) != 1 {
			t.Fatalf("after delete: %+v", defs)
		}
	})
}

func TestRegionsCreateEditAndRefuseRemovalInUse(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		bad := []models.RegionDetail{
			{Name: "", DisplayName: "x", JobType: "ai"},
			{Name: "BAD NAME", DisplayName: "x", JobType: "ai"},
			{Name: "OK", DisplayName: "", JobType: "ai"},
			{Name: "OK", DisplayName: "x", JobType: "live"},
			{Name: "OK", DisplayName: "x", JobType: "ai", Description: strings.Repeat("d", 1001)},
			{Name: "FRA", DisplayName: "Frankfurt again", JobType: "ai"}, // exists
		}
		for _, r := range bad {
			if err := st.SaveRegionAudited(ctx, "alice", &r); !errors.Is(err, models.ErrInvalidSetting) {
				t.Errorf("%+v: err = %v, want ErrInvalidSetting", r, err)
			}
		}
		r := models.RegionDetail{Name: "WAW", DisplayName: "Warsaw", JobType: "AI", Description: " GPU hosts in Poland "}
		if err := st.SaveRegionAudited(ctx, "alice", &r); err != nil {
			t.Fatal(err)
		}
		if r.ID == 0 || r.JobType != "ai" || r.Description != "GPU hosts in Poland" {
			t.Fatalf("created %+v", r)
		}
		// The store's in-memory regions follow at once: results may use it.
		if err := st.Insert(ctx, aiResult(1, "WAW", 1, 1, time.Now())); err != nil {
			t.Fatalf("insert into the new region: %v", err)
		}
		if _, err := st.DeleteRegionAudited(ctx, "alice", r.ID); !errors.Is(err, models.ErrInUse) || !strings.Contains(err.Error(), "stored results") {
			t.Fatalf("delete of a used region: %v", err)
		}
		r.Name = "WRO"
		if err := st.SaveRegionAudited(ctx, "alice", &r); !errors.Is(err, models.ErrInUse) {
			t.Fatalf("rename of a used region: %v", err)
		}
		r.Name, r.DisplayName, r.Description = "WAW", "Warszawa", "renamed display"
		if err := st.SaveRegionAudited(ctx, "alice", &r); err != nil {
			t.Fatal(err)
		}
		got, err := st.RegionDetailByID(ctx, r.ID)
		if err != nil || got.DisplayName != "Warszawa" || got.Description != "renamed display" {
			t.Fatalf("after edit: %+v %v", got, err)
		}

		u := models.RegionDetail{Name: "OSL", DisplayName: "Oslo", JobType: "transcoding"}
		if err := st.SaveRegionAudited(ctx, "alice", &u); err != nil {
			t.Fatal(err)
		}
		u.Name, u.JobType = "BGO", "ai" // unused: name and type may change
		if err := st.SaveRegionAudited(ctx, "alice", &u); err != nil {
			t.Fatal(err)
		}
		if _, err := st.DeleteRegionAudited(ctx, "alice", u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.DeleteRegionAudited(ctx, "alice", u.ID); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
		regions, _ := st.Regions(ctx)
		for _, reg := range regions {
			if reg.Name == "BGO" || reg.Name == "OSL" {
				t.Fatalf("deleted region still listed: %+v", reg)
			}
		}
		details, err := st.RegionDetails(ctx)
		if err != nil || len(details) != len(regions) {
			t.Fatalf("details %d vs regions %d: %v", len(details), len(regions), err)
		}
	})
}

// TestAdminConfigChangesAreAudited: every audited change leaves one entry
// naming who, what and the record before and after (never a secret), and
// a refused change leaves none.
func TestAdminConfigChangesAreAudited(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		sealer, _ := ingest.NewSealer("")
		k, secret, err := st.CreateIngestKeyAudited(ctx, "alice", "lon-tester", sealer)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.RevokeIngestKeyAudited(ctx, "bob", k.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.RevokeIngestKeyAudited(ctx, "bob", k.ID); err == nil {
			t.Fatal("second revoke accepted")
		}
		if err := st.SaveScheduleAudited(ctx, "alice", &models.Schedule{Name: models.SweepSchedule, Expr: "@every 2h", Enabled: true}); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteScheduleAudited(ctx, "alice", models.SweepSchedule); err != nil {
			t.Fatal(err)
		}
		if err := st.SaveTestDefinitionAudited(ctx, "carol", &models.TestDefinition{Pipeline: "Llm", Params: `{"max_tokens":4}`}); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteTestDefinitionAudited(ctx, "carol", "Llm"); err != nil {
			t.Fatal(err)
		}
		r := models.RegionDetail{Name: "WAW", DisplayName: "Warsaw", JobType: "ai"}
		if err := st.SaveRegionAudited(ctx, "dave", &r); err != nil {
			t.Fatal(err)
		}
		if err := st.Insert(ctx, aiResult(1, "WAW", 1, 1, time.Now())); err != nil {
			t.Fatalf("the audited create did not reach the store's regions: %v", err)
		}
		if _, err := st.DeleteRegionAudited(ctx, "dave", r.ID); !errors.Is(err, models.ErrInUse) {
			t.Fatalf("delete of a used region: %v", err)
		}
		if err := st.AuditAction(ctx, "erin", "sweep.start", "orchestrator:"+addr(1), map[string]int64{"sweep_id": 3}); err != nil {
			t.Fatal(err)
		}
		log, err := st.AuditLog(ctx, models.AuditQuery{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for i := len(log) - 1; i >= 0; i-- {
			e := log[i]
			got = append(got, e.Actor+" "+e.Action+" "+e.Target)
			if strings.Contains(e.Before+e.After, secret) {
				t.Fatalf("the secret is in the audit log: %+v", e)
			}
		}
		want := []string{
			"alice ingest_key.create ingest_key:1", "bob ingest_key.revoke ingest_key:1",
			"alice schedule.update schedule:sweep", "alice schedule.reset schedule:sweep",
			"carol test_definition.update test_definition:Llm", "carol test_definition.reset test_definition:Llm",
			"dave region.create region:" + fmt.Sprint(r.ID), "erin sweep.start orchestrator:" + addr(1),
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if !strings.Contains(log[len(log)-2].Before, `"revoked_at":null`) || !strings.Contains(log[len(log)-2].After, `"revoked_by":"bob"`) {
			t.Fatalf("revoke entry: %+v", log[len(log)-2])
		}
	})
}
