// Package models owns the database: the GORM models, the migrations runner,
// and every query the rest of the program makes. Handlers and jobs call a
// Store; none of them writes SQL.
//
// Dialect differences (SQLite and PostgreSQL) live in dialect.go and
// nowhere else. It must not import handlers/ or jobs/.
package models
