package control_test

import (
	"strconv"
	"testing"
	"time"

	"jobtester/control"
	"jobtester/models"
)

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

// TestReconciliationFromTheStore gathers what discovery and the admin
// stored, through the real store, and flags it.
func TestReconciliationFromTheStore(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		ops, _ := newOps(t, dialect)
		pass := time.Now().UTC().Truncate(time.Second)
		a1, a2 := "0x0000000000000000000000000000000000000001", "0x0000000000000000000000000000000000000002"
		st := ops.Store.(*models.Store)
		err := st.SaveDiscovery(ctx(t), []models.DiscoveredOrchestrator{
			{Address: a1, ServiceURI: "https://a:8935", Active: true, Sources: "chain", FirstSeenAt: pass, LastSeenAt: pass},
			{Address: a2, ServiceURI: "https://b:8935", Active: true, Sources: "chain", FirstSeenAt: pass, LastSeenAt: pass},
		}, []models.AdvertisedCapability{{Orchestrator: a1, Pipeline: "Llm", Model: "m", SeenAt: pass}})
		if err != nil {
			t.Fatal(err)
		}
		m := models.URIMapping{Orchestrator: a1, URI: "https://a-gpu:8935", JobTypes: "ai"}
		if err := ops.SaveMapping(ctx(t), "ops", &m); err != nil {
			t.Fatal(err)
		}
		rec, err := ops.Reconciliation(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.Rows) != 2 || rec.DiscoveredAt.IsZero() {
			t.Fatalf("rows %+v", rec.Rows)
		}
		r1, r2 := rec.Rows[0], rec.Rows[1]
		if r1.TestedURI != "https://a-gpu:8935" || r1.Worst() != control.FlagConflict || len(r1.Mappings) != 1 {
			t.Errorf("row 1: %+v", r1)
		}
		if r2.Worst() != control.FlagUnreachable || rec.Counts[control.FlagUnreachable] != 1 || rec.Counts[control.FlagConflict] != 1 {
			t.Errorf("row 2: %+v, counts %v", r2, rec.Counts)
		}
		if err := ops.DeleteMapping(ctx(t), "ops", m.ID); err != nil {
			t.Fatal(err)
		}
		if ms, err := ops.Mappings(ctx(t)); err != nil || ms == nil || len(ms) != 0 {
			t.Fatalf("mappings after delete: %v %v", ms, err)
		}
	})
}
