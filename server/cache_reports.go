package server

import (
	"bytes"
	"context"
	"fmt"
	"strconv"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/diff"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/policydoc"
	"github.com/sovmap/sovmap/store"
)

// The two heaviest requests of the dashboard, a report download and a
// comparison of two versions, are kept in the version cache like the
// analyses: a version's report in one format, or the comparison of two
// versions, never changes. They are computed in the cache's bounded slots
// (Config.HeavyWork), so that many at once queue instead of exhausting the
// server, and beyond Config.HeavyQueue are refused with 503.

// renderedReport returns a version's report written in a format, written
// once per version and format. Reports larger than half the cache are
// written anew for each download.
func (s *Server) renderedReport(ctx context.Context, ver store.Version, format string, write Writer) ([]byte, error) {
	return cached(ctx, s.cache, cacheKey{ver.ID, "report", format}, func(ctx context.Context) ([]byte, int64, error) {
		rep, err := s.fullReport(ctx, ver)
		if err != nil {
			return nil, 0, err
		}
		inv, err := s.inventoryOf(ctx, ver)
		if err != nil {
			return nil, 0, err
		}
		var b bytes.Buffer
		if err := write(&b, rep, inv); err != nil {
			return nil, 0, fmt.Errorf("writing %s: %w", format, err)
		}
		return b.Bytes(), int64(b.Len()), nil
	})
}

// compare returns the comparison of two versions, computed once per pair.
func (s *Server) compare(ctx context.Context, a, b store.Version) (*diff.Diff, error) {
	return cached(ctx, s.cache, cacheKey{a.ID, "compare", strconv.FormatInt(b.ID, 10)}, func(ctx context.Context) (*diff.Diff, int64, error) {
		ra, err := s.fullReport(ctx, a)
		if err != nil {
			return nil, 0, err
		}
		rb, err := s.fullReport(ctx, b)
		if err != nil {
			return nil, 0, err
		}
		d := diff.Compare(ra, rb, 1)
		if d.Policy, err = s.comparePolicies(ctx, [2]store.Version{a, b}, [2]*sovmap.Report{ra, rb}); err != nil {
			return nil, 0, err
		}
		return d, 2 * jsonSize(d), nil
	})
}

// comparePolicies compares the transfer policies of two versions as `sovmap
// diff` compares those of two inventories: each rendered as `sovmap policy`
// renders it, from the version's inventory and report.
func (s *Server) comparePolicies(ctx context.Context, vers [2]store.Version, reps [2]*sovmap.Report) (*diff.Policy, error) {
	var docs [2]*policydoc.Document
	for i, ver := range vers {
		inv, err := s.inventoryOf(ctx, ver)
		if err != nil {
			return nil, err
		}
		k, err := inventory.WithKnowledge(s.cfg.KB, inv)
		if err != nil {
			return nil, err
		}
		if docs[i], err = policydoc.Build(inv, reps[i], k); err != nil {
			return nil, fmt.Errorf("version %d: transfer policy: %w", ver.Number, err)
		}
	}
	return &diff.Policy{Compared: true, Changes: policydoc.Compare(docs[0], docs[1])}, nil
}
