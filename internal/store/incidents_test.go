package store

import (
	"context"
	"errors"
	"slices"
	"testing"

	"borderwatch"
)

func TestIncidentState(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		got, err := db.LoadIncidentState(ctx)
		if err != nil || got != nil {
			t.Fatalf("fresh database: state %q, err %v; want nil, nil", got, err)
		}
		if err := db.SaveIncidentState(ctx, nil); !errors.Is(err, ErrInvalid) {
			t.Fatalf("saving an empty state: err %v, want ErrInvalid", err)
		}
		for _, want := range []string{`{"incidents":[1]}`, `{"incidents":[1,2],"note":"second save replaces the first"}`} {
			if err := db.SaveIncidentState(ctx, []byte(want)); err != nil {
				t.Fatal(err)
			}
			got, err := db.LoadIncidentState(ctx)
			if err != nil || string(got) != want {
				t.Fatalf("load after save: %q, %v; want %q", got, err, want)
			}
		}
		var rows int
		if err := db.queryRow(ctx, `SELECT COUNT(*) FROM incident_state`).Scan(&rows); err != nil || rows != 1 {
			t.Fatalf("incident_state holds %d rows (err %v), want exactly one", rows, err)
		}
	})
}

func TestDocumentIDsInStoredOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		ids, err := db.DocumentIDs(ctx)
		if err != nil || len(ids) != 0 {
			t.Fatalf("empty database: %v, %v", ids, err)
		}
		// Stored order, not id order: z before a.
		ingest(t, db, borderwatch.Document{ID: "z-first", Text: storyA})
		ingest(t, db, borderwatch.Document{ID: "a-second", Text: storyB})
		ingest(t, db, borderwatch.Document{ID: "z-first", Text: storyA}) // a duplicate adds nothing
		ids, err = db.DocumentIDs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"z-first", "a-second"}; !slices.Equal(ids, want) {
			t.Fatalf("document ids %v, want %v", ids, want)
		}
	})
}
