package models_test

import (
	"errors"
	"testing"

	"jobtester/dbtest"
	"jobtester/models"
)

func TestMappingsValidateAndRoundTrip(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		bad := []models.URIMapping{
			{Orchestrator: "0x123", URI: "https://o:8935", JobTypes: "ai"},
			{Orchestrator: addr(1), URI: "o:8935", JobTypes: "ai"},
			{Orchestrator: addr(1), URI: "ftp://o:8935", JobTypes: "ai"},
			{Orchestrator: addr(1), URI: "https://user:pw@o:8935", JobTypes: "ai"},
			{Orchestrator: addr(1), URI: "https://o:8935", JobTypes: ""},
			{Orchestrator: addr(1), URI: "https://o:8935", JobTypes: "ai,video"},
		}
		for _, m := range bad {
			if err := st.SaveMappingAudited(ctx, "alice", &m); !errors.Is(err, models.ErrInvalidMapping) {
				t.Errorf("%+v: err = %v, want ErrInvalidMapping", m, err)
			}
		}
		m := models.URIMapping{Orchestrator: "0x" + "AB" + addr(1)[4:], URI: " https://live.example.com:8935 ", JobTypes: "live, AI,ai"}
		if err := st.SaveMappingAudited(ctx, "alice", &m); err != nil {
			t.Fatal(err)
		}
		if m.JobTypes != "ai,live" || m.URI != "https://live.example.com:8935" || m.Orchestrator != "0xab"+addr(1)[4:] {
			t.Fatalf("not normalised: %+v", m)
		}
		dup := models.URIMapping{Orchestrator: m.Orchestrator, URI: m.URI, JobTypes: "transcoding"}
		if err := st.SaveMappingAudited(ctx, "alice", &dup); !errors.Is(err, models.ErrInvalidMapping) {
			t.Fatalf("duplicate mapping: %v", err)
		}
		m.JobTypes = "transcoding"
		if err := st.SaveMappingAudited(ctx, "alice", &m); err != nil {
			t.Fatal(err)
		}
		got, err := st.Mapping(ctx, m.ID)
		if err != nil || got.JobTypes != "transcoding" || got.Serves("ai") || !got.Serves("transcoding") {
			t.Fatalf("after update: %+v %v", got, err)
		}
		if err := st.DeleteMappingAudited(ctx, "alice", m.ID); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteMappingAudited(ctx, "alice", m.ID); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
		missing := models.URIMapping{ID: 999, Orchestrator: addr(2), URI: "https://x", JobTypes: "ai"}
		if err := st.SaveMappingAudited(ctx, "alice", &missing); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("update of a missing mapping: %v", err)
		}
	})
}

func TestDiscoveryAndSweepsAreKept(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		st := dbtest.Open(t, dialect, models.Options{})
		orchs := []models.DiscoveredOrchestrator{{Address: addr(1), ServiceURI: "https://a", Active: true, Stake: "340282366920938463463374607431768211457", Sources: "gateway,chain"}}
		caps := []models.AdvertisedCapability{{Orchestrator: addr(1), Pipeline: "Llm", Model: "m", Warm: true, Capacity: 2}}
		if err := st.SaveDiscovery(ctx, orchs, caps); err != nil {
			t.Fatal(err)
		}
		orchs[0].ServiceURI = "https://b"
		if err := st.SaveDiscovery(ctx, orchs, caps[:0]); err != nil {
			t.Fatal(err)
		}
		got, err := st.Orchestrators(ctx)
		if err != nil || len(got) != 1 || got[0].ServiceURI != "https://b" || got[0].Stake != orchs[0].Stake {
			t.Fatalf("orchestrators = %+v %v", got, err)
		}
		sw := models.Sweep{Region: "FRA", StartedBy: "cli", Lanes: 2}
		if err := st.CreateSweep(ctx, &sw); err != nil || sw.ID == 0 {
			t.Fatalf("create sweep: %v", err)
		}
		r := aiResult(1, "FRA", 1, 2, sw.StartedAt)
		r.SweepID, r.HTTPStatus = sw.ID, 200
		if err := st.Insert(ctx, r); err != nil {
			t.Fatal(err)
		}
		sw.Status, sw.Expected, sw.Passed = models.SweepDone, 1, 1
		if err := st.UpdateSweep(ctx, &sw); err != nil {
			t.Fatal(err)
		}
		back, err := st.GetSweep(ctx, sw.ID)
		if err != nil || back.Status != models.SweepDone || back.Passed != 1 || back.Lanes != 2 {
			t.Fatalf("sweep = %+v %v", back, err)
		}
		res, err := st.SweepResults(ctx, sw.ID)
		if err != nil || len(res) != 1 || res[0].HTTPStatus != 200 || res[0].SweepID == nil || *res[0].SweepID != sw.ID {
			t.Fatalf("sweep results = %+v %v", res, err)
		}
		if _, err := st.GetSweep(ctx, 12345); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("missing sweep: %v", err)
		}
	})
}
