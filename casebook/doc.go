// Package casebook holds worked legal cases for sovmap: each case in
// cases/ is a small inventory, the question a client would ask about it,
// the answer a careful data-protection officer would give from the law and
// its sources, and the checks that hold sovmap's JSON output to that
// answer. The tests in this directory run every case through the real
// sovmap binary and keep docs/casebook.md, the casebook counsel reviews,
// in step with the cases (go test ./casebook -update rewrites it).
//
// The expectations are reasoned from the texts cited in each case, never
// copied from sovmap's output: a failing case is either an engine that
// does not yet say what the law says, or a case that counsel should
// correct.
package casebook
