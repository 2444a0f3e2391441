// Package web is the dashboard's pages: server-rendered templ components
// for the leaderboard, an orchestrator's history and the sweeps ("runs").
// What the pages show is computed in leaderboard/; the /api/v1 reads behind
// their charts are served by handlers/, and the CSS, JS and npm-placed
// vendor files by static/.
//
// Pages work without JavaScript: sorting, filters and paging are plain
// links and GET forms. htmx swaps only the table when a filter changes, and
// uPlot draws the history charts.
//
// Other packages render their pages inside Layout (web/admin does). web
// must not import handlers/.
package web
