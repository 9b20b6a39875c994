package inventory

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"

	"github.com/sovmap/sovmap"
)

// AppendComponentJSON appends what encoding/json's Marshal makes of c, byte
// for byte (TestAppendComponentJSON and FuzzAppendComponentJSON hold the two
// together). It is written by hand because the server stores the JSON of
// every component of an upload, a million of them for a national
// inventory, and reflection made that a third of the upload's own work.
// The rare fields whose encoding is subtle (the options' costs, floats) are
// left to the library.
func AppendComponentJSON(b []byte, c *sovmap.Component) ([]byte, error) {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, c.ID)
	b = appendOptString(b, `,"name":`, c.Name)
	b = append(b, `,"layer":`...)
	b = appendJSONString(b, string(c.Layer))
	b = appendOptString(b, `,"provider":`, c.Provider)
	b = appendOptStrings(b, `,"locations":`, c.Locations)
	b = appendOptStrings(b, `,"operated_from":`, c.OperatedFrom)
	b = appendOptStrings(b, `,"data":`, c.Data)
	b = appendOptString(b, `,"criticality":`, string(c.Criticality))
	b = appendOptString(b, `,"key_custody":`, string(c.KeyCustody))
	if len(c.DependsOn) > 0 {
		b = append(b, `,"depends_on":[`...)
		for i := range c.DependsOn {
			d := &c.DependsOn[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"id":`...)
			b = appendJSONString(b, d.ID)
			b = appendOptString(b, `,"kind":`, string(d.Kind))
			b = appendOptStrings(b, `,"data":`, d.Data)
			b = appendOptString(b, `,"mechanism":`, string(d.Mechanism))
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = appendOptStrings(b, `,"certifications":`, c.Certifications)
	if k := c.Contract; k != nil {
		b = append(b, `,"contract":{`...)
		open := len(b)
		b = appendOptString(b, `,"governing_law":`, k.GoverningLaw)
		if k.ExitNoticeDays != nil {
			b = strconv.AppendInt(append(b, `,"exit_notice_days":`...), int64(*k.ExitNoticeDays), 10)
		}
		if k.DataReturn != nil {
			b = strconv.AppendBool(append(b, `,"data_return":`...), *k.DataReturn)
		}
		b = appendOptString(b, `,"portability":`, string(k.Portability))
		if k.AuditRights != nil {
			b = strconv.AppendBool(append(b, `,"audit_rights":`...), *k.AuditRights)
		}
		if len(b) > open {
			// Each member was written with a leading comma: drop the
			// first one.
			b = append(b[:open], b[open+1:]...)
		}
		b = append(b, '}')
	}
	b = appendOptString(b, `,"arrangement":`, c.Arrangement)
	b = appendOptStrings(b, `,"alternatives":`, c.Alternatives)
	b = appendOptStrings(b, `,"renamed_from":`, c.RenamedFrom)
	if c.MigrationDays != nil {
		b = strconv.AppendInt(append(b, `,"migration_days":`...), int64(*c.MigrationDays), 10)
	}
	if len(c.Options) > 0 {
		opts, err := json.Marshal(c.Options)
		if err != nil {
			return b, err
		}
		b = append(append(b, `,"options":`...), opts...)
	}
	if len(c.Tags) > 0 {
		b = append(b, `,"tags":{`...)
		for i, k := range slices.Sorted(maps.Keys(c.Tags)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(appendJSONString(b, k), ':')
			b = appendJSONString(b, c.Tags[k])
		}
		b = append(b, '}')
	}
	return append(b, '}'), nil
}

// appendOptString appends a member written with omitempty: key (with its
// leading comma and colon) and s, unless s is empty.
func appendOptString(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return appendJSONString(append(b, key...), s)
}

// appendOptStrings appends a list member written with omitempty.
func appendOptStrings(b []byte, key string, list []string) []byte {
	if len(list) == 0 {
		return b
	}
	b = append(append(b, key...), '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendJSONString appends s quoted as encoding/json quotes it. Ids, codes
// and names are nearly always printable ASCII without the characters it
// escapes (quote, backslash and, for HTML, <, > and &): those are copied;
// anything else is left to the library, which also replaces invalid UTF-8
// and escapes U+2028 and U+2029.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
