package server

import (
	"context"
	"time"
)

// Maintain purges what the store no longer needs, every interval (zero
// means a minute) until ctx is done: expired sessions, sign-in failures
// older than the throttle's window, and the counts of refused sign-ins of
// ended windows, which it writes to the audit log as one line each. Every
// serve process may run it; the store makes each step safe to run twice.
func (s *Server) Maintain(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = time.Minute
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		s.maintain(ctx, time.Now())
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// maintain is one round of Maintain, at now.
func (s *Server) maintain(ctx context.Context, now time.Time) {
	if n, err := s.store.DeleteExpiredSessions(ctx, now); err != nil {
		s.log.Error("purging expired sessions", "err", err)
	} else if n > 0 {
		s.log.Info("purged expired sessions", "sessions", n)
	}
	if n, err := s.store.PurgeLoginFailures(ctx, now.Add(-s.cfg.LoginWindow)); err != nil {
		s.log.Error("purging old sign-in failures", "err", err)
	} else if n > 0 {
		s.log.Info("purged old sign-in failures", "failures", n)
	}
	// A window that started a window ago has ended.
	if _, err := s.store.FlushRefusals(ctx, now.Truncate(s.cfg.LoginWindow), refusalEvent); err != nil {
		s.log.Error("writing counted sign-in refusals", "err", err)
	}
}
