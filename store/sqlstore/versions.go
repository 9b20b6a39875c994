package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/sovmap/sovmap/internal/fanout"
	"github.com/sovmap/sovmap/store"
)

// AddVersion stores an upload in one transaction: the version row, its
// files, components, jurisdictions, dependencies and its audit record. A
// crash or error at any point leaves no trace of it. The components go in
// bulk (see bulk.go), on one connection prepared for a large write.
func (s *Store) AddVersion(ctx context.Context, nv store.NewVersion) (store.Version, error) {
	if nv.WorkspaceID == 0 || nv.CreatedBy == 0 {
		return store.Version{}, errors.New("add version: workspace and author are required")
	}
	if nv.Summary == nil || nv.Head == nil || nv.Inventory == nil {
		return store.Version{}, errors.New("add version: summary, head and inventory are required")
	}
	if nv.Components == nil {
		nv.Components = store.Records(nil)
	}
	// The blobs and files are compressed while the components are
	// written.
	packed := packAll(nv)
	defer packed()
	v := store.Version{WorkspaceID: nv.WorkspaceID, CreatedAt: time.Now().UTC(), CreatedBy: nv.CreatedBy,
		Source: nv.Source, Note: nv.Note, Summary: nv.Summary, Components: nv.Components.Len()}
	conn, release, err := s.bulkSession(ctx)
	if err != nil {
		return store.Version{}, err
	}
	defer release()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return store.Version{}, fmt.Errorf("%s: begin: %w", s.d.Name, err)
	}
	w := &bulkWriter{s: s, conn: conn, tx: tx}
	err = s.addVersion(ctx, w, &v, nv, packed)
	w.close()
	if err != nil {
		_ = tx.Rollback()
		return store.Version{}, err
	}
	if err := tx.Commit(); err != nil {
		return store.Version{}, fmt.Errorf("%s: commit: %w", s.d.Name, err)
	}
	return v, nil
}

// packedBlobs is a new version's blobs and files, compressed.
type packedBlobs struct {
	head, inventory []byte
	// positions is nil when the version has none: NULL.
	positions []byte
	files     [][]byte
}

// packAll compresses a new version's blobs and files on other goroutines,
// one per blob, and returns the function that waits for them; it may be
// called again.
func packAll(nv store.NewVersion) func() (packedBlobs, error) {
	const fixed = 3 // head, inventory, positions
	blobs := append([][]byte{nv.Head, nv.Inventory, nv.Positions}, make([][]byte, len(nv.Files))...)
	for i, f := range nv.Files {
		blobs[fixed+i] = f.Data
	}
	out := make([][]byte, len(blobs))
	errs := make([]error, len(blobs))
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = fanout.Jobs(context.Background(), len(blobs), 0, func() func(int) {
			return func(i int) {
				// Only the positions may be missing: NULL.
				if i != 2 || blobs[i] != nil {
					out[i], errs[i] = pack(blobs[i])
				}
			}
		})
	}()
	return func() (packedBlobs, error) {
		<-done
		return packedBlobs{head: out[0], inventory: out[1], positions: out[2], files: out[fixed:]}, errors.Join(errs...)
	}
}

// addVersion is AddVersion's transaction; packed waits for the version's
// blobs and files, compressed.
func (s *Store) addVersion(ctx context.Context, w *bulkWriter, v *store.Version, nv store.NewVersion, packed func() (packedBlobs, error)) error {
	tx := w.tx
	// Lock the workspace so that concurrent uploads get consecutive
	// numbers instead of a unique violation.
	var id int64
	if err := tx.QueryRowContext(ctx, s.q(`SELECT id FROM workspaces WHERE id = ?`+s.d.ForUpdate), nv.WorkspaceID).Scan(&id); err != nil {
		return s.wrap(err, "add version: workspace")
	}
	if err := tx.QueryRowContext(ctx, s.q(`SELECT login FROM users WHERE id = ?`), nv.CreatedBy).Scan(&v.CreatedByLogin); err != nil {
		return s.wrap(err, "add version: author")
	}
	if err := tx.QueryRowContext(ctx, s.q(`SELECT COALESCE(MAX(number), 0) + 1 FROM versions WHERE workspace_id = ?`), nv.WorkspaceID).Scan(&v.Number); err != nil {
		return s.wrap(err, "add version: number")
	}
	if err := tx.QueryRowContext(ctx, s.q(`INSERT INTO versions (workspace_id, number, created_us, created_by, source, note, summary, components)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		v.WorkspaceID, v.Number, micros(v.CreatedAt), v.CreatedBy, v.Source, v.Note, v.Summary, v.Components).Scan(&v.ID); err != nil {
		return s.wrap(err, "add version")
	}
	if err := s.writeComponents(ctx, w, v.ID, nv.Components); err != nil {
		return err
	}
	blobs, err := packed()
	if err != nil {
		return fmt.Errorf("add version: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO version_blobs (version_id, head, inventory, positions) VALUES (?, ?, ?, ?)`),
		v.ID, blobs.head, blobs.inventory, blobs.positions); err != nil {
		return s.wrap(err, "add version: report")
	}
	for i, f := range nv.Files {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO version_files (version_id, seq, name, data) VALUES (?, ?, ?, ?)`), v.ID, i, f.Name, blobs.files[i]); err != nil {
			return s.wrap(err, "add version: file "+f.Name)
		}
	}
	if nv.Audit != nil {
		e := *nv.Audit
		e.Target = fmt.Sprintf("version %d", v.Number)
		if _, err := s.appendAudit(ctx, tx, e); err != nil {
			return err
		}
	}
	return nil
}

const versionColumns = `v.id, v.workspace_id, v.number, v.created_us, v.created_by, COALESCE(u.login, ''), v.source, v.note, v.summary, v.components`

func scanVersion(row scanner) (store.Version, error) {
	var v store.Version
	var created int64
	err := row.Scan(&v.ID, &v.WorkspaceID, &v.Number, &created, &v.CreatedBy, &v.CreatedByLogin, &v.Source, &v.Note, &v.Summary, &v.Components)
	v.CreatedAt = fromMicros(created)
	return v, err
}

// ListVersions lists a workspace's versions, newest first.
func (s *Store) ListVersions(ctx context.Context, workspaceID int64) ([]store.Version, error) {
	return s.versions(ctx, "list versions", `SELECT `+versionColumns+` FROM versions v LEFT JOIN users u ON u.id = v.created_by
		WHERE v.workspace_id = ? ORDER BY v.number DESC`, workspaceID)
}

// LatestVersions returns the newest version of every workspace that has
// one, the most recently stored first.
func (s *Store) LatestVersions(ctx context.Context) ([]store.Version, error) {
	return s.versions(ctx, "latest versions", `SELECT `+versionColumns+` FROM versions v LEFT JOIN users u ON u.id = v.created_by
		WHERE v.number = (SELECT MAX(number) FROM versions w WHERE w.workspace_id = v.workspace_id)
		ORDER BY v.created_us DESC, v.id DESC`)
}

// versions returns the versions query selects; what names it in errors.
func (s *Store) versions(ctx context.Context, what, query string, args ...any) ([]store.Version, error) {
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, s.wrap(err, what)
	}
	defer rows.Close()
	var out []store.Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, s.wrap(err, what)
		}
		out = append(out, v)
	}
	return out, s.wrap(rows.Err(), what)
}

// VersionByNumber finds a version of a workspace.
func (s *Store) VersionByNumber(ctx context.Context, workspaceID int64, number int) (store.Version, error) {
	v, err := scanVersion(s.db.QueryRowContext(ctx, s.q(`SELECT `+versionColumns+` FROM versions v LEFT JOIN users u ON u.id = v.created_by
		WHERE v.workspace_id = ? AND v.number = ?`), workspaceID, number))
	return v, s.wrap(err, fmt.Sprintf("version %d", number))
}

// LatestVersion finds a workspace's newest version.
func (s *Store) LatestVersion(ctx context.Context, workspaceID int64) (store.Version, error) {
	v, err := scanVersion(s.db.QueryRowContext(ctx, s.q(`SELECT `+versionColumns+` FROM versions v LEFT JOIN users u ON u.id = v.created_by
		WHERE v.workspace_id = ? ORDER BY v.number DESC LIMIT 1`), workspaceID))
	return v, s.wrap(err, "latest version")
}

// blob returns a column of version_blobs unpacked, nil when it is NULL.
func (s *Store) blob(ctx context.Context, column string, versionID int64) ([]byte, error) {
	var b []byte
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT `+column+` FROM version_blobs WHERE version_id = ?`), versionID).Scan(&b); err != nil {
		return nil, s.wrap(err, fmt.Sprintf("version %d %s", versionID, column))
	}
	if b == nil {
		return nil, nil
	}
	return unpack(b)
}

// VersionHead returns the report without components, as JSON.
func (s *Store) VersionHead(ctx context.Context, versionID int64) ([]byte, error) {
	return s.blob(ctx, "head", versionID)
}

// VersionInventory returns the validated inventory, as JSON.
func (s *Store) VersionInventory(ctx context.Context, versionID int64) ([]byte, error) {
	return s.blob(ctx, "inventory", versionID)
}

// VersionPositions returns the positions kept at upload, nil for a
// version stored without them (before migration 9, or by a caller that
// gave none).
func (s *Store) VersionPositions(ctx context.Context, versionID int64) ([]byte, error) {
	return s.blob(ctx, "positions", versionID)
}

// VersionFiles returns the files as uploaded.
func (s *Store) VersionFiles(ctx context.Context, versionID int64) ([]store.File, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT name, data FROM version_files WHERE version_id = ? ORDER BY seq`), versionID)
	if err != nil {
		return nil, s.wrap(err, "version files")
	}
	defer rows.Close()
	var out []store.File
	for rows.Next() {
		var f store.File
		var packed []byte
		if err := rows.Scan(&f.Name, &packed); err != nil {
			return nil, s.wrap(err, "version files")
		}
		if f.Data, err = unpack(packed); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, s.wrap(rows.Err(), "version files")
}

const listColumns = `c.idx, c.id, c.name, c.layer, c.provider, c.controller, c.level, c.effective, c.required, c.gap, c.category, c.sourcing, c.jurisdictions`

func scanComponent(row scanner) (store.ComponentRecord, error) {
	var c store.ComponentRecord
	var juris string
	err := row.Scan(&c.Index, &c.ID, &c.Name, &c.Layer, &c.Provider, &c.Controller, &c.Level, &c.EffectiveLevel,
		&c.RequiredLevel, &c.Gap, &c.Category, &c.Sourcing, &juris)
	c.Jurisdictions = strings.Fields(juris)
	return c, err
}

// sortColumns maps ComponentQuery.Sort to SQL; only these are ever spliced
// into a query.
var sortColumns = map[string]string{
	"":          "c.idx",
	"id":        "c.id",
	"layer":     "c.layer",
	"level":     "c.level",
	"effective": "c.effective",
	"required":  "c.required",
	"gap":       "c.gap",
	"provider":  "c.provider",
}

// ListComponents returns one page of a version's components.
func (s *Store) ListComponents(ctx context.Context, versionID int64, q store.ComponentQuery) ([]store.ComponentRecord, int, error) {
	order, ok := sortColumns[q.Sort]
	if !ok {
		return nil, 0, fmt.Errorf("list components: unknown sort %q (one of %s)", q.Sort, strings.Join(store.SortKeys, ", "))
	}
	limit := q.Limit
	switch {
	case limit <= 0:
		limit = 50
	case limit > 1000:
		limit = 1000
	}
	lay, err := s.layout(ctx, versionID)
	if err != nil {
		return nil, 0, s.wrap(err, "list components")
	}
	if lay.idBuckets > 0 {
		all, err := s.allLists(ctx, versionID)
		if err != nil {
			return nil, 0, s.wrap(err, "list components")
		}
		page, total := listInMemory(all, q, limit)
		return page, total, nil
	}
	where := []string{"c.version_id = ?"}
	args := []any{versionID}
	if q.Layer != "" {
		where, args = append(where, "c.layer = ?"), append(args, q.Layer)
	}
	if q.Level != nil {
		where, args = append(where, "c.effective = ?"), append(args, *q.Level)
	}
	if q.MinGap > 0 {
		where, args = append(where, "c.gap >= ?"), append(args, q.MinGap)
	}
	if q.Provider != "" {
		where, args = append(where, "c.provider = ?"), append(args, q.Provider)
	}
	if q.Jurisdiction != "" {
		// The jurisdictions column lists the codes, space-separated (and
		// a code has no space): a code is in it when, spaces around both,
		// the one contains the other. Versions stored since migration 6
		// have no rows in component_jurisdictions.
		where = append(where, cmp.Or(s.d.Instr, "instr")+"(' ' || c.jurisdictions || ' ', ?) > 0")
		args = append(args, " "+q.Jurisdiction+" ")
		if strings.ContainsFunc(q.Jurisdiction, unicode.IsSpace) {
			where = append(where, "1 = 0")
		}
	}
	if q.Search != "" {
		pattern := "%" + likeEscaper.Replace(strings.ToLower(q.Search)) + "%"
		where = append(where, `(LOWER(c.id) LIKE ? ESCAPE '\' OR LOWER(c.name) LIKE ? ESCAPE '\')`)
		args = append(args, pattern, pattern)
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM components c WHERE `+cond), args...).Scan(&total); err != nil {
		return nil, 0, s.wrap(err, "count components")
	}
	dir := " ASC"
	if q.Desc {
		dir = " DESC"
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+listColumns+` FROM components c WHERE `+cond+` ORDER BY `+order+dir+`, c.idx ASC LIMIT ? OFFSET ?`),
		append(args, limit, max(0, q.Offset))...)
	if err != nil {
		return nil, 0, s.wrap(err, "list components")
	}
	defer rows.Close()
	out := make([]store.ComponentRecord, 0, limit)
	for rows.Next() {
		c, err := scanComponent(rows)
		if err != nil {
			return nil, 0, s.wrap(err, "list components")
		}
		out = append(out, c)
	}
	return out, total, s.wrap(rows.Err(), "list components")
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// Component returns one component with its result, spec and dependencies.
func (s *Store) Component(ctx context.Context, versionID int64, id string) (store.ComponentRecord, error) {
	lay, err := s.layout(ctx, versionID)
	if err != nil {
		return store.ComponentRecord{}, s.wrap(err, "component "+id)
	}
	c, err := s.componentByID(ctx, versionID, id, lay)
	if err != nil {
		return c, s.wrap(err, "component "+id)
	}
	if c.Result, c.Spec, err = s.details(ctx, versionID, c.Index); err != nil {
		return c, s.wrap(err, "component "+id)
	}
	if c.DependsOn, err = s.dependencies(ctx, versionID, c.Index, lay); err != nil {
		return c, s.wrap(err, "dependencies of "+id)
	}
	slices.SortFunc(c.DependsOn, func(a, b store.Dependency) int {
		return cmp.Or(strings.Compare(a.ID, b.ID), strings.Compare(a.Kind, b.Kind))
	})
	return c, nil
}

// componentByID reads the list columns of the component id: from its
// bucket of ids and its list block for a version stored since migration
// 7, else from its row.
func (s *Store) componentByID(ctx context.Context, versionID int64, id string, lay versionLayout) (store.ComponentRecord, error) {
	if lay.idBuckets == 0 {
		return scanComponent(s.db.QueryRowContext(ctx, s.q(`SELECT `+listColumns+` FROM components c WHERE c.version_id = ? AND c.id = ?`), versionID, id))
	}
	idx, err := s.indexOf(ctx, versionID, id, lay.idBuckets)
	if err != nil {
		return store.ComponentRecord{}, err
	}
	one, err := s.listRange(ctx, versionID, idx, idx+1, nil)
	if err != nil {
		return store.ComponentRecord{}, err
	}
	return one[0], nil
}

// versionLayout is how a version's components are stored.
type versionLayout struct {
	// blocks: stored since migration 6, with its dependencies in blocks,
	// its dependents in buckets and its facets here; else they are rows.
	blocks  bool
	buckets int
	facets  []byte
	// idBuckets, stored since migration 7, is the number of buckets of
	// component_ids: the version's list columns are in component_lists,
	// not rows of components. Zero for a version stored before.
	idBuckets int
}

// layout returns how a version is stored.
func (s *Store) layout(ctx context.Context, versionID int64) (versionLayout, error) {
	var l versionLayout
	err := s.db.QueryRowContext(ctx, s.q(`SELECT buckets, facets, id_buckets FROM version_layouts WHERE version_id = ?`), versionID).
		Scan(&l.buckets, &l.facets, &l.idBuckets)
	if errors.Is(err, sql.ErrNoRows) {
		return versionLayout{}, nil
	}
	l.blocks = err == nil
	return l, err
}

// dependencies returns the dependencies of the component at idx, from its
// dependency block or, for a version stored before them, from its rows.
func (s *Store) dependencies(ctx context.Context, versionID int64, idx int, lay versionLayout) ([]store.Dependency, error) {
	if lay.blocks {
		r, err := s.blockOf(ctx, "dependency_blocks", versionID, idx)
		if err != nil {
			return nil, err
		}
		var deps []store.Dependency
		for range idx - r.first + 1 {
			if deps, err = r.dependencies(deps[:0]); err != nil {
				return nil, err
			}
		}
		return deps, nil
	}
	// Sorted by the caller, not by ORDER BY: with it SQLite walks the
	// version's dependencies by target (every one of a million
	// components') for the order, instead of finding this component's few
	// by source.
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT to_id, kind FROM dependencies WHERE version_id = ? AND from_idx = ?`), versionID, idx)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var deps []store.Dependency
	for rows.Next() {
		var d store.Dependency
		if err := rows.Scan(&d.ID, &d.Kind); err != nil {
			return nil, err
		}
		deps = append(deps, d)
	}
	return deps, rows.Err()
}

// Dependents lists the components that depend on id, with the edge's kind.
func (s *Store) Dependents(ctx context.Context, versionID int64, id string) ([]store.Dependency, error) {
	lay, err := s.layout(ctx, versionID)
	if err != nil {
		return nil, s.wrap(err, "dependents of "+id)
	}
	if lay.blocks {
		edges, err := s.readBucket(ctx, "dependent_buckets", versionID, id, lay.buckets, 3)
		if err != nil {
			return nil, s.wrap(err, "dependents of "+id)
		}
		return dependentsIn(edges, id), nil
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT c.id, d.kind FROM dependencies d JOIN components c ON c.version_id = d.version_id AND c.idx = d.from_idx
		WHERE d.version_id = ? AND d.to_id = ? ORDER BY c.id`), versionID, id)
	if err != nil {
		return nil, s.wrap(err, "dependents of "+id)
	}
	defer rows.Close()
	var out []store.Dependency
	for rows.Next() {
		var d store.Dependency
		if err := rows.Scan(&d.ID, &d.Kind); err != nil {
			return nil, s.wrap(err, "dependents of "+id)
		}
		out = append(out, d)
	}
	return out, s.wrap(rows.Err(), "dependents of "+id)
}

// positionedBlock is a stored block, decompressed, with the position of
// its first component.
type positionedBlock struct {
	*blockReader
	first int
}

// blockOf reads the block of table (component_blocks or
// dependency_blocks) that holds the component at idx.
func (s *Store) blockOf(ctx context.Context, table string, versionID int64, idx int) (positionedBlock, error) {
	var first int
	var data []byte
	err := s.db.QueryRowContext(ctx, s.q(`SELECT first_idx, data FROM `+table+` WHERE version_id = ? AND first_idx <= ?
		ORDER BY first_idx DESC LIMIT 1`), versionID, idx).Scan(&first, &data)
	if err != nil {
		return positionedBlock{}, err
	}
	r, err := readBlock(data)
	return positionedBlock{r, first}, err
}

// details returns the result and spec of the component at idx: from its
// block, or from component_details for a version stored before blocks.
func (s *Store) details(ctx context.Context, versionID int64, idx int) (result, spec []byte, err error) {
	r, err := s.blockOf(ctx, "component_blocks", versionID, idx)
	if errors.Is(err, sql.ErrNoRows) {
		err = s.db.QueryRowContext(ctx, s.q(`SELECT result, spec FROM component_details WHERE version_id = ? AND idx = ?`), versionID, idx).Scan(&result, &spec)
		return result, spec, err
	}
	if err != nil {
		return nil, nil, err
	}
	for range idx - r.first + 1 {
		if result, spec, err = r.next(); err != nil {
			return nil, nil, err
		}
	}
	return result, spec, nil
}

// AllComponents returns every component with its result, in inventory order.
func (s *Store) AllComponents(ctx context.Context, versionID int64) ([]store.ComponentRecord, error) {
	lay, err := s.layout(ctx, versionID)
	if err != nil {
		return nil, s.wrap(err, "all components")
	}
	var out []store.ComponentRecord
	if lay.idBuckets > 0 {
		out, err = s.allLists(ctx, versionID)
	} else {
		out, err = s.allRows(ctx, versionID)
	}
	if err != nil {
		return nil, s.wrap(err, "all components")
	}
	found, err := s.blockResults(ctx, versionID, out)
	if err == nil && found == 0 {
		found, err = s.detailResults(ctx, versionID, out)
	}
	if err != nil {
		return nil, s.wrap(err, "all components")
	}
	if found != len(out) {
		return nil, fmt.Errorf("all components: %d of version %d's %d components have a stored result", found, versionID, len(out))
	}
	return out, nil
}

// allLists reads the list columns of every component of a version
// stored since migration 7, in inventory order.
func (s *Store) allLists(ctx context.Context, versionID int64) ([]store.ComponentRecord, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT components FROM versions WHERE id = ?`), versionID).Scan(&n); err != nil {
		return nil, err
	}
	return s.listRange(ctx, versionID, 0, n, make([]store.ComponentRecord, 0, n))
}

// allRows reads the rows of every component of a version stored before
// migration 7, in inventory order.
func (s *Store) allRows(ctx context.Context, versionID int64) ([]store.ComponentRecord, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+listColumns+` FROM components c WHERE c.version_id = ? ORDER BY c.idx`), versionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.ComponentRecord
	for rows.Next() {
		c, err := scanComponent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// blockResults sets the Result of out[i], the components of a version in
// order, from the version's blocks, and returns how many it set.
func (s *Store) blockResults(ctx context.Context, versionID int64, out []store.ComponentRecord) (int, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT first_idx, data FROM component_blocks WHERE version_id = ? ORDER BY first_idx`), versionID)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	found := 0
	err = readBlocks(rows, func(first int, r *blockReader) error {
		for i := first; len(r.raw) > 0; i++ {
			if i >= len(out) {
				return fmt.Errorf("stored block at %d holds more components than the version", first)
			}
			var err error
			if out[i].Result, _, err = r.next(); err != nil {
				return err
			}
			found++
		}
		return nil
	})
	return found, err
}

// detailResults is blockResults for a version stored before blocks, with a
// row of component_details per component.
func (s *Store) detailResults(ctx context.Context, versionID int64, out []store.ComponentRecord) (int, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT idx, result FROM component_details WHERE version_id = ? ORDER BY idx`), versionID)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	found := 0
	for rows.Next() {
		var idx int
		var result []byte
		if err := rows.Scan(&idx, &result); err != nil {
			return found, err
		}
		if idx < 0 || idx >= len(out) {
			return found, fmt.Errorf("a stored result for component %d of %d", idx, len(out))
		}
		out[idx].Result = result
		found++
	}
	return found, rows.Err()
}

// Facets lists the providers and jurisdictions of a version, sorted.
func (s *Store) Facets(ctx context.Context, versionID int64) (store.Facets, error) {
	lay, err := s.layout(ctx, versionID)
	if err != nil {
		return store.Facets{}, s.wrap(err, "facets")
	}
	if lay.blocks {
		return decodeFacets(lay.facets)
	}
	var f store.Facets
	if f.Providers, err = s.strings(ctx, `SELECT DISTINCT provider FROM components WHERE version_id = ? AND provider <> '' ORDER BY provider`, versionID); err != nil {
		return f, err
	}
	f.Jurisdictions, err = s.strings(ctx, `SELECT DISTINCT code FROM component_jurisdictions WHERE version_id = ? ORDER BY code`, versionID)
	return f, err
}

func (s *Store) strings(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, s.wrap(err, "facets")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, s.wrap(err, "facets")
		}
		out = append(out, v)
	}
	return out, s.wrap(rows.Err(), "facets")
}
