package store

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestIncidentNotes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := WithUser(context.Background(), "alice")
		notes, err := db.Notes(ctx, "inc-1")
		if err != nil || len(notes) != 0 {
			t.Fatalf("fresh database: %v, %v", notes, err)
		}
		for _, bad := range []struct{ inc, body string }{{"", "a note"}, {"inc-1", "  \n "}, {"inc-1", strings.Repeat("x", MaxNoteBytes+1)}, {"inc-1", "bad \xff byte"}} {
			if _, err := db.AddNote(ctx, bad.inc, bad.body); !errors.Is(err, ErrInvalid) {
				t.Errorf("note %q on %q: err %v, want ErrInvalid", bad.body[:min(len(bad.body), 20)], bad.inc, err)
			}
		}
		first, err := db.AddNote(ctx, "inc-1", "  Two outlets cite the same ministry statement.  ")
		if err != nil {
			t.Fatal(err)
		}
		if first.Body != "Two outlets cite the same ministry statement." || first.CreatedBy != "alice" || first.CreatedAt.IsZero() || first.ID == 0 {
			t.Fatalf("stored note %+v: want trimmed body, alice, a time and an id", first)
		}
		if _, err := db.AddNote(WithUser(context.Background(), "bob"), "inc-2", "other incident"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddNote(WithUser(context.Background(), "bob"), "inc-1", "<script>kept as written</script>"); err != nil {
			t.Fatal(err)
		}
		notes, err = db.Notes(ctx, "inc-1")
		if err != nil {
			t.Fatal(err)
		}
		if len(notes) != 2 || notes[0].ID != first.ID || notes[1].CreatedBy != "bob" || notes[1].Body != "<script>kept as written</script>" {
			t.Fatalf("notes of inc-1: %+v; want alice's then bob's, oldest first, as written", notes)
		}
		both, err := db.Notes(ctx, "inc-1", "inc-2")
		if err != nil || len(both) != 3 {
			t.Fatalf("notes of two incidents: %d (%v), want 3", len(both), err)
		}
	})
}

func TestReviews(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		ctx := WithUser(context.Background(), "alice")
		bad := []Review{
			{Incident: "", Status: ReviewConfirmed},
			{Incident: "inc-1", Status: "approved"},
			{Incident: "inc-1", Status: ReviewCorrected},                                                  // a correction corrects something
			{Incident: "inc-1", Status: ReviewCorrected, Correction: map[string]string{"colour": "blue"}}, // unknown field
			{Incident: "inc-1", Status: ReviewCorrected, Correction: map[string]string{"date": "July 5"}}, // not a date
			{Incident: "inc-1", Status: ReviewCorrected, Correction: map[string]string{"dead": "many"}},   // not a number
			{Incident: "inc-1", Status: ReviewCorrected, Correction: map[string]string{"event": "PARTY"}}, // not PLOVER
		}
		for _, r := range bad {
			if _, err := db.AddReview(ctx, r); !errors.Is(err, ErrInvalid) {
				t.Errorf("review %+v: err %v, want ErrInvalid", r, err)
			}
		}
		r1, err := db.AddReview(ctx, Review{Incident: "inc-1", Status: ReviewConfirmed, Comment: "matches the ministry"})
		if err != nil {
			t.Fatal(err)
		}
		if r1.ID == 0 || r1.CreatedBy != "alice" || r1.CreatedAt.IsZero() {
			t.Fatalf("stored review %+v: want an id, alice and a time", r1)
		}
		corr := map[string]string{"event": "ASSAULT", "dead": "3", "date": "2021-07-05", "place": "Kalai Khumb"}
		if _, err := db.AddReview(WithUser(context.Background(), "bob"), Review{Incident: "inc-1", Status: ReviewCorrected, Correction: corr}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddReview(ctx, Review{Incident: "inc-9", Event: "ev-7", Status: ReviewRejected}); err != nil {
			t.Fatal(err)
		}
		got, err := db.Reviews(ctx, ReviewFilter{Incidents: []string{"inc-1"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Status != ReviewConfirmed || got[1].CreatedBy != "bob" || got[1].Correction["dead"] != "3" || got[1].Correction["place"] != "Kalai Khumb" {
			t.Fatalf("reviews of inc-1: %+v; want the confirmation then bob's correction, kept whole", got)
		}
		// An event's reviews are found by the event, whichever incident it
		// has moved to since.
		got, err = db.Reviews(ctx, ReviewFilter{Incidents: []string{"inc-1"}, Events: []string{"ev-7"}})
		if err != nil || len(got) != 3 || got[2].Event != "ev-7" || got[2].Status != ReviewRejected {
			t.Fatalf("reviews of inc-1 or ev-7: %+v (%v); want 3, the last ev-7's rejection", got, err)
		}
		if got, err := db.Reviews(ctx, ReviewFilter{}); err != nil || len(got) != 0 {
			t.Fatalf("reviews with no filter: %v, %v; want none", got, err)
		}
	})
}
