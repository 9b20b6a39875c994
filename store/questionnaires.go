package store

import (
	"context"
	"errors"
	"time"
)

// ErrClosed means a questionnaire can no longer be answered: it was
// submitted, revoked, or its link expired.
var ErrClosed = errors.New("questionnaire closed")

// Questionnaire is a framework's questions sent to a vendor through a
// one-time link. The vendor has no account: the link's secret is the only
// credential, and the store keeps only its SHA-256 hash.
type Questionnaire struct {
	ID          int64
	WorkspaceID int64
	// WorkspaceSlug is filled when a questionnaire is read, so that the
	// vendor's steps can be audited under their workspace.
	WorkspaceSlug string
	// TokenHash is the SHA-256 of the link's secret.
	TokenHash []byte
	// Provider is the provider id of the inventory the answers are about,
	// or the arrangement id when the framework scores arrangements.
	Provider string
	// Framework names the framework version (id@version).
	Framework string
	// FrameworkYAML is the framework's definition when it came with the
	// questionnaire rather than from the server's library; empty otherwise.
	FrameworkYAML []byte
	// Recipient says whom the link was given to (a name or an address),
	// for the people of the workspace; it is never used to send anything.
	Recipient string
	// CSRF is the token the vendor's form must carry.
	CSRF           string
	CreatedBy      int64
	CreatedByLogin string
	CreatedAt      time.Time
	ExpiresAt      time.Time
	// OpenedAt, SavedAt, SubmittedAt and RevokedAt are zero until it
	// happens; SavedAt is the last draft or the submission.
	OpenedAt    time.Time
	SavedAt     time.Time
	SubmittedAt time.Time
	RevokedAt   time.Time
	// Answers and Evidence are JSON objects keyed by criterion id: the
	// answers (strings or numbers) and the evidence text.
	Answers  []byte
	Evidence []byte
}

// Open reports whether the vendor may still answer at now.
func (q Questionnaire) Open(now time.Time) bool {
	return q.SubmittedAt.IsZero() && q.RevokedAt.IsZero() && now.Before(q.ExpiresAt)
}

// Status names the questionnaire's state at now: sent, opened, draft,
// submitted, revoked or expired.
func (q Questionnaire) Status(now time.Time) string {
	switch {
	case !q.SubmittedAt.IsZero():
		return "submitted"
	case !q.RevokedAt.IsZero():
		return "revoked"
	case !now.Before(q.ExpiresAt):
		return "expired"
	case !q.SavedAt.IsZero():
		return "draft"
	case !q.OpenedAt.IsZero():
		return "opened"
	}
	return "sent"
}

// EvidenceFile is a file a vendor attached to an answer, kept in the
// database byte for byte.
type EvidenceFile struct {
	ID              int64
	QuestionnaireID int64
	Criterion       string
	Name            string
	ContentType     string
	Size            int64
	// Data is empty in lists.
	Data      []byte
	CreatedAt time.Time
}

// QuestionnaireAnswers is a draft or a submission of a vendor's answers.
type QuestionnaireAnswers struct {
	Answers  []byte
	Evidence []byte
	// Files are attached in the same transaction.
	Files []EvidenceFile
	// Submit closes the questionnaire: nothing can be saved after it.
	Submit bool
	At     time.Time
	// MaxFiles and MaxBytes cap the files of one questionnaire, counting
	// those already attached; over them the save fails with ErrTooLarge.
	MaxFiles int
	MaxBytes int64
	// Audit, when set, is appended in the same transaction.
	Audit *Event
}

// ErrTooLarge means the evidence files would pass a questionnaire's limits.
var ErrTooLarge = errors.New("evidence files over the limit")

// Questionnaires keeps vendor questionnaires and their answers.
type Questionnaires interface {
	// CreateQuestionnaire stores a new questionnaire and, when audit is not
	// nil, its audit record (Target filled with the new id) in one
	// transaction.
	CreateQuestionnaire(ctx context.Context, q Questionnaire, audit *Event) (Questionnaire, error)
	// QuestionnaireByToken finds a questionnaire by its link's hash, in any
	// state; ErrNotFound when there is none.
	QuestionnaireByToken(ctx context.Context, hash []byte) (Questionnaire, error)
	// QuestionnaireByID finds a questionnaire of a workspace.
	QuestionnaireByID(ctx context.Context, workspaceID, id int64) (Questionnaire, error)
	// ListQuestionnaires lists a workspace's questionnaires, newest first,
	// without their answers.
	ListQuestionnaires(ctx context.Context, workspaceID int64) ([]Questionnaire, error)
	// MarkQuestionnaireOpened records the first opening of the link and
	// reports whether this call was it; the audit event is appended with it.
	MarkQuestionnaireOpened(ctx context.Context, id int64, at time.Time, audit *Event) (bool, error)
	// SaveQuestionnaireAnswers stores a draft or the submission, with its
	// files, if the questionnaire is still open at a.At; ErrClosed if not.
	// Of two submissions at once, one wins and the other gets ErrClosed.
	SaveQuestionnaireAnswers(ctx context.Context, id int64, a QuestionnaireAnswers) error
	// RevokeQuestionnaire closes an open questionnaire of a workspace;
	// ErrClosed when it was already submitted or revoked.
	RevokeQuestionnaire(ctx context.Context, workspaceID, id int64, at time.Time, audit *Event) error
	// EvidenceFiles lists a questionnaire's files without their data.
	EvidenceFiles(ctx context.Context, questionnaireID int64) ([]EvidenceFile, error)
	// EvidenceFile returns one file with its data.
	EvidenceFile(ctx context.Context, questionnaireID, fileID int64) (EvidenceFile, error)
}
