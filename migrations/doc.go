// Package migrations holds the versioned schema, one file per change and
// dialect, embedded in the binary. Files are named
// NNNN_name.sql (both dialects) or NNNN_name.{sqlite,postgres}.sql.
// A migration is never edited once it has landed; a change is a new file.
package migrations

import "embed"

// FS holds the migration files.
//
//go:embed *.sql
var FS embed.FS
