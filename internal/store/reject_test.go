package store

import (
	"context"
	"errors"
	"testing"

	"borderwatch"
)

// An event an analyst rejected or deleted is gone from the record, keeps its
// history, and stays gone when reprocessing extracts it again: a person's
// decision is never undone by the rules.
func TestRejectedEventStaysGoneAfterReprocess(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		doc := borderwatch.Document{ID: "d1", Text: storyA}
		ingest(t, db, doc)
		x, err := db.Extractor()
		if err != nil {
			t.Fatal(err)
		}
		res, err := x.Extract(doc)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Events) < 2 {
			t.Fatalf("setup: storyA gives %d events, want 2 or more", len(res.Events))
		}
		rejected, deleted := res.Events[0].ID, res.Events[1].ID
		if err := db.RejectEvent(ctx, rejected); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteEvent(ctx, deleted); err != nil {
			t.Fatal(err)
		}
		if err := db.RejectEvent(ctx, rejected); !errors.Is(err, ErrNotFound) {
			t.Errorf("rejecting a gone event: %v, want not found", err)
		}
		r, err := db.Reprocess(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Added != 0 || r.Reviewed != 2 {
			t.Errorf("reprocess %+v: want nothing added and the two decisions kept", r)
		}
		for _, id := range []string{rejected, deleted} {
			if _, err := db.Event(ctx, id); !errors.Is(err, ErrNotFound) {
				t.Errorf("event %s is back after reprocess: %v", id, err)
			}
			vs, err := db.EventVersions(ctx, id)
			if err != nil || len(vs) != 2 || !vs[1].Deleted {
				t.Errorf("history of %s: %+v, %v", id, vs, err)
			}
		}
	})
}
