package server

import (
	"context"
	"html/template"
	"slices"
	"time"

	"github.com/sovmap/sovmap"
	"github.com/sovmap/sovmap/store"
)

// A version's first views (the overview's ranking and map, the flows, the
// vendor register and the risk model under it, the stack, the component
// list) each derive from the whole report and inventory: at a million
// components, tens of seconds to read back and decode. The upload has just
// assessed that report and holds it, so once the version is committed the
// upload handlers hand it to warm, which builds those entries in the
// background from it: the first viewer finds them ready, or waits for the
// one build under way. The upload's answer does not wait for it.

// warm builds in the background the entries the first views of ver need,
// from inv and rep, the inventory its upload decoded from the files (with
// positions) and the report assessed from it, under the limit on heavy
// computations; nil rep, or a queue already full, leaves them to the first
// views. A nil inv is decoded from the stored files again.
func (s *Server) warm(ver store.Version, inv *sovmap.Inventory, rep *sovmap.Report) {
	if rep == nil || len(rep.Components) != ver.Components {
		return
	}
	src := s.sources(ver)
	src.rep, src.filesFirst = rep, true
	if inv != nil && len(inv.Components) == ver.Components {
		src.positioned = inv
	}
	// The latest version's pages link without a version query ("").
	s.startWarm(src, s.warmJobs(src, ""))
}

// coldStart is warm for a version read back from the store: the first
// view of a version after a restart, in another process, or once its
// entries were evicted. The first view of any of those pages asks for all
// of them, built from one reading of the version, the page's own entry
// (key) first; the others follow in the background, so that the next pages
// viewed cost no second reading. The overview's entry is built with the
// version query its links carry (versionQuery), whichever page came first.
// ctx bounds only the look-up of the latest version: the entries are built
// detached from it, for every viewer.
func (s *Server) coldStart(ctx context.Context, ver store.Version, key cacheKey) {
	if s.cache.known(key) {
		return
	}
	latest, err := s.store.LatestVersion(ctx, ver.WorkspaceID)
	if err != nil {
		return // the page's own build will say what is wrong
	}
	src := s.sources(ver)
	// The register needs the files decoded: once for all, unless it is
	// kept, when the others read the stored inventory, quicker to decode.
	src.filesFirst = !s.cache.known(registerKey(ver))
	jobs := s.warmJobs(src, versionQuery(ver, latest))
	i := slices.IndexFunc(jobs, func(j warmJob) bool { return j.key == key })
	if i < 0 {
		return
	}
	jobs[0], jobs[i] = jobs[i], jobs[0]
	s.startWarm(src, jobs)
}

// warmJobs are the entries of the first views of src's version: the
// overview's ranking and map (its links carrying vq), the component
// index, the flows, the vendor register (and the risk model under it), the
// stack, the transfer policy a comparison with the version reads, and,
// when src decodes the files anyway (filesFirst), the inventory a streamed
// download reads (with the positions only the files give): otherwise it
// alone would decode them, and is left to the first download that needs it.
func (s *Server) warmJobs(src *sources, vq template.URL) []warmJob {
	ver := src.ver
	jobs := []warmJob{
		warmJobOf(s, estateKey(ver, vq), s.estateJob(src, vq)),
		warmJobOf(s, componentsKey(ver), s.componentIndexJob(ver)),
		warmJobOf(s, flowsKey(ver), flowsJob(src)),
		warmJobOf(s, registerKey(ver), s.registerJob(src)),
		warmJobOf(s, stackKey(ver), s.stackJob(src)),
		warmJobOf(s, policyKey(ver), policyJob(src)),
	}
	if src.filesFirst {
		jobs = append(jobs, warmJobOf(s, streamInventoryKey(ver), streamInventoryJob(src)))
	}
	return jobs
}

// startWarm builds jobs in the background, in src's cache.
func (s *Server) startWarm(src *sources, jobs []warmJob) {
	s.warming.Add(1)
	if !src.c.warm(s.life, jobs, s.warming.Done) {
		s.log.Info("warm-up skipped: the server is busy", "version", src.ver.ID)
	}
}

// warmJobOf makes a warm-up job of a typed computation, logging its
// failure (a viewer would then compute the entry again) and, for large
// versions, what took a second or more.
func warmJobOf[T any](s *Server, key cacheKey, compute func(context.Context) (T, int64, error)) warmJob {
	return warmJob{key, func(ctx context.Context) (any, int64, error) {
		start := time.Now()
		v, size, err := compute(ctx)
		switch took := time.Since(start); {
		case err != nil && ctx.Err() == nil: // not stopped by Close
			s.log.Warn("warm-up", "entry", key.String(), "err", err)
		case err == nil && took >= time.Second:
			s.log.Info("warm-up: entry built", "entry", key.String(), "took", took.Round(time.Millisecond))
		}
		return v, size, err
	}}
}
