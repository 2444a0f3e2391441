package models

import (
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// ErrNotFound is returned for a missing row.
var ErrNotFound = errors.New("not found")

// ErrInvalidSetting wraps every validation failure of what an admin
// configures at run time (ingest keys, schedules, test definitions,
// regions); the message says which field and why.
var ErrInvalidSetting = errors.New("invalid setting")

// ErrInUse is returned when a region still has stored data or is otherwise
// needed, so removing or renaming it would orphan history.
var ErrInUse = errors.New("in use")

func invalid(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidSetting, fmt.Sprintf(format, a...))
}

// FieldError is a validation failure of one input field, for forms that
// show the message next to the field. It wraps the sentinel of its kind
// (ErrInvalidMapping…), so callers can branch on either.
type FieldError struct {
	Field string // the input's name: orchestrator, uri, job_types, note…
	Msg   string
	Kind  error
}

func (e *FieldError) Error() string { return e.Kind.Error() + ": " + e.Msg }

// Unwrap lets errors.Is see the kind.
func (e *FieldError) Unwrap() error { return e.Kind }

// one reads the single row q selects. what names the row in errors
// ("mapping 3"); a missing row is ErrNotFound.
func one[T any](q *gorm.DB, what string) (T, error) {
	var v T
	err := q.Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return v, fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("read %s: %w", what, err)
	}
	return v, nil
}
