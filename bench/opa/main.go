// Command opa compares sovmap's transitive-exposure computation with the same
// query written in Rego (transitive.rego) and run by the Open Policy Agent,
// the tool a policy engineer would otherwise reach for. For each size it
// generates an inventory with the gen package, assesses it, times sovmap's
// bitset closure over the condensed runtime graph, writes the same facts as
// OPA data, times `opa eval`, checks that both give the same jurisdictions
// on a sample of components, and prints a Markdown table with the ratio.
//
// OPA is a tool this program runs, not a dependency of sovmap:
//
//	GOBIN=/tmp/opa-bin go install github.com/open-policy-agent/opa@v1.22.3
//	go run ./bench/opa -opa /tmp/opa-bin/opa -sizes 1000,2000,5000,10000
//
// docs/benchmarks.md reports the figures.
package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/risk"
)

//go:embed transitive.rego
var policy []byte

func main() {
	opaPath := flag.String("opa", "opa", "the opa binary")
	sizes := flag.String("sizes", "1000,2000,5000,10000", "comma-separated component counts")
	deps := flag.Int("deps", 5, "mean dependencies per component (gen.Options.Deps)")
	runs := flag.Int("runs", 3, "timed runs per size; the best is reported")
	sample := flag.Int("sample", 500, "components whose answers are compared")
	timeout := flag.Duration("timeout", 10*time.Minute, "give up on one opa eval after this long")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, os.Stderr, *opaPath, *sizes, *deps, *runs, *sample, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "opa bench:", err)
		os.Exit(1)
	}
}

// result is one row of the comparison.
type result struct {
	components, edges int
	sovmap            time.Duration
	opaEval, opaTotal time.Duration
	finished          bool
	compared, agree   int
}

func run(ctx context.Context, out, log io.Writer, opaPath, sizeList string, deps, runs, sample int, timeout time.Duration) error {
	version, err := exec.CommandContext(ctx, opaPath, "version").Output()
	if err != nil {
		return fmt.Errorf("running %s version: %w (install it with: GOBIN=/tmp/opa-bin go install github.com/open-policy-agent/opa@v1.22.3)", opaPath, err)
	}
	k, err := kb.Default()
	if err != nil {
		return err
	}
	var rows []result
	for _, s := range strings.Split(sizeList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			return fmt.Errorf("bad size %q", s)
		}
		fmt.Fprintf(log, "size %d: generating and assessing\n", n)
		r, err := compare(ctx, log, k, opaPath, n, deps, runs, sample, timeout)
		if err != nil {
			return err
		}
		rows = append(rows, r)
		if !r.finished {
			break // larger sizes will not finish either
		}
	}
	fmt.Fprintf(out, "OPA: %s\n", strings.SplitN(string(version), "\n", 2)[0])
	fmt.Fprintln(out, "| components | runtime edges | sovmap | opa eval | opa total | ratio (eval) | same answer |")
	fmt.Fprintln(out, "|---:|---:|---:|---:|---:|---:|---|")
	for _, r := range rows {
		if !r.finished {
			fmt.Fprintf(out, "| %d | %d | %s | did not finish in %s | | | |\n", r.components, r.edges, ms(r.sovmap), timeout)
			continue
		}
		fmt.Fprintf(out, "| %d | %d | %s | %s | %s | %.0fx | %d of %d sampled components |\n", r.components, r.edges, ms(r.sovmap),
			ms(r.opaEval), ms(r.opaTotal), float64(r.opaEval)/float64(r.sovmap), r.agree, r.compared)
	}
	for _, r := range rows {
		if r.finished && r.agree != r.compared {
			return fmt.Errorf("%d components: sovmap and OPA disagree on %d of %d components", r.components, r.compared-r.agree, r.compared)
		}
	}
	return nil
}

func ms(d time.Duration) string {
	if d < time.Millisecond {
		return fmt.Sprintf("%.3f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

func compare(ctx context.Context, log io.Writer, k *kb.KB, opaPath string, n, deps, runs, sample int, timeout time.Duration) (result, error) {
	inv := gen.Inventory(k, gen.Options{Components: n, Deps: deps, Seed: 1})
	rep, err := assess.Assess(ctx, inv, k, assess.Options{})
	if err != nil {
		return result{}, err
	}
	m, err := risk.NewModel(ctx, inv, rep, k)
	if err != nil {
		return result{}, err
	}
	r := result{components: n, edges: len(m.RT.Dst)}

	// sovmap: the closure of every component's exposure over the runtime graph.
	var te interface{ Members([]int, int32) []int }
	for i := 0; i < runs; i++ {
		start := time.Now()
		sets := m.TransitiveExposure()
		if d := time.Since(start); i == 0 || d < r.sovmap {
			r.sovmap = d
		}
		te = sets
	}

	// OPA: the same facts as data, the query in Rego.
	dir, err := os.MkdirTemp("", "sovmap-opa")
	if err != nil {
		return r, err
	}
	defer os.RemoveAll(dir)
	data := map[string]any{}
	depsOf := map[string][]string{}
	exposure := map[string][]string{}
	for u := int32(0); int(u) < m.Len(); u++ {
		ds, _ := m.RT.Deps(u)
		list := make([]string, len(ds))
		for i, v := range ds {
			list[i] = m.ID(v)
		}
		depsOf[m.ID(u)] = list
		if e := rep.Components[u].Exposure; len(e) > 0 {
			exposure[m.ID(u)] = e
		}
	}
	data["deps"], data["exposure"] = depsOf, exposure
	raw, err := json.Marshal(data)
	if err != nil {
		return r, err
	}
	if err := os.WriteFile(filepath.Join(dir, "data.json"), raw, 0o644); err != nil {
		return r, err
	}
	if err := os.WriteFile(filepath.Join(dir, "transitive.rego"), policy, 0o644); err != nil {
		return r, err
	}
	var answer map[string][]string
	for i := 0; i < runs; i++ {
		fmt.Fprintf(log, "size %d: opa eval, run %d\n", n, i+1)
		eval, total, got, err := opaEval(ctx, opaPath, dir, timeout)
		if errors.Is(err, context.DeadlineExceeded) {
			return r, nil
		}
		if err != nil {
			return r, err
		}
		if i == 0 || eval < r.opaEval {
			r.opaEval, r.opaTotal = eval, total
		}
		answer = got
	}
	r.finished = true

	// The same answer on a sample (all components when there are few).
	picks := rand.New(rand.NewPCG(uint64(n), 7)).Perm(m.Len())
	var js []int
	for _, u := range picks[:min(sample, len(picks))] {
		js = te.Members(js[:0], int32(u))
		want := make([]string, len(js))
		for i, j := range js {
			want[i] = m.CountryCode(int32(j))
		}
		got := slices.Clone(answer[m.ID(int32(u))])
		slices.Sort(got)
		r.compared++
		if slices.Equal(got, want) {
			r.agree++
		} else {
			fmt.Fprintf(log, "%s: sovmap %v, opa %v\n", m.ID(int32(u)), want, got)
		}
	}
	return r, nil
}

// opaEval runs the query and returns OPA's own evaluation time (without
// loading and parsing the files), the process's wall time and the answer.
func opaEval(ctx context.Context, opaPath, dir string, timeout time.Duration) (eval, total time.Duration, answer map[string][]string, err error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, opaPath, "eval", "--format", "json", "--metrics",
		"--data", filepath.Join(dir, "transitive.rego"), "--data", filepath.Join(dir, "data.json"), "data.sovmap.exposure")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	total = time.Since(start)
	if ctx.Err() != nil {
		return 0, 0, nil, ctx.Err()
	}
	if err != nil {
		return 0, 0, nil, fmt.Errorf("opa eval: %v: %s", err, stderr.String())
	}
	var res struct {
		Result []struct {
			Expressions []struct {
				Value map[string][]string `json:"value"`
			} `json:"expressions"`
		} `json:"result"`
		Metrics map[string]int64 `json:"metrics"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		return 0, 0, nil, fmt.Errorf("opa output: %w", err)
	}
	if len(res.Result) != 1 || len(res.Result[0].Expressions) != 1 {
		return 0, 0, nil, fmt.Errorf("opa output has no single result: %.200s", stdout.String())
	}
	return time.Duration(res.Metrics["timer_rego_query_eval_ns"]), total, res.Result[0].Expressions[0].Value, nil
}
