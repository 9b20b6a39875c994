package storetest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sovmap/sovmap/store"
)

// newQuestionnaire stores a questionnaire of ws whose link secret is token.
func newQuestionnaire(t *testing.T, s store.Store, ws, user int64, token string, expires time.Time) store.Questionnaire {
	t.Helper()
	h := sha256.Sum256([]byte(token))
	return must(s.CreateQuestionnaire(context.Background(), store.Questionnaire{
		WorkspaceID: ws, TokenHash: h[:], Provider: "acme", Framework: "eu-csf@2026", Recipient: "vendor@example.com",
		CSRF: "csrf-" + token, CreatedBy: user, ExpiresAt: expires,
	}, &store.Event{Actor: "alice", ActorID: user, Workspace: "w", Action: "questionnaire.send"}))(t)
}

func testQuestionnaires(t *testing.T, s store.Store) {
	ctx := context.Background()
	alice := newUser(t, s, "alice")
	w := must(s.CreateWorkspace(ctx, "w", "W"))(t)
	other := must(s.CreateWorkspace(ctx, "other", "Other"))(t)
	now := time.Now().UTC().Truncate(time.Microsecond)
	q := newQuestionnaire(t, s, w.ID, alice.ID, "secret-1", now.Add(time.Hour))
	if q.ID == 0 {
		t.Fatal("created questionnaire has no id")
	}
	// The same link hash twice is a conflict, not a second questionnaire.
	h := sha256.Sum256([]byte("secret-1"))
	if _, err := s.CreateQuestionnaire(ctx, store.Questionnaire{WorkspaceID: w.ID, TokenHash: h[:], Provider: "x", Framework: "y", CSRF: "z",
		CreatedBy: alice.ID, ExpiresAt: now.Add(time.Hour)}, nil); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a second questionnaire with the same link hash: %v, want ErrConflict", err)
	}
	got := must(s.QuestionnaireByToken(ctx, h[:]))(t)
	if got.ID != q.ID || got.Provider != "acme" || got.Framework != "eu-csf@2026" || got.CreatedByLogin != "alice" || got.WorkspaceSlug != "w" ||
		!got.ExpiresAt.Equal(now.Add(time.Hour)) || string(got.Answers) != "{}" || got.Status(now) != "sent" {
		t.Fatalf("QuestionnaireByToken = %+v", got)
	}
	wrong := sha256.Sum256([]byte("secret-2"))
	if _, err := s.QuestionnaireByToken(ctx, wrong[:]); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown hash: %v, want ErrNotFound", err)
	}
	if _, err := s.QuestionnaireByID(ctx, other.ID, q.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another workspace's questionnaire: %v, want ErrNotFound", err)
	}

	// Opening is recorded once, with its audit event.
	first := must(s.MarkQuestionnaireOpened(ctx, q.ID, now, &store.Event{Actor: "vendor", Workspace: "w", Action: "questionnaire.open"}))(t)
	again := must(s.MarkQuestionnaireOpened(ctx, q.ID, now.Add(time.Second), &store.Event{Actor: "vendor", Workspace: "w", Action: "questionnaire.open"}))(t)
	if !first || again {
		t.Fatalf("MarkQuestionnaireOpened first=%v again=%v, want true then false", first, again)
	}

	// A draft with a file, then a file over the limit, which changes nothing.
	draft := store.QuestionnaireAnswers{Answers: []byte(`{"a":"yes"}`), Evidence: []byte(`{"a":"see policy"}`), At: now.Add(time.Minute),
		Files:    []store.EvidenceFile{{Criterion: "a", Name: "policy.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.7 policy")}},
		MaxFiles: 2, MaxBytes: 100, Audit: &store.Event{Actor: "vendor", Workspace: "w", Action: "questionnaire.draft"}}
	check(t, s.SaveQuestionnaireAnswers(ctx, q.ID, draft))
	big := draft
	big.Answers = []byte(`{"a":"no"}`)
	big.Files = []store.EvidenceFile{{Criterion: "a", Name: "big.bin", Data: make([]byte, 90)}}
	if err := s.SaveQuestionnaireAnswers(ctx, q.ID, big); !errors.Is(err, store.ErrTooLarge) {
		t.Fatalf("files over the byte limit: %v, want ErrTooLarge", err)
	}
	got = must(s.QuestionnaireByID(ctx, w.ID, q.ID))(t)
	if string(got.Answers) != `{"a":"yes"}` || string(got.Evidence) != `{"a":"see policy"}` || got.Status(now.Add(2*time.Minute)) != "draft" {
		t.Fatalf("after the draft and a refused save: answers %s, evidence %s, status %s", got.Answers, got.Evidence, got.Status(now))
	}
	files := must(s.EvidenceFiles(ctx, q.ID))(t)
	if len(files) != 1 || files[0].Name != "policy.pdf" || files[0].Size != 15 || files[0].Data != nil {
		t.Fatalf("EvidenceFiles = %+v", files)
	}
	f := must(s.EvidenceFile(ctx, q.ID, files[0].ID))(t)
	if string(f.Data) != "%PDF-1.7 policy" || f.ContentType != "application/pdf" || f.Criterion != "a" {
		t.Fatalf("EvidenceFile = %+v", f)
	}
	q2 := newQuestionnaire(t, s, w.ID, alice.ID, "secret-2", now.Add(time.Hour))
	if _, err := s.EvidenceFile(ctx, q2.ID, files[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a file asked through another questionnaire: %v, want ErrNotFound", err)
	}

	// Submission closes it: no more saves, no revocation.
	sub := store.QuestionnaireAnswers{Answers: []byte(`{"a":"partial"}`), Evidence: []byte(`{}`), Submit: true, At: now.Add(2 * time.Minute),
		Audit: &store.Event{Actor: "vendor", Workspace: "w", Action: "questionnaire.submit"}}
	check(t, s.SaveQuestionnaireAnswers(ctx, q.ID, sub))
	if err := s.SaveQuestionnaireAnswers(ctx, q.ID, draft); !errors.Is(err, store.ErrClosed) {
		t.Fatalf("a save after the submission: %v, want ErrClosed", err)
	}
	if err := s.RevokeQuestionnaire(ctx, w.ID, q.ID, now, nil); !errors.Is(err, store.ErrClosed) {
		t.Fatalf("revoking a submitted questionnaire: %v, want ErrClosed", err)
	}
	got = must(s.QuestionnaireByID(ctx, w.ID, q.ID))(t)
	if string(got.Answers) != `{"a":"partial"}` || got.Status(now) != "submitted" || got.Open(now) {
		t.Fatalf("after submission: answers %s, status %s", got.Answers, got.Status(now))
	}

	// Revocation closes the other; only its own workspace may revoke it.
	if err := s.RevokeQuestionnaire(ctx, other.ID, q2.ID, now, nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("revoking through another workspace: %v, want ErrNotFound", err)
	}
	check(t, s.RevokeQuestionnaire(ctx, w.ID, q2.ID, now, &store.Event{Actor: "alice", Workspace: "w", Action: "questionnaire.revoke"}))
	if err := s.SaveQuestionnaireAnswers(ctx, q2.ID, draft); !errors.Is(err, store.ErrClosed) {
		t.Fatalf("a save after revocation: %v, want ErrClosed", err)
	}

	// An expired link takes no answers.
	q3 := newQuestionnaire(t, s, w.ID, alice.ID, "secret-3", now.Add(time.Minute))
	late := draft
	late.Files, late.At = nil, now.Add(time.Minute)
	if err := s.SaveQuestionnaireAnswers(ctx, q3.ID, late); !errors.Is(err, store.ErrClosed) {
		t.Fatalf("a save at the expiry: %v, want ErrClosed", err)
	}
	if st := must(s.QuestionnaireByID(ctx, w.ID, q3.ID))(t).Status(now.Add(time.Minute)); st != "expired" {
		t.Fatalf("status at the expiry = %s", st)
	}

	list := must(s.ListQuestionnaires(ctx, w.ID))(t)
	if len(list) != 3 || list[0].ID != q3.ID || list[2].ID != q.ID || list[0].Answers != nil {
		t.Fatalf("ListQuestionnaires = %+v", list)
	}
	if l := must(s.ListQuestionnaires(ctx, other.ID))(t); len(l) != 0 {
		t.Fatalf("another workspace lists %d questionnaires", len(l))
	}
	// Every step wrote its audit record; the refused ones wrote none.
	counts := map[string]int{}
	for _, e := range must(s.ListAudit(ctx, store.AuditQuery{Workspace: "w"}))(t) {
		counts[e.Action]++
	}
	want := map[string]int{"questionnaire.send": 3, "questionnaire.open": 1, "questionnaire.draft": 1, "questionnaire.submit": 1, "questionnaire.revoke": 1}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Fatalf("audit actions %v, want %v", counts, want)
	}
}

// testConcurrentSubmissions submits one questionnaire from several
// goroutines at once: exactly one wins, the others find it closed.
func testConcurrentSubmissions(t *testing.T, s store.Store) {
	ctx := context.Background()
	alice := newUser(t, s, "alice")
	w := must(s.CreateWorkspace(ctx, "w", "W"))(t)
	q := newQuestionnaire(t, s, w.ID, alice.ID, "secret", time.Now().Add(time.Hour))
	const n = 6
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = s.SaveQuestionnaireAnswers(ctx, q.ID, store.QuestionnaireAnswers{
				Answers: fmt.Appendf(nil, `{"n":%d}`, i), Evidence: []byte(`{}`), Submit: true,
				Audit: &store.Event{Actor: "vendor", Workspace: "w", Action: "questionnaire.submit"}})
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, store.ErrClosed):
			t.Fatalf("a concurrent submission failed otherwise: %v", err)
		}
	}
	submits := 0
	for _, e := range must(s.ListAudit(ctx, store.AuditQuery{Workspace: "w"}))(t) {
		if e.Action == "questionnaire.submit" {
			submits++
		}
	}
	if won != 1 || submits != 1 {
		t.Fatalf("%d of %d concurrent submissions won and %d were audited, want 1 and 1", won, n, submits)
	}
}
