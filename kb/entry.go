package kb

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Entry kinds, as Entry.Kind names them.
const (
	KindCountry       = "country"
	KindBloc          = "bloc"
	KindAdequacy      = "adequacy"
	KindSanction      = "sanction"
	KindLaw           = "law"
	KindRegion        = "region"
	KindProvider      = "provider"
	KindScheme        = "scheme"
	KindExportControl = "export-control"
)

// kindOrder ranks kinds for listings: places first, then law, then the
// market.
var kindOrder = map[string]int{
	KindCountry: 0, KindBloc: 1, KindAdequacy: 2, KindSanction: 3, KindLaw: 4,
	KindExportControl: 5, KindScheme: 6, KindProvider: 7, KindRegion: 8,
}

// Entry is any fact of the knowledge base seen the same way: its kind, its
// id, a one-line title and its provenance. Search and Stale return entries.
type Entry struct {
	Kind  string `json:"kind"`
	ID    string `json:"id"`
	Title string `json:"title"`
	Meta
	// text is the lower-cased text Search matches against.
	text string
}

func entry(kind, id, title string, m Meta, extra ...string) Entry {
	parts := []string{kind, id, title, m.Notes}
	for _, s := range m.Sources {
		// Addresses are left out: their query strings and paths match short
		// words ("act" in "action") that the reader never sees.
		if !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
			parts = append(parts, s)
		}
	}
	parts = append(parts, extra...)
	if m.Contested {
		parts = append(parts, "contested") // so that "kb search contested" lists them
	}
	return Entry{Kind: kind, ID: id, Title: title, Meta: m, text: strings.ToLower(strings.Join(parts, "\n"))}
}

// containsWord reports whether word occurs in text at the start of a word
// (after a character that is neither a letter nor a digit), so that "act"
// finds "CLOUD Act" and "Act No." but not "contact".
func containsWord(text, word string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], word)
		if j < 0 {
			return false
		}
		at := i + j
		if at == 0 {
			return true
		}
		r, _ := utf8.DecodeLastRuneInString(text[:at])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return true
		}
		i = at + 1
	}
}

func (k *KB) buildEntries() []Entry {
	var out []Entry
	for _, c := range k.countries {
		out = append(out, entry(KindCountry, c.Code, c.Name, c.Meta, c.Alpha3))
	}
	for _, b := range k.blocs {
		out = append(out, entry(KindBloc, b.ID, b.Name, b.Meta))
	}
	for _, a := range k.adequacy {
		title := fmt.Sprintf("%s adequacy for %s (%s)", a.Regime, k.countryName(a.Country), a.Scope)
		out = append(out, entry(KindAdequacy, adequacyID(a), title, a.Meta, a.Act))
	}
	for _, s := range k.sanctions {
		title := fmt.Sprintf("sanctions on %s by %s", k.countryName(s.Country), strings.Join(s.By, ", "))
		out = append(out, entry(KindSanction, s.Country, title, s.Meta))
	}
	for _, l := range k.laws {
		title := fmt.Sprintf("%s: %s (%s)", l.Jurisdiction, l.Name, l.Kind)
		out = append(out, entry(KindLaw, l.ID, title, l.Meta, l.Requirement, l.Sector, strings.Join(l.Data, " ")))
	}
	for _, r := range k.regions {
		title := fmt.Sprintf("%s region %s in %s", r.Cloud, r.Name, k.countryName(r.Country))
		if r.City != "" {
			title = fmt.Sprintf("%s region %s in %s, %s", r.Cloud, r.Name, r.City, k.countryName(r.Country))
		}
		out = append(out, entry(KindRegion, r.ID, title, r.Meta, r.Provider))
	}
	for _, p := range k.providers {
		title := fmt.Sprintf("%s (%s)", p.Name, p.Country)
		out = append(out, entry(KindProvider, p.ID, title, p.Meta, p.Role, p.Parent))
	}
	for _, s := range k.schemes {
		title := fmt.Sprintf("%s, %s", s.Name, s.Issuer)
		out = append(out, entry(KindScheme, s.ID, title, s.Meta, strings.Join(s.Aliases, " "), strings.Join(s.Asserts, " ")))
	}
	for _, e := range k.exports {
		title := fmt.Sprintf("%s %s: %s (%s)", e.Regime, e.Group, e.Restriction, e.Name)
		out = append(out, entry(KindExportControl, e.ID, title, e.Meta, e.Items, e.Rule))
	}
	sortEntries(out)
	return out
}

func sortEntries(out []Entry) {
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return kindOrder[out[i].Kind] < kindOrder[out[j].Kind]
		}
		return out[i].ID < out[j].ID
	})
}

func (k *KB) countryName(code string) string {
	if c, ok := k.countries[code]; ok {
		return c.Name
	}
	return code
}

func adequacyID(a Adequacy) string { return a.Regime + ":" + a.Country }

// Entries returns every fact as an Entry, sorted by kind then id.
func (k *KB) Entries() []Entry {
	return append([]Entry(nil), k.entries...)
}

// Search returns the entries whose kind, id, title, notes, sources (other
// than web addresses) or details contain every word of text at the start of
// a word, case-insensitively ("frank" finds Frankfurt, "act" does not find
// "contact"). Entries whose id
// equals text come first, then entries whose title contains it whole; the
// rest follow by kind and id. Empty text matches nothing.
func (k *KB) Search(text string) []Entry {
	words := strings.Fields(strings.ToLower(text))
	if len(words) == 0 {
		return nil
	}
	phrase := strings.Join(words, " ")
	type hit struct {
		e    Entry
		rank int
	}
	var hits []hit
	for _, e := range k.entries {
		all := true
		for _, w := range words {
			if !containsWord(e.text, w) {
				all = false
				break
			}
		}
		if !all {
			continue
		}
		rank := 2
		switch {
		case strings.EqualFold(e.ID, phrase):
			rank = 0
		case strings.Contains(strings.ToLower(e.Title), phrase),
			strings.Contains(strings.ToLower(e.ID), strings.Join(words, "-")):
			rank = 1
		}
		hits = append(hits, hit{e, rank})
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].rank < hits[j].rank })
	out := make([]Entry, len(hits))
	for i, h := range hits {
		out[i] = h.e
	}
	return out
}

// Stale returns the entries due for re-checking on day now: checked more
// than olderThan before now, or with no valid checked date. Oldest first
// (undated before all), then by kind and id.
func (k *KB) Stale(olderThan time.Duration, now time.Time) []Entry {
	cutoff := now.Add(-olderThan)
	var out []Entry
	for _, e := range k.entries {
		checked, err := time.Parse(time.DateOnly, e.Checked)
		if err != nil || checked.Before(cutoff) {
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		// Undated entries sort first: "" < any date, and an invalid date is
		// treated like "".
		return dateKey(out[i].Checked) < dateKey(out[j].Checked)
	})
	return out
}

func dateKey(s string) string {
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return ""
	}
	return s
}

// Override records that an overlay replaced an entry.
type Override struct {
	// Entry is the entry now in force; Replaced is the one it replaced.
	Entry    Entry `json:"entry"`
	Replaced Entry `json:"replaced"`
}

// Overrides returns the entries that overlays replaced, in the order the
// overlays replaced them. An entry replaced twice appears twice.
func (k *KB) Overrides() []Override {
	return append([]Override(nil), k.overrides...)
}

// find returns the entry of the kind and id.
func (k *KB) find(kind, id string) (Entry, bool) {
	i := sort.Search(len(k.entries), func(i int) bool {
		e := k.entries[i]
		if e.Kind != kind {
			return kindOrder[e.Kind] >= kindOrder[kind]
		}
		return e.ID >= id
	})
	if i < len(k.entries) && k.entries[i].Kind == kind && k.entries[i].ID == id {
		return k.entries[i], true
	}
	return Entry{}, false
}
