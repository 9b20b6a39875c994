package store

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"
)

// File is one uploaded inventory file, kept byte for byte.
type File struct {
	Name string
	Data []byte
}

// Dependency is an edge of a version's dependency graph.
type Dependency struct {
	ID   string
	Kind string
}

// ComponentRecord is one component of a version: the columns that lists
// filter and sort on, and the full assessment as JSON for detail pages.
type ComponentRecord struct {
	// Index is the component's position in the inventory.
	Index          int
	ID             string
	Name           string
	Layer          string
	Provider       string
	Controller     string
	Level          int
	EffectiveLevel int
	RequiredLevel  int
	Gap            int
	// Category is the category of the requirement that sets the required level.
	Category string
	Sourcing string
	// Jurisdictions are the countries the component touches: locations,
	// operations, controller and exposure.
	Jurisdictions []string
	DependsOn     []Dependency
	// Result is the component's sovmap.ComponentResult as JSON and Spec its
	// sovmap.Component as JSON. Lists leave both empty.
	Result []byte
	Spec   []byte
}

// NewVersion is an upload to store: the files as received, the validated
// inventory and its assessment.
type NewVersion struct {
	WorkspaceID int64
	CreatedBy   int64
	// Source says how the version came: upload, api or gate.
	Source string
	Note   string
	Files  []File
	// Inventory is the validated inventory as JSON.
	Inventory []byte
	// Head is the report without its components, as JSON: summary, layers,
	// providers, flows and notes.
	Head []byte
	// Summary is the report's summary as JSON, kept apart for trends.
	Summary []byte
	// Positions, when not nil, are where the inventory's entities were
	// written in the uploaded files, in a form the server defines (the
	// store keeps the bytes as they are), so that reports showing file
	// positions need not decode the files again. Nil stores none, as
	// versions stored before schema 9 have none.
	Positions []byte
	// Components gives the version's components in inventory order; the
	// store reads them a batch at a time while it writes them.
	Components ComponentSource
	// Audit, when set, is appended in the same transaction, so that no
	// version exists without its audit record. Its Target is filled with
	// the version number.
	Audit *Event
}

// ComponentSource gives the components of a new version in inventory
// order, a batch at a time, so that a version of a million components is
// never held as a million records with their JSON at once: the store asks
// for the next batch while it writes the last.
type ComponentSource interface {
	// Len is the number of components.
	Len() int
	// Fill sets recs[i] to the record of component start+i, for every i of
	// recs. The records passed in are those of an earlier batch, so Fill
	// may reuse their Result, Spec, Jurisdictions and DependsOn by
	// appending to them from length zero. The store may call Fill from
	// several goroutines at once, for ranges that do not overlap.
	Fill(start int, recs []ComponentRecord) error
}

// Records is a ComponentSource over records already built.
type Records []ComponentRecord

// Len is the number of records.
func (r Records) Len() int { return len(r) }

// Fill copies the records from start on into recs.
func (r Records) Fill(start int, recs []ComponentRecord) error {
	if start < 0 || start+len(recs) > len(r) {
		return fmt.Errorf("records %d to %d of %d", start, start+len(recs), len(r))
	}
	copy(recs, r[start:])
	return nil
}

// Version describes a stored version.
type Version struct {
	ID          int64
	WorkspaceID int64
	// Number counts versions within the workspace, from 1.
	Number         int
	CreatedAt      time.Time
	CreatedBy      int64
	CreatedByLogin string
	Source         string
	Note           string
	Summary        []byte
	Components     int
}

// Sort keys of ComponentQuery.
var SortKeys = []string{"id", "layer", "level", "effective", "required", "gap", "provider"}

// ComponentQuery filters, sorts and pages a version's components. Zero
// fields do not filter.
type ComponentQuery struct {
	Layer string
	// Level filters on the effective level when not nil.
	Level *int
	// MinGap keeps components with a gap of at least this many levels.
	MinGap       int
	Provider     string
	Jurisdiction string
	// Search keeps components whose id or name contains it.
	Search string
	// Sort is one of SortKeys; empty sorts by inventory order.
	Sort   string
	Desc   bool
	Offset int
	// Limit caps the page; zero means 50, and more than 1000 is cut to 1000.
	Limit int
}

// CompareComponents compares two components on one of SortKeys, as
// ListComponents orders them before its ties (which stay in inventory
// order): text bytewise, numbers by value. An unknown key compares all
// components equal.
func CompareComponents(key string, a, b *ComponentRecord) int {
	switch key {
	case "id":
		return strings.Compare(a.ID, b.ID)
	case "layer":
		return strings.Compare(a.Layer, b.Layer)
	case "level":
		return cmp.Compare(a.Level, b.Level)
	case "effective":
		return cmp.Compare(a.EffectiveLevel, b.EffectiveLevel)
	case "required":
		return cmp.Compare(a.RequiredLevel, b.RequiredLevel)
	case "gap":
		return cmp.Compare(a.Gap, b.Gap)
	case "provider":
		return strings.Compare(a.Provider, b.Provider)
	}
	return 0
}

// Facets are the values a version's components can be filtered on.
type Facets struct {
	Providers     []string
	Jurisdictions []string
}

// Versions keeps inventory versions and their assessments. Versions are
// immutable once stored.
type Versions interface {
	// AddVersion stores a version whole or not at all, and numbers it.
	AddVersion(ctx context.Context, v NewVersion) (Version, error)
	// ListVersions lists a workspace's versions, newest first.
	ListVersions(ctx context.Context, workspaceID int64) ([]Version, error)
	VersionByNumber(ctx context.Context, workspaceID int64, number int) (Version, error)
	// LatestVersion returns ErrNotFound for a workspace without versions.
	LatestVersion(ctx context.Context, workspaceID int64) (Version, error)
	// LatestVersions returns the newest version of every workspace that
	// has one, the most recently stored first.
	LatestVersions(ctx context.Context) ([]Version, error)
	VersionHead(ctx context.Context, versionID int64) ([]byte, error)
	VersionInventory(ctx context.Context, versionID int64) ([]byte, error)
	// VersionPositions returns the version's NewVersion.Positions as
	// stored, or nil (and no error) for a version stored without them.
	VersionPositions(ctx context.Context, versionID int64) ([]byte, error)
	VersionFiles(ctx context.Context, versionID int64) ([]File, error)
	// ListComponents returns one page of components and the number that match.
	ListComponents(ctx context.Context, versionID int64, q ComponentQuery) ([]ComponentRecord, int, error)
	// Component returns one component with its Result and Spec.
	Component(ctx context.Context, versionID int64, id string) (ComponentRecord, error)
	// Dependents lists the components that depend on id.
	Dependents(ctx context.Context, versionID int64, id string) ([]Dependency, error)
	// AllComponents returns every component with its Result, in inventory order.
	AllComponents(ctx context.Context, versionID int64) ([]ComponentRecord, error)
	// EachComponent calls fn with every component, its Result and Spec
	// set, in inventory order, reading a block of them at a time, so that a
	// download of a million components never holds them all. It stops at
	// fn's first error and returns it. The store does not reuse the
	// record's byte slices after the call: fn may keep them (the server
	// decodes them in batches), which keeps their block's memory alive.
	EachComponent(ctx context.Context, versionID int64, fn func(ComponentRecord) error) error
	Facets(ctx context.Context, versionID int64) (Facets, error)
}

// Event is one line of the audit log.
type Event struct {
	ID int64
	At time.Time
	// ActorID is the user, zero for the system.
	ActorID int64
	// Actor names who acted: a login, or token:NAME for API tokens.
	Actor string
	// Workspace is the workspace's slug, empty for site-wide events.
	Workspace string
	// Action is a dotted verb such as version.upload or report.download.
	Action string
	Target string
	Detail string
	// Remote is the client's address.
	Remote string
}

// AuditQuery pages through the audit log, newest first.
type AuditQuery struct {
	// Workspace keeps the events of one workspace; empty keeps all.
	Workspace string
	// Site keeps only site-wide events (sign-ins, user administration),
	// those of no workspace.
	Site bool
	// BeforeID keeps events older than this id; zero starts at the newest.
	BeforeID int64
	// Limit caps the page; zero means 100.
	Limit int
}

// Audit is the append-only audit log. Implementations refuse updates and
// deletes in the database itself, not only in code.
type Audit interface {
	AppendAudit(ctx context.Context, e Event) (Event, error)
	ListAudit(ctx context.Context, q AuditQuery) ([]Event, error)
}
