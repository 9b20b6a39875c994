package postgres

// questionnairesMigration (4) keeps vendor questionnaires: the link's hash,
// the vendor's answers and the evidence files they attach. It mirrors
// store/sqlite's.
var questionnairesMigration = []string{
	`CREATE TABLE questionnaires (
		id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
		token_hash BYTEA NOT NULL UNIQUE,
		provider TEXT NOT NULL,
		framework TEXT NOT NULL,
		framework_yaml BYTEA NOT NULL,
		recipient TEXT NOT NULL DEFAULT '',
		csrf TEXT NOT NULL,
		created_by BIGINT NOT NULL REFERENCES users(id),
		created_us BIGINT NOT NULL,
		expires_us BIGINT NOT NULL,
		opened_us BIGINT NOT NULL DEFAULT 0,
		saved_us BIGINT NOT NULL DEFAULT 0,
		submitted_us BIGINT NOT NULL DEFAULT 0,
		revoked_us BIGINT NOT NULL DEFAULT 0,
		answers BYTEA NOT NULL,
		evidence BYTEA NOT NULL)`,
	`CREATE INDEX questionnaires_workspace ON questionnaires (workspace_id, id)`,
	`CREATE TABLE questionnaire_files (
		id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		questionnaire_id BIGINT NOT NULL REFERENCES questionnaires(id) ON DELETE CASCADE,
		criterion TEXT NOT NULL,
		name TEXT NOT NULL,
		content_type TEXT NOT NULL,
		size BIGINT NOT NULL,
		data BYTEA NOT NULL,
		created_us BIGINT NOT NULL)`,
	`CREATE INDEX questionnaire_files_questionnaire ON questionnaire_files (questionnaire_id, id)`,
}
