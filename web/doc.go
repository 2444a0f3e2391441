// Package web is the dashboard: server-rendered pages (templ components) for
// the leaderboard, an orchestrator's history and the sweeps ("runs"), the
// /api/v1 reads behind their charts, and the static files they use, all
// embedded in the binary.
//
// Pages work without JavaScript: sorting, filters and paging are plain
// links and GET forms. htmx (vendored from npm, see static/vendor) swaps
// only the table when a filter changes, and uPlot draws the history charts.
//
// Other packages render their pages inside Layout (web/admin does).
package web
