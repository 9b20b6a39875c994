package server

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// metrics are this process's counters, exposed in the Prometheus text
// format (version 0.0.4) at /metrics. They are per process on purpose:
// Prometheus scrapes every process and sums.
type metrics struct {
	started time.Time

	mu       sync.Mutex
	requests map[requestKey]uint64
	latency  map[string]*histogram

	uploads        atomic.Uint64
	uploadsBad     atomic.Uint64
	gateRuns       atomic.Uint64
	loginFailures  atomic.Uint64
	loginThrottled atomic.Uint64
	inFlight       atomic.Int64
}

type requestKey struct {
	route, method string
	code          int
}

// buckets are the latency histogram's upper bounds in seconds.
var buckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type histogram struct {
	counts []uint64 // per bucket, not cumulative; the last is +Inf
	sum    float64
	n      uint64
}

func newMetrics() *metrics {
	return &metrics{started: time.Now(), requests: map[requestKey]uint64{}, latency: map[string]*histogram{}}
}

// knownMethods are the methods of RFC 9110 and PATCH; any other method a
// client invents is counted as "other", so that clients cannot create
// series at will.
var knownMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true, http.MethodPatch: true,
	http.MethodDelete: true, http.MethodConnect: true, http.MethodOptions: true, http.MethodTrace: true,
}

func (m *metrics) observe(route, method string, code int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	if !knownMethods[method] {
		method = "other"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[requestKey{route, method, code}]++
	h := m.latency[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(buckets)+1)}
		m.latency[route] = h
	}
	sec := d.Seconds()
	i := sort.SearchFloat64s(buckets, sec)
	h.counts[i]++
	h.sum += sec
	h.n++
}

// labelEscaper escapes label values as the text format requires.
var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func (m *metrics) write(w io.Writer, version string) {
	fmt.Fprintf(w, "# HELP sovmap_build_info Build of this sovmap process.\n# TYPE sovmap_build_info gauge\nsovmap_build_info{version=\"%s\"} 1\n", labelEscaper.Replace(version))
	fmt.Fprintf(w, "# HELP sovmap_process_start_time_seconds Start time of this process since the Unix epoch.\n# TYPE sovmap_process_start_time_seconds gauge\nsovmap_process_start_time_seconds %d\n", m.started.Unix())
	counter := func(name, help string, v uint64) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", name, help, name, name, v)
	}
	counter("sovmap_uploads_total", "Inventory versions stored.", m.uploads.Load())
	counter("sovmap_uploads_rejected_total", "Uploads rejected as bad inventories.", m.uploadsBad.Load())
	counter("sovmap_gate_runs_total", "CI gate runs.", m.gateRuns.Load())
	counter("sovmap_login_failures_total", "Failed sign-ins.", m.loginFailures.Load())
	counter("sovmap_login_throttled_total", "Sign-ins refused by the rate limit.", m.loginThrottled.Load())
	fmt.Fprintf(w, "# HELP sovmap_http_requests_in_flight Requests being served.\n# TYPE sovmap_http_requests_in_flight gauge\nsovmap_http_requests_in_flight %d\n", m.inFlight.Load())

	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.route != b.route {
			return a.route < b.route
		}
		if a.method != b.method {
			return a.method < b.method
		}
		return a.code < b.code
	})
	fmt.Fprintf(w, "# HELP sovmap_http_requests_total HTTP requests by route pattern, method and status code.\n# TYPE sovmap_http_requests_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(w, "sovmap_http_requests_total{route=\"%s\",method=\"%s\",code=\"%d\"} %d\n", labelEscaper.Replace(k.route), k.method, k.code, m.requests[k])
	}
	routes := make([]string, 0, len(m.latency))
	for r := range m.latency {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	fmt.Fprintf(w, "# HELP sovmap_http_request_duration_seconds Time to serve a request, by route pattern.\n# TYPE sovmap_http_request_duration_seconds histogram\n")
	for _, r := range routes {
		h, lr := m.latency[r], labelEscaper.Replace(r)
		var cum uint64
		for i, le := range buckets {
			cum += h.counts[i]
			fmt.Fprintf(w, "sovmap_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %d\n", lr, le, cum)
		}
		fmt.Fprintf(w, "sovmap_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %d\n", lr, h.n)
		fmt.Fprintf(w, "sovmap_http_request_duration_seconds_sum{route=\"%s\"} %g\n", lr, h.sum)
		fmt.Fprintf(w, "sovmap_http_request_duration_seconds_count{route=\"%s\"} %d\n", lr, h.n)
	}
}

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	s.metrics.write(w, s.cfg.Version)
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if err := s.store.Ping(r.Context()); err != nil {
		s.log.Error("health check", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": "database unreachable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.cfg.Version})
}
