package server

// After a restart, or in a second process on the same database, the first
// viewer of a large version would wait for everything its first views
// derive (at a million components, up to half a minute). WarmLatest spends
// that time at start instead, for the versions most likely to be viewed:
// the latest of each workspace.

// WarmLatest builds in the background the first views of each workspace's
// latest version (those an upload warms: cache_warm.go), one version
// after another, the most recently stored first, and stops before the
// versions' entries would no longer fit the cache together (the first is
// warmed whatever its size), or at Close.
// A viewer who comes meanwhile waits for the build under way, or starts
// the version's own. It returns at once; done, when not nil, is called
// when the warm-up ends.
func (s *Server) WarmLatest(done func()) {
	s.warming.Add(1)
	go func() {
		defer s.warming.Done()
		if done != nil {
			defer done()
		}
		vers, err := s.store.LatestVersions(s.life)
		if err != nil {
			if s.life.Err() == nil {
				s.log.Warn("warm-up at start", "err", err)
			}
			return
		}
		var kept int64
		for i, ver := range vers {
			src := s.sources(ver) // notes the size, which may grow the cache
			// keptBytesPerComponent is room for two large versions'
			// first views, but smaller ones take more a component (a
			// 1,500-component version's do not fit in half of it): counted
			// whole, what is warmed is not evicted by what follows.
			if kept += int64(ver.Components) * keptBytesPerComponent; i > 0 && kept > s.cache.capacityNow() {
				s.log.Info("warm-up at start: the rest would not fit the cache", "warmed", i, "versions", len(vers))
				return
			}
			// The files are decoded once for all the entries (the
			// register needs their positions), as for a first view.
			src.filesFirst = true
			ended := make(chan struct{})
			if !s.cache.warm(s.life, s.warmJobs(src, ""), func() { close(ended) }) {
				s.log.Info("warm-up at start skipped: the server is busy", "version", ver.ID)
				return
			}
			select {
			case <-ended:
			case <-s.life.Done():
				<-ended
				return
			}
		}
		if len(vers) > 0 {
			s.log.Info("warm-up at start done", "versions", len(vers))
		}
	}()
}

// capacityNow returns the cache's capacity, which note may have grown.
func (c *versionCache) capacityNow() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.capacity
}
