package server

import (
	"context"
	"fmt"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/internal/fanout"
	"github.com/sovmap/sovmap/inventory"
	"github.com/sovmap/sovmap/risk"
	"github.com/sovmap/sovmap/store"
)

// What the cached analyses of a version are derived from (its whole
// report, its inventory, the risk model built from both) is large: a
// million components take gigabytes decoded. sources reads each at most
// once for the analyses built together, and is dropped with them: it is
// never cached. A first view builds one analysis from a fresh sources;
// the warm-up after an upload (cache_warm.go) builds several from one
// sources that already holds the report the upload assessed, so that
// nothing is read back from the store.
//
// A sources is not safe for concurrent use: one build, or one warm-up's
// builds in turn, use it.
type sources struct {
	s   *Server
	c   *versionCache // the cache it reads heads from, fixed when made
	ver store.Version

	rep *sovmap.Report
	// positioned is the inventory decoded from the uploaded files (with
	// file positions), stored the one kept at upload (without); either
	// serves as the inventory without positions.
	positioned, stored *sovmap.Inventory
	// filesFirst has the inventory without positions decoded from the
	// files too, for builds that will need them anyway (the warm-up's
	// register): one decoding instead of two.
	filesFirst bool
	model      *risk.Model
}

// sources returns the sources of a version, nothing read yet.
func (s *Server) sources(ver store.Version) *sources {
	s.cache.note(ver.ID, ver.Components)
	return &sources{s: s, c: s.cache, ver: ver}
}

// head returns the version's report without its components. Callers must
// not modify it.
func (src *sources) head(ctx context.Context) (*sovmap.Report, error) {
	if src.rep != nil {
		h := *src.rep
		h.Components = nil
		return &h, nil
	}
	return headIn(ctx, src.c, src.s.store, src.ver)
}

// report returns the version's whole report, as assessed when uploaded.
// The stored results are decompressed and decoded on every core, a group
// of components at a time, so that no more than a group's JSON is held
// beside the decoded report.
func (src *sources) report(ctx context.Context) (*sovmap.Report, error) {
	if src.rep != nil {
		return src.rep, nil
	}
	h, err := src.head(ctx)
	if err != nil {
		return nil, err
	}
	r := *h
	r.Components = make([]sovmap.ComponentResult, src.ver.Components)
	var batch []store.ComponentRecord
	at := 0
	flush := func() error {
		err := decodeRecords(batch, r.Components[at:at+len(batch)], nil)
		at += len(batch)
		batch = batch[:0]
		if err != nil {
			return fmt.Errorf("version %d %w", src.ver.Number, err)
		}
		return nil
	}
	err = src.s.eachStored(ctx, src.ver, func(rec store.ComponentRecord) error {
		if at+len(batch) == len(r.Components) {
			return nil // more stored than the version counts: eachStored says so
		}
		batch = append(batch, store.ComponentRecord{ID: rec.ID, Result: rec.Result})
		if len(batch) == decodeBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return nil, err
	}
	src.rep = &r
	return src.rep, nil
}

// decodeBatch is how many stored results report decodes at once, spread
// over the cores: a few megabytes of JSON.
const decodeBatch = 4096

// decodeRecords decodes each record's stored result into results at the
// same index, and its inventory spec into specs when specs is not nil, on
// every core, with github.com/go-json-experiment/json (several times
// quicker than encoding/json; a test holds the two to the same results).
// The stored results and specs are the JSON sovmap writes, field names
// exactly as the types spell them. A record without a spec leaves its
// entry zero.
func decodeRecords(recs []store.ComponentRecord, results []sovmap.ComponentResult, specs []sovmap.Component) error {
	return fanout.Ranges(len(recs), 256, func(_, lo, hi int) error {
		for i := lo; i < hi; i++ {
			if err := jsonv2.Unmarshal(recs[i].Result, &results[i]); err != nil {
				return fmt.Errorf("component %s: %w", recs[i].ID, err)
			}
			if specs == nil || len(recs[i].Spec) == 0 {
				continue
			}
			if err := jsonv2.Unmarshal(recs[i].Spec, &specs[i]); err != nil {
				return fmt.Errorf("component %s: inventory: %w", recs[i].ID, err)
			}
		}
		return nil
	})
}

// inventory returns the version's inventory decoded again from the
// uploaded files, so that writers get file positions; if the knowledge
// base has changed since and they no longer validate, the inventory as
// stored, without positions.
func (src *sources) inventory(ctx context.Context) (*sovmap.Inventory, error) {
	if src.positioned != nil {
		return src.positioned, nil
	}
	files, err := src.s.store.VersionFiles(ctx, src.ver.ID)
	if err != nil {
		return nil, err
	}
	if inv, _, err := src.s.decodeFiles(ctx, files); err == nil {
		src.positioned = inv
		return inv, nil
	}
	src.filesFirst = false // they do not decode: the stored inventory
	return src.storedInventory(ctx)
}

// keptPositions returns the version's inventory head and positions as
// kept at upload (positions.go), or nil (and no error) when it has none:
// versions stored before schema 9, or whose positions no longer decode
// (logged), which the files serve instead.
func (src *sources) keptPositions(ctx context.Context) (*streamInventory, error) {
	b, err := src.s.store.VersionPositions(ctx, src.ver.ID)
	if err != nil || b == nil {
		return nil, err
	}
	si, err := decodePositions(b, src.ver.Components)
	if err != nil {
		src.s.log.Warn("the positions kept at upload do not decode: reading them from the files", "version", src.ver.ID, "error", err)
		return nil, nil
	}
	return si, nil
}

// storedInventory returns the version's inventory without file positions:
// the one decoded from the files if it was, else the one stored at upload,
// quicker to decode than the files.
func (src *sources) storedInventory(ctx context.Context) (*sovmap.Inventory, error) {
	if src.positioned != nil {
		return src.positioned, nil
	}
	if src.stored != nil {
		return src.stored, nil
	}
	if src.filesFirst {
		return src.inventory(ctx)
	}
	b, err := src.s.store.VersionInventory(ctx, src.ver.ID)
	if err != nil {
		return nil, err
	}
	inv, err := decodeStoredInventory(b)
	if err != nil {
		return nil, fmt.Errorf("version %d inventory: %w", src.ver.Number, err)
	}
	src.stored = inv
	return inv, nil
}

// storedInventoryJSON is the stored inventory as decoded first: everything
// but the components, which are kept as JSON to be decoded on every core.
// (The embedded inventory is inlined; its own components field is shadowed
// by this one.)
type storedInventoryJSON struct {
	sovmap.Inventory
	Components []jsontext.Value `json:"components"`
}

// decodeStoredInventory decodes the inventory as stored at upload (the
// JSON of encoding/json's Marshal), its components on every core.
func decodeStoredInventory(b []byte) (*sovmap.Inventory, error) {
	var doc storedInventoryJSON
	if err := jsonv2.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	inv := &doc.Inventory
	if doc.Components == nil {
		return inv, nil
	}
	inv.Components = make([]sovmap.Component, len(doc.Components))
	err := fanout.Ranges(len(doc.Components), 256, func(_, lo, hi int) error {
		for i := lo; i < hi; i++ {
			if err := jsonv2.Unmarshal(doc.Components[i], &inv.Components[i]); err != nil {
				return fmt.Errorf("component %d: %w", i, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// riskModel returns the risk model of the version: its inventory (with
// positions), its report as stored, and the knowledge base the inventory
// extends.
func (src *sources) riskModel(ctx context.Context) (*risk.Model, error) {
	if src.model != nil {
		return src.model, nil
	}
	inv, err := src.inventory(ctx)
	if err != nil {
		return nil, err
	}
	k, err := inventory.WithKnowledge(src.s.cfg.KB, inv)
	if err != nil {
		return nil, err
	}
	rep, err := src.report(ctx)
	if err != nil {
		return nil, err
	}
	if src.model, err = risk.NewModel(ctx, inv, rep, k); err != nil {
		return nil, err
	}
	return src.model, nil
}
