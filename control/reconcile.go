package control

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"jobtester/models"
)

// Flag kinds, most serious first.
const (
	FlagConflict    = "conflict"    // a mapping and a registry (or two mappings, or two nodes) disagree
	FlagUnreachable = "unreachable" // the last discovery or test could not reach the node
	FlagStale       = "stale"       // a mapping that no longer does anything
	FlagRedundant   = "redundant"   // a mapping that says what the registries already say
	FlagNote        = "note"        // worth knowing, nothing to fix
)

var flagOrder = map[string]int{FlagConflict: 0, FlagUnreachable: 1, FlagStale: 2, FlagRedundant: 3, FlagNote: 4}

// Flag is one finding of the reconciliation.
type Flag struct {
	Kind string
	Text string
}

// ReconMapping is a mapping with what was found about it.
type ReconMapping struct {
	models.URIMapping
	Flags []Flag
}

// ReconRow is one orchestrator as the registries, the mappings, discovery
// and the latest tests see it.
type ReconRow struct {
	Address      string
	Discovered   bool // in the orchestrators table at all
	Listed       bool // listed by the latest discovery pass
	Active       bool
	Sources      string
	LastSeenAt   time.Time
	ServiceURI   string // ServiceRegistry (on-chain or the gateway's)
	AIServiceURI string // AIServiceRegistry
	Mappings     []ReconMapping
	// TestedURI is where batch AI tests go now, and TestedFrom why: the
	// planner's order (an ai mapping, the AI registry, the service URI).
	TestedURI    string
	TestedFrom   string
	Capabilities int // advertised at the latest discovery pass
	LastTests    *models.SweepTests
	Flags        []Flag
}

// Worst is the most serious kind among the row's flags and its mappings'
// ("" when nothing is flagged but notes).
func (r ReconRow) Worst() string {
	worst := ""
	for _, f := range r.allFlags() {
		if f.Kind != FlagNote && (worst == "" || flagOrder[f.Kind] < flagOrder[worst]) {
			worst = f.Kind
		}
	}
	return worst
}

func (r ReconRow) allFlags() []Flag {
	out := append([]Flag(nil), r.Flags...)
	for _, m := range r.Mappings {
		out = append(out, m.Flags...)
	}
	return out
}

// Reconciliation is the whole view.
type Reconciliation struct {
	Rows []ReconRow
	// DiscoveredAt is the latest discovery pass (zero: none ran).
	DiscoveredAt time.Time
	// Counts of flags by kind, over rows and mappings.
	Counts map[string]int
}

// sameTime is how close two stored times must be to come from one
// discovery pass: a pass stamps every row with one clock reading, and
// passes are at least a sweep apart.
const sameTime = 5 * time.Second

// Reconcile compares, for every orchestrator discovered or mapped, the
// service registry, the AI registry and the mappings, and flags conflicts,
// stale or redundant mappings and nodes that could not be reached. It is a
// pure function of what the store holds.
func Reconcile(d models.ReconciliationData) Reconciliation {
	var out Reconciliation
	out.Counts = map[string]int{}
	var capsAt time.Time
	for _, o := range d.Orchestrators {
		if o.LastSeenAt.After(out.DiscoveredAt) {
			out.DiscoveredAt = o.LastSeenAt
		}
	}
	for _, cs := range d.Capabilities {
		for _, c := range cs {
			if c.SeenAt.After(capsAt) {
				capsAt = c.SeenAt
			}
		}
	}
	if capsAt.After(out.DiscoveredAt) {
		out.DiscoveredAt = capsAt
	}
	rows := map[string]*ReconRow{}
	row := func(addr string) *ReconRow {
		if r, ok := rows[addr]; ok {
			return r
		}
		r := &ReconRow{Address: addr}
		rows[addr] = r
		return r
	}
	for _, o := range d.Orchestrators {
		r := row(o.Address)
		r.Discovered, r.Active, r.Sources, r.LastSeenAt = true, o.Active, o.Sources, o.LastSeenAt
		r.ServiceURI, r.AIServiceURI = o.ServiceURI, o.AIServiceURI
		r.Listed = !out.DiscoveredAt.IsZero() && out.DiscoveredAt.Sub(o.LastSeenAt) < sameTime
	}
	// Who claims each URI, to find one URI given to two nodes.
	cl := claims{}
	claim := func(uri, addr, how string) {
		if uri == "" {
			return
		}
		uri = strings.TrimSuffix(uri, "/")
		if cl[uri] == nil {
			cl[uri] = map[string]string{}
		}
		if _, ok := cl[uri][addr]; !ok {
			cl[uri][addr] = how
		}
	}
	for _, o := range d.Orchestrators {
		claim(o.ServiceURI, o.Address, "registered")
		claim(o.AIServiceURI, o.Address, "registered in the AI registry")
	}
	for _, m := range d.Mappings {
		r := row(m.Orchestrator)
		r.Mappings = append(r.Mappings, ReconMapping{URIMapping: m})
		claim(m.URI, m.Orchestrator, "mapped")
	}
	for addr, r := range rows {
		for _, c := range d.Capabilities[addr] {
			if !capsAt.IsZero() && capsAt.Sub(c.SeenAt) < sameTime {
				r.Capabilities++
			}
		}
		if t, ok := d.LastTests[addr]; ok {
			r.LastTests = &t
		}
		reconcileRow(r, out.DiscoveredAt, cl)
	}
	for _, r := range rows {
		for _, f := range r.allFlags() {
			out.Counts[f.Kind]++
		}
		out.Rows = append(out.Rows, *r)
	}
	sort.Slice(out.Rows, func(i, j int) bool { return out.Rows[i].Address < out.Rows[j].Address })
	return out
}

// registered is the URI a job type uses when no mapping says otherwise:
// AI and live go to the AI registry's URI when there is one.
func (r *ReconRow) registered(jobType string) (uri, from string) {
	if jobType != models.MappingTranscoding && r.AIServiceURI != "" {
		return r.AIServiceURI, "AI registry"
	}
	if r.ServiceURI != "" {
		return r.ServiceURI, "service registry"
	}
	return "", ""
}

// claims is, per URI (without a trailing slash), who claims it and how:
// address → "registered", "registered in the AI registry" or "mapped".
type claims map[string]map[string]string

func reconcileRow(r *ReconRow, discoveredAt time.Time, cl claims) {
	sort.Slice(r.Mappings, func(i, j int) bool { return r.Mappings[i].URI < r.Mappings[j].URI })
	firstAI := r.testedAt()
	for i := range r.Mappings {
		m := &r.Mappings[i]
		m.Flags = append(m.Flags, r.staleness(discoveredAt)...)
		m.Flags = append(m.Flags, r.againstRegistries(m.URIMapping)...)
		m.Flags = append(m.Flags, r.sharedTags(i, firstAI)...)
		// One URI, two nodes.
		for _, other := range cl.others(m.URI, r.Address, true) {
			m.Flags = append(m.Flags, flag(FlagConflict, "the same URI is %s for %s", other[1], other[0]))
		}
	}
	r.Flags = append(r.Flags, r.nodeFlags(cl)...)
	sortFlags(r.Flags)
	for i := range r.Mappings {
		sortFlags(r.Mappings[i].Flags)
	}
}

func flag(kind, format string, args ...any) Flag {
	return Flag{Kind: kind, Text: fmt.Sprintf(format, args...)}
}

func sortFlags(fs []Flag) {
	sort.SliceStable(fs, func(a, b int) bool { return flagOrder[fs[a].Kind] < flagOrder[fs[b].Kind] })
}

// testedAt sets where batch AI tests go, as the planner picks it (the first
// ai mapping by URI, else the registries), and returns that mapping's
// index, -1 for none.
func (r *ReconRow) testedAt() int {
	for i, m := range r.Mappings {
		if m.Serves(models.MappingAI) {
			r.TestedURI, r.TestedFrom = m.URI, fmt.Sprintf("mapping %d", m.ID)
			return i
		}
	}
	r.TestedURI, r.TestedFrom = r.registered(models.MappingAI)
	return -1
}

// staleness is what makes a mapping of this node stale: the node is gone,
// or inactive so nothing tests it.
func (r *ReconRow) staleness(discoveredAt time.Time) []Flag {
	reached := r.Capabilities > 0 || (r.LastTests != nil && r.LastTests.Passed+r.LastTests.Failed > 0)
	switch {
	case discoveredAt.IsZero():
		return []Flag{flag(FlagNote, "not checked yet: no discovery has run")}
	case !r.Listed && !reached && r.Discovered:
		return []Flag{flag(FlagStale, "no registry has listed %s since %s, and the gateway reported nothing for it at the last discovery",
			r.Address, r.LastSeenAt.UTC().Format("2006-01-02 15:04"))}
	case !r.Listed && !reached:
		return []Flag{flag(FlagStale, "%s is in no registry and the gateway reported nothing for it at the last discovery", r.Address)}
	case !r.Listed:
		return []Flag{flag(FlagNote, "off-registry node reached through its mappings")}
	case r.Discovered && !r.Active:
		return []Flag{flag(FlagStale, "the orchestrator is not active: mappings do not make it testable")}
	}
	return nil
}

// againstRegistries compares a mapping with what the registries say, per
// job type: redundant where they agree, a conflict where it overrides them.
func (r *ReconRow) againstRegistries(m models.URIMapping) []Flag {
	var same, differs []string
	for _, t := range strings.Split(m.JobTypes, ",") {
		reg, from := r.registered(t)
		switch {
		case reg == "":
		case sameURI(reg, m.URI):
			same = append(same, t)
		default:
			differs = append(differs, fmt.Sprintf("%s (%s: %s)", t, from, reg))
		}
	}
	var out []Flag
	if len(same) > 0 && len(differs) == 0 {
		out = append(out, flag(FlagRedundant, "same URI as the registry says for %s: the mapping changes nothing", strings.Join(same, ", ")))
	} else if len(same) > 0 {
		out = append(out, flag(FlagNote, "same URI as the registry for %s", strings.Join(same, ", ")))
	}
	if len(differs) > 0 {
		out = append(out, flag(FlagConflict, "overrides the registry for %s", strings.Join(differs, "; ")))
	}
	return out
}

// sharedTags flags mapping i for each other mapping of this node tagged
// with one of its job types: only the first by URI is used for AI.
func (r *ReconRow) sharedTags(i, firstAI int) []Flag {
	var out []Flag
	m := r.Mappings[i]
	for j, o := range r.Mappings {
		if j == i {
			continue
		}
		for _, t := range strings.Split(m.JobTypes, ",") {
			if o.Serves(t) {
				used := "the first by URI is used"
				if t == models.MappingAI && firstAI >= 0 {
					used = "tests use " + r.Mappings[firstAI].URI
				}
				out = append(out, flag(FlagConflict, "mapping %d is also tagged %s with %s: %s", o.ID, t, o.URI, used))
			}
		}
	}
	return out
}

// nodeFlags are the findings about the node itself: registries that
// disagree, a node nothing could reach, a registered URI another node
// claims too (mapped claims are flagged on the mapping).
func (r *ReconRow) nodeFlags(cl claims) []Flag {
	var out []Flag
	if r.ServiceURI != "" && r.AIServiceURI != "" && !sameURI(r.ServiceURI, r.AIServiceURI) {
		out = append(out, flag(FlagNote, "the AI registry points elsewhere than the service registry"))
	}
	if r.Listed && r.Active && r.Capabilities == 0 {
		out = append(out, flag(FlagUnreachable, "no capabilities at the last discovery: the gateway could not reach %s, or it advertises no AI",
			orNone(r.TestedURI)))
	}
	if t := r.LastTests; t != nil && t.Total() > 0 && t.Unavailable == t.Total() {
		out = append(out, flag(FlagUnreachable, "every attempt of sweep %d (%s) ended unavailable: nothing answered at %s",
			t.Sweep, t.StartedAt.UTC().Format("2006-01-02 15:04"), orNone(r.TestedURI)))
	}
	for i, uri := range []string{r.ServiceURI, r.AIServiceURI} {
		if uri == "" || (i == 1 && sameURI(uri, r.ServiceURI)) {
			continue
		}
		for _, other := range cl.others(uri, r.Address, false) {
			out = append(out, flag(FlagConflict, "%s is also %s for %s", uri, other[1], other[0]))
		}
	}
	return out
}

// others lists, by address, the other nodes that claim uri and
// how ([address, how]); mapped claims only when withMapped.
func (cl claims) others(uri, self string, withMapped bool) [][2]string {
	var out [][2]string
	for addr, how := range cl[strings.TrimSuffix(uri, "/")] {
		if addr != self && (withMapped || how != "mapped") {
			out = append(out, [2]string{addr, how})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

func sameURI(a, b string) bool {
	return strings.EqualFold(strings.TrimSuffix(a, "/"), strings.TrimSuffix(b, "/"))
}

func orNone(uri string) string {
	if uri == "" {
		return "(no URI)"
	}
	return uri
}

// Reconciliation reconciles what the store holds now.
func (o *Ops) Reconciliation(ctx context.Context) (Reconciliation, error) {
	d, err := o.Store.Reconciliation(ctx)
	if err != nil {
		return Reconciliation{}, err
	}
	return Reconcile(d), nil
}
