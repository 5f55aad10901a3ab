package service

import (
	"context"
	"errors"
	"testing"

	"borderwatch/internal/demo"
	"borderwatch/internal/incident"
	"borderwatch/internal/store"
	"borderwatch/internal/store/storetest"
)

// An analyst's event review goes into the store (so reprocessing keeps it)
// and into the incident (so its figures follow), and both survive a
// restart.
func TestEventReviewReachesIncidentAndSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.SQLiteDSN(t)
	db := openStore(t, dsn)
	svc, _, err := Open(ctx, db, incident.Options{Dict: dict(t)})
	if err != nil {
		t.Fatal(err)
	}
	docs, err := demo.Reports()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if _, err := svc.Ingest(ctx, d); err != nil && !errors.Is(err, ErrRefused) {
			t.Fatal(err)
		}
	}
	// An incident with more than one event: correct one, reject another.
	var inc incident.Incident
	for _, i := range svc.List(Query{}) {
		if len(i.Members) >= 2 {
			inc = i
			break
		}
	}
	if inc.ID == "" {
		t.Fatal("setup: no demo incident has two events")
	}
	first, err := db.Event(ctx, inc.Members[0].EventID)
	if err != nil {
		t.Fatal(err)
	}
	ev := first.Event
	ev.Event = "MOBILIZE"
	if _, err := svc.ReviewEvent(ctx, ev, store.ReviewCorrected, "analyst1"); err != nil {
		t.Fatal(err)
	}
	second, err := db.Event(ctx, inc.Members[1].EventID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ReviewEvent(ctx, second.Event, store.ReviewRejected, "analyst1"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ReviewEvent(ctx, second.Event, "maybe", "analyst1"); err == nil {
		t.Error("a review that is neither confirmed, corrected nor rejected was taken")
	}

	check := func(when string, s *Incidents) {
		got, err := s.Get(inc.ID)
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		var corrected bool
		for _, m := range got.Members {
			if m.EventID == second.ID {
				t.Errorf("%s: the rejected event is still in the incident", when)
			}
			if m.EventID == ev.ID && m.Event == "MOBILIZE" {
				corrected = true
			}
		}
		if !corrected {
			t.Errorf("%s: the incident does not carry the corrected type", when)
		}
		if _, err := db.Event(ctx, second.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: the rejected event is still in the record: %v", when, err)
		}
		stored, err := db.Event(ctx, ev.ID)
		if err != nil || stored.Event.Event != "MOBILIZE" {
			t.Errorf("%s: stored event %+v, %v", when, stored.Event.Event, err)
		}
	}
	check("after review", svc)
	if _, err := db.Reprocess(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := svc.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	again, _, err := Open(ctx, db, incident.Options{Dict: dict(t)})
	if err != nil {
		t.Fatal(err)
	}
	check("after reprocess and restart", again)
}
