// Package storetest is the conformance suite every store.Store
// implementation must pass. store/sqlite runs it on a temporary file and
// store/postgres on a real server when SOVMAP_TEST_POSTGRES_DSN is set.
package storetest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sovmap/sovmap/store"
)

// Opener returns a fresh, empty store; the suite closes it.
type Opener func(t *testing.T) store.Store

// Run runs every conformance test against stores made by open.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Users", testUsers},
		{"Workspaces", testWorkspaces},
		{"Sessions", testSessions},
		{"Tokens", testTokens},
		{"DisabledUsers", testDisabledUsers},
		{"LoginThrottle", testThrottle},
		{"ConcurrentReservations", testConcurrentReservations},
		{"Refusals", testRefusals},
		{"LoginCase", testLoginCase},
		{"Versions", testVersions},
		{"ComponentQueries", testComponentQueries},
		{"VersionIsAtomic", testVersionAtomic},
		{"ConcurrentVersions", testConcurrentVersions},
		{"BulkRoundTrip", testBulkRoundTrip},
		{"BulkFailureLeavesNothing", testBulkFailure},
		{"LegacyDetails", testLegacyDetails},
		{"DeflateBlocks", testDeflateBlocks},
		{"EachComponent", testEachComponent},
		{"Audit", testAudit},
		{"AuditIsAppendOnly", testAuditAppendOnly},
		{"Questionnaires", testQuestionnaires},
		{"ConcurrentSubmissions", testConcurrentSubmissions},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { s.Close() })
			tc.fn(t, s)
		})
	}
}

// must is called as must(f())(t): Go passes f's two results to must only
// when they are its only arguments.
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func newUser(t *testing.T, s store.Store, login string) store.User {
	t.Helper()
	return must(s.CreateUser(context.Background(), store.User{Login: login, Name: "User " + login, PasswordHash: "hash-" + login}))(t)
}

func testUsers(t *testing.T, s store.Store) {
	ctx := context.Background()
	if n := must(s.CountUsers(ctx))(t); n != 0 {
		t.Fatalf("new store has %d users", n)
	}
	alice := must(s.CreateUser(ctx, store.User{Login: "alice", Name: "Alice", PasswordHash: "h1", SiteAdmin: true, MustChangePassword: true}))(t)
	if alice.ID == 0 || alice.CreatedAt.IsZero() {
		t.Fatalf("created user has no id or time: %+v", alice)
	}
	if _, err := s.CreateUser(ctx, store.User{Login: "alice", PasswordHash: "h2"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate login: got %v, want ErrConflict", err)
	}
	if _, err := s.CreateUser(ctx, store.User{Login: "nopass"}); err == nil {
		t.Fatal("a user without a password hash was created")
	}
	got := must(s.UserByLogin(ctx, "alice"))(t)
	if got.ID != alice.ID || !got.SiteAdmin || !got.MustChangePassword || got.PasswordHash != "h1" || got.Name != "Alice" {
		t.Fatalf("UserByLogin = %+v, want %+v", got, alice)
	}
	if !got.CreatedAt.Equal(alice.CreatedAt.Truncate(time.Microsecond)) {
		t.Fatalf("created time %v, want %v", got.CreatedAt, alice.CreatedAt)
	}
	if _, err := s.UserByLogin(ctx, "bob"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown login: got %v, want ErrNotFound", err)
	}
	check(t, s.SetPassword(ctx, alice.ID, "h3", false))
	got = must(s.UserByID(ctx, alice.ID))(t)
	if got.PasswordHash != "h3" || got.MustChangePassword {
		t.Fatalf("after SetPassword: %+v", got)
	}
	if err := s.SetPassword(ctx, 9999, "x", false); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("SetPassword of unknown user: got %v", err)
	}
	newUser(t, s, "bob")
	users := must(s.ListUsers(ctx))(t)
	if len(users) != 2 || users[0].Login != "alice" || users[1].Login != "bob" {
		t.Fatalf("ListUsers = %+v", users)
	}
	if n := must(s.CountUsers(ctx))(t); n != 2 {
		t.Fatalf("CountUsers = %d, want 2", n)
	}
}

func testWorkspaces(t *testing.T, s store.Store) {
	ctx := context.Background()
	alice, bob := newUser(t, s, "alice"), newUser(t, s, "bob")
	w := must(s.CreateWorkspace(ctx, "health", "Health ministry"))(t)
	if _, err := s.CreateWorkspace(ctx, "health", "again"); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate slug: got %v", err)
	}
	w2 := must(s.CreateWorkspace(ctx, "agency", "Agency"))(t)
	if got := must(s.WorkspaceBySlug(ctx, "health"))(t); got.ID != w.ID || got.Name != "Health ministry" {
		t.Fatalf("WorkspaceBySlug = %+v", got)
	}
	if _, err := s.WorkspaceBySlug(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown workspace: %v", err)
	}
	if _, err := s.RoleOf(ctx, w.ID, alice.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("role of non-member: %v", err)
	}
	check(t, s.SetRole(ctx, w.ID, alice.ID, store.RoleViewer))
	check(t, s.SetRole(ctx, w.ID, alice.ID, store.RoleAdmin)) // upsert
	check(t, s.SetRole(ctx, w.ID, bob.ID, store.RoleEditor))
	check(t, s.SetRole(ctx, w2.ID, alice.ID, store.RoleViewer))
	if err := s.SetRole(ctx, w.ID, bob.ID, "owner"); err == nil {
		t.Fatal("an invalid role was accepted")
	}
	if r := must(s.RoleOf(ctx, w.ID, alice.ID))(t); r != store.RoleAdmin {
		t.Fatalf("RoleOf = %q, want admin", r)
	}
	members := must(s.Members(ctx, w.ID))(t)
	if len(members) != 2 || members[0].User.Login != "alice" || members[0].Role != store.RoleAdmin || members[1].Role != store.RoleEditor {
		t.Fatalf("Members = %+v", members)
	}
	ws := must(s.WorkspacesOf(ctx, alice.ID))(t)
	if len(ws) != 2 || ws[0].Workspace.Slug != "agency" || ws[0].Role != store.RoleViewer || ws[1].Workspace.Slug != "health" {
		t.Fatalf("WorkspacesOf = %+v", ws)
	}
	check(t, s.RemoveMember(ctx, w.ID, bob.ID))
	if err := s.RemoveMember(ctx, w.ID, bob.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("removing twice: %v", err)
	}
	if _, err := s.RoleOf(ctx, w.ID, bob.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("role after removal: %v", err)
	}
}

func testSessions(t *testing.T, s store.Store) {
	ctx := context.Background()
	alice, bob := newUser(t, s, "alice"), newUser(t, s, "bob")
	now := time.Now()
	check(t, s.CreateSession(ctx, store.Session{Hash: []byte("h-live"), User: alice, CSRF: "c1", ExpiresAt: now.Add(time.Hour)}))
	check(t, s.CreateSession(ctx, store.Session{Hash: []byte("h-old"), User: alice, CSRF: "c2", ExpiresAt: now.Add(-time.Minute)}))
	check(t, s.CreateSession(ctx, store.Session{Hash: []byte("h-bob"), User: bob, CSRF: "c3", ExpiresAt: now.Add(time.Hour)}))
	if err := s.CreateSession(ctx, store.Session{Hash: []byte("h-live"), User: bob, CSRF: "x", ExpiresAt: now}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate session hash: %v", err)
	}
	se := must(s.SessionByHash(ctx, []byte("h-live"), now))(t)
	if se.User.Login != "alice" || se.CSRF != "c1" || se.User.ID != alice.ID {
		t.Fatalf("SessionByHash = %+v", se)
	}
	if _, err := s.SessionByHash(ctx, []byte("h-old"), now); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("expired session: %v", err)
	}
	if n := must(s.DeleteExpiredSessions(ctx, now))(t); n != 1 {
		t.Fatalf("DeleteExpiredSessions = %d, want 1", n)
	}
	check(t, s.DeleteSession(ctx, []byte("h-live")))
	if _, err := s.SessionByHash(ctx, []byte("h-live"), now); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted session: %v", err)
	}
	check(t, s.DeleteUserSessions(ctx, bob.ID, nil))
	if _, err := s.SessionByHash(ctx, []byte("h-bob"), now); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("session after DeleteUserSessions: %v", err)
	}
	// A password change signs out every other session and keeps this one.
	for _, h := range []string{"c-this", "c-other", "c-third"} {
		check(t, s.CreateSession(ctx, store.Session{Hash: []byte(h), User: alice, CSRF: "c", ExpiresAt: now.Add(time.Hour)}))
	}
	check(t, s.CreateSession(ctx, store.Session{Hash: []byte("c-bob"), User: bob, CSRF: "c", ExpiresAt: now.Add(time.Hour)}))
	check(t, s.DeleteUserSessions(ctx, alice.ID, []byte("c-this")))
	for h, live := range map[string]bool{"c-this": true, "c-other": false, "c-third": false, "c-bob": true} {
		_, err := s.SessionByHash(ctx, []byte(h), now)
		if live && err != nil || !live && !errors.Is(err, store.ErrNotFound) {
			t.Errorf("session %s after signing alice out elsewhere: %v, want live=%v", h, err, live)
		}
	}
}

func testTokens(t *testing.T, s store.Store) {
	ctx := context.Background()
	alice := newUser(t, s, "alice")
	w := must(s.CreateWorkspace(ctx, "w", "W"))(t)
	w2 := must(s.CreateWorkspace(ctx, "w2", "W2"))(t)
	tok := must(s.CreateToken(ctx, store.Token{Hash: []byte("t1"), Name: "ci", UserID: alice.ID, WorkspaceID: w.ID, Role: store.RoleEditor}))(t)
	if _, err := s.CreateToken(ctx, store.Token{Hash: []byte("t2"), Name: "bad", UserID: alice.ID, WorkspaceID: w.ID, Role: "root"}); err == nil {
		t.Fatal("a token with an invalid role was created")
	}
	got := must(s.TokenByHash(ctx, []byte("t1")))(t)
	if got.ID != tok.ID || got.Role != store.RoleEditor || got.Name != "ci" || got.WorkspaceID != w.ID || !got.LastUsedAt.IsZero() {
		t.Fatalf("TokenByHash = %+v", got)
	}
	at := time.Now().UTC().Truncate(time.Microsecond)
	check(t, s.TouchToken(ctx, tok.ID, at))
	list := must(s.ListTokens(ctx, w.ID))(t)
	if len(list) != 1 || !list[0].LastUsedAt.Equal(at) {
		t.Fatalf("ListTokens = %+v, want last use %v", list, at)
	}
	if err := s.RevokeToken(ctx, w2.ID, tok.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("revoking from another workspace: %v", err)
	}
	check(t, s.RevokeToken(ctx, w.ID, tok.ID))
	if _, err := s.TokenByHash(ctx, []byte("t1")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("revoked token: %v", err)
	}
	if list := must(s.ListTokens(ctx, w.ID))(t); len(list) != 1 || !list[0].Revoked {
		t.Fatalf("revoked token not listed as revoked: %+v", list)
	}
}

// testDisabledUsers checks that a disabled user is signed out everywhere,
// that neither a session nor an API token of theirs works while disabled,
// and that enabling them restores their tokens (not their sessions).
func testDisabledUsers(t *testing.T, s store.Store) {
	ctx := context.Background()
	alice, bob := newUser(t, s, "alice"), newUser(t, s, "bob")
	w := must(s.CreateWorkspace(ctx, "w", "W"))(t)
	now := time.Now()
	check(t, s.CreateSession(ctx, store.Session{Hash: []byte("s-alice"), User: alice, CSRF: "c", ExpiresAt: now.Add(time.Hour)}))
	check(t, s.CreateSession(ctx, store.Session{Hash: []byte("s-bob"), User: bob, CSRF: "c", ExpiresAt: now.Add(time.Hour)}))
	must(s.CreateToken(ctx, store.Token{Hash: []byte("t-alice"), Name: "ci", UserID: alice.ID, WorkspaceID: w.ID, Role: store.RoleEditor}))(t)

	check(t, s.SetDisabled(ctx, alice.ID, true))
	if u := must(s.UserByLogin(ctx, "alice"))(t); !u.Disabled {
		t.Fatal("alice is not marked disabled")
	}
	if u := must(s.UserByLogin(ctx, "bob"))(t); u.Disabled {
		t.Fatal("disabling alice disabled bob")
	}
	if _, err := s.SessionByHash(ctx, []byte("s-alice"), now); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a disabled user's session still works: %v", err)
	}
	// A session created afterwards (a race with the sign-in) does not work either.
	check(t, s.CreateSession(ctx, store.Session{Hash: []byte("s-alice-2"), User: alice, CSRF: "c", ExpiresAt: now.Add(time.Hour)}))
	if _, err := s.SessionByHash(ctx, []byte("s-alice-2"), now); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a session of a disabled user works: %v", err)
	}
	if _, err := s.TokenByHash(ctx, []byte("t-alice")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a disabled user's token still works: %v", err)
	}
	if _, err := s.SessionByHash(ctx, []byte("s-bob"), now); err != nil {
		t.Fatalf("bob's session stopped working: %v", err)
	}

	check(t, s.SetDisabled(ctx, alice.ID, false))
	if u := must(s.UserByLogin(ctx, "alice"))(t); u.Disabled {
		t.Fatal("alice is still disabled")
	}
	if _, err := s.TokenByHash(ctx, []byte("t-alice")); err != nil {
		t.Fatalf("an enabled user's token does not work: %v", err)
	}
	if _, err := s.SessionByHash(ctx, []byte("s-alice"), now); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("enabling brought back a session deleted on disabling: %v", err)
	}
	if err := s.SetDisabled(ctx, 99999, true); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("disabling an unknown user: %v", err)
	}
}

func testThrottle(t *testing.T, s store.Store) {
	ctx := context.Background()
	now := time.Now()
	keys := []string{"login:alice", "addr:10.0.0.1"}
	for i := range 3 {
		refused := must(s.ReserveLoginAttempt(ctx, keys[:1], now.Add(-time.Duration(i)*10*time.Minute), now.Add(-time.Hour), 5))(t)
		if refused != "" {
			t.Fatalf("attempt %d refused by %s", i+1, refused)
		}
	}
	if refused := must(s.ReserveLoginAttempt(ctx, keys[1:], now, now.Add(-time.Hour), 5))(t); refused != "" {
		t.Fatalf("first attempt from the address refused by %s", refused)
	}
	if n := must(s.LoginFailures(ctx, "login:alice", now.Add(-15*time.Minute)))(t); n != 2 {
		t.Fatalf("failures in the last 15 minutes = %d, want 2", n)
	}
	// The limit counts failures in the window only: 2 of 3 are recent.
	for i := range 3 {
		if refused := must(s.ReserveLoginAttempt(ctx, keys, now, now.Add(-15*time.Minute), 5))(t); refused != "" {
			t.Fatalf("attempt %d within the limit refused by %s", i+1, refused)
		}
	}
	if refused := must(s.ReserveLoginAttempt(ctx, keys, now, now.Add(-15*time.Minute), 5))(t); refused != "login:alice" {
		t.Fatalf("sixth attempt: refused by %q, want login:alice", refused)
	}
	// A refused attempt counts nothing: the address has 4, not 5.
	if n := must(s.LoginFailures(ctx, "addr:10.0.0.1", now.Add(-time.Hour)))(t); n != 4 {
		t.Fatalf("address failures = %d, want 4 (the refused attempt must not count)", n)
	}
	check(t, s.ClearLoginFailures(ctx, "login:alice"))
	if n := must(s.LoginFailures(ctx, "login:alice", now.Add(-time.Hour)))(t); n != 0 {
		t.Fatalf("failures after clear = %d", n)
	}
	// Purging forgets the old failures and keeps the recent ones.
	check(t, func() error {
		_, err := s.ReserveLoginAttempt(ctx, []string{"login:old"}, now.Add(-2*time.Hour), now.Add(-3*time.Hour), 5)
		return err
	}())
	if n := must(s.PurgeLoginFailures(ctx, now.Add(-time.Hour)))(t); n != 1 {
		t.Fatalf("purged %d failures, want 1", n)
	}
	if n := must(s.LoginFailures(ctx, "addr:10.0.0.1", now.Add(-time.Hour)))(t); n != 4 {
		t.Fatalf("purging removed recent failures: %d left, want 4", n)
	}
}

// testConcurrentReservations fires more parallel attempts than the limit
// at one key: exactly the limit may pass, whatever the interleaving.
func testConcurrentReservations(t *testing.T, s store.Store) {
	ConcurrentReservations(t, s, s)
}

// ConcurrentReservations fires 30 attempts at one login name at once, half
// through a and half through b (two stores on one database stand for two
// server processes): exactly 5, the limit, may be counted; the others must
// be refused.
func ConcurrentReservations(t *testing.T, a, b store.Store) {
	t.Helper()
	ctx := context.Background()
	const attempts, limit = 30, 5
	now := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	passed, refused := 0, 0
	for i := range attempts {
		st := a
		if i%2 == 1 {
			st = b
		}
		wg.Go(func() {
			// Each attempt comes from its own address, as in a distributed guess.
			r, err := st.ReserveLoginAttempt(ctx, []string{"login:victim", fmt.Sprintf("addr:10.0.0.%d", i)}, now, now.Add(-time.Hour), limit)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				t.Errorf("attempt %d: %v", i, err)
			case r == "":
				passed++
			case r == "login:victim":
				refused++
			default:
				t.Errorf("attempt %d refused by %q", i, r)
			}
		})
	}
	wg.Wait()
	if passed != limit || refused != attempts-limit {
		t.Fatalf("%d attempts passed and %d were refused; want %d and %d", passed, refused, limit, attempts-limit)
	}
	if n := must(a.LoginFailures(ctx, "login:victim", now.Add(-time.Hour)))(t); n != limit {
		t.Fatalf("%d failures counted, want %d", n, limit)
	}
}

// testRefusals counts refused attempts per key and window, and turns the
// ended windows into one audit event each.
func testRefusals(t *testing.T, s store.Store) {
	ctx := context.Background()
	w1 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	w2 := w1.Add(15 * time.Minute)
	for i := range 200 {
		first := must(s.CountRefusal(ctx, "addr:10.0.0.1", w1, w1.Add(time.Duration(i)*time.Second)))(t)
		if first != (i == 0) {
			t.Fatalf("refusal %d: first = %v", i+1, first)
		}
	}
	must(s.CountRefusal(ctx, "login:bob", w1, w1))(t) // one refusal only: nothing to add
	must(s.CountRefusal(ctx, "addr:10.0.0.1", w2, w2))(t)
	must(s.CountRefusal(ctx, "addr:10.0.0.1", w2, w2.Add(time.Second)))(t)
	event := func(r store.Refusals) store.Event {
		return store.Event{Actor: "system", Action: "login.throttled", Target: r.Key,
			Detail: fmt.Sprintf("%d refused from %s to %s", r.Count, r.First.Format(time.TimeOnly), r.Last.Format(time.TimeOnly))}
	}
	if n := must(s.FlushRefusals(ctx, w2, event))(t); n != 1 {
		t.Fatalf("flushing the first window wrote %d events, want 1", n)
	}
	got := must(s.ListAudit(ctx, store.AuditQuery{}))(t)
	if len(got) != 1 || got[0].Target != "addr:10.0.0.1" || got[0].Detail != "200 refused from 10:00:00 to 10:03:19" {
		t.Fatalf("audit after flushing = %+v", got)
	}
	// Flushing again writes nothing; the second window is still open.
	if n := must(s.FlushRefusals(ctx, w2, event))(t); n != 0 {
		t.Fatalf("a second flush wrote %d events", n)
	}
	if first := must(s.CountRefusal(ctx, "addr:10.0.0.1", w2, w2.Add(2*time.Second)))(t); first {
		t.Fatal("the open window forgot its count")
	}
	if n := must(s.FlushRefusals(ctx, w2.Add(15*time.Minute), event))(t); n != 1 {
		t.Fatalf("flushing the second window wrote %d events, want 1", n)
	}
	if got := must(s.ListAudit(ctx, store.AuditQuery{}))(t); len(got) != 2 || got[0].Detail != "3 refused from 10:15:00 to 10:15:02" {
		t.Fatalf("audit after the second flush = %+v", got)
	}
}

// testLoginCase: login names are one regardless of case.
func testLoginCase(t *testing.T, s store.Store) {
	ctx := context.Background()
	admin := newUser(t, s, "admin")
	if _, err := s.CreateUser(ctx, store.User{Login: "ADMIN", PasswordHash: "h"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("creating ADMIN beside admin: %v, want a conflict", err)
	}
	for _, l := range []string{"admin", "ADMIN", "Admin"} {
		if u, err := s.UserByLogin(ctx, l); err != nil || u.ID != admin.ID {
			t.Errorf("UserByLogin(%q) = %+v, %v; want admin", l, u, err)
		}
	}
}

// sampleVersion builds a version of n components: layer cycles through
// compute/storage/model, effective level i%5, gap i%3, provider p(i%4),
// jurisdictions DE plus US for odd i; component i depends on i-1.
func sampleVersion(ws, user int64, n int, note string) store.NewVersion {
	layers := []string{"compute", "storage", "model"}
	nv := store.NewVersion{WorkspaceID: ws, CreatedBy: user, Source: "upload", Note: note,
		Files:     []store.File{{Name: "inventory.yaml", Data: []byte("version: 1\n# " + note)}, {Name: "more.json", Data: []byte(`{}`)}},
		Inventory: []byte(`{"version":1,"note":"` + note + `"}`),
		Head:      []byte(`{"organization":"` + note + `"}`),
		Summary:   []byte(fmt.Sprintf(`{"components":%d}`, n)),
	}
	var recs store.Records
	for i := range n {
		c := store.ComponentRecord{Index: i, ID: fmt.Sprintf("c%04d", i), Name: fmt.Sprintf("Component %d", i), Layer: layers[i%3],
			Provider: fmt.Sprintf("p%d", i%4), Controller: "ctl", Level: i % 5, EffectiveLevel: i % 5, RequiredLevel: 3,
			Gap: i % 3, Category: "regulatory", Sourcing: "trusted-partner", Jurisdictions: []string{"DE"},
			Result: []byte(fmt.Sprintf(`{"id":"c%04d"}`, i)), Spec: []byte(fmt.Sprintf(`{"id":"c%04d","layer":"%s"}`, i, layers[i%3]))}
		if i%2 == 1 {
			c.Jurisdictions = append(c.Jurisdictions, "US")
		}
		if i > 0 {
			c.DependsOn = []store.Dependency{{ID: fmt.Sprintf("c%04d", i-1), Kind: "runtime"}}
		}
		recs = append(recs, c)
	}
	nv.Components = recs
	return nv
}

func testVersions(t *testing.T, s store.Store) {
	ctx := context.Background()
	alice := newUser(t, s, "alice")
	w := must(s.CreateWorkspace(ctx, "w", "W"))(t)
	if _, err := s.LatestVersion(ctx, w.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("latest of empty workspace: %v", err)
	}
	v1 := must(s.AddVersion(ctx, sampleVersion(w.ID, alice.ID, 10, "first")))(t)
	v2 := must(s.AddVersion(ctx, sampleVersion(w.ID, alice.ID, 4, "second")))(t)
	if v1.Number != 1 || v2.Number != 2 || v1.ID == v2.ID || v1.CreatedByLogin != "alice" || v1.Components != 10 {
		t.Fatalf("numbers %d, %d; want 1, 2", v1.Number, v2.Number)
	}
	list := must(s.ListVersions(ctx, w.ID))(t)
	if len(list) != 2 || list[0].Number != 2 || list[1].Number != 1 || list[0].CreatedByLogin != "alice" || list[1].Components != 10 {
		t.Fatalf("ListVersions = %+v", list)
	}
	if string(list[1].Summary) != `{"components":10}` || list[1].Note != "first" || list[1].Source != "upload" {
		t.Fatalf("version 1 summary/note/source = %s/%s/%s", list[1].Summary, list[1].Note, list[1].Source)
	}
	if got := must(s.LatestVersion(ctx, w.ID))(t); got.ID != v2.ID {
		t.Fatalf("LatestVersion = %d, want %d", got.ID, v2.ID)
	}
	// The newest of each workspace, the latest stored first: a workspace
	// stored in after w comes before it, one without versions not at all.
	other := must(s.CreateWorkspace(ctx, "other", "Other"))(t)
	must(s.CreateWorkspace(ctx, "empty", "Empty"))(t)
	o1 := must(s.AddVersion(ctx, sampleVersion(other.ID, alice.ID, 3, "other's")))(t)
	latest := must(s.LatestVersions(ctx))(t)
	if len(latest) != 2 || latest[0].ID != o1.ID || latest[1].ID != v2.ID || latest[1].Components != 4 || latest[1].CreatedByLogin != "alice" {
		t.Fatalf("LatestVersions = %+v, want other's version 1 then w's version 2", latest)
	}
	if got := must(s.VersionByNumber(ctx, w.ID, 1))(t); got.ID != v1.ID {
		t.Fatalf("VersionByNumber(1) = %d, want %d", got.ID, v1.ID)
	}
	if _, err := s.VersionByNumber(ctx, w.ID, 3); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("version 3: %v", err)
	}
	if h := must(s.VersionHead(ctx, v1.ID))(t); string(h) != `{"organization":"first"}` {
		t.Fatalf("head = %s", h)
	}
	if inv := must(s.VersionInventory(ctx, v2.ID))(t); string(inv) != `{"version":1,"note":"second"}` {
		t.Fatalf("inventory = %s", inv)
	}
	testPositions(t, s, w.ID, alice.ID, v2)
	files := must(s.VersionFiles(ctx, v1.ID))(t)
	if len(files) != 2 || files[0].Name != "inventory.yaml" || string(files[0].Data) != "version: 1\n# first" || files[1].Name != "more.json" {
		t.Fatalf("files = %+v", files)
	}
	c := must(s.Component(ctx, v1.ID, "c0003"))(t)
	if c.Index != 3 || c.Layer != "compute" || c.Gap != 0 || c.Provider != "p3" || !slices.Equal(c.Jurisdictions, []string{"DE", "US"}) ||
		string(c.Result) != `{"id":"c0003"}` || string(c.Spec) != `{"id":"c0003","layer":"compute"}` ||
		len(c.DependsOn) != 1 || c.DependsOn[0] != (store.Dependency{ID: "c0002", Kind: "runtime"}) {
		t.Fatalf("Component = %+v", c)
	}
	if _, err := s.Component(ctx, v2.ID, "c0009"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("component of the other version: %v", err)
	}
	deps := must(s.Dependents(ctx, v1.ID, "c0003"))(t)
	if len(deps) != 1 || deps[0].ID != "c0004" {
		t.Fatalf("Dependents = %+v", deps)
	}
	all := must(s.AllComponents(ctx, v1.ID))(t)
	if len(all) != 10 || all[9].ID != "c0009" || string(all[9].Result) != `{"id":"c0009"}` {
		t.Fatalf("AllComponents: %d components", len(all))
	}
	f := must(s.Facets(ctx, v1.ID))(t)
	if !slices.Equal(f.Providers, []string{"p0", "p1", "p2", "p3"}) || !slices.Equal(f.Jurisdictions, []string{"DE", "US"}) {
		t.Fatalf("Facets = %+v", f)
	}
}

// testPositions checks that a version's positions blob reads back byte
// for byte, binary and larger than a block of the compressor, and that
// versions stored without one (noPositions; nil as schema 8 and before
// had none) read back with none, not an empty blob.
func testPositions(t *testing.T, s store.Store, ws, user int64, noPositions store.Version) {
	ctx := context.Background()
	if p := must(s.VersionPositions(ctx, noPositions.ID))(t); p != nil {
		t.Fatalf("a version stored without positions has %q", p)
	}
	want := make([]byte, 300_000)
	for i := range want {
		want[i] = byte(i * i >> 7) // every byte value, zeros included
	}
	nv := sampleVersion(ws, user, 3, "positioned")
	nv.Positions = want
	v := must(s.AddVersion(ctx, nv))(t)
	if got := must(s.VersionPositions(ctx, v.ID))(t); !bytes.Equal(got, want) {
		t.Fatalf("positions read back %d bytes, differ from the %d stored at %d", len(got), len(want), firstDifference(got, want))
	}
	if _, err := s.VersionPositions(ctx, v.ID+1000); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("positions of no version: %v", err)
	}
}

// firstDifference is the index of the first byte where a and b differ.
func firstDifference(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func ids(cs []store.ComponentRecord) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func testComponentQueries(t *testing.T, s store.Store) {
	ctx := context.Background()
	alice := newUser(t, s, "alice")
	w := must(s.CreateWorkspace(ctx, "w", "W"))(t)
	nv := sampleVersion(w.ID, alice.ID, 30, "q")
	nv.Components.(store.Records)[7].Name = "100% GPU_pool"
	v := must(s.AddVersion(ctx, nv))(t)
	level2 := 2
	tests := []struct {
		name  string
		q     store.ComponentQuery
		total int
		first []string
	}{
		{"all, inventory order, default page", store.ComponentQuery{}, 30, []string{"c0000", "c0001"}},
		{"layer", store.ComponentQuery{Layer: "model"}, 10, []string{"c0002", "c0005"}},
		{"effective level", store.ComponentQuery{Level: &level2}, 6, []string{"c0002", "c0007"}},
		{"min gap", store.ComponentQuery{MinGap: 2}, 10, []string{"c0002", "c0005"}},
		{"provider", store.ComponentQuery{Provider: "p1"}, 8, []string{"c0001", "c0005"}},
		{"jurisdiction", store.ComponentQuery{Jurisdiction: "US"}, 15, []string{"c0001", "c0003"}},
		{"jurisdiction and layer", store.ComponentQuery{Jurisdiction: "US", Layer: "compute"}, 5, []string{"c0003", "c0009"}},
		{"search is literal", store.ComponentQuery{Search: "100%"}, 1, []string{"c0007"}},
		{"search underscore is literal", store.ComponentQuery{Search: "u_p"}, 1, []string{"c0007"}},
		{"search id, any case", store.ComponentQuery{Search: "C002"}, 10, []string{"c0020", "c0021"}},
		{"sort gap desc, ties in inventory order", store.ComponentQuery{Sort: "gap", Desc: true}, 30, []string{"c0002", "c0005"}},
		{"sort id desc", store.ComponentQuery{Sort: "id", Desc: true, Limit: 2}, 30, []string{"c0029", "c0028"}},
		{"page", store.ComponentQuery{Offset: 25, Limit: 10}, 30, []string{"c0025", "c0026", "c0027", "c0028", "c0029"}},
		{"past the end", store.ComponentQuery{Offset: 40}, 30, nil},
		{"no match", store.ComponentQuery{Provider: "nobody"}, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, total, err := s.ListComponents(ctx, v.ID, tc.q)
			check(t, err)
			if total != tc.total {
				t.Errorf("total = %d, want %d", total, tc.total)
			}
			gotIDs := ids(got)
			if len(gotIDs) > len(tc.first) {
				gotIDs = gotIDs[:len(tc.first)]
			}
			if !slices.Equal(gotIDs, tc.first) {
				t.Errorf("first ids = %v, want %v", gotIDs, tc.first)
			}
			if tc.q.Limit > 0 && len(got) > tc.q.Limit {
				t.Errorf("%d rows for limit %d", len(got), tc.q.Limit)
			}
			if tc.q.Limit == 0 && tc.total > 0 && tc.q.Offset == 0 && len(got) != tc.total {
				t.Errorf("%d rows, want all %d on the default page", len(got), tc.total)
			}
		})
	}
	if _, _, err := s.ListComponents(ctx, v.ID, store.ComponentQuery{Sort: "id; DROP TABLE users"}); err == nil {
		t.Fatal("an unknown sort key was accepted")
	}
	got, _, err := s.ListComponents(ctx, v.ID, store.ComponentQuery{Limit: 1})
	check(t, err)
	if got[0].Result != nil || got[0].Spec != nil {
		t.Fatal("lists carry results and specs")
	}
}

func testVersionAtomic(t *testing.T, s store.Store) {
	ctx := context.Background()
	alice := newUser(t, s, "alice")
	w := must(s.CreateWorkspace(ctx, "w", "W"))(t)
	good := sampleVersion(w.ID, alice.ID, 5, "good")
	good.Audit = &store.Event{Actor: "alice", ActorID: alice.ID, Workspace: "w", Action: "version.upload"}
	v1 := must(s.AddVersion(ctx, good))(t)
	bad := sampleVersion(w.ID, alice.ID, 700, "bad")
	bad.Audit = &store.Event{Actor: "alice", ActorID: alice.ID, Workspace: "w", Action: "version.upload"}
	// A duplicate id deep in the list fails after hundreds of rows are written.
	recs := bad.Components.(store.Records)
	recs[650].ID = recs[10].ID
	if _, err := s.AddVersion(ctx, bad); err == nil {
		t.Fatal("a version with duplicate component ids was stored")
	}
	list := must(s.ListVersions(ctx, w.ID))(t)
	if len(list) != 1 || list[0].ID != v1.ID {
		t.Fatalf("after a failed upload: %+v", list)
	}
	events := must(s.ListAudit(ctx, store.AuditQuery{}))(t)
	if len(events) != 1 || events[0].Target != "version 1" {
		t.Fatalf("audit after a failed upload: %+v", events)
	}
	if db, ok := s.(interface{ DB() *sql.DB }); ok {
		var n int
		// The good version's 5 components make one block of each kind,
		// one bucket of ids and one of dependents and one layout row.
		for _, table := range []string{"component_lists", "component_ids", "component_blocks", "dependency_blocks", "dependent_buckets", "version_layouts"} {
			check(t, db.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n))
			if n != 1 {
				t.Fatalf("%d rows of %s after a failed upload, want the good version's 1", n, table)
			}
		}
		check(t, db.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM version_blobs`).Scan(&n))
		if n != 1 {
			t.Fatalf("%d report rows after a failed upload, want 1", n)
		}
	}
	// The next good upload takes the next number: nothing was used up.
	if v := must(s.AddVersion(ctx, sampleVersion(w.ID, alice.ID, 1, "next")))(t); v.Number != 2 {
		t.Fatalf("next version number %d, want 2", v.Number)
	}
	if _, err := s.AddVersion(ctx, store.NewVersion{WorkspaceID: w.ID, CreatedBy: alice.ID}); err == nil {
		t.Fatal("a version without summary, head or inventory was stored")
	}
}

func testConcurrentVersions(t *testing.T, s store.Store) {
	ctx := context.Background()
	alice := newUser(t, s, "alice")
	w := must(s.CreateWorkspace(ctx, "w", "W"))(t)
	const n = 6
	var wg sync.WaitGroup
	numbers := make([]int, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			v, err := s.AddVersion(ctx, sampleVersion(w.ID, alice.ID, 20, fmt.Sprint(i)))
			numbers[i], errs[i] = v.Number, err
		})
	}
	wg.Wait()
	for _, err := range errs {
		check(t, err)
	}
	slices.Sort(numbers)
	if !slices.Equal(numbers, []int{1, 2, 3, 4, 5, 6}) {
		t.Fatalf("concurrent uploads numbered %v", numbers)
	}
}

func testAudit(t *testing.T, s store.Store) {
	ctx := context.Background()
	for i := range 5 {
		ws := "a"
		if i%2 == 1 {
			ws = "b"
		}
		e := must(s.AppendAudit(ctx, store.Event{Actor: "alice", ActorID: 1, Workspace: ws, Action: "report.download", Target: fmt.Sprint(i), Remote: "127.0.0.1"}))(t)
		if e.ID == 0 || e.At.IsZero() {
			t.Fatalf("appended event has no id or time: %+v", e)
		}
	}
	if _, err := s.AppendAudit(ctx, store.Event{Actor: "x"}); err == nil {
		t.Fatal("an event without an action was appended")
	}
	all := must(s.ListAudit(ctx, store.AuditQuery{}))(t)
	if len(all) != 5 || all[0].Target != "4" || all[4].Target != "0" || all[0].Remote != "127.0.0.1" {
		t.Fatalf("ListAudit = %+v", all)
	}
	b := must(s.ListAudit(ctx, store.AuditQuery{Workspace: "b"}))(t)
	if len(b) != 2 || b[0].Target != "3" || b[1].Target != "1" {
		t.Fatalf("workspace b = %+v", b)
	}
	must(s.AppendAudit(ctx, store.Event{Actor: "alice", Action: "login", Target: "site"}))(t)
	if site := must(s.ListAudit(ctx, store.AuditQuery{Site: true}))(t); len(site) != 1 || site[0].Target != "site" {
		t.Fatalf("site-wide events = %+v", site)
	}
	page := must(s.ListAudit(ctx, store.AuditQuery{BeforeID: all[1].ID, Limit: 2}))(t)
	if len(page) != 2 || page[0].Target != "2" || page[1].Target != "1" {
		t.Fatalf("page before %d = %+v", all[1].ID, page)
	}
}

func testAuditAppendOnly(t *testing.T, s store.Store) {
	ctx := context.Background()
	must(s.AppendAudit(ctx, store.Event{Actor: "alice", Action: "login"}))(t)
	db, ok := s.(interface{ DB() *sql.DB })
	if !ok {
		t.Fatalf("%T does not expose its database; the append-only guarantee cannot be checked", s)
	}
	id := must(s.ListAudit(ctx, store.AuditQuery{}))(t)[0].ID
	for _, stmt := range []string{`UPDATE audit_log SET actor = 'mallory'`, `DELETE FROM audit_log`,
		// SQLite's REPLACE deletes the old row without the delete trigger.
		fmt.Sprintf(`INSERT OR REPLACE INTO audit_log (id, at_us, actor_id, actor, workspace, action, target, detail, remote) VALUES (%d, 0, 0, 'mallory', '', 'login', '', '', '')`, id),
		fmt.Sprintf(`REPLACE INTO audit_log (id, at_us, actor_id, actor, workspace, action, target, detail, remote) VALUES (%d, 0, 0, 'mallory', '', 'login', '', '', '')`, id),
		// PostgreSQL's upsert.
		fmt.Sprintf(`INSERT INTO audit_log (id, at_us, actor_id, actor, workspace, action, target, detail, remote) OVERRIDING SYSTEM VALUE VALUES (%d, 0, 0, 'mallory', '', 'login', '', '', '') ON CONFLICT (id) DO UPDATE SET actor = excluded.actor`, id),
	} {
		if _, err := db.DB().ExecContext(ctx, stmt); err == nil {
			t.Errorf("%s succeeded on the audit log", stmt)
		}
	}
	if e := must(s.ListAudit(ctx, store.AuditQuery{}))(t); len(e) != 1 || e[0].Actor != "alice" {
		t.Fatalf("audit log changed: %+v", e)
	}
}

// Migrations runs the tests of migrations on data written before them.
// atSchema opens a new database migrated to the given schema version only,
// and returns it with the function that opens it again, migrating it on.
func Migrations(t *testing.T, atSchema func(t *testing.T, version int) (store.Store, func() store.Store)) {
	t.Run("CaseDuplicates", func(t *testing.T) {
		old, reopen := atSchema(t, 2)
		CaseDuplicatesMigrate(t, old, reopen)
	})
	t.Run("RowsLayout", func(t *testing.T) {
		old, reopen := atSchema(t, 5)
		RowsLayoutMigrates(t, old, reopen)
	})
	t.Run("BlocksLayout", func(t *testing.T) {
		old, reopen := atSchema(t, 6)
		BlocksLayoutMigrates(t, old, reopen)
	})
}

// CaseDuplicatesMigrate checks the migration to case-insensitive login
// names on data written before it: old is a store at schema version 2
// (before the migration) and reopen opens the same database again,
// migrating it. Logins that differ only in case are kept apart by renaming
// the later ones LOGIN-ID, which the audit log records.
func CaseDuplicatesMigrate(t *testing.T, old store.Store, reopen func() store.Store) {
	t.Helper()
	ctx := context.Background()
	first := newUser(t, old, "admin")
	second := newUser(t, old, "ADMIN") // possible before the migration
	other := newUser(t, old, "bob")
	check(t, old.Close())
	s := reopen()
	defer s.Close()
	want := map[int64]string{first.ID: "admin", second.ID: fmt.Sprintf("ADMIN-%d", second.ID), other.ID: "bob"}
	for id, login := range want {
		if u := must(s.UserByID(ctx, id))(t); u.Login != login {
			t.Errorf("user %d is %q after the migration, want %q", id, u.Login, login)
		}
	}
	events := must(s.ListAudit(ctx, store.AuditQuery{}))(t)
	if len(events) != 1 || events[0].Action != "user.rename" || events[0].Target != "ADMIN" || events[0].At.IsZero() ||
		events[0].Detail != fmt.Sprintf("renamed to ADMIN-%d: another login name differs from it only in case", second.ID) {
		t.Errorf("audit after the migration = %+v", events)
	}
	if _, err := s.CreateUser(ctx, store.User{Login: "Bob", PasswordHash: "h"}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("creating Bob beside bob after the migration: %v", err)
	}
}
