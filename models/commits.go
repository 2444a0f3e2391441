package models

// Commits says how many write transactions committed results, and how
// many results they held. Their ratio is the mean batch, which is what
// group commit is for: bench/ingest prints it beside the throughput.
func (s *Store) Commits() (commits, results int64) {
	return s.commits.Load(), s.committed.Load()
}
