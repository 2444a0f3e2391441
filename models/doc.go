// Package models owns the database: the GORM models, the migrations runner,
// and every query the rest of the program makes. Handlers and jobs call a
// Store; none of them writes SQL. It must not import handlers/ or jobs/.
//
// Store is one type, but its methods fall into aggregates, each in its own
// file(s), so a consumer can declare the narrow interface it needs:
//
//	results, write path    write.go             Insert (group commit with the rollups)
//	results, reads         results.go           Results (paged), RawResults
//	rollups, totals        rollups.go totals.go Totals, Pipelines; loaded into the rollup index
//	window edges           edges.go             the parts of hours at a window's edges, from the results
//	AI median              median.go            MedianRoundTripTime
//	history                history.go           History, HistoryByOrchestrator
//	live tests             live.go              InsertLive, LiveResults, LiveThumbnail, LiveScores
//	verification evidence  verification.go      InsertVerified, Verifications, VerificationThumbnail
//	answer hashes          answer_hashes.go     AnswerHashes, SaveAnswerHash
//	discovery              discovery.go         SaveDiscovery, Orchestrators, Orchestrator, Capabilities, AdvertisedBy
//	chain reads            activity.go          SaveChainOrchestrators, ChainOrchestrator, ChainOrchestrators
//	sweeps                 sweeps.go            CreateSweep, UpdateSweep, UpdateSweepFenced, Sweeps, GetSweep, SweepResults
//	fleet: leases          leases.go            AcquireLease, RenewLease, ReleaseLease, GetLease; Fence
//	fleet: sweep plans     sweep_tasks.go       AddSweepTasks, SweepTasks, UnfinishedSweep; SweepAttempt (fenced writes)
//	fleet: fairness        orchestrator_slots.go ClaimOrchestrator, ExtendOrchestrator, ReleaseOrchestrator
//	reconciliation         reconciliation.go    Reconciliation (discovery, mappings and recent sweeps)
//	URI mappings           mappings.go          Mappings, Mapping, MappingsOf, SaveMappingAudited, DeleteMappingAudited
//	admin users, sessions  admin_users.go       AdminUser, AdminUserCount, CreateAdminUser, SetAdminPassword, CreateSession, Session, TouchSession, DeleteSession, DeleteExpiredSessions
//	audit log              audit.go             Audited, AuditAction, AuditLog
//	ingest keys            ingest_keys.go       IngestKeys, LoadIngestKeys, MarkIngestKeysUsed, CreateIngestKeyAudited, RevokeIngestKeyAudited
//	schedules              schedules.go         GetSchedule, SaveScheduleAudited, DeleteScheduleAudited
//	test definitions       test_definitions.go  TestDefinitions, SaveTestDefinitionAudited, DeleteTestDefinitionAudited
//	regions                regions.go           Regions, RegionDetails, RegionDetailByID, SaveRegionAudited, DeleteRegionAudited
//	retention              retention.go         Prune
//	lifecycle, schema      store.go migrate.go  Open, Start, Sync, Close, Ping, Migrate, Pending
//
// The admin's configuration (mappings, ingest keys, schedules, test
// definitions, regions, accounts) changes only through the …Audited
// methods, CreateAdminUser and SetAdminPassword, each of which commits the
// change with its audit_log entry (auditedChange in audit.go). Sessions
// are the exception: auth audits logins and logouts itself with Audited.
//
// Dialect differences (SQLite and PostgreSQL) live in dialect.go (the
// database clock, the median in SQL, the migration lock and retry, the pool
// size, how each reports a constraint violation), write_sqlite.go and write_postgres.go (the
// batched write of results and their rollups), and the per-dialect files
// in migrations/. Everything else reaches them through Store.dialect.
package models
