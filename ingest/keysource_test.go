package ingest_test

import (
	"jobtester/ingest"
	"jobtester/models"
)

// models imports ingest, so the check that the store is a KeySource lives
// in a test of ingest rather than in ingest itself.
var _ ingest.KeySource = (*models.Store)(nil)
