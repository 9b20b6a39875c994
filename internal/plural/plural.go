// Package plural writes counts in words that agree with them: "1
// component", "2 components". Every text that puts a number before a noun
// uses it, so that no output reads "1 components".
package plural

import "strconv"

// Count returns n and the noun, in the plural unless n is 1. The plural is
// the noun with an "s", or many when the noun is irregular:
// Count(1, "entry", "entries") is "1 entry", Count(3, "entry", "entries")
// "3 entries".
func Count(n int, noun string, many ...string) string {
	return strconv.Itoa(n) + " " + Pick(n, noun, plural(noun, many))
}

// Pick returns one when n is 1 and many otherwise, for the words that
// agree with a count: Pick(n, "holds", "hold").
func Pick(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func plural(noun string, many []string) string {
	if len(many) > 0 {
		return many[0]
	}
	return noun + "s"
}
