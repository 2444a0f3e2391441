package admin

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

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
	claims := map[string]map[string]string{} // uri → address → how
	claim := func(uri, addr, how string) {
		if uri == "" {
			return
		}
		uri = strings.TrimSuffix(uri, "/")
		if claims[uri] == nil {
			claims[uri] = map[string]string{}
		}
		if _, ok := claims[uri][addr]; !ok {
			claims[uri][addr] = how
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
		reconcileRow(r, out.DiscoveredAt, claims)
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

func reconcileRow(r *ReconRow, discoveredAt time.Time, claims map[string]map[string]string) {
	add := func(fs *[]Flag, kind, format string, args ...any) {
		*fs = append(*fs, Flag{Kind: kind, Text: fmt.Sprintf(format, args...)})
	}
	sort.Slice(r.Mappings, func(i, j int) bool { return r.Mappings[i].URI < r.Mappings[j].URI })

	// Where batch AI tests go, as the planner picks it.
	firstAI := -1
	for i, m := range r.Mappings {
		if m.Serves(models.MappingAI) {
			firstAI = i
			break
		}
	}
	switch {
	case firstAI >= 0:
		r.TestedURI, r.TestedFrom = r.Mappings[firstAI].URI, fmt.Sprintf("mapping %d", r.Mappings[firstAI].ID)
	default:
		r.TestedURI, r.TestedFrom = r.registered(models.MappingAI)
	}

	offRegistry := !r.Listed
	reached := r.Capabilities > 0 || (r.LastTests != nil && r.LastTests.Passed+r.LastTests.Failed > 0)
	for i := range r.Mappings {
		m := &r.Mappings[i]
		// Stale: the node is gone, or inactive so nothing tests it.
		switch {
		case discoveredAt.IsZero():
			add(&m.Flags, FlagNote, "not checked yet: no discovery has run")
		case offRegistry && !reached:
			if r.Discovered {
				add(&m.Flags, FlagStale, "no registry has listed %s since %s, and the gateway reported nothing for it at the last discovery",
					r.Address, r.LastSeenAt.UTC().Format("2006-01-02 15:04"))
			} else {
				add(&m.Flags, FlagStale, "%s is in no registry and the gateway reported nothing for it at the last discovery", r.Address)
			}
		case offRegistry:
			add(&m.Flags, FlagNote, "off-registry node reached through its mappings")
		case r.Discovered && !r.Active:
			add(&m.Flags, FlagStale, "the orchestrator is not active: mappings do not make it testable")
		}
		// Redundant, or overriding a registry, per job type.
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
		if len(same) > 0 && len(differs) == 0 {
			add(&m.Flags, FlagRedundant, "same URI as the registry says for %s: the mapping changes nothing", strings.Join(same, ", "))
		} else if len(same) > 0 {
			add(&m.Flags, FlagNote, "same URI as the registry for %s", strings.Join(same, ", "))
		}
		if len(differs) > 0 {
			add(&m.Flags, FlagConflict, "overrides the registry for %s", strings.Join(differs, "; "))
		}
		// Two mappings of this node tagged with one job type: only the
		// first by URI is used for AI.
		for j := range r.Mappings {
			if j == i {
				continue
			}
			o := r.Mappings[j]
			for _, t := range strings.Split(m.JobTypes, ",") {
				if o.Serves(t) {
					used := "the first by URI is used"
					if t == models.MappingAI && firstAI >= 0 {
						used = "tests use " + r.Mappings[firstAI].URI
					}
					add(&m.Flags, FlagConflict, "mapping %d is also tagged %s with %s: %s", o.ID, t, o.URI, used)
				}
			}
		}
		// One URI, two nodes.
		for _, other := range othersClaiming(claims, m.URI, r.Address, true) {
			add(&m.Flags, FlagConflict, "the same URI is %s for %s", other[1], other[0])
		}
	}

	// The node itself.
	if r.ServiceURI != "" && r.AIServiceURI != "" && !sameURI(r.ServiceURI, r.AIServiceURI) {
		add(&r.Flags, FlagNote, "the AI registry points elsewhere than the service registry")
	}
	if r.Listed && r.Active && r.Capabilities == 0 {
		add(&r.Flags, FlagUnreachable, "no capabilities at the last discovery: the gateway could not reach %s, or it advertises no AI",
			orNone(r.TestedURI))
	}
	if t := r.LastTests; t != nil && t.Total() > 0 && t.Unavailable == t.Total() {
		add(&r.Flags, FlagUnreachable, "every attempt of sweep %d (%s) ended unavailable: nothing answered at %s",
			t.Sweep, t.StartedAt.UTC().Format("2006-01-02 15:04"), orNone(r.TestedURI))
	}
	for i, uri := range []string{r.ServiceURI, r.AIServiceURI} {
		if uri == "" || (i == 1 && sameURI(uri, r.ServiceURI)) {
			continue
		}
		// Mapped claims are flagged on the mapping.
		for _, other := range othersClaiming(claims, uri, r.Address, false) {
			add(&r.Flags, FlagConflict, "%s is also %s for %s", uri, other[1], other[0])
		}
	}
	sort.SliceStable(r.Flags, func(i, j int) bool { return flagOrder[r.Flags[i].Kind] < flagOrder[r.Flags[j].Kind] })
	for i := range r.Mappings {
		fs := r.Mappings[i].Flags
		sort.SliceStable(fs, func(a, b int) bool { return flagOrder[fs[a].Kind] < flagOrder[fs[b].Kind] })
	}
}

// othersClaiming lists, by address, the other nodes that claim uri and
// how ([address, how]); mapped claims only when withMapped.
func othersClaiming(claims map[string]map[string]string, uri, self string, withMapped bool) [][2]string {
	var out [][2]string
	for addr, how := range claims[strings.TrimSuffix(uri, "/")] {
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

func (h *handler) reconciliationRoutes(g *echo.Group) {
	g.GET("/reconciliation", h.reconciliationPage)
}

// reconView is the page: the reconciliation and its filter.
type reconView struct {
	Reconciliation
	Flagged bool // only rows with something to look at
	Shown   []ReconRow
}

func (h *handler) reconciliationPage(c echo.Context) error {
	ctx, cancel := timeout(c)
	defer cancel()
	d, err := h.Store.Reconciliation(ctx)
	if err != nil {
		return err
	}
	v := reconView{Reconciliation: Reconcile(d), Flagged: c.QueryParam("only") == "flagged"}
	for _, r := range v.Rows {
		if !v.Flagged || r.Worst() != "" {
			v.Shown = append(v.Shown, r)
		}
	}
	return h.page(c, http.StatusOK, "Reconciliation", "reconciliation", reconciliationBody(v))
}
