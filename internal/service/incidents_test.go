package service

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"borderwatch/internal/actor"
	"borderwatch/internal/demo"
	"borderwatch/internal/incident"
	"borderwatch/internal/store"
	"borderwatch/internal/store/storetest"
)

func openStore(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn, store.Options{Extractor: storetest.Extractor(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func dict(t testing.TB) *actor.Dictionary {
	t.Helper()
	d, err := actor.Load()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func ids(incs []incident.Incident) string {
	var b strings.Builder
	for _, inc := range incs {
		b.WriteString(inc.ID + ":" + inc.Event + " ")
	}
	return b.String()
}

// TestDemoReportsSurviveRestartAndReprocess ingests the demo reports, half
// through the service and half straight into the store (as the batch ingest
// does), and checks that reopening catches up, that reprocessing and a second
// catch-up add nothing, and that an analyst's merge survives a restart.
func TestDemoReportsSurviveRestartAndReprocess(t *testing.T) {
	for _, b := range storetest.Backends {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			dsn := b.DSN(t)
			db := openStore(t, dsn)
			opts := incident.Options{Dict: dict(t)}
			svc, rep, err := Open(ctx, db, opts)
			if err != nil || rep.Added != 0 {
				t.Fatalf("open on an empty store: %+v, %v", rep, err)
			}
			docs, err := demo.Reports()
			if err != nil {
				t.Fatal(err)
			}
			for i, d := range docs {
				if i%2 == 0 {
					if _, err := svc.Ingest(ctx, d); err != nil {
						t.Fatal(err)
					}
				} else if _, err := db.Ingest(ctx, d); err != nil {
					t.Fatal(err)
				}
			}
			direct := len(svc.List(Query{}))
			if direct == 0 {
				t.Fatal("no incidents from the demo reports ingested through the service")
			}

			if err := svc.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			// A restart restores the saved state and catches up on the rest.
			svc2, rep, err := Open(ctx, db, opts)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Added != len(docs)/2 {
				t.Fatalf("catch-up added %d documents, want the %d stored behind the service's back", rep.Added, len(docs)/2)
			}
			all := svc2.List(Query{})
			if len(all) < direct {
				t.Fatalf("%d incidents after catch-up, fewer than the %d before", len(all), direct)
			}

			if _, err := db.Reprocess(ctx, nil); err != nil {
				t.Fatal(err)
			}
			rep, err = svc2.CatchUp(ctx)
			if err != nil || rep.Added != 0 {
				t.Fatalf("catch-up after reprocess: %+v, %v; want nothing added", rep, err)
			}
			if got := svc2.List(Query{}); ids(got) != ids(all) {
				t.Fatalf("reprocess changed the incidents:\n%s\nwant\n%s", ids(got), ids(all))
			}

			// A document grouped but not yet saved (Ingest saves at most every
			// SaveEvery) is grouped again by the next start, not lost.
			late := docs[0]
			late.ID, late.URL, late.Text = "late-copy", "", late.Text+" A late paragraph of our own makes this a distinct text."
			if created, err := svc2.Ingest(ctx, late); err != nil || !created {
				t.Fatalf("late document: created %v, %v", created, err)
			}
			if _, rep, err := Open(ctx, db, opts); err != nil || rep.Added != 1 {
				t.Fatalf("restart without a flush: %+v, %v; want the one unsaved document grouped again", rep, err)
			}
			if err := svc2.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			all = svc2.List(Query{})

			// Merge two incidents of the same modality and reopen.
			var into, from string
			for i := 0; i < len(all) && from == ""; i++ {
				for j := i + 1; j < len(all); j++ {
					if all[i].Modality == all[j].Modality {
						into, from = all[i].ID, all[j].ID
						break
					}
				}
			}
			if from == "" {
				t.Fatalf("no two incidents of one modality to merge: %s", ids(all))
			}
			if _, err := svc2.Merge(ctx, into, []string{from}, ""); !errors.Is(err, ErrRejected) {
				t.Fatalf("a merge without the analyst's name: %v, want ErrRejected", err)
			}
			if _, err := svc2.Merge(ctx, into, []string{from}, "analyst1"); err != nil {
				t.Fatal(err)
			}
			svc3, _, err := Open(ctx, db, opts)
			if err != nil {
				t.Fatal(err)
			}
			got, err := svc3.Get(from)
			if err != nil || got.MergedInto != into {
				t.Fatalf("after restart %s: merged into %q (err %v), want %s", from, got.MergedInto, err, into)
			}
			kept, _ := svc3.Get(into)
			if len(kept.Decisions) == 0 || kept.Decisions[len(kept.Decisions)-1].User != "analyst1" {
				t.Fatalf("the merge was not recorded with its analyst: %+v", kept.Decisions)
			}
			if len(svc3.List(Query{})) != len(all)-1 {
				t.Fatalf("%d live incidents after the merge, want %d", len(svc3.List(Query{})), len(all)-1)
			}
			if _, err := svc3.Get("no-such-incident"); !errors.Is(err, incident.ErrNotFound) {
				t.Fatalf("unknown incident: %v, want ErrNotFound", err)
			}
			_ = svc3.ControlAsOf("", time.Date(2021, 7, 31, 0, 0, 0, 0, time.UTC))
		})
	}
}

func TestParseNear(t *testing.T) {
	for _, c := range []struct {
		in, border string
		lat, lon   float64
		bad        bool
	}{
		{in: "Tajik-Afghan border", border: "AFG-TJK"},
		{in: "afghan tajik", border: "AFG-TJK"},
		{in: "TJK-AFG", border: "AFG-TJK"},
		{in: "37.2, 68.6", lat: 37.2, lon: 68.6},
		{in: "", border: ""},
		{in: "91,10", bad: true},
		{in: "x,y", bad: true},
		{in: "Tajik-Tajik border", bad: true},
		{in: "Martian border", bad: true},
		{in: "Tajik-Afghan-Uzbek border", bad: true},
	} {
		q, err := ParseNear(c.in)
		if c.bad {
			if err == nil {
				t.Errorf("ParseNear(%q) = %+v, want an error", c.in, q)
			}
			continue
		}
		if err != nil || q.Border != c.border || q.Lat != c.lat || q.Lon != c.lon {
			t.Errorf("ParseNear(%q) = %+v, %v; want border %q at %v,%v", c.in, q, err, c.border, c.lat, c.lon)
		}
	}
}
