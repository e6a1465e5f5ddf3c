package api

// Hooks for the integration tests (package api_test) into the limiters'
// tables, which are otherwise too large to fill in a test.

// SetReadTableSize bounds the per-student and per-feed tables to n
// entries.
func (s *Server) SetReadTableSize(n int) {
	for _, l := range []*limiter{s.studentReads, s.feedReads} {
		l.mu.Lock()
		l.max = n
		l.mu.Unlock()
	}
}

// ReadTableLens is how many entries the per-student and per-feed tables
// hold.
func (s *Server) ReadTableLens() (students, feeds int) {
	return s.studentReads.len(), s.feedReads.len()
}

func (l *limiter) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.clients)
}
