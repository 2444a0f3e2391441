// Package admin is the admin's side of the dashboard under /admin: login
// and logout, the URI mappings (list, create, edit, delete), the
// reconciliation of registries and mappings, and the audit log. Pages are
// templ components framed by web.Layout; every form carries the session's
// CSRF token and every change goes to the audit log in the transaction that
// makes it (models.Store.Audited).
//
// More sections are added by appending to sections (admin.go) in a file of
// their own; each gets the auth middleware, the login redirect and a place
// in the admin's nav.
package admin
