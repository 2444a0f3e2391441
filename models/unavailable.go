package models

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
)

// What Insert tells its caller when a write did not succeed, so the caller
// can say truthfully whether the result was stored.
var (
	// ErrNotStored: the result was certainly not stored — it never
	// reached the database, or the database refused the whole transaction.
	// Retrying cannot duplicate it.
	ErrNotStored = errors.New("result not stored")
	// ErrUnconfirmed: the write was sent but its commit was not confirmed
	// before the deadline or the connection broke; the database may still
	// have committed it. Only a retry the database can recognise (an
	// idempotency key) is safe.
	ErrUnconfirmed = errors.New("write sent to the database but not confirmed: the result may or may not be stored")
)

// Unavailable reports whether err says the database cannot be reached or
// cannot take work right now (down, restarting, out of connections, locked,
// disk full) rather than that the request was wrong: the answer is then 503
// and the client should retry later.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrClosed) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) || pgconn.Timeout(err) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// 08: connection exception; 53: insufficient resources (disk
		// full, out of memory, too many connections); 57P: operator
		// intervention (shutdown, crash recovery, cannot connect now).
		c := pgErr.Code
		return strings.HasPrefix(c, "08") || strings.HasPrefix(c, "53") || strings.HasPrefix(c, "57P") ||
			c == "40001" || c == "40P01"
	}
	var liteErr sqlite3.Error
	if errors.As(err, &liteErr) {
		switch liteErr.Code {
		case sqlite3.ErrBusy, sqlite3.ErrLocked, sqlite3.ErrFull, sqlite3.ErrIoErr, sqlite3.ErrCantOpen:
			return true
		}
		return false
	}
	var netErr net.Error
	return errors.As(err, &netErr)
}

// writeOutcomeKnown reports whether a failed commit certainly stored
// nothing. SQLite runs in this process: a transaction that did not commit
// was rolled back. PostgreSQL is across a network: once the statement is
// on the wire, a broken connection or a deadline leaves the commit's fate
// unknown (a frozen server runs the statement when it wakes) unless the
// server itself reported the error.
func (s *Store) writeOutcomeKnown(err error) bool {
	if s.dialect.name != postgresDialect.name {
		return true
	}
	var pgErr *pgconn.PgError
	var connErr *pgconn.ConnectError
	switch {
	case errors.As(err, &pgErr), errors.As(err, &connErr), pgconn.SafeToRetry(err), errors.Is(err, errNotCommitted),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, ErrClosed):
		return true
	case errors.Is(err, context.DeadlineExceeded) && !pgconn.Timeout(err):
		// The deadline passed while waiting for a connection of the
		// pool: pgconn wraps a deadline that hits on the wire.
		return true
	}
	return false
}
