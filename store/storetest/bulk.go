package storetest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sovmap/sovmap/store"
)

// bulkComponents is more than a store writes in one batch (4,096 in
// store/sqlstore), so that the tests below cross batches, and not a
// multiple of a batch or a block, so that the last of each is short.
const bulkComponents = 9001

// oddStrings are values that a careless bulk path would mangle: quotes and
// separators of SQL, CSV and COPY's text format, the text of COPY's NULL,
// escapes, non-ASCII, and empty strings.
var oddStrings = []string{
	"", `'; DROP TABLE components; --`, `"double"`, `back\slash`, `\N`, "tab\there", "new\nline", "cr\rlf",
	"comma, semicolon; pipe|", "é ü ß 中文 🚀", "\u2028\u2029", "%_like_%", "NULL", "null", " leading and trailing ",
}

// bulkVersion builds a version of n components whose every field varies:
// odd strings in every text column, empty and missing results and specs,
// no jurisdictions or dependencies on some and many on others.
func bulkVersion(ws, user int64, n int, note string) (store.NewVersion, store.Records) {
	odd := func(i, salt int) string { return oddStrings[(i*7+salt)%len(oddStrings)] }
	recs := make(store.Records, n)
	for i := range recs {
		c := store.ComponentRecord{Index: i, ID: fmt.Sprintf("c%05d%s", i, strings.TrimSpace(odd(i, 0))),
			Name: odd(i, 1) + fmt.Sprint(i), Layer: odd(i, 2), Provider: odd(i, 3), Controller: odd(i, 4),
			Level: i % 5, EffectiveLevel: (i / 3) % 5, RequiredLevel: i % 4, Gap: i % 3, Category: odd(i, 5), Sourcing: odd(i, 6)}
		for j := range i % 4 {
			c.Jurisdictions = append(c.Jurisdictions, fmt.Sprintf("J%d", (i+j)%40))
		}
		slices.Sort(c.Jurisdictions)
		c.Jurisdictions = slices.Compact(c.Jurisdictions)
		for j := range i % 7 {
			c.DependsOn = append(c.DependsOn, store.Dependency{ID: fmt.Sprintf("c%05d", (i*31+j)%n), Kind: odd(j, i)})
		}
		switch i % 5 {
		case 0: // neither
		case 1:
			c.Result = []byte{}
		default:
			c.Result = []byte(fmt.Sprintf(`{"id":%q,"reason":%q,"n":%d}`, c.ID, odd(i, 7)+strings.Repeat("x", i%300), i))
			c.Spec = []byte(fmt.Sprintf(`{"id":%q,"name":%q}`, c.ID, c.Name))
		}
		recs[i] = c
	}
	nv := store.NewVersion{WorkspaceID: ws, CreatedBy: user, Source: "api", Note: note,
		Files:     []store.File{{Name: "big.json", Data: []byte(`{"components":[]}`)}},
		Inventory: []byte(`{"version":1}`), Head: []byte(`{}`), Summary: []byte(`{"components":` + fmt.Sprint(n) + `}`),
		Components: recs}
	return nv, recs
}

// testBulkRoundTrip: a version of many batches reads back exactly as it
// was given, through every read of the Versions interface.
func testBulkRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	alice := newUser(t, s, "alice")
	w := must(s.CreateWorkspace(ctx, "w", "W"))(t)
	nv, recs := bulkVersion(w.ID, alice.ID, bulkComponents, "bulk")
	v := must(s.AddVersion(ctx, nv))(t)
	if v.Components != bulkComponents {
		t.Fatalf("stored %d components, want %d", v.Components, bulkComponents)
	}
	all := must(s.AllComponents(ctx, v.ID))(t)
	if len(all) != len(recs) {
		t.Fatalf("AllComponents: %d, want %d", len(all), len(recs))
	}
	for i := range recs {
		if err := sameListFields(all[i], recs[i]); err != nil {
			t.Fatalf("AllComponents[%d]: %v", i, err)
		}
		if !bytes.Equal(all[i].Result, recs[i].Result) {
			t.Fatalf("AllComponents[%d].Result = %q, want %q", i, all[i].Result, recs[i].Result)
		}
	}
	// Every component of the first and last blocks of each batch, and a
	// spread of others, one by one with spec and dependencies.
	for i := range recs {
		if i%4096 > 130 && i%4096 < 3960 && i%37 != 0 && i != len(recs)-1 {
			continue
		}
		c, err := s.Component(ctx, v.ID, recs[i].ID)
		if err != nil {
			t.Fatalf("Component(%q): %v", recs[i].ID, err)
		}
		if err := sameListFields(c, recs[i]); err != nil {
			t.Fatalf("Component(%q): %v", recs[i].ID, err)
		}
		if !bytes.Equal(c.Result, recs[i].Result) || !bytes.Equal(c.Spec, recs[i].Spec) {
			t.Fatalf("Component(%q): result %q spec %q, want %q and %q", recs[i].ID, c.Result, c.Spec, recs[i].Result, recs[i].Spec)
		}
		want := slices.Clone(recs[i].DependsOn)
		slices.SortFunc(want, func(a, b store.Dependency) int { return strings.Compare(a.ID, b.ID) })
		if !slices.EqualFunc(c.DependsOn, want, func(a, b store.Dependency) bool { return a == b }) &&
			!(len(c.DependsOn) == 0 && len(want) == 0) {
			t.Fatalf("Component(%q).DependsOn = %q, want %q", recs[i].ID, c.DependsOn, want)
		}
	}
	// Who depends on c00000, counted by brute force over the records.
	var dependents []string
	for _, r := range recs {
		for _, d := range r.DependsOn {
			if d.ID == "c00000" {
				dependents = append(dependents, r.ID)
			}
		}
	}
	got := must(s.Dependents(ctx, v.ID, "c00000"))(t)
	gotIDs := make([]string, len(got))
	for i, d := range got {
		gotIDs[i] = d.ID
	}
	slices.Sort(dependents)
	slices.Sort(gotIDs)
	if len(dependents) == 0 || !slices.Equal(gotIDs, dependents) {
		t.Fatalf("Dependents(c00000) = %d components, want %d", len(gotIDs), len(dependents))
	}
	// A filter on a jurisdiction counts what the records say.
	want := 0
	for _, r := range recs {
		if slices.Contains(r.Jurisdictions, "J7") {
			want++
		}
	}
	_, total, err := s.ListComponents(ctx, v.ID, store.ComponentQuery{Jurisdiction: "J7"})
	check(t, err)
	if total != want || want == 0 {
		t.Fatalf("components in J7: %d, want %d", total, want)
	}
}

func sameListFields(got, want store.ComponentRecord) error {
	g, w := got, want
	g.Result, g.Spec, g.DependsOn, w.Result, w.Spec, w.DependsOn = nil, nil, nil, nil, nil, nil
	if len(g.Jurisdictions) == 0 && len(w.Jurisdictions) == 0 {
		g.Jurisdictions, w.Jurisdictions = nil, nil
	}
	if !reflect.DeepEqual(g, w) {
		return fmt.Errorf("got %#v, want %#v", g, w)
	}
	return nil
}

// failingSource gives its records until component failAt, then fails.
type failingSource struct {
	store.Records
	failAt int
}

func (f failingSource) Fill(start int, recs []store.ComponentRecord) error {
	if start+len(recs) > f.failAt {
		return errors.New("the upload's connection broke")
	}
	return f.Records.Fill(start, recs)
}

// testBulkFailure: an upload that fails after whole batches were written,
// by the database (a duplicate id) or by its source, leaves no trace, and
// the version stored before it reads back whole.
func testBulkFailure(t *testing.T, s store.Store) {
	ctx := context.Background()
	alice := newUser(t, s, "alice")
	w := must(s.CreateWorkspace(ctx, "w", "W"))(t)
	audit := &store.Event{Actor: "alice", ActorID: alice.ID, Workspace: "w", Action: "version.api"}
	good, goodRecs := bulkVersion(w.ID, alice.ID, 5000, "good")
	good.Audit = audit
	v1 := must(s.AddVersion(ctx, good))(t)
	counts := tableCounts(t, s)

	dup, dupRecs := bulkVersion(w.ID, alice.ID, bulkComponents, "duplicate")
	dup.Audit = audit
	dupRecs[bulkComponents-2].ID = dupRecs[3].ID // found in the third batch
	if _, err := s.AddVersion(ctx, dup); err == nil {
		t.Fatal("a version with a duplicate id in its last batch was stored")
	}
	broken, brokenRecs := bulkVersion(w.ID, alice.ID, bulkComponents, "broken")
	broken.Audit = audit
	broken.Components = failingSource{brokenRecs, 8500}
	if _, err := s.AddVersion(ctx, broken); err == nil || !strings.Contains(err.Error(), "connection broke") {
		t.Fatalf("a source that failed after two batches: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	broken.Components = cancelSource{failingSource{brokenRecs, bulkComponents + 1}, cancel, 4096}
	if _, err := s.AddVersion(cctx, broken); err == nil {
		t.Fatal("an upload canceled after its first batch was stored")
	}

	list := must(s.ListVersions(ctx, w.ID))(t)
	if len(list) != 1 || list[0].ID != v1.ID {
		t.Fatalf("after failed uploads the versions are %+v", list)
	}
	if events := must(s.ListAudit(ctx, store.AuditQuery{Workspace: "w"}))(t); len(events) != 1 || events[0].Target != "version 1" {
		t.Fatalf("after failed uploads the audit log is %+v", events)
	}
	if after := tableCounts(t, s); !slices.Equal(after, counts) {
		t.Fatalf("rows per table %v after failed uploads, %v before", after, counts)
	}
	all := must(s.AllComponents(ctx, v1.ID))(t)
	if len(all) != len(goodRecs) {
		t.Fatalf("the stored version has %d components, want %d", len(all), len(goodRecs))
	}
	for i := range goodRecs {
		if err := sameListFields(all[i], goodRecs[i]); err != nil || !bytes.Equal(all[i].Result, goodRecs[i].Result) {
			t.Fatalf("the stored version's component %d changed: %v", i, err)
		}
	}
	// The next upload takes the next number.
	next, _ := bulkVersion(w.ID, alice.ID, 10, "next")
	if v := must(s.AddVersion(ctx, next))(t); v.Number != 2 {
		t.Fatalf("next version number %d, want 2", v.Number)
	}
}

// cancelSource cancels its context when asked for the batch at start.
type cancelSource struct {
	failingSource
	cancel context.CancelFunc
	at     int
}

func (c cancelSource) Fill(start int, recs []store.ComponentRecord) error {
	if start >= c.at {
		c.cancel()
	}
	return c.failingSource.Fill(start, recs)
}

// tableCounts counts the rows of every table a version writes, where the
// store is a SQL database.
func tableCounts(t *testing.T, s store.Store) []int {
	db, ok := s.(interface{ DB() *sql.DB })
	if !ok {
		return nil
	}
	var out []int
	for _, table := range []string{"versions", "version_blobs", "version_files", "components", "component_blocks",
		"component_details", "component_jurisdictions", "dependencies", "dependency_blocks", "dependent_buckets", "version_layouts", "component_lists", "component_ids", "audit_log"} {
		var n int
		check(t, db.DB().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n))
		out = append(out, n)
	}
	return out
}

// testLegacyDetails: a version stored before blocks, with a row of
// component_details per component, reads back as one stored in blocks.
func testLegacyDetails(t *testing.T, s store.Store) {
	db, ok := s.(interface{ DB() *sql.DB })
	if !ok {
		t.Skip("not a SQL store")
	}
	ctx := context.Background()
	alice := newUser(t, s, "alice")
	w := must(s.CreateWorkspace(ctx, "w", "W"))(t)
	nv, recs := bulkVersion(w.ID, alice.ID, 300, "legacy")
	v := must(s.AddVersion(ctx, nv))(t)
	// Rewrite the version as the store wrote versions before blocks.
	q := placeholders(db.DB())
	tx, err := db.DB().BeginTx(ctx, nil)
	check(t, err)
	for i, r := range recs {
		_, err := tx.ExecContext(ctx, q(`INSERT INTO component_details (version_id, idx, result, spec) VALUES (?, ?, ?, ?)`),
			v.ID, i, append([]byte{}, r.Result...), append([]byte{}, r.Spec...))
		check(t, err)
	}
	_, err = tx.ExecContext(ctx, q(`DELETE FROM component_blocks WHERE version_id = ?`), v.ID)
	check(t, err)
	check(t, tx.Commit())
	all := must(s.AllComponents(ctx, v.ID))(t)
	if len(all) != len(recs) {
		t.Fatalf("AllComponents: %d, want %d", len(all), len(recs))
	}
	for i := range recs {
		if !bytes.Equal(all[i].Result, recs[i].Result) {
			t.Fatalf("AllComponents[%d].Result = %q, want %q", i, all[i].Result, recs[i].Result)
		}
		c, err := s.Component(ctx, v.ID, recs[i].ID)
		check(t, err)
		if err := sameListFields(c, recs[i]); err != nil || !bytes.Equal(c.Result, recs[i].Result) || !bytes.Equal(c.Spec, recs[i].Spec) {
			t.Fatalf("Component(%q) = %q, %q (%v)", recs[i].ID, c.Result, c.Spec, err)
		}
	}
}
