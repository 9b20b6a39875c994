//go:build !noserver

package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sovmap/sovmap/framework"
	"github.com/sovmap/sovmap/report"
	"github.com/sovmap/sovmap/report/cyclonedx"
	"github.com/sovmap/sovmap/report/html"
	"github.com/sovmap/sovmap/report/oscal"
	"github.com/sovmap/sovmap/report/sarif"
	"github.com/sovmap/sovmap/report/sheet"
	"github.com/sovmap/sovmap/server"
	"github.com/sovmap/sovmap/store"
	"github.com/sovmap/sovmap/store/postgres"
	"github.com/sovmap/sovmap/store/sqlite"
)

func newServeCmd(a *app) *cobra.Command {
	var addr, db, logFormat, resetLogin string
	var secure, warm bool
	var maxUploadMB int64
	var grace time.Duration
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the web dashboard and JSON API",
		Long: `serve runs sovmap's web dashboard and JSON API: workspaces of inventory
versions, each assessed and stored, with pages for the people who decide, an
API and a CI gate for machines, roles, an audit log, /healthz and /metrics.

The database is an SQLite file (the default, created if missing) or a
PostgreSQL server (--db postgres://...), which several serve processes can
share behind a load balancer. The schema migrates forward on start.

On the first start the database has no users: serve creates an "admin" user
with a one-time password, prints it, and asks for a new one at first sign-in.
Automated deployments create the first administrator and API tokens
beforehand with sovmap admin; serve then prints no password.
SIGINT or SIGTERM stops it gracefully. See docs/server.md.`,
		Example: `  sovmap serve
  sovmap serve --addr 0.0.0.0:8080 --db /var/lib/sovmap/sovmap.db
  sovmap serve --db "postgres://sovmap:secret@db:5432/sovmap?sslmode=verify-full" --secure-cookies`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			log, err := newLogger(a, logFormat)
			if err != nil {
				return err
			}
			k, err := a.knowledge()
			if err != nil {
				return err
			}
			st, where, err := openStore(ctx, db)
			if err != nil {
				return err
			}
			defer st.Close()
			if resetLogin != "" {
				password, err := server.ResetPassword(ctx, st, resetLogin, "system (sovmap serve --reset-password)", nil)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "One-time password for %q: %s\n(they choose their own at the next sign-in; it is not shown again)\n", resetLogin, password)
				return nil
			}
			login, password, created, err := server.Bootstrap(ctx, st, nil)
			if err != nil {
				return fmt.Errorf("setting up the first administrator: %w", err)
			}
			lib, err := framework.Default()
			if err != nil {
				return err
			}
			writers := map[string]server.Writer{}
			for name, w := range assessFormats() {
				writers[name] = server.Writer(w)
			}
			riskOpts, err := riskOptions(lib)
			if err != nil {
				return err
			}
			srv, err := server.New(server.Config{
				Store: st, KB: k, Logger: log, Writers: writers, Streams: streamFormats(), SecureCookies: secure,
				MaxUploadBytes: maxUploadMB << 20, Version: version(),
				AssessOptions: a.assessOptionsFor,
				Frameworks:    lib,
				// Vendors scored and profiled as `sovmap vendors` does.
				RiskOptions: riskOpts,
			})
			if err != nil {
				return err
			}
			// Before the store closes (deferred above, so run after):
			// background warm-ups stop and are waited for.
			defer srv.Close()
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return err
			}
			if created {
				fmt.Fprintf(a.stdout, "First start: sign in as %q with the one-time password %s\n(you will be asked to choose your own; it is not shown again)\n", login, password)
			}
			fmt.Fprintf(a.stdout, "sovmap serve: listening on http://%s (database: %s)\n", ln.Addr(), where)
			log.Info("serving", "addr", ln.Addr().String(), "database", where)
			go srv.Maintain(ctx, time.Minute) // purges sessions and sign-in failures; stops with ctx
			if warm {
				srv.WarmLatest(nil)
			}
			return server.Serve(ctx, ln, srv, log, grace)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (host:port)")
	cmd.Flags().StringVar(&db, "db", "sovmap.db", "SQLite file, or a postgres:// URL")
	cmd.Flags().BoolVar(&secure, "secure-cookies", false, "mark cookies Secure (set it when users reach the server over HTTPS, e.g. behind a TLS proxy)")
	cmd.Flags().Int64Var(&maxUploadMB, "max-upload-mb", 64, "largest upload accepted, in MiB")
	cmd.Flags().DurationVar(&grace, "shutdown-grace", 30*time.Second, "how long requests in flight may take to finish on SIGTERM")
	cmd.Flags().BoolVar(&warm, "warm", true, "build the first views of each workspace's latest version in the background at start, as an upload does")
	cmd.Flags().StringVar(&logFormat, "log-format", "text", "log format on standard error: text or json")
	cmd.Flags().StringVar(&resetLogin, "reset-password", "", "give the user `LOGIN` a new one-time password, print it and exit without serving (when no site administrator can sign in)")
	return cmd
}

// openStore opens the database named by --db and says which it is, without
// the password of a PostgreSQL URL.
func openStore(ctx context.Context, db string) (store.Store, string, error) {
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		st, err := postgres.Open(ctx, db)
		return st, "postgres " + redactDSN(db), err
	}
	st, err := sqlite.Open(ctx, db)
	return st, "sqlite " + db, err
}

// redactDSN hides the passwords of a PostgreSQL URL: the one of its user
// information and a password= query parameter (which libpq and pgx accept
// too), so that neither is printed or logged.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unreadable database URL)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "***")
	}
	q, secret := u.Query(), false
	for k := range q {
		if strings.EqualFold(k, "password") {
			q[k], secret = []string{"***"}, true
		}
	}
	if secret {
		u.RawQuery = q.Encode()
	}
	// url.URL escapes the stars of the password; they are shown as typed.
	return strings.NewReplacer("%2A%2A%2A", "***", ":%2A%2A%2A@", ":***@").Replace(u.String())
}

func newLogger(a *app, format string) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(a.stderr, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(a.stderr, nil)), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json, not %q", format)
}

// streamFormats are the formats of assessFormats that a server writes a
// component at a time for a large version (server.Config.Streams), each
// writing what its whole writer writes.
func streamFormats() map[string]server.StreamFormat {
	return map[string]server.StreamFormat{
		"csv":       {Write: sheet.WriteCSVStream, ComponentsOnly: true},
		"xlsx":      {Write: sheet.WriteXLSXStream},
		"cyclonedx": {Write: report.WithOptions(cyclonedx.WriteStream, cyclonedx.Options{})},
		"html":      {Write: report.WithOptions(html.WriteStream, html.Options{})},
		"sarif":     {Write: report.WithOptions(sarif.WriteStream, sarif.Options{ToolVersion: version()})},
		"oscal":     {Write: report.WithOptions(oscal.WriteStream, oscal.Options{})},
		"table":     {Write: report.WriteTableStream, ComponentsOnly: true},
		"markdown":  {Write: report.WriteMarkdownStream, ComponentsOnly: true},
		"json-full": {Write: report.WriteJSONDetailStream, ComponentsOnly: true},
	}
}
