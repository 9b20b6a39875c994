package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/store"
)

// errNoVersion means a workspace has no inventory yet.
var errNoVersion = errors.New("this workspace has no inventory yet: upload one")

// versionOf finds the version a request names: a number, or "" / "latest"
// for the newest.
func (s *Server) versionOf(ctx context.Context, ws store.Workspace, n string) (store.Version, error) {
	if n == "" || n == "latest" {
		v, err := s.store.LatestVersion(ctx, ws.ID)
		if errors.Is(err, store.ErrNotFound) {
			return v, errNoVersion
		}
		return v, err
	}
	num, err := strconv.Atoi(n)
	if err != nil || num < 1 {
		return store.Version{}, &badInput{fmt.Errorf("version %q: want a number from 1, or latest", n)}
	}
	v, err := s.store.VersionByNumber(ctx, ws.ID, num)
	if errors.Is(err, store.ErrNotFound) {
		return v, fmt.Errorf("%s has no version %d: %w", ws.Slug, num, store.ErrNotFound)
	}
	return v, err
}

func decodeOverview(v store.Version) (overview, error) {
	var o overview
	if err := json.Unmarshal(v.Summary, &o); err != nil {
		return o, fmt.Errorf("version %d summary: %w", v.Number, err)
	}
	return o, nil
}

// head returns a version's report without its components, decoded once
// per version (it holds every flow, which the flows pages and API read).
// Callers must not modify it.
func (s *Server) head(ctx context.Context, v store.Version) (*sovmap.Report, error) {
	return headIn(ctx, s.cache, s.store, v)
}

// headIn is head with the cache and store given, for the warm-up, which
// must keep to the cache it started with.
func headIn(ctx context.Context, c *versionCache, st store.Store, v store.Version) (*sovmap.Report, error) {
	return cachedLight(ctx, c, cacheKey{v.ID, "head", ""}, func(ctx context.Context) (*sovmap.Report, int64, error) {
		b, err := st.VersionHead(ctx, v.ID)
		if err != nil {
			return nil, 0, err
		}
		var r sovmap.Report
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, 0, fmt.Errorf("version %d report: %w", v.Number, err)
		}
		// Decoded structures take about twice their JSON.
		return &r, 2 * int64(len(b)), nil
	})
}

// fullReport returns a version's whole report, as assessed when uploaded.
// It is decoded anew on each call (a million components take gigabytes),
// so that only what is derived from it is cached.
func (s *Server) fullReport(ctx context.Context, v store.Version) (*sovmap.Report, error) {
	return s.sources(v).report(ctx)
}

// storedInventory returns a version's inventory as stored at upload, without
// file positions: quicker than decoding the files again when positions are
// not needed.
func (s *Server) storedInventory(ctx context.Context, v store.Version) (*sovmap.Inventory, error) {
	return s.sources(v).storedInventory(ctx)
}

// inventoryOf returns a version's inventory. It decodes the uploaded files
// again, so that writers get file positions; if the knowledge base has
// changed since and they no longer validate, it falls back to the inventory
// as stored, without positions.
func (s *Server) inventoryOf(ctx context.Context, v store.Version) (*sovmap.Inventory, error) {
	return s.sources(v).inventory(ctx)
}

// componentOf decodes a stored component's result and spec.
func componentOf(rec store.ComponentRecord) (*sovmap.ComponentResult, *sovmap.Component, error) {
	var c sovmap.ComponentResult
	var spec sovmap.Component
	if err := json.Unmarshal(rec.Result, &c); err != nil {
		return nil, nil, fmt.Errorf("component %s: %w", rec.ID, err)
	}
	if err := json.Unmarshal(rec.Spec, &spec); err != nil {
		return nil, nil, fmt.Errorf("component %s: %w", rec.ID, err)
	}
	return &c, &spec, nil
}

// facets returns a version's filter values, read once per version into
// the version cache.
func (s *Server) facets(ctx context.Context, versionID int64) (store.Facets, error) {
	return cachedLight(ctx, s.cache, cacheKey{versionID, "facets", ""}, func(ctx context.Context) (store.Facets, int64, error) {
		f, err := s.store.Facets(ctx, versionID)
		return f, jsonSize(f), err
	})
}
