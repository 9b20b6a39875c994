package risk

import (
	"fmt"

	"github.com/sovmap/sovmap"
)

// DefaultMigrationDays estimates how long moving a component of a layer to
// another provider takes, when the inventory gives no migration_days. They
// are sovmap's documented defaults (docs/risk.md), deliberately round: an
// order of magnitude to rank exposures, not a project plan.
var DefaultMigrationDays = map[sovmap.Layer]int{
	sovmap.LayerEnergy:       180, // a new supply contract or on-site generation
	sovmap.LayerFacility:     365, // a new data-centre hall: build-out or colocation move
	sovmap.LayerHardware:     180, // procurement lead time for accelerators and servers
	sovmap.LayerCompute:      90,  // re-platform workloads onto other compute
	sovmap.LayerStorage:      120, // copy and verify data, cut over
	sovmap.LayerConnectivity: 90,  // new circuits or carriers
	sovmap.LayerPlatform:     180, // cloud and MLOps platforms lock in the most code
	sovmap.LayerModel:        60,  // switch to another model and re-evaluate
	sovmap.LayerData:         60,  // re-source or re-license data sets
	sovmap.LayerApplication:  120, // re-host or replace an application
	sovmap.LayerSecurity:     90,  // re-key, move identities and HSMs
	sovmap.LayerOperations:   60,  // hand support over to another operator
}

// fallbackMigrationDays is used for a layer missing from the table.
const fallbackMigrationDays = 90

// FailoverDays is the time to switch to a declared alternative component
// that is itself unaffected: a rehearsed failover, not a migration.
const FailoverDays = 1

// MigrationDaysOf returns the migration estimate of component n and whether
// it was stated in the inventory.
func (m *Model) MigrationDaysOf(n int32) (days int, stated bool) {
	return int(m.migration[n]), m.migrationDays[n] >= 0
}

// defaultMigration returns the layer default for component n.
func (m *Model) defaultMigration(n int) int32 {
	if d, ok := DefaultMigrationDays[m.Inv.Components[n].Layer]; ok {
		return int32(d)
	}
	return fallbackMigrationDays
}

// Exit is the time to leave a third-party component: the contract's exit
// notice plus the migration estimate.
type Exit struct {
	Days int `json:"days"`
	// NoticeDays is the contract's exit notice; -1 when not stated (counted
	// as 0 in Days).
	NoticeDays int `json:"notice_days"`
	// MigrationDays is the inventory's migration_days or the layer default.
	MigrationDays int `json:"migration_days"`
	// Estimated is true when a default stood in for a missing fact.
	Estimated bool `json:"estimated"`
	// Basis says where the figures come from.
	Basis string `json:"basis"`
}

// ExitDaysOf returns Exit.Days of component n without explaining it.
func (m *Model) ExitDaysOf(n int32) int {
	return max(int(m.noticeDays[n]), 0) + int(m.migration[n])
}

// ExitOf returns the exit time of component n.
func (m *Model) ExitOf(n int32) Exit {
	mig, stated := m.MigrationDaysOf(n)
	e := Exit{NoticeDays: int(m.noticeDays[n]), MigrationDays: mig, Estimated: !stated || m.noticeDays[n] < 0}
	notice := "notice not stated"
	if e.NoticeDays >= 0 {
		notice = fmt.Sprintf("notice %d d", e.NoticeDays)
		e.Days = e.NoticeDays
	}
	e.Days += mig
	src := "migration_days"
	if !stated {
		src = "default for " + string(m.Inv.Components[n].Layer)
	}
	e.Basis = fmt.Sprintf("%s + migration %d d (%s)", notice, mig, src)
	return e
}
