package sqlstore_test

// The SQLite and PostgreSQL dialects each write their schema history by
// hand (store/sqlite and store/postgres). These tests keep the two from
// drifting apart. Each reduces a schema to facts, one line each:
//
//	users.login text not null      a column: its type family, NOT NULL, DEFAULT
//	users primary key (id)         the primary key
//	users unique (login)           a unique constraint
//	index sessions_user on sessions (user_id)
//	unique index users_login_nocase on users (lower(login))
//	memberships (user_id) references users (id) on delete CASCADE
//
// Type families are loose on purpose: INTEGER, BIGINT and BOOLEAN are all
// "integer" (SQLite stores flags as 0 or 1), TEXT is "text", BLOB and BYTEA
// are "bytes". Not compared: column order, the text of defaults and CHECK
// constraints, triggers and functions (the append-only audit log is done
// differently by each database), and statements that change data.
//
// TestMigrationTextsAgree parses both dialects' migration statements and
// always runs. TestSQLiteCatalogMatchesMigrationText checks that parser
// against a real SQLite database. TestPostgresCatalogMatchesSQLite, when
// SOVMAP_TEST_POSTGRES_DSN names a server, compares the catalogs of the
// two migrated databases themselves.

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/store/postgres"
	"github.com/sovmap/sovmap/store/postgres/pgtest"
	"github.com/sovmap/sovmap/store/sqlite"
)

func TestMigrationTextsAgree(t *testing.T) {
	sq := parseMigrations(t, sqlite.Dialect().Migrations)
	pg := parseMigrations(t, postgres.Dialect().Migrations)
	if len(sqlite.Dialect().Migrations) != len(postgres.Dialect().Migrations) {
		t.Errorf("sqlite has %d migrations, postgres %d: the schema versions must mean the same in both",
			len(sqlite.Dialect().Migrations), len(postgres.Dialect().Migrations))
	}
	compareFacts(t, "sqlite migrations", sq, "postgres migrations", pg)
}

func TestSQLiteCatalogMatchesMigrationText(t *testing.T) {
	db := openSQLite(t)
	live := withoutTable(sqliteFacts(t, db), "schema_migrations") // made by migrate, not by a migration
	compareFacts(t, "sqlite migrations", parseMigrations(t, sqlite.Dialect().Migrations), "sqlite database", live)
}

func TestPostgresCatalogMatchesSQLite(t *testing.T) {
	pg := pgtest.Open(t) // skips without a server
	defer pg.Close()
	compareFacts(t, "sqlite database", sqliteFacts(t, openSQLite(t)), "postgres database", postgresFacts(t, pg.DB()))
}

// TestCompareFactsReportsDrift makes sure a difference is seen: a column
// missing on one side and a type family that differs.
func TestCompareFactsReportsDrift(t *testing.T) {
	sq := parseMigrations(t, [][]string{{`CREATE TABLE a (id INTEGER PRIMARY KEY, note TEXT NOT NULL)`}})
	pg := parseMigrations(t, [][]string{{`CREATE TABLE a (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note BYTEA NOT NULL, extra TEXT)`}})
	missing, extra := diffFacts(sq, pg)
	if !slices.Equal(missing, []string{"a.note text not null"}) || !slices.Equal(extra, []string{"a.extra text", "a.note bytes not null"}) {
		t.Errorf("missing %q, extra %q", missing, extra)
	}
}

func openSQLite(t *testing.T) *sql.DB {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "sovmap.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.DB()
}

func compareFacts(t *testing.T, aName string, a []string, bName string, b []string) {
	t.Helper()
	if len(a) == 0 || len(b) == 0 {
		t.Fatalf("no schema facts: %s %d, %s %d", aName, len(a), bName, len(b))
	}
	onlyA, onlyB := diffFacts(a, b)
	for _, f := range onlyA {
		t.Errorf("only in %s: %s", aName, f)
	}
	for _, f := range onlyB {
		t.Errorf("only in %s: %s", bName, f)
	}
}

// diffFacts returns the facts only in a and those only in b, sorted.
func diffFacts(a, b []string) (onlyA, onlyB []string) {
	for _, f := range a {
		if !slices.Contains(b, f) {
			onlyA = append(onlyA, f)
		}
	}
	for _, f := range b {
		if !slices.Contains(a, f) {
			onlyB = append(onlyB, f)
		}
	}
	slices.Sort(onlyA)
	slices.Sort(onlyB)
	return onlyA, onlyB
}

func withoutTable(facts []string, table string) []string {
	return slices.DeleteFunc(facts, func(f string) bool {
		return strings.HasPrefix(f, table+".") || strings.HasPrefix(f, table+" ") || strings.Contains(f, " on "+table+" (")
	})
}

// family is the loose type family of a declared type.
func family(t *testing.T, typ string) string {
	switch strings.ToUpper(typ) {
	case "INTEGER", "BIGINT", "SMALLINT", "BOOLEAN":
		return "integer"
	case "TEXT":
		return "text"
	case "BLOB", "BYTEA":
		return "bytes"
	}
	t.Errorf("type %q has no family: add it to family()", typ)
	return "?" + typ
}

func columnFact(t *testing.T, table, column, typ string, notNull, hasDefault bool) string {
	f := table + "." + column + " " + family(t, typ)
	if notNull {
		f += " not null"
	}
	if hasDefault {
		f += " default"
	}
	return f
}

func indexFact(unique bool, name, table, cols string) string {
	f := fmt.Sprintf("index %s on %s (%s)", name, table, cols)
	if unique {
		f = "unique " + f
	}
	return f
}

func fkFact(table, from, to, toCols, onDelete string) string {
	return fmt.Sprintf("%s (%s) references %s (%s) on delete %s", table, from, to, toCols, onDelete)
}

var (
	createTable = regexp.MustCompile(`(?is)^\s*CREATE TABLE (\w+)\s*\((.*)\)\s*$`)
	createIndex = regexp.MustCompile(`(?is)^\s*CREATE (UNIQUE )?INDEX (\w+) ON (\w+)\s*\((.*)\)\s*$`)
	dropIndex   = regexp.MustCompile(`(?is)^\s*DROP INDEX (\w+)\s*$`)
	addColumn   = regexp.MustCompile(`(?is)^\s*ALTER TABLE (\w+) ADD COLUMN (.*)$`)
	ignored     = regexp.MustCompile(`(?is)^\s*(CREATE (TRIGGER|FUNCTION) |INSERT INTO |UPDATE |ALTER TABLE \w+ ALTER COLUMN \w+ SET STORAGE )`)
	references  = regexp.MustCompile(`(?i)REFERENCES (\w+)\s*\(([^)]*)\)`)
	parenthesed = regexp.MustCompile(`\(([^)]*)\)`)
)

// parseMigrations reduces migration statements to schema facts. A
// statement of a kind it does not know fails the test, so that a new kind
// of change is not silently left out of the comparison.
func parseMigrations(t *testing.T, migrations [][]string) []string {
	t.Helper()
	var facts []string
	for v, stmts := range migrations {
		for i, stmt := range stmts {
			switch {
			case createTable.MatchString(stmt):
				m := createTable.FindStringSubmatch(stmt)
				for _, el := range splitTopLevel(m[2]) {
					facts = append(facts, tableElement(t, m[1], el)...)
				}
			case createIndex.MatchString(stmt):
				m := createIndex.FindStringSubmatch(stmt)
				facts = append(facts, indexFact(m[1] != "", m[2], m[3], columns(m[4])))
			case dropIndex.MatchString(stmt):
				name := dropIndex.FindStringSubmatch(stmt)[1]
				n := len(facts)
				facts = slices.DeleteFunc(facts, func(f string) bool {
					return strings.HasPrefix(f, "index "+name+" on ") || strings.HasPrefix(f, "unique index "+name+" on ")
				})
				if len(facts) == n {
					t.Errorf("migration %d, statement %d: drops index %s, which no migration before made", v+1, i+1, name)
				}
			case addColumn.MatchString(stmt):
				m := addColumn.FindStringSubmatch(stmt)
				facts = append(facts, tableElement(t, m[1], m[2])...)
			case ignored.MatchString(stmt):
			default:
				t.Errorf("migration %d, statement %d: not understood by parseMigrations: %.60s", v+1, i+1, stmt)
			}
		}
	}
	slices.Sort(facts)
	return facts
}

// tableElement reduces one element of a CREATE TABLE (a column or a table
// constraint) to facts.
func tableElement(t *testing.T, table, el string) []string {
	el = strings.TrimSpace(el)
	upper := strings.ToUpper(el)
	switch {
	case strings.HasPrefix(upper, "PRIMARY KEY"):
		return []string{fmt.Sprintf("%s primary key (%s)", table, columns(parenthesed.FindStringSubmatch(el)[1]))}
	case strings.HasPrefix(upper, "UNIQUE"):
		return []string{fmt.Sprintf("%s unique (%s)", table, columns(parenthesed.FindStringSubmatch(el)[1]))}
	case strings.HasPrefix(upper, "CHECK"):
		return nil
	case strings.HasPrefix(upper, "CONSTRAINT"), strings.HasPrefix(upper, "FOREIGN KEY"):
		t.Errorf("%s: table constraint not understood by parseMigrations: %s", table, el)
		return nil
	}
	fields := strings.Fields(el)
	name, typ := fields[0], fields[1]
	pk := strings.Contains(upper, "PRIMARY KEY")
	facts := []string{columnFact(t, table, name, typ, pk || strings.Contains(upper, "NOT NULL"), strings.Contains(upper, " DEFAULT "))}
	if pk {
		facts = append(facts, fmt.Sprintf("%s primary key (%s)", table, name))
	}
	if slices.Contains(strings.Fields(upper), "UNIQUE") {
		facts = append(facts, fmt.Sprintf("%s unique (%s)", table, name))
	}
	if m := references.FindStringSubmatch(el); m != nil {
		onDelete := "NO ACTION"
		if strings.Contains(upper, "ON DELETE CASCADE") {
			onDelete = "CASCADE"
		}
		facts = append(facts, fkFact(table, name, m[1], columns(m[2]), onDelete))
	}
	return facts
}

// splitTopLevel splits a CREATE TABLE body at the commas outside
// parentheses.
func splitTopLevel(body string) []string {
	var parts []string
	depth, start := 0, 0
	for i, r := range body {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, body[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, body[start:])
}

// columns normalises a column list: "a, b" -> "a,b".
func columns(list string) string {
	var cs []string
	for _, c := range strings.Split(list, ",") {
		cs = append(cs, strings.TrimSpace(c))
	}
	return strings.Join(cs, ",")
}

// sqliteFacts reads the schema facts of a SQLite database's catalog.
func sqliteFacts(t *testing.T, db *sql.DB) []string {
	t.Helper()
	tables := queryStrings(t, db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	var facts []string
	for _, table := range tables {
		pk := map[int]string{} // position in the key -> column
		each(t, db, fmt.Sprintf("SELECT name, type, \"notnull\", dflt_value IS NOT NULL, pk FROM pragma_table_info('%s')", table), func(rows *sql.Rows) error {
			var name, typ string
			var notNull, hasDefault bool
			var pkPos int
			if err := rows.Scan(&name, &typ, &notNull, &hasDefault, &pkPos); err != nil {
				return err
			}
			facts = append(facts, columnFact(t, table, name, typ, notNull || pkPos > 0, hasDefault))
			if pkPos > 0 {
				pk[pkPos] = name
			}
			return nil
		})
		if len(pk) > 0 {
			key := make([]string, len(pk))
			for pos, name := range pk {
				key[pos-1] = name
			}
			facts = append(facts, fmt.Sprintf("%s primary key (%s)", table, strings.Join(key, ",")))
		}
		type index struct {
			name, origin string
			unique       bool
		}
		var indexes []index
		each(t, db, fmt.Sprintf("SELECT name, origin, \"unique\" FROM pragma_index_list('%s')", table), func(rows *sql.Rows) error {
			var ix index
			indexes = append(indexes, ix)
			last := &indexes[len(indexes)-1]
			return rows.Scan(&last.name, &last.origin, &last.unique)
		})
		for _, ix := range indexes {
			// An expression has no column name: the catalog keeps only the
			// statement, whose column list is read back.
			var cols string
			if names := queryStrings(t, db, fmt.Sprintf("SELECT COALESCE(name, '') FROM pragma_index_info('%s') ORDER BY seqno", ix.name)); !slices.Contains(names, "") {
				cols = strings.Join(names, ",")
			} else if m := createIndex.FindStringSubmatch(queryStrings(t, db, fmt.Sprintf("SELECT sql FROM sqlite_master WHERE name = '%s'", ix.name))[0]); m != nil {
				cols = columns(m[4])
			}
			switch ix.origin {
			case "u":
				facts = append(facts, fmt.Sprintf("%s unique (%s)", table, cols))
			case "c":
				facts = append(facts, indexFact(ix.unique, ix.name, table, cols))
			}
		}
		fks := map[int][]string{} // id -> from, to table, to column, on delete
		each(t, db, fmt.Sprintf("SELECT id, \"from\", \"table\", \"to\", on_delete FROM pragma_foreign_key_list('%s') ORDER BY id, seq", table), func(rows *sql.Rows) error {
			var id int
			var from, to, toCol, onDelete string
			if err := rows.Scan(&id, &from, &to, &toCol, &onDelete); err != nil {
				return err
			}
			if fk, ok := fks[id]; ok {
				fk[0] += "," + from
				fk[2] += "," + toCol
				return nil
			}
			fks[id] = []string{from, to, toCol, onDelete}
			return nil
		})
		for _, fk := range fks {
			facts = append(facts, fkFact(table, fk[0], fk[1], fk[2], fk[3]))
		}
	}
	slices.Sort(facts)
	return facts
}

// postgresFacts reads the schema facts of the current schema of a
// PostgreSQL database.
func postgresFacts(t *testing.T, db *sql.DB) []string {
	t.Helper()
	var facts []string
	each(t, db, `SELECT table_name, column_name, data_type, is_nullable = 'NO', column_default IS NOT NULL
		FROM information_schema.columns WHERE table_schema = current_schema()`, func(rows *sql.Rows) error {
		var table, name, typ string
		var notNull, hasDefault bool
		if err := rows.Scan(&table, &name, &typ, &notNull, &hasDefault); err != nil {
			return err
		}
		facts = append(facts, columnFact(t, table, name, typ, notNull, hasDefault))
		return nil
	})
	const cols = `array_to_string(ARRAY(SELECT a.attname FROM unnest(%s) WITH ORDINALITY AS k(n, o)
		JOIN pg_attribute a ON a.attrelid = %s AND a.attnum = k.n ORDER BY k.o), ',')`
	each(t, db, `SELECT t.relname, c.contype, `+fmt.Sprintf(cols, "c.conkey", "c.conrelid")+`,
			COALESCE(f.relname, ''), `+fmt.Sprintf(cols, "c.confkey", "c.confrelid")+`, c.confdeltype
		FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
		LEFT JOIN pg_class f ON f.oid = c.confrelid
		WHERE n.nspname = current_schema() AND c.contype IN ('p', 'u', 'f')`, func(rows *sql.Rows) error {
		var table, kind, from, to, toCols, onDelete string
		if err := rows.Scan(&table, &kind, &from, &to, &toCols, &onDelete); err != nil {
			return err
		}
		switch kind {
		case "p":
			facts = append(facts, fmt.Sprintf("%s primary key (%s)", table, from))
		case "u":
			facts = append(facts, fmt.Sprintf("%s unique (%s)", table, from))
		case "f":
			actions := map[string]string{"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
			facts = append(facts, fkFact(table, from, to, toCols, actions[onDelete]))
		}
		return nil
	})
	// pg_get_indexdef names each key: a column, or an expression as written.
	each(t, db, `SELECT i.relname, t.relname, x.indisunique,
			array_to_string(ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true) FROM generate_series(1, x.indnkeyatts) AS k ORDER BY k), ',')
		FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)`, func(rows *sql.Rows) error {
		var name, table, cols string
		var unique bool
		if err := rows.Scan(&name, &table, &unique, &cols); err != nil {
			return err
		}
		facts = append(facts, indexFact(unique, name, table, cols))
		return nil
	})
	slices.Sort(facts)
	return facts
}

func each(t *testing.T, db *sql.DB, query string, row func(*sql.Rows) error) {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func queryStrings(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	var out []string
	each(t, db, query, func(rows *sql.Rows) error {
		var s string
		out = append(out, s)
		return rows.Scan(&out[len(out)-1])
	})
	return out
}
