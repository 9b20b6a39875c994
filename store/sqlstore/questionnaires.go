package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/sovmap/sovmap/store"
)

const questionnaireColumns = `q.id, q.workspace_id, w.slug, q.token_hash, q.provider, q.framework, q.framework_yaml, q.recipient, q.csrf,
	q.created_by, COALESCE(u.login, ''), q.created_us, q.expires_us, q.opened_us, q.saved_us, q.submitted_us, q.revoked_us`

// scanQuestionnaire reads questionnaireColumns, then answers and evidence
// when withAnswers is set.
func scanQuestionnaire(row interface{ Scan(...any) error }, withAnswers bool) (store.Questionnaire, error) {
	var q store.Questionnaire
	var created, expires, opened, saved, submitted, revoked int64
	dest := []any{&q.ID, &q.WorkspaceID, &q.WorkspaceSlug, &q.TokenHash, &q.Provider, &q.Framework, &q.FrameworkYAML, &q.Recipient, &q.CSRF,
		&q.CreatedBy, &q.CreatedByLogin, &created, &expires, &opened, &saved, &submitted, &revoked}
	if withAnswers {
		dest = append(dest, &q.Answers, &q.Evidence)
	}
	if err := row.Scan(dest...); err != nil {
		return q, err
	}
	q.CreatedAt, q.ExpiresAt, q.OpenedAt = fromMicros(created), fromMicros(expires), fromMicros(opened)
	q.SavedAt, q.SubmittedAt, q.RevokedAt = fromMicros(saved), fromMicros(submitted), fromMicros(revoked)
	return q, nil
}

// CreateQuestionnaire stores a new questionnaire with its audit record.
func (s *Store) CreateQuestionnaire(ctx context.Context, q store.Questionnaire, audit *store.Event) (store.Questionnaire, error) {
	if len(q.TokenHash) == 0 || q.Provider == "" || q.Framework == "" || q.CSRF == "" || q.ExpiresAt.IsZero() {
		return q, fmt.Errorf("create questionnaire: token hash, provider, framework, CSRF token and expiry are required")
	}
	if q.CreatedAt.IsZero() {
		q.CreatedAt = time.Now().UTC()
	}
	nonNil := func(b []byte) []byte {
		if b == nil {
			return []byte{}
		}
		return b
	}
	answers, evidence := q.Answers, q.Evidence
	if len(answers) == 0 {
		answers = []byte("{}")
	}
	if len(evidence) == 0 {
		evidence = []byte("{}")
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.q(`INSERT INTO questionnaires (workspace_id, token_hash, provider, framework, framework_yaml, recipient, csrf,
			created_by, created_us, expires_us, answers, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			q.WorkspaceID, q.TokenHash, q.Provider, q.Framework, nonNil(q.FrameworkYAML), q.Recipient, q.CSRF,
			q.CreatedBy, micros(q.CreatedAt), micros(q.ExpiresAt), answers, evidence).Scan(&q.ID)
		if err != nil {
			return s.wrap(err, "create questionnaire")
		}
		if audit != nil {
			e := *audit
			e.Target = "questionnaire " + strconv.FormatInt(q.ID, 10)
			if _, err := s.appendAudit(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	q.Answers, q.Evidence = answers, evidence
	return q, err
}

// QuestionnaireByToken finds a questionnaire by its link's hash.
func (s *Store) QuestionnaireByToken(ctx context.Context, hash []byte) (store.Questionnaire, error) {
	row := s.db.QueryRowContext(ctx, s.q(`SELECT `+questionnaireColumns+`, q.answers, q.evidence
		FROM questionnaires q JOIN workspaces w ON w.id = q.workspace_id LEFT JOIN users u ON u.id = q.created_by WHERE q.token_hash = ?`), hash)
	q, err := scanQuestionnaire(row, true)
	return q, s.wrap(err, "questionnaire")
}

// QuestionnaireByID finds a questionnaire of a workspace.
func (s *Store) QuestionnaireByID(ctx context.Context, workspaceID, id int64) (store.Questionnaire, error) {
	row := s.db.QueryRowContext(ctx, s.q(`SELECT `+questionnaireColumns+`, q.answers, q.evidence
		FROM questionnaires q JOIN workspaces w ON w.id = q.workspace_id LEFT JOIN users u ON u.id = q.created_by WHERE q.workspace_id = ? AND q.id = ?`), workspaceID, id)
	q, err := scanQuestionnaire(row, true)
	return q, s.wrap(err, "questionnaire "+strconv.FormatInt(id, 10))
}

// ListQuestionnaires lists a workspace's questionnaires, newest first.
func (s *Store) ListQuestionnaires(ctx context.Context, workspaceID int64) ([]store.Questionnaire, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+questionnaireColumns+`
		FROM questionnaires q JOIN workspaces w ON w.id = q.workspace_id LEFT JOIN users u ON u.id = q.created_by WHERE q.workspace_id = ? ORDER BY q.id DESC`), workspaceID)
	if err != nil {
		return nil, s.wrap(err, "list questionnaires")
	}
	defer rows.Close()
	var out []store.Questionnaire
	for rows.Next() {
		q, err := scanQuestionnaire(rows, false)
		if err != nil {
			return nil, s.wrap(err, "list questionnaires")
		}
		out = append(out, q)
	}
	return out, s.wrap(rows.Err(), "list questionnaires")
}

// MarkQuestionnaireOpened records the first opening of the link.
func (s *Store) MarkQuestionnaireOpened(ctx context.Context, id int64, at time.Time, audit *store.Event) (bool, error) {
	first := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE questionnaires SET opened_us = ? WHERE id = ? AND opened_us = 0`), micros(at), id)
		if err != nil {
			return s.wrap(err, "open questionnaire")
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return s.wrap(err, "open questionnaire")
		}
		first = true
		if audit != nil {
			if _, err := s.appendAudit(ctx, tx, *audit); err != nil {
				return err
			}
		}
		return nil
	})
	return first, err
}

// lockOpen locks the questionnaire's row until the end of tx and checks
// that it is still open at at, by store.Questionnaire.Open's rule.
func (s *Store) lockOpen(ctx context.Context, tx *sql.Tx, id int64, at time.Time, workspaceID int64) error {
	query := `SELECT expires_us, submitted_us, revoked_us FROM questionnaires WHERE id = ?`
	args := []any{id}
	if workspaceID != 0 {
		query, args = query+` AND workspace_id = ?`, append(args, workspaceID)
	}
	var expires, submitted, revoked int64
	err := tx.QueryRowContext(ctx, s.q(query+s.d.ForUpdate), args...).Scan(&expires, &submitted, &revoked)
	if err != nil {
		return s.wrap(err, "questionnaire "+strconv.FormatInt(id, 10))
	}
	q := store.Questionnaire{ExpiresAt: fromMicros(expires), SubmittedAt: fromMicros(submitted), RevokedAt: fromMicros(revoked)}
	if !q.Open(at) {
		return fmt.Errorf("questionnaire %d: %w", id, store.ErrClosed)
	}
	return nil
}

// SaveQuestionnaireAnswers stores a draft or the submission with its files.
func (s *Store) SaveQuestionnaireAnswers(ctx context.Context, id int64, a store.QuestionnaireAnswers) error {
	if a.At.IsZero() {
		a.At = time.Now().UTC()
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockOpen(ctx, tx, id, a.At, 0); err != nil {
			return err
		}
		if len(a.Files) > 0 {
			var count, size int64
			err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*), COALESCE(SUM(size), 0) FROM questionnaire_files WHERE questionnaire_id = ?`), id).Scan(&count, &size)
			if err != nil {
				return s.wrap(err, "evidence files")
			}
			for _, f := range a.Files {
				count, size = count+1, size+int64(len(f.Data))
			}
			if (a.MaxFiles > 0 && count > int64(a.MaxFiles)) || (a.MaxBytes > 0 && size > a.MaxBytes) {
				return fmt.Errorf("questionnaire %d: %w (at most %d files and %d bytes in all)", id, store.ErrTooLarge, a.MaxFiles, a.MaxBytes)
			}
			for _, f := range a.Files {
				_, err := tx.ExecContext(ctx, s.q(`INSERT INTO questionnaire_files (questionnaire_id, criterion, name, content_type, size, data, created_us)
					VALUES (?, ?, ?, ?, ?, ?, ?)`), id, f.Criterion, f.Name, f.ContentType, int64(len(f.Data)), f.Data, micros(a.At))
				if err != nil {
					return s.wrap(err, "evidence file "+f.Name)
				}
			}
		}
		submitted := int64(0)
		if a.Submit {
			submitted = micros(a.At)
		}
		_, err := tx.ExecContext(ctx, s.q(`UPDATE questionnaires SET answers = ?, evidence = ?, saved_us = ?, submitted_us = ? WHERE id = ?`),
			a.Answers, a.Evidence, micros(a.At), submitted, id)
		if err != nil {
			return s.wrap(err, "save questionnaire")
		}
		if a.Audit != nil {
			if _, err := s.appendAudit(ctx, tx, *a.Audit); err != nil {
				return err
			}
		}
		return nil
	})
}

// RevokeQuestionnaire closes an open questionnaire.
func (s *Store) RevokeQuestionnaire(ctx context.Context, workspaceID, id int64, at time.Time, audit *store.Event) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var submitted, revoked int64
		err := tx.QueryRowContext(ctx, s.q(`SELECT submitted_us, revoked_us FROM questionnaires WHERE id = ? AND workspace_id = ?`+s.d.ForUpdate), id, workspaceID).Scan(&submitted, &revoked)
		if err != nil {
			return s.wrap(err, "questionnaire "+strconv.FormatInt(id, 10))
		}
		if submitted != 0 || revoked != 0 {
			return fmt.Errorf("questionnaire %d: %w", id, store.ErrClosed)
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE questionnaires SET revoked_us = ? WHERE id = ?`), micros(at), id); err != nil {
			return s.wrap(err, "revoke questionnaire")
		}
		if audit != nil {
			if _, err := s.appendAudit(ctx, tx, *audit); err != nil {
				return err
			}
		}
		return nil
	})
}

// EvidenceFiles lists a questionnaire's files without their data.
func (s *Store) EvidenceFiles(ctx context.Context, questionnaireID int64) ([]store.EvidenceFile, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, criterion, name, content_type, size, created_us FROM questionnaire_files
		WHERE questionnaire_id = ? ORDER BY id`), questionnaireID)
	if err != nil {
		return nil, s.wrap(err, "evidence files")
	}
	defer rows.Close()
	var out []store.EvidenceFile
	for rows.Next() {
		f := store.EvidenceFile{QuestionnaireID: questionnaireID}
		var at int64
		if err := rows.Scan(&f.ID, &f.Criterion, &f.Name, &f.ContentType, &f.Size, &at); err != nil {
			return nil, s.wrap(err, "evidence files")
		}
		f.CreatedAt = fromMicros(at)
		out = append(out, f)
	}
	return out, s.wrap(rows.Err(), "evidence files")
}

// EvidenceFile returns one file with its data.
func (s *Store) EvidenceFile(ctx context.Context, questionnaireID, fileID int64) (store.EvidenceFile, error) {
	f := store.EvidenceFile{QuestionnaireID: questionnaireID}
	var at int64
	err := s.db.QueryRowContext(ctx, s.q(`SELECT id, criterion, name, content_type, size, data, created_us FROM questionnaire_files
		WHERE questionnaire_id = ? AND id = ?`), questionnaireID, fileID).Scan(&f.ID, &f.Criterion, &f.Name, &f.ContentType, &f.Size, &f.Data, &at)
	f.CreatedAt = fromMicros(at)
	return f, s.wrap(err, "evidence file "+strconv.FormatInt(fileID, 10))
}
