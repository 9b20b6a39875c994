package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/sovmap/sovmap/store"
)

// throttledError means too many failed attempts under key (a login name,
// a client address or a user's password changes) in the window.
type throttledError struct{ key string }

func (e *throttledError) Error() string { return "too many failed attempts for " + e.key }

// reserve counts an attempt under keys before its password is checked, or
// refuses it when a key already has Config.LoginFailures failures in the
// window. The store makes check and count one step, so that attempts sent
// in parallel, to one process or to several, cannot all be checked.
func (s *Server) reserve(ctx context.Context, keys []string, now time.Time) error {
	refused, err := s.store.ReserveLoginAttempt(ctx, keys, now, now.Add(-s.cfg.LoginWindow), s.cfg.LoginFailures)
	if err != nil {
		return err
	}
	if refused != "" {
		s.metrics.loginThrottled.Add(1)
		return &throttledError{key: refused}
	}
	return nil
}

// clearFailures forgets the failures under keys after the right password.
func (s *Server) clearFailures(ctx context.Context, keys []string) error {
	for _, k := range keys {
		if err := s.store.ClearLoginFailures(ctx, k); err != nil {
			return err
		}
	}
	return nil
}

// auditRefusal records a throttled attempt without letting the audit log
// grow with each one: the first refusal of a key in a window is written at
// once; the window's others are counted in the store and written as one
// line when the window ends (see Maintain).
func (s *Server) auditRefusal(r *http.Request, err *throttledError, action, target string) {
	now := time.Now()
	first, cerr := s.store.CountRefusal(r.Context(), err.key, now.Truncate(s.cfg.LoginWindow), now)
	if cerr != nil {
		s.log.Error("counting a refused attempt", "key", err.key, "err", cerr)
		return
	}
	if first {
		s.audit(r, nil, "", action, target, fmt.Sprintf("too many failed attempts for %s; further refusals until %s are counted and logged as one line",
			err.key, now.Truncate(s.cfg.LoginWindow).Add(s.cfg.LoginWindow).UTC().Format(time.RFC3339)))
	}
}

// refusalEvent is the audit line of a window's refusals.
func refusalEvent(r store.Refusals) store.Event {
	action := "login.throttled"
	if strings.HasPrefix(r.Key, "password:") {
		action = "password.throttled"
	}
	return store.Event{Actor: "system", Action: action, Target: r.Key,
		Detail: fmt.Sprintf("%d attempts refused from %s to %s", r.Count, r.First.UTC().Format(time.RFC3339), r.Last.UTC().Format(time.RFC3339))}
}

// errBusy means every password-hashing slot stayed taken for HashWait.
var errBusy = errors.New("the server is busy checking passwords")

// hashLimiter bounds the password hashes computed at once: each argon2id
// hash takes Config.Password.Memory (64 MiB by default), so that
// unbounded, parallel sign-ins exhaust the server's memory.
type hashLimiter struct {
	slots chan struct{}
	wait  time.Duration
	// busy and peak count hashes running and the most ever at once (the
	// test of the bound reads peak).
	busy, peak atomic.Int64
}

func newHashLimiter(n int, wait time.Duration) *hashLimiter {
	return &hashLimiter{slots: make(chan struct{}, n), wait: wait}
}

// do runs fn in a slot, waiting for one for up to the limiter's wait.
func (l *hashLimiter) do(ctx context.Context, fn func()) error {
	t := time.NewTimer(l.wait)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
	case <-t.C:
		return errBusy
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-l.slots }()
	n := l.busy.Add(1)
	defer l.busy.Add(-1)
	for p := l.peak.Load(); n > p && !l.peak.CompareAndSwap(p, n); p = l.peak.Load() {
	}
	fn()
	return nil
}

// checkPassword checks a password against a stored hash in a hashing slot.
func (s *Server) checkPassword(ctx context.Context, login, hash, password string) (bool, error) {
	var ok bool
	var herr error
	if err := s.hashes.do(ctx, func() { ok, herr = checkPassword(hash, password) }); err != nil {
		return false, err
	}
	if herr != nil {
		s.log.Error("stored password hash unreadable", "user", login, "err", herr)
	}
	return ok && herr == nil, nil
}

// hashPassword hashes a new password in a hashing slot.
func (s *Server) hashPassword(ctx context.Context, password string) (string, error) {
	var hash string
	var herr error
	if err := s.hashes.do(ctx, func() { hash, herr = hashPassword(password, *s.cfg.Password) }); err != nil {
		return "", err
	}
	return hash, herr
}
