package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/embassy"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/risk"
	"github.com/sovmap/sovmap/scenario"
	"github.com/sovmap/sovmap/store"
)

// The vendor register, stress scenarios and digital-embassy scorecards are
// computed on demand from a stored version with the same packages as the
// `sovmap vendors`, `sovmap scenario` and `sovmap embassy` commands.

// extraTabs adds the analyses to the navigation.
func (s *Server) extraTabs() []tab {
	return []tab{
		{"stack", "Stack", "stack", store.RoleViewer},
		{"vendors", "Vendors", "vendors", store.RoleViewer},
		{"scenarios", "Scenarios", "scenarios", store.RoleViewer},
		{"embassies", "Embassies", "embassies", store.RoleViewer},
		{"frameworks", "Frameworks", "frameworks", store.RoleViewer},
	}
}

func (s *Server) extraPages(mux *http.ServeMux) {
	mux.HandleFunc("GET /w/{ws}/vendors", s.page(store.RoleViewer, s.handleVendors))
	mux.HandleFunc("GET /w/{ws}/scenarios", s.page(store.RoleViewer, s.handleScenarios))
	mux.HandleFunc("GET /w/{ws}/embassies", s.page(store.RoleViewer, s.handleEmbassies))
	mux.HandleFunc("GET /w/{ws}/stack", s.page(store.RoleViewer, s.handleStack))
	mux.HandleFunc("GET /w/{ws}/frameworks", s.page(store.RoleViewer, s.handleFrameworks))
}

func (s *Server) extraAPI() []apiRoute {
	return []apiRoute{
		{"GET /api/v1/workspaces/{ws}/versions/{n}/vendors", store.RoleViewer, s.apiVendors},
		{"GET /api/v1/workspaces/{ws}/versions/{n}/scenarios", store.RoleViewer, s.apiScenarios},
		{"GET /api/v1/workspaces/{ws}/versions/{n}/embassies", store.RoleViewer, s.apiEmbassies},
		{"GET /api/v1/frameworks", "", s.apiFrameworkList},
		{"GET /api/v1/workspaces/{ws}/versions/{n}/dependencies", store.RoleViewer, s.apiDependencies},
		{"GET /api/v1/workspaces/{ws}/versions/{n}/frameworks", store.RoleViewer, s.apiFrameworks},
	}
}

// model rebuilds the risk model of a stored version: its inventory, its
// report as stored, and the knowledge base the inventory extends.
func (s *Server) model(ctx context.Context, ver store.Version) (*risk.Model, error) {
	return s.sources(ver).riskModel(ctx)
}

// register returns a version's vendor register with its trust profiles and
// the report it was built from, without the report's components (its
// summary, providers and flows). It is computed once per version and day:
// the trust profiles judge the EU Data Act's switching rights on the day.
func (s *Server) register(ctx context.Context, ver store.Version) (*risk.Register, *sovmap.Report, error) {
	s.coldStart(ctx, ver, registerKey(ver))
	e, err := cached(ctx, s.cache, registerKey(ver), s.registerJob(s.sources(ver)))
	return e.reg, e.head, err
}

// registerEntry is the cached register with its report's head.
type registerEntry struct {
	reg  *risk.Register
	head *sovmap.Report
}

// registerKey is the key of a version's register: it changes with the day.
func registerKey(ver store.Version) cacheKey { return cacheKey{ver.ID, "register", today()} }

// registerJob builds the register from src.
func (s *Server) registerJob(src *sources) func(ctx context.Context) (registerEntry, int64, error) {
	return func(ctx context.Context) (registerEntry, int64, error) {
		m, err := src.riskModel(ctx)
		if err != nil {
			return registerEntry{}, 0, err
		}
		var opts risk.Options
		if s.cfg.RiskOptions != nil {
			opts = s.cfg.RiskOptions(m)
		}
		reg, err := risk.NewRegister(ctx, m, opts)
		if err != nil {
			return registerEntry{}, 0, err
		}
		head, err := src.head(ctx)
		// Decoded, a register takes about 2.7 times its JSON (heap after
		// a collection, generated inventory).
		return registerEntry{reg, head}, 3 * jsonSize(reg), err
	}
}

// scenarioRun is the scenario page's model: the list to choose from and
// the chosen one's result.
type scenarioRun struct {
	Name     string
	Builtin  []string
	Declared []string
	Kinds    []string
	// Groups names the scenarios for the page's picker (scenariopicker.go).
	Groups []scenarioGroup
	Result *scenario.Result
}

// runScenario runs a scenario, or lists them when name is empty, once per
// version and name: the run is heavy (it builds the risk model) and its
// result never changes. A name the engine refuses is answered with the
// list and a badInput error, kept as well (the refusal does not change
// either); other errors are not kept.
func (s *Server) runScenario(ctx context.Context, ver store.Version, name string) (*scenarioRun, error) {
	type entry struct {
		run *scenarioRun
		err error
	}
	s.cache.note(ver.ID, ver.Components)
	e, err := cached(ctx, s.cache, cacheKey{ver.ID, "scenario", name}, func(ctx context.Context) (entry, int64, error) {
		run, err := s.newScenarioRun(ctx, ver, name)
		if err != nil && (run == nil || !errors.As(err, new(*badInput))) {
			return entry{}, 0, err
		}
		return entry{run, err}, jsonSize(run), nil
	})
	if err != nil {
		return nil, err
	}
	return e.run, e.err
}

func (s *Server) newScenarioRun(ctx context.Context, ver store.Version, name string) (*scenarioRun, error) {
	m, err := s.model(ctx, ver)
	if err != nil {
		return nil, err
	}
	run := &scenarioRun{Name: name, Kinds: scenario.Kinds}
	list, declared := scenario.Scenarios(m)
	for i, sc := range list {
		if declared[i] {
			run.Declared = append(run.Declared, sc.ID)
		} else {
			run.Builtin = append(run.Builtin, sc.ID)
		}
	}
	run.Groups = scenarioGroups(m, list, declared)
	if name == "" {
		return run, nil
	}
	sc, isDeclared, err := scenario.Resolve(m.Inv, name)
	if err != nil {
		return run, &badInput{err}
	}
	run.Result, err = scenario.NewEngine(m, scenario.Options{Assess: s.cfg.AssessOptions(m.Inv, m.KB), Limit: 200}).Run(ctx, sc, isDeclared, true)
	if err != nil {
		return run, &badInput{err}
	}
	return run, nil
}

func (s *Server) handleScenarios(w http.ResponseWriter, r *http.Request, q *req) {
	v := s.newView(q, "Scenarios", "scenarios")
	ver, vp, ok := s.loadVersion(w, r, q, v)
	if !ok {
		return
	}
	name := strings.TrimSpace(r.URL.Query().Get("name"))
	if custom := strings.TrimSpace(r.URL.Query().Get("custom")); custom != "" {
		name = custom
	}
	run, err := s.runScenario(r.Context(), ver, name)
	status := http.StatusOK
	if err != nil {
		if run == nil || !errors.As(err, new(*badInput)) {
			s.pageError(w, r, q, 0, err)
			return
		}
		status, v.Error = http.StatusUnprocessableEntity, err.Error()
	}
	v.Data = struct {
		versionPage
		Run *scenarioRun
	}{vp, run}
	s.render(w, r, status, "scenarios", v)
}

// embassyView is the embassies page's model.
type embassyView struct {
	Scorecards []*embassy.Scorecard
	Comparison *embassy.Comparison
	Selected   []string
	Detail     *embassy.Scorecard
}

func (s *Server) embassies(ctx context.Context, ver store.Version, compare []string, detail string) (*embassyView, error) {
	inv, err := s.inventoryOf(ctx, ver)
	if err != nil {
		return nil, err
	}
	lib := s.cfg.Frameworks
	// Score as sovmap embassy does: export controls on hosted
	// accelerators, from the inventory's knowledge base, cap capacity.
	k, err := inventory.WithKnowledge(s.cfg.KB, inv)
	if err != nil {
		return nil, err
	}
	opts := embassy.Options{KB: k, At: time.Now().UTC()}
	out := &embassyView{Selected: compare}
	for _, a := range inv.Arrangements {
		sc, err := embassy.Score(lib, inv, a, opts)
		if err != nil {
			return nil, fmt.Errorf("arrangement %s: %w", a.ID, err)
		}
		out.Scorecards = append(out.Scorecards, sc)
		if a.ID == detail {
			out.Detail = sc
		}
	}
	if detail != "" && out.Detail == nil {
		return out, &badInput{fmt.Errorf("version %d has no arrangement %q", ver.Number, detail)}
	}
	if len(compare) == 1 {
		return out, &badInput{errors.New("choose at least two arrangements to compare")}
	}
	if len(compare) > 1 {
		if out.Comparison, err = embassy.Compare(lib, inv, compare, opts); err != nil {
			return out, &badInput{err}
		}
	}
	return out, nil
}

func (s *Server) handleEmbassies(w http.ResponseWriter, r *http.Request, q *req) {
	v := s.newView(q, "Digital embassies", "embassies")
	ver, vp, ok := s.loadVersion(w, r, q, v)
	if !ok {
		return
	}
	ev, err := s.embassies(r.Context(), ver, r.URL.Query()["compare"], r.URL.Query().Get("id"))
	status := http.StatusOK
	if err != nil {
		if ev == nil || !errors.As(err, new(*badInput)) {
			s.pageError(w, r, q, 0, err)
			return
		}
		status, v.Error = http.StatusUnprocessableEntity, err.Error()
	}
	v.Data = struct {
		versionPage
		E *embassyView
	}{vp, ev}
	s.render(w, r, status, "embassies", v)
}

func (s *Server) apiVendors(w http.ResponseWriter, r *http.Request, q *req) {
	ver, err := s.versionOf(r.Context(), q.ws, r.PathValue("n"))
	if err != nil {
		s.apiFail(w, err)
		return
	}
	s.writeCachedJSON(w, r, cacheKey{ver.ID, "api-vendors", today()}, func(ctx context.Context) (any, error) {
		reg, _, err := s.register(ctx, ver)
		return reg, err
	})
}

func (s *Server) apiScenarios(w http.ResponseWriter, r *http.Request, q *req) {
	ver, err := s.versionOf(r.Context(), q.ws, r.PathValue("n"))
	if err != nil {
		s.apiFail(w, err)
		return
	}
	run, err := s.runScenario(r.Context(), ver, r.URL.Query().Get("name"))
	if err != nil {
		s.apiFail(w, err)
		return
	}
	if run.Result != nil {
		writeJSON(w, http.StatusOK, run.Result)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"declared": nonNilStrings(run.Declared), "builtin": nonNilStrings(run.Builtin)})
}

func (s *Server) apiEmbassies(w http.ResponseWriter, r *http.Request, q *req) {
	ver, err := s.versionOf(r.Context(), q.ws, r.PathValue("n"))
	if err != nil {
		s.apiFail(w, err)
		return
	}
	var compare []string
	if c := r.URL.Query().Get("compare"); c != "" {
		compare = strings.Split(c, ",")
	}
	ev, err := s.embassies(r.Context(), ver, compare, "")
	if err != nil {
		s.apiFail(w, err)
		return
	}
	if ev.Comparison != nil {
		writeJSON(w, http.StatusOK, ev.Comparison)
		return
	}
	cards := ev.Scorecards
	if cards == nil {
		cards = []*embassy.Scorecard{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"arrangements": cards})
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clip(s)
}
