//go:build race

package server

// raceDetector says the tests run under the race detector, several times
// slower: a test that repeats one check over every report format checks a
// few of them there (the concurrency under test is the same for all).
const raceDetector = true
