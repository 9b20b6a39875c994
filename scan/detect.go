package scan

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
)

// Finding is one call or endpoint of an AI service, at a line of a file.
type Finding struct {
	// File is the path relative to the scanned directory, with slashes.
	File      string `json:"file"`
	Line      int    `json:"line"`
	Col       int    `json:"column"`
	Rule      string `json:"rule"`
	Service   string `json:"service"`
	Wrapper   string `json:"wrapper,omitempty"`
	Endpoint  string `json:"endpoint,omitempty"`
	Region    string `json:"region,omitempty"`
	RegionVia string `json:"region_via,omitempty"`
	// App is the calling application (see Scan).
	App string `json:"app"`
	// match is the text the rule matched, which the SARIF fingerprint
	// hashes; it never holds the value of a key.
	match string
}

// Region sources, as RegionVia says them.
const (
	viaCall     = "call"     // in the call's own arguments
	viaEndpoint = "endpoint" // in the endpoint's host name
	viaFile     = "file"     // once in the same file
	viaConfig   = "config"   // a configuration key of the application
)

// configValue is a region a configuration key gives, for an application.
type configValue struct {
	service string
	value   string
	line    int
}

// fileResult is what one file yields.
type fileResult struct {
	findings []Finding
	config   []configValue
	// ambiguous are services whose region the file names several times
	// with different values, so that none is taken.
	ambiguous map[string][]string
}

// maxExtent bounds how many lines a call's arguments may span.
const maxExtent = 25

// detect finds the calls in one file of a kind.
func (r *Rules) detect(kind, file string, data []byte) fileResult {
	lines := splitLines(data)
	skip := commentLines(kind, lines)
	code := isCode(kind)
	var res fileResult
	whole := string(data)

	type hostHit struct {
		line, col     int
		order         int // the host's place in the rules: earlier is more specific
		host          *Host
		endpoint, reg string
		text          string
	}
	starts := lineStarts(whole)
	lower := strings.ToLower(whole)
	var hosts []hostHit
	for hi := range r.Hosts {
		h := &r.Hosts[hi]
		if !containsAny(lower, h.lits) {
			continue
		}
		eachMatch(h.re, whole, starts, skip, func(i, off int, m []int) {
			if code && !inString(lines[i], off) || h.unless != nil && h.unless.MatchString(lines[i]) {
				return
			}
			hosts = append(hosts, hostHit{line: i, col: off, order: hi, host: h,
				endpoint: group(h.re, whole, m, "endpoint"), reg: group(h.re, whole, m, "region"), text: matchText(whole, m)})
		})
	}
	slices.SortFunc(hosts, func(a, b hostHit) int {
		if a.line != b.line {
			return a.line - b.line
		}
		if a.order != b.order {
			return a.order - b.order
		}
		return a.col - b.col
	})
	consumed := map[int]bool{} // host hits a call took as its endpoint
	// hostsIn returns the host hits on lines from..to; hosts are in line
	// order, so a binary search finds the first.
	hostsIn := func(from, to int) (lo, hi int) {
		lo, _ = slices.BinarySearchFunc(hosts, from, func(h hostHit, line int) int { return h.line - line })
		hi, _ = slices.BinarySearchFunc(hosts, to+1, func(h hostHit, line int) int { return h.line - line })
		return lo, hi
	}
	// inFile remembers the cases tested on the whole file, which a file
	// with many calls would otherwise test again for each.
	inFile := map[*Case]bool{}
	fileMatches := func(c *Case) bool {
		v, ok := inFile[c]
		if !ok {
			v = c.re.MatchString(whole)
			inFile[c] = v
		}
		return v
	}

	for ri := range r.Rules {
		ru := &r.Rules[ri]
		if !ru.kinds[kind] {
			continue
		}
		if !containsAny(lower, ru.lits) || ru.req != nil && !ru.req.MatchString(whole) {
			continue
		}
		eachMatch(ru.re, whole, starts, skip, func(i, off int, m []int) {
			line := lines[i]
			if code && inString(line, off) {
				// A pattern of code inside a string literal is text.
				return
			}
			f := Finding{File: file, Line: i + 1, Col: wordCol(line, off), Rule: ru.ID, Service: ru.Service,
				Wrapper: ru.Wrapper, match: matchText(whole, m)}
			f.Endpoint = group(ru.re, whole, m, "endpoint")
			if reg := group(ru.re, whole, m, "region"); reg != "" {
				f.Region, f.RegionVia = reg, viaCall
			}
			last := i
			if code {
				last = extent(lines, i, off)
			}
			// The call: from the match to the end of its arguments.
			call := strings.Join(lines[i:last+1], "\n")[off:]
			if ru.call != nil && !ru.call.MatchString(call) {
				return
			}
			from, to := i, last
			for ci := range ru.Switch {
				c := &ru.Switch[ci]
				if c.InFile && fileMatches(c) {
					f.Service, from, to = c.Service, 0, len(lines)-1
					break
				}
				if !c.InFile && c.re.MatchString(call) {
					f.Service = c.Service
					break
				}
			}
			if f.Service == EndpointService {
				f.Service = UnknownEndpointService
				if lo, hi := hostsIn(from, to); lo < hi {
					k := lo
					h := hosts[k]
					f.Service, f.Endpoint = h.host.Service, h.endpoint
					if h.reg != "" && f.Region == "" {
						f.Region, f.RegionVia = h.reg, viaEndpoint
					}
					consumed[k] = true
				}
				if f.Service == UnknownEndpointService && f.Endpoint == "" {
					f.Endpoint = firstURLHost(call)
				}
			} else {
				// The call's own endpoint, if written, is its evidence too.
				lo, hi := hostsIn(i, last)
				for k := lo; k < hi; k++ {
					if hosts[k].host.Service == f.Service {
						consumed[k] = true
						if f.Endpoint == "" {
							f.Endpoint = hosts[k].endpoint
						}
						if f.Region == "" && hosts[k].reg != "" {
							f.Region, f.RegionVia = hosts[k].reg, viaEndpoint
						}
					}
				}
			}
			if s, ok := r.byID[f.Service]; ok && f.Region == "" {
				for _, re := range s.regionRE {
					if mm := re.FindStringSubmatch(call); mm != nil {
						f.Region, f.RegionVia = mm[1], viaCall
						break
					}
				}
			}
			res.findings = append(res.findings, f)
		})
	}
	for k, h := range hosts {
		if consumed[k] || h.host.OnlyInCalls {
			continue
		}
		f := Finding{File: file, Line: h.line + 1, Col: wordCol(lines[h.line], h.col), Rule: "host", Service: h.host.Service,
			Endpoint: h.endpoint, match: h.text}
		if h.reg != "" {
			f.Region, f.RegionVia = h.reg, viaEndpoint
		}
		res.findings = append(res.findings, f)
	}

	// Regions named once in the file, for calls that do not name their own.
	fileRegion := map[string]string{}
	for _, f := range res.findings {
		s, ok := r.byID[f.Service]
		if !ok || f.Region != "" || len(s.regionRE) == 0 {
			continue
		}
		if _, done := fileRegion[s.ID]; done {
			continue
		}
		var values []string
		for _, re := range s.regionRE {
			for _, mm := range re.FindAllStringSubmatch(whole, -1) {
				if v := normalizeRegion(mm[1]); !slices.Contains(values, v) {
					values = append(values, v)
				}
			}
		}
		switch len(values) {
		case 0:
			fileRegion[s.ID] = ""
		case 1:
			fileRegion[s.ID] = values[0]
		default:
			fileRegion[s.ID] = ""
			if res.ambiguous == nil {
				res.ambiguous = map[string][]string{}
			}
			res.ambiguous[s.ID] = values
		}
	}
	for i := range res.findings {
		f := &res.findings[i]
		if f.Region == "" && fileRegion[f.Service] != "" {
			f.Region, f.RegionVia = fileRegion[f.Service], viaFile
		}
		f.Region = normalizeRegion(f.Region)
	}

	// Configuration keys that give a service's region to the application.
	if !code {
		for si := range r.Services {
			s := &r.Services[si]
			if s.keyRE == nil {
				continue
			}
			for i, line := range lines {
				if skip[i] {
					continue
				}
				if mm := s.keyRE.FindStringSubmatch(line); mm != nil {
					res.config = append(res.config, configValue{service: s.ID, value: normalizeRegion(mm[1]), line: i + 1})
				}
			}
		}
	}
	res.findings = dedupe(res.findings)
	return res
}

// dedupe keeps one finding per line and service, the first rule's, in line
// order, taking what the others found out.
func dedupe(fs []Finding) []Finding {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Col - b.Col
	})
	out := fs[:0]
	seen := map[[2]any]int{}
	for _, f := range fs {
		key := [2]any{f.Line, f.Service}
		if k, ok := seen[key]; ok {
			g := &out[k]
			if g.Endpoint == "" {
				g.Endpoint = f.Endpoint
			}
			if g.Region == "" {
				g.Region, g.RegionVia = f.Region, f.RegionVia
			}
			if g.Wrapper == "" {
				g.Wrapper = f.Wrapper
			}
			continue
		}
		seen[key] = len(out)
		out = append(out, f)
	}
	return out
}

// lineStarts returns the offset at which each line of s starts.
func lineStarts(s string) []int {
	starts := []int{0}
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// eachMatch calls fn for each match of re in the whole text that starts on
// a line that is not skipped, with the line's index and the match's offset
// in it. Matching the text once, rather than line by line, keeps a large
// file linear: a regular expression costs a setup on every call.
func eachMatch(re *regexp.Regexp, whole string, starts []int, skip []bool, fn func(i, off int, m []int)) {
	for _, m := range re.FindAllStringSubmatchIndex(whole, -1) {
		i, found := slices.BinarySearch(starts, m[0])
		if !found {
			i--
		}
		if i >= len(skip) || skip[i] {
			continue
		}
		fn(i, m[0]-starts[i], m)
	}
}

// matchText is the text of a match, up to the end of its first line.
func matchText(whole string, m []int) string {
	t := whole[m[0]:m[1]]
	if k := strings.IndexByte(t, '\n'); k >= 0 {
		t = t[:k]
	}
	return t
}

func group(re *regexp.Regexp, s string, m []int, name string) string {
	i := re.SubexpIndex(name)
	if i < 0 || 2*i+1 >= len(m) || m[2*i] < 0 {
		return ""
	}
	return s[m[2*i]:m[2*i+1]]
}

// splitLines splits data into lines without their line breaks.
func splitLines(data []byte) []string {
	data = bytes.TrimSuffix(data, []byte("\n"))
	if len(data) == 0 {
		return nil
	}
	parts := strings.Split(string(data), "\n")
	for i, p := range parts {
		parts[i] = strings.TrimSuffix(p, "\r")
	}
	return parts
}

// isCode reports whether a kind is source code (not configuration).
func isCode(kind string) bool {
	switch kind {
	case "python", "javascript", "go", "java", "csharp":
		return true
	}
	return false
}

// commentLines marks the lines that are comments: code commented out or
// prose that names a service is not a call. Comments after code on the
// same line are not told apart; a pattern of code there is rare.
func commentLines(kind string, lines []string) []bool {
	skip := make([]bool, len(lines))
	inBlock := false
	var doc string // the quote that opened a Python docstring
	for i, line := range lines {
		t := strings.TrimSpace(line)
		switch kind {
		case "python":
			if doc != "" {
				skip[i] = true
				if strings.Contains(t, doc) {
					doc = ""
				}
				continue
			}
			if strings.HasPrefix(t, "#") {
				skip[i] = true
				continue
			}
			for _, q := range []string{`"""`, `'''`} {
				if strings.HasPrefix(t, q) {
					skip[i] = true
					if strings.Count(t, q) == 1 {
						doc = q
					}
				}
			}
		case "javascript", "go", "java", "csharp":
			if inBlock {
				skip[i] = true
				if strings.Contains(t, "*/") {
					inBlock = false
				}
				continue
			}
			if strings.HasPrefix(t, "//") || strings.HasPrefix(t, "*") {
				skip[i] = true
				continue
			}
			if strings.HasPrefix(t, "/*") {
				skip[i] = true
				inBlock = !strings.Contains(t[2:], "*/")
			}
		case "env", "yaml", "properties":
			skip[i] = strings.HasPrefix(t, "#") || kind == "properties" && strings.HasPrefix(t, "!")
		}
	}
	return skip
}

// inString reports whether byte offset at of a line is inside a string
// literal, by counting the unescaped quotes before it. It is a heuristic
// for one line: enough to tell a URL in a string from one in prose.
func inString(line string, at int) bool {
	var open byte
	for i := 0; i < at && i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\\':
			i++
		case open == 0 && (c == '"' || c == '\'' || c == '`'):
			open = c
		case c == open:
			open = 0
		}
	}
	return open != 0
}

// extent returns the last line of the call that starts at byte col of line
// i: until its parentheses close, then through builder lines that start
// with a dot, at most maxExtent lines. Quotes are skipped so that a
// parenthesis in a string does not count.
func extent(lines []string, i, col int) int {
	depth, opened := 0, false
	last := i
	scan := func(s string) bool {
		var open byte
		for k := 0; k < len(s); k++ {
			c := s[k]
			switch {
			case open != 0:
				if c == '\\' {
					k++
				} else if c == open {
					open = 0
				}
			case c == '"' || c == '\'' || c == '`':
				open = c
			case c == '(':
				depth++
				opened = true
			case c == ')':
				depth--
				if opened && depth <= 0 {
					return true
				}
			}
		}
		return false
	}
	done := scan(lines[i][col:])
	for !done && opened && last+1 < len(lines) && last-i < maxExtent {
		last++
		done = scan(lines[last])
	}
	for last+1 < len(lines) && last-i < maxExtent && strings.HasPrefix(strings.TrimSpace(lines[last+1]), ".") {
		last++
	}
	return last
}

var urlHost = regexp.MustCompile(`https?://([A-Za-z0-9.-]+(?::\d+)?)`)

// firstURLHost returns the host (and port) of the first URL in s.
func firstURLHost(s string) string {
	if m := urlHost.FindStringSubmatch(s); m != nil {
		return strings.ToLower(m[1])
	}
	return ""
}

var (
	upperSnake = regexp.MustCompile(`^[A-Z]{2}(?:_[A-Z]+)+_\d+$`)          // Java: EU_CENTRAL_1
	camelAWS   = regexp.MustCompile(`^([A-Z]{2})((?:[A-Z][a-z]+)+)(\d+)$`) // .NET: EUCentral1
	camelWord  = regexp.MustCompile(`[A-Z][a-z]+`)
)

// normalizeRegion writes the region constants of the AWS SDKs for Java
// (Region.EU_CENTRAL_1) and .NET (RegionEndpoint.EUCentral1) as region ids
// (eu-central-1), and every region in lower case.
func normalizeRegion(s string) string {
	switch {
	case upperSnake.MatchString(s):
		return strings.ToLower(strings.ReplaceAll(s, "_", "-"))
	case camelAWS.MatchString(s):
		m := camelAWS.FindStringSubmatch(s)
		words := camelWord.FindAllString(m[2], -1)
		return strings.ToLower(m[1] + "-" + strings.Join(words, "") + "-" + m[3])
	}
	return strings.ToLower(s)
}

// wordCol is the 1-based column, in characters, of the first letter or
// digit at or after byte offset at: a pattern that starts with the
// character before a name ([^.\w]Client) or with // points at the name.
func wordCol(line string, at int) int {
	for at < len(line) && !isWordByte(line[at]) {
		at++
	}
	return len([]rune(line[:at])) + 1
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80
}
