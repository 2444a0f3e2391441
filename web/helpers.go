package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/a-h/templ"

	"jobtester/leaderboard"
	"jobtester/models"
)

type fragmentKey struct{}

// withFragment marks a render as an htmx fragment: components then add
// their out-of-band parts.
func withFragment(ctx context.Context) context.Context {
	return context.WithValue(ctx, fragmentKey{}, true)
}

func isFragment(ctx context.Context) bool {
	v, _ := ctx.Value(fragmentKey{}).(bool)
	return v
}

func hasGroup(jobs []leaderboard.JobOption, g string) bool {
	for _, j := range jobs {
		if j.Group == g {
			return true
		}
	}
	return false
}

func sortAttrs(q leaderboard.Query, key string) templ.Attributes {
	if q.Sort != key {
		return templ.Attributes{}
	}
	if q.Desc {
		return templ.Attributes{"aria-sort": "descending"}
	}
	return templ.Attributes{"aria-sort": "ascending"}
}

func regionLabel(lb *leaderboard.Table) string {
	if lb.Query.Region == "" {
		return "all regions"
	}
	for _, r := range lb.Regions {
		if r.Name == lb.Query.Region {
			return r.DisplayName
		}
	}
	return lb.Query.Region
}

func windowLabel(key string) string {
	if l := leaderboard.WindowLabel(key); l != "" {
		return l
	}
	return key
}

func statusTitle(status int) string {
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "Error"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func discoveryStatus(o *models.DiscoveredOrchestrator) string {
	var parts []string
	if o.Active {
		parts = append(parts, "active")
	} else {
		parts = append(parts, "not active")
	}
	if o.Registered {
		parts = append(parts, "registered")
	}
	if o.Stake != "" && o.Stake != "0" {
		parts = append(parts, "stake "+fmtWei(o.Stake, "LPT"))
	}
	return strings.Join(parts, ", ")
}
