package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Idempotency makes a write exactly-once: a second write with the same key
// (per ingest key) within the window stores nothing and is answered as the
// first was. The key's row commits in the same transaction as the result,
// so a commit the caller never heard of still dedupes its retry.
type Idempotency struct {
	// Key is the client's Idempotency-Key, or BodyKey of the body for a
	// client that sends none.
	Key string
	// BodySHA256 is the hex SHA-256 of the body the key came with: the
	// same key with another body is ErrIdempotencyConflict.
	BodySHA256 string
}

// BodyKey is the idempotency key of a post that carries none: its body's
// hash, so a replayed body is stored once.
func BodyKey(bodySHA256 string) string { return "sha256:" + bodySHA256 }

// ErrIdempotencyConflict is returned for a write whose idempotency key was
// already used with a different body. Nothing is stored.
var ErrIdempotencyConflict = errors.New("idempotency key already used with a different body")

// fate is what a batch did with one row.
type fate uint8

const (
	fateStored   fate = iota
	fateReplayed      // its key was already stored: nothing written, answered as stored
	fateConflict      // its key was stored with another body: refused
)

// querier is what the write statements need: a database or a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

type keyRef struct{ ingestKey, key string }

// claimKeys inserts the batch's idempotency keys (ON CONFLICT DO NOTHING)
// inside the batch's transaction and sets the fate of every row that has
// one: stored when its key is new, replayed or conflict when the key is
// already there (from an earlier commit, or earlier in this batch).
func (s *Store) claimKeys(ctx context.Context, q querier, rows []Result, extras []rowExtra, fates []fate) error {
	first := map[keyRef]int{}
	var uniq []int
	for i := range extras {
		if extras[i].idem.Key == "" {
			continue
		}
		ref := keyRef{rows[i].IngestKey, extras[i].idem.Key}
		if _, ok := first[ref]; ok {
			continue // decided after the first of its key, below
		}
		first[ref] = i
		uniq = append(uniq, i)
	}
	if len(uniq) == 0 {
		return nil
	}
	// One global order of keys: two instances inserting the same keys wait
	// for each other instead of deadlocking.
	sort.Slice(uniq, func(a, b int) bool {
		ra, rb := keyRef{rows[uniq[a]].IngestKey, extras[uniq[a]].idem.Key}, keyRef{rows[uniq[b]].IngestKey, extras[uniq[b]].idem.Key}
		return ra.ingestKey < rb.ingestKey || ra.ingestKey == rb.ingestKey && ra.key < rb.key
	})
	inserted, err := s.insertKeys(ctx, q, rows, extras, uniq)
	if err != nil {
		return err
	}
	var taken []int
	for _, i := range uniq {
		if !inserted[keyRef{rows[i].IngestKey, extras[i].idem.Key}] {
			taken = append(taken, i)
		}
	}
	stored, err := s.storedHashes(ctx, q, rows, extras, taken)
	if err != nil {
		return err
	}
	for _, i := range taken {
		fates[i] = fateReplayed
		ref := keyRef{rows[i].IngestKey, extras[i].idem.Key}
		if h, ok := stored[ref]; ok && h != extras[i].idem.BodySHA256 {
			fates[i] = fateConflict
		}
	}
	for i := range extras {
		if extras[i].idem.Key == "" {
			continue
		}
		j := first[keyRef{rows[i].IngestKey, extras[i].idem.Key}]
		if j == i {
			continue
		}
		fates[i] = fateReplayed
		if extras[j].idem.BodySHA256 != extras[i].idem.BodySHA256 || fates[j] == fateConflict {
			fates[i] = fateConflict
		}
	}
	return nil
}

// repeatsKey reports whether two rows of a batch carry the same key.
func repeatsKey(rows []Result, extras []rowExtra) bool {
	seen := make(map[keyRef]bool, len(extras))
	for i := range extras {
		if extras[i].idem.Key == "" {
			continue
		}
		ref := keyRef{rows[i].IngestKey, extras[i].idem.Key}
		if seen[ref] {
			return true
		}
		seen[ref] = true
	}
	return false
}

// insertKeys inserts the keys of rows idx and returns those it inserted.
func (s *Store) insertKeys(ctx context.Context, q querier, rows []Result, extras []rowExtra, idx []int) (map[keyRef]bool, error) {
	inserted := make(map[keyRef]bool, len(idx))
	const per = 500 // 3 parameters a row
	for start := 0; start < len(idx); start += per {
		chunk := idx[start:min(start+per, len(idx))]
		var sb strings.Builder
		sb.WriteString(`INSERT INTO idempotency_keys (ingest_key, idempotency_key, body_sha256, created_at) VALUES `)
		args := make([]any, 0, 3*len(chunk))
		for n, i := range chunk {
			if n > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(`(?,?,?,` + s.dialect.nowMillis + `)`)
			args = append(args, rows[i].IngestKey, extras[i].idem.Key, extras[i].idem.BodySHA256)
		}
		sb.WriteString(` ON CONFLICT (ingest_key, idempotency_key) DO NOTHING RETURNING ingest_key, idempotency_key`)
		res, err := q.QueryContext(ctx, s.dialect.rebind(sb.String()), args...)
		if err != nil {
			return nil, fmt.Errorf("record idempotency keys: %w", err)
		}
		for res.Next() {
			var r keyRef
			if err := res.Scan(&r.ingestKey, &r.key); err != nil {
				res.Close()
				return nil, fmt.Errorf("record idempotency keys: %w", err)
			}
			inserted[r] = true
		}
		if err := errors.Join(res.Err(), res.Close()); err != nil {
			return nil, fmt.Errorf("record idempotency keys: %w", err)
		}
	}
	return inserted, nil
}

// storedHashes reads the body hashes stored with the keys of rows idx. It
// runs as its own statement after the insert, so on PostgreSQL it sees a
// key another transaction committed while the insert waited for it.
func (s *Store) storedHashes(ctx context.Context, q querier, rows []Result, extras []rowExtra, idx []int) (map[keyRef]string, error) {
	out := make(map[keyRef]string, len(idx))
	const per = 200
	for start := 0; start < len(idx); start += per {
		chunk := idx[start:min(start+per, len(idx))]
		var sb strings.Builder
		sb.WriteString(`SELECT ingest_key, idempotency_key, body_sha256 FROM idempotency_keys WHERE `)
		args := make([]any, 0, 2*len(chunk))
		for n, i := range chunk {
			if n > 0 {
				sb.WriteString(` OR `)
			}
			sb.WriteString(`(ingest_key = ? AND idempotency_key = ?)`)
			args = append(args, rows[i].IngestKey, extras[i].idem.Key)
		}
		res, err := q.QueryContext(ctx, s.dialect.rebind(sb.String()), args...)
		if err != nil {
			return nil, fmt.Errorf("read idempotency keys: %w", err)
		}
		for res.Next() {
			var r keyRef
			var h string
			if err := res.Scan(&r.ingestKey, &r.key, &h); err != nil {
				res.Close()
				return nil, fmt.Errorf("read idempotency keys: %w", err)
			}
			out[r] = h
		}
		if err := errors.Join(res.Err(), res.Close()); err != nil {
			return nil, fmt.Errorf("read idempotency keys: %w", err)
		}
	}
	return out, nil
}

// PruneIdempotencyKeys deletes the keys recorded more than window ago by
// the database clock; a post replayed after that is stored again.
func (s *Store) PruneIdempotencyKeys(ctx context.Context, window time.Duration) (int64, error) {
	res := s.db.WithContext(ctx).Exec(`DELETE FROM idempotency_keys WHERE created_at < `+s.dialect.nowMillis+` - ?`,
		window.Milliseconds())
	if res.Error != nil {
		return 0, fmt.Errorf("prune idempotency keys: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// rebind turns ? placeholders into PostgreSQL's $1, $2… for statements
// sent through database/sql rather than GORM. The statements it is used on
// hold no ? of their own.
func (d dialect) rebind(query string) string {
	if d.name != postgresDialect.name {
		return query
	}
	var sb strings.Builder
	sb.Grow(len(query) + 16)
	n := 0
	for _, c := range []byte(query) {
		if c != '?' {
			sb.WriteByte(c)
			continue
		}
		n++
		sb.WriteByte('$')
		sb.WriteString(strconv.Itoa(n))
	}
	return sb.String()
}
