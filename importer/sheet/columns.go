// Package sheet reads and writes the spreadsheet form of an inventory, for
// the procurement and vendor-risk teams who keep their facts in
// spreadsheets: an xlsx workbook with Components, Providers, Flows and
// Organization sheets and a README sheet that explains every column, or
// the same sheets as CSV files side by side (components.csv,
// providers.csv, flows.csv, organization.csv).
//
// Errors name the file, the sheet, the cell and what is wrong:
//
//	inventory.xlsx: Components!D7: unknown layer "gpu" (one of energy, ...)
//	components.csv:7:12: unknown layer "gpu" (cell D7)
package sheet

import (
	"strings"

	"github.com/sovmap/sovmap"
)

// Sheet names, as the template writes them. Reading matches them without
// regard to case.
const (
	SheetComponents   = "Components"
	SheetProviders    = "Providers"
	SheetFlows        = "Flows"
	SheetOrganization = "Organization"
	SheetReadme       = "README"
)

// column describes one column of a sheet: its header, what it holds, the
// values it allows and an example, for the template and its README.
type column struct {
	name     string
	required bool
	help     string
	allowed  string
	example  string
	// list marks columns that hold several values, separated by commas,
	// semicolons or line breaks.
	list bool
}

func joinLayers() string        { return strings.Join(layerStrings(), ", ") }
func joinCriticalities() string { return strings.Join(criticalityStrings(), ", ") }
func joinKeyCustodies() string  { return strings.Join(keyCustodyStrings(), ", ") }

// componentColumns are the Components sheet's columns, one per field of a
// component in the inventory format (docs/inventory.md), the contract's fields
// spelled out.
var componentColumns = []column{
	{name: "id", required: true, help: "Unique identifier of the component; other rows refer to it.", allowed: "letters, digits and - _ . : / @ +, starting with a letter or digit", example: "train-cluster"},
	{name: "name", help: "Human-readable name.", allowed: "any text", example: "GPU training cluster"},
	{name: "provider", help: "Provider id: a row of the Providers sheet or a provider of sovmap's knowledge base (sovmap kb provider). Empty means the organization runs it itself.", allowed: "a provider id", example: "aws-emea"},
	{name: "layer", required: true, help: "Building block of the AI stack.", allowed: joinLayers(), example: "compute"},
	{name: "locations", list: true, help: "Where it runs or stores data.", allowed: "ISO 3166-1 alpha-2 country codes (DE), blocs (EU) or provider:region ids (aws:eu-central-1)", example: "aws:eu-central-1"},
	{name: "operated_from", list: true, help: "Countries it is administered and supported from.", allowed: "ISO 3166-1 alpha-2 country codes or blocs", example: "IE, US"},
	{name: "data", list: true, help: "Classes of the data it holds or processes.", allowed: "dotted lower-case classes: classified, personal.health, personal, confidential, internal, public, or your own", example: "personal.health"},
	{name: "criticality", help: "How much the organization depends on it.", allowed: joinCriticalities(), example: "high"},
	{name: "key_custody", help: "Who holds the keys that protect its data.", allowed: joinKeyCustodies(), example: "customer-managed"},
	{name: "depends_on", list: true, help: "Components it depends on. A plain id is a runtime dependency; write \"id (supply)\" for a supply dependency (licences, updates).", allowed: "component ids, each optionally followed by (runtime) or (supply)", example: "gpu-pool, cuda (supply)"},
	{name: "certifications", list: true, help: "Certifications the provider holds for it.", allowed: "any labels", example: "ISO27001, C5"},
	{name: "governing_law", help: "Contract: the law that governs it.", allowed: "an ISO 3166-1 alpha-2 country code or a bloc", example: "LU"},
	{name: "exit_notice_days", help: "Contract: days of notice to leave.", allowed: "a whole number of days", example: "90"},
	{name: "data_return", help: "Contract: the provider must return the data on exit.", allowed: "yes or no", example: "yes"},
	{name: "portability", help: "Contract: how portable the data and workloads are.", allowed: strings.Join(sovmap.Names(sovmap.Portabilities), ", "), example: "standard"},
	{name: "audit_rights", help: "Contract: the organization may audit the provider.", allowed: "yes or no", example: "no"},
	{name: "arrangement", help: "Id of a hosting arrangement (digital embassy) it is under, declared in the inventory.", allowed: "an arrangement id", example: ""},
	{name: "alternatives", list: true, help: "Components that could take over its role.", allowed: "component ids", example: ""},
	{name: "migration_days", help: "Estimated days to move off it.", allowed: "a whole number of days", example: "120"},
	{name: "tags", list: true, help: "Free labels your own rules can test.", allowed: "key=value pairs", example: "team=ml"},
}

var providerColumns = []column{
	{name: "id", required: true, help: "Unique identifier of the provider; components refer to it.", allowed: "letters, digits and - _ . : / @ +", example: "aws-emea"},
	{name: "name", help: "Legal name of the entity.", allowed: "any text", example: "Amazon Web Services EMEA SARL"},
	{name: "country", help: "Country of incorporation.", allowed: "an ISO 3166-1 alpha-2 country code", example: "LU"},
	{name: "parent", help: "Id of the entity that controls it (a row of this sheet or a knowledge-base provider); following parents leads to the ultimate controller.", allowed: "a provider id", example: "amazon"},
	{name: "alternatives", list: true, help: "Providers that could replace it.", allowed: "provider ids", example: ""},
	{name: "foreign_ownership", help: "Share of capital held from outside the home bloc, where known.", allowed: "a number from 0 to 100", example: ""},
}

var flowColumns = []column{
	{name: "id", required: true, help: "Unique identifier of the flow.", allowed: "letters, digits and - _ . : / @ +", example: "ehr-to-train"},
	{name: "from", required: true, help: "Component the data leaves.", allowed: "a component id", example: "ehr-db"},
	{name: "to", required: true, help: "Component the data goes to.", allowed: "a component id", example: "train-cluster"},
	{name: "data", list: true, help: "Classes of the data that flows.", allowed: "data classes, as in Components", example: "personal.health"},
	{name: "mechanism", help: "Legal transfer mechanism.", allowed: strings.Join(sovmap.Names(sovmap.Mechanisms), ", "), example: "none"},
}

var organizationFields = []column{
	{name: "name", help: "The organization's name.", allowed: "any text", example: "Example Agency"},
	{name: "home", required: true, help: "Home jurisdiction: the point of view of every assessment.", allowed: "an ISO 3166-1 alpha-2 country code or a bloc", example: "DE"},
	{name: "trusted", list: true, help: "Jurisdictions to trust beyond the defaults.", allowed: "country codes or blocs", example: "EU, CH, GB"},
	{name: "restricted", list: true, help: "Jurisdictions to treat as restricted beyond the defaults.", allowed: "country codes or blocs", example: "RU, BY, KP, IR"},
	{name: "neutral", list: true, help: "Jurisdictions to move out of the default trusted list.", allowed: "country codes or blocs", example: ""},
	{name: "sectors", list: true, help: "Sectors the organization works in: sectoral localisation laws apply only to them.", allowed: "lower-case sector names such as health, banking, government", example: "health"},
}

// headerKey normalises a header cell: lower case, words joined by '_',
// and anything in parentheses or after a '*' marker dropped, so that
// "Operated from (countries)" reads as operated_from.
func headerKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "(*"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '-' || r == '_' }), "_")
}

// splitList splits a list cell at commas, semicolons and line breaks.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' }) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
