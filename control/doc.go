// Package control holds the admin's and the tester's operations that both
// front ends offer: URI mappings, their reconciliation with the registries,
// regions, the sweep schedule, ingest keys, test definitions, "test this
// orchestrator now" and the list of running live tests. The JSON API
// (handlers) and the admin pages (web/admin) parse a request, call an Ops
// method and answer; what is allowed, what is audited and what else must
// follow a change (re-reading the keyring, reloading the scheduler) is
// decided here, once.
//
// Outcomes a caller branches on are sentinel errors: models.ErrNotFound,
// models.ErrInvalidSetting, models.ErrInvalidMapping, models.ErrInUse and
// the Err… values of this package. Each front end maps them to its own
// statuses and wording.
//
// control must not import handlers, web or anything below them: the front
// ends call it, never the other way. It reaches the database only through
// Store.
package control
