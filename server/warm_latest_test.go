package server

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/sovmap/sovmap/gen"
	"github.com/sovmap/sovmap/store"
)

// TestWarmLatestAtStart: from an empty cache, as after a restart, the
// warm-up at start builds the first views' entries of each workspace's
// latest version and of no other, and viewing those pages then builds
// nothing again. With room in the cache for one version's entries only,
// it warms the most recently stored version and stops.
func TestWarmLatestAtStart(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		c := e.signInAdmin()
		for _, slug := range []string{"second", "empty"} {
			if _, err := e.st.CreateWorkspace(ctx, slug, slug); err != nil {
				t.Fatal(err)
			}
		}
		// Generated inventories large enough that the entries' size
		// follows the components, as the cache's estimate does.
		for i, ws := range []string{"default", "default", "second"} {
			var body bytes.Buffer
			if err := gen.WriteJSON(&body, gen.Inventory(e.srv.cfg.KB, gen.Options{Components: 1500, Seed: uint64(i + 1)})); err != nil {
				t.Fatal(err)
			}
			tok := e.token(ws, store.RoleEditor)
			if r := e.api("POST", "/api/v1/workspaces/"+ws+"/versions?kind=inventory", tok, body.Bytes(), "application/json"); r.status != http.StatusCreated {
				t.Fatalf("upload to %s: %d %s", ws, r.status, r.body)
			}
		}
		e.srv.warming.Wait()
		latest := map[int64]bool{versionID(t, e, 2): true}
		second, err := e.st.WorkspaceBySlug(ctx, "second")
		if err != nil {
			t.Fatal(err)
		}
		secondV1, err := e.st.VersionByNumber(ctx, second.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		latest[secondV1.ID] = true
		warmAtStart := func() {
			t.Helper()
			ended := make(chan struct{})
			e.srv.WarmLatest(func() { close(ended) })
			<-ended
		}

		e.srv.cache = e.srv.cache.emptied()
		warmAtStart()
		kept := cachedKeys(e.srv.cache)
		for id := range latest {
			for _, kind := range warmedKinds {
				if !slices.Contains(kept, cacheKey{id, kind, ""}) && !slices.ContainsFunc(kept, func(k cacheKey) bool { return k.version == id && k.kind == kind }) {
					t.Errorf("version id %d: no %s entry after the warm-up at start", id, kind)
				}
			}
		}
		if old := versionID(t, e, 1); slices.ContainsFunc(kept, func(k cacheKey) bool { return k.version == old }) {
			t.Errorf("the warm-up at start built entries of version 1, which is not the latest")
		}
		pages := []string{"/w/default/", "/w/default/flows", "/w/default/vendors", "/w/default/stack", "/w/default/components",
			"/w/second/", "/w/second/vendors", "/w/second/stack"}
		viewWithoutRebuild(t, e, c, pages, map[string]string{})

		// Room for one version's entries: the newest stored, the second
		// workspace's, and no other.
		e.srv.cache = e.srv.cache.emptied()
		e.srv.cache.grow = 0
		e.srv.cache.capacity = int64(secondV1.Components) * keptBytesPerComponent * 3 / 2
		warmAtStart()
		kept = cachedKeys(e.srv.cache)
		if !slices.ContainsFunc(kept, func(k cacheKey) bool { return k.version == secondV1.ID && k.kind == "register" }) {
			t.Error("with room for one version, the newest stored was not warmed")
		}
		if id := versionID(t, e, 2); slices.ContainsFunc(kept, func(k cacheKey) bool { return k.version == id }) {
			t.Error("with room for one version, a second was warmed")
		}
	})
}
