//go:build !noserver

package main

import (
	"strings"
	"testing"
)

// Issue 15, item 11: a password= query parameter was printed and logged.
func TestRedactDSN(t *testing.T) {
	for dsn, want := range map[string]string{
		"postgres://sovmap:s3cret@db:5432/sovmap?sslmode=verify-full":        "postgres://sovmap:***@db:5432/sovmap?sslmode=verify-full",
		"postgres://sovmap@db/sovmap?password=s3cret&sslmode=disable":        "postgres://sovmap@db/sovmap?password=***&sslmode=disable",
		"postgresql://u:s3cret@db/x?PASSWORD=s3cret":                         "postgresql://u:***@db/x?PASSWORD=***",
		"postgres://sovmap@/sovmap?host=/run/postgresql":                     "postgres://sovmap@/sovmap?host=/run/postgresql",
		"postgres://u:p%40ss@db/x":                                           "postgres://u:***@db/x",
		"postgres://db/sovmap":                                               "postgres://db/sovmap",
		"postgres://u:s3cret@db/x?application_name=a&password=s3cret&user=u": "postgres://u:***@db/x?application_name=a&password=***&user=u",
	} {
		got := redactDSN(dsn)
		if got != want {
			t.Errorf("redactDSN(%q) = %q, want %q", dsn, got, want)
		}
		if strings.Contains(got, "s3cret") || strings.Contains(got, "p%40ss") {
			t.Errorf("redactDSN(%q) keeps the password: %q", dsn, got)
		}
	}
}
