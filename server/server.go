// Package server is sovmap's web dashboard and JSON API: workspaces of
// inventory versions, each assessed and stored, with pages for the people
// who decide (overview, components, flows, vendors, scenarios, embassies,
// version comparison, downloads), an API and a CI gate for machines, roles,
// sessions, CSRF protection, login throttling and an audit log.
//
// Pages are rendered on the server with html/template; the style sheet is
// embedded; no page needs JavaScript. Every piece of shared state lives in
// the store, so that several processes can serve one database.
package server

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync"
	"time"

	"golang.org/x/net/netutil"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/assess"
	"github.com/sovmap/sovmap/framework"
	"github.com/sovmap/sovmap/kb"
	"github.com/sovmap/sovmap/report"
	"github.com/sovmap/sovmap/risk"
	"github.com/sovmap/sovmap/store"
)

// Writer writes an assessment in one report format, like the CLI's --format.
type Writer func(w io.Writer, r *sovmap.Report, inv *sovmap.Inventory) error

// StreamFormat is a report format a large version's download is streamed
// in (Config.Streams).
type StreamFormat struct {
	Write report.StreamWriter
	// ComponentsOnly says Write reads only the stream's Head and its
	// components' results: neither its Inventory nor the components' specs
	// (given nil) with their positions, which the server otherwise builds
	// from the uploaded files (seconds at a million components, once per
	// version) before the first byte and decodes from the store.
	ComponentsOnly bool
}

// Config is what the server is built from. cmd/sovmap fills it, so that the
// server assesses and writes reports exactly like the CLI.
type Config struct {
	Store store.Store
	// KB is the knowledge base inventories are validated and assessed with.
	KB *kb.KB
	// AssessOptions returns the options to assess an inventory with; nil
	// means the zero options.
	AssessOptions func(inv *sovmap.Inventory, k *kb.KB) assess.Options
	// RiskOptions returns the vendor register's options for a risk model,
	// such as how to score the inventory's framework assessments; nil
	// means the zero options.
	RiskOptions func(m *risk.Model) risk.Options
	// Frameworks scores digital-embassy arrangements; nil means the
	// embedded library (framework.Default).
	Frameworks *framework.Library
	// Writers maps report format names to writers, for downloads.
	Writers map[string]Writer
	// Streams maps report format names to writers that take the report a
	// component at a time, for the downloads of large versions: they are
	// written from the store without decoding the whole report (each
	// must write what the format's Writer writes). A large version's
	// report in a format without one is written whole. JSON needs none:
	// it is cut from the stored results.
	Streams map[string]StreamFormat
	Logger  *slog.Logger
	// SecureCookies marks cookies Secure. Set it when the server is reached
	// over HTTPS (directly or through a proxy); requests that arrive over
	// TLS get Secure cookies anyway.
	SecureCookies bool
	// MaxUploadBytes caps an upload; zero means 64 MiB.
	MaxUploadBytes int64
	// SessionTTL is how long a sign-in lasts; zero means 12 hours.
	SessionTTL time.Duration
	// Password is the argon2id cost; nil means DefaultPasswordParams.
	Password *PasswordParams
	// LoginFailures is how many failed sign-ins per login name or client
	// address are allowed in LoginWindow; zero means 5 in 15 minutes.
	LoginFailures int
	LoginWindow   time.Duration
	// MaxHashes is how many password hashes are computed at once (each
	// takes Password.Memory); zero means 4. A sign-in that finds every
	// slot taken for HashWait (zero means 10 seconds) is answered 503.
	MaxHashes int
	HashWait  time.Duration
	// MinBodyRate is the slowest average rate, in bytes per second, at which
	// a client may send a request body once BodyGrace has passed; a slower
	// client is disconnected. Zero means 16 KiB/s after 10 seconds.
	MinBodyRate int64
	BodyGrace   time.Duration
	// CacheBytes bounds the results derived from versions that the process
	// keeps (cache.go); zero means 1 GiB, grown to 3 KiB a component of the
	// largest version viewed (3 GiB at a million) up to half of BuildBytes.
	CacheBytes int64
	// HeavyWork is how many derivations (a first view of a version, a
	// scenario, a comparison, a report) run at once; zero means GOMAXPROCS.
	// HeavyQueue is how many more may wait for a slot before further ones
	// are answered 503; zero means 16, a negative number none.
	HeavyWork  int
	HeavyQueue int
	// BuildBytes bounds the memory the derivations running at once may
	// hold, estimated from the components of the versions they read
	// (cache.go); zero means 10 GiB, room for one of a million components
	// and smaller ones beside it.
	BuildBytes int64
	// Version is sovmap's version, shown in the footer and /healthz.
	Version string
}

func (c *Config) defaults() {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.MaxUploadBytes <= 0 {
		c.MaxUploadBytes = 64 << 20
	}
	if c.SessionTTL <= 0 {
		c.SessionTTL = 12 * time.Hour
	}
	if c.Password == nil {
		p := DefaultPasswordParams
		c.Password = &p
	}
	if c.LoginFailures <= 0 {
		c.LoginFailures = 5
	}
	if c.LoginWindow <= 0 {
		c.LoginWindow = 15 * time.Minute
	}
	if c.MaxHashes <= 0 {
		c.MaxHashes = 4
	}
	if c.HashWait <= 0 {
		c.HashWait = 10 * time.Second
	}
	if c.MinBodyRate <= 0 {
		c.MinBodyRate = 16 << 10
	}
	if c.BodyGrace <= 0 {
		c.BodyGrace = 10 * time.Second
	}
	if c.AssessOptions == nil {
		c.AssessOptions = func(*sovmap.Inventory, *kb.KB) assess.Options { return assess.Options{} }
	}
	if c.Version == "" {
		c.Version = "dev"
	}
	if c.CacheBytes <= 0 {
		c.CacheBytes = 1 << 30
	}
	if c.HeavyWork <= 0 {
		c.HeavyWork = runtime.GOMAXPROCS(0)
	}
	if c.HeavyQueue == 0 {
		c.HeavyQueue = 16
	}
	if c.BuildBytes <= 0 {
		c.BuildBytes = 10 << 30
	}
}

// Server serves the dashboard and the API.
type Server struct {
	cfg     Config
	store   store.Store
	log     *slog.Logger
	pages   *pages
	metrics *metrics
	handler http.Handler
	// cache holds immutable per-version data only (see cache.go).
	cache *versionCache
	// dummyHash is checked against when a login name is unknown, so that
	// unknown and known names take the same time.
	dummyHash string
	// hashes bounds the password hashes computed at once.
	hashes *hashLimiter
	// warming counts the warm-ups under way (cache_warm.go); life is
	// their context, which stop (Close) cancels.
	warming sync.WaitGroup
	life    context.Context
	stop    context.CancelFunc
}

//go:embed templates/*.html assets/*
var embedded embed.FS

// New builds a server. It does not touch the network.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.KB == nil {
		return nil, errors.New("server: Store and KB are required")
	}
	growCache := cfg.CacheBytes <= 0
	cfg.defaults()
	if cfg.Frameworks == nil {
		lib, err := framework.Default()
		if err != nil {
			return nil, err
		}
		cfg.Frameworks = lib
	}
	p, err := loadPages(embedded)
	if err != nil {
		return nil, err
	}
	dummy, err := hashPassword(randomSecret(16), *cfg.Password)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, store: cfg.Store, log: cfg.Logger, pages: p, metrics: newMetrics(), dummyHash: dummy,
		hashes: newHashLimiter(cfg.MaxHashes, cfg.HashWait), cache: newVersionCache(cfg.CacheBytes, cfg.HeavyWork, cfg.HeavyQueue)}
	s.cache.budget = cfg.BuildBytes
	s.life, s.stop = context.WithCancel(context.Background())
	if growCache {
		s.cache.grow = cfg.BuildBytes / 2
	}
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Close stops the work a server does in the background (the warm-ups of
// new versions' first views) and waits for it to end, so that the store
// can be closed after it. Requests in flight are Serve's to end.
func (s *Server) Close() {
	s.stop()
	s.warming.Wait()
}

// Serve serves on ln until ctx is done, then shuts down gracefully: it stops
// accepting, lets requests in flight finish for up to grace, and returns.
// It keeps at most 512 connections open at once (see slowclients.go).
func Serve(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger, grace time.Duration) error {
	ln = netutil.LimitListener(ln, maxConns)
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       readTimeout, // large uploads; Server.minRate stops slow ones sooner
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", grace.String())
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
