// Package admin is the admin's side of the dashboard under /admin: login
// and logout, the overview, URI mappings (list, create, edit, delete), the
// reconciliation of registries and mappings, test definitions, the sweep
// schedule, "test now" and the live preview, regions, ingest keys and the
// audit log. Pages are templ components framed by web.Layout; every form
// carries the session's CSRF token.
//
// Handlers here parse forms and render; what a change does, and its audit
// entry, is control's (Deps.Control). The package reads the store itself
// only for what it shows beside those (Store). It must not import handlers:
// the JSON API is the other front end over control.
//
// The pages and their nav are listed once, in sections (admin.go); each
// section keeps its handlers and templates in files of its own and gets
// the auth middleware and the login redirect from Register.
package admin
