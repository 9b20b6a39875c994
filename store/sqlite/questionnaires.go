package sqlite

// questionnairesMigration (4) keeps vendor questionnaires: the link's hash,
// the vendor's answers and the evidence files they attach. It mirrors
// store/postgres's.
var questionnairesMigration = []string{
	`CREATE TABLE questionnaires (
		id INTEGER PRIMARY KEY,
		workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
		token_hash BLOB NOT NULL UNIQUE,
		provider TEXT NOT NULL,
		framework TEXT NOT NULL,
		framework_yaml BLOB NOT NULL,
		recipient TEXT NOT NULL DEFAULT '',
		csrf TEXT NOT NULL,
		created_by INTEGER NOT NULL REFERENCES users(id),
		created_us INTEGER NOT NULL,
		expires_us INTEGER NOT NULL,
		opened_us INTEGER NOT NULL DEFAULT 0,
		saved_us INTEGER NOT NULL DEFAULT 0,
		submitted_us INTEGER NOT NULL DEFAULT 0,
		revoked_us INTEGER NOT NULL DEFAULT 0,
		answers BLOB NOT NULL,
		evidence BLOB NOT NULL)`,
	`CREATE INDEX questionnaires_workspace ON questionnaires (workspace_id, id)`,
	`CREATE TABLE questionnaire_files (
		id INTEGER PRIMARY KEY,
		questionnaire_id INTEGER NOT NULL REFERENCES questionnaires(id) ON DELETE CASCADE,
		criterion TEXT NOT NULL,
		name TEXT NOT NULL,
		content_type TEXT NOT NULL,
		size INTEGER NOT NULL,
		data BLOB NOT NULL,
		created_us INTEGER NOT NULL)`,
	`CREATE INDEX questionnaire_files_questionnaire ON questionnaire_files (questionnaire_id, id)`,
}
