# The transitive-exposure query a policy engineer would write in Rego: for
# every component, the jurisdictions whose compelled-access laws reach it or
# anything it runs on (its runtime dependencies, transitively).
#
# Input data (data.json, written by main.go):
#   deps:     component id -> ids of its runtime dependencies
#   exposure: component id -> jurisdictions reaching it directly
package sovmap

import rego.v1

exposure[c] := js if {
	some c, _ in data.deps
	reach := graph.reachable(data.deps, {c})
	js := {j | some d in reach; some j in object.get(data.exposure, d, [])}
	count(js) > 0
}
