package service

import (
	"context"
	"testing"

	"borderwatch"
	"borderwatch/internal/incident"
	"borderwatch/internal/store"
	"borderwatch/internal/store/storetest"
	"borderwatch/internal/watch"
)

// Events changed behind the service's back (reprocess with new rules in
// another process, a reviewer's correction) reach the alert engine through
// the store's change feed at the next catch-up, and fire on the stream like
// any alert; unchanged events fire nothing again.
func TestCatchUpFollowsChangedEvents(t *testing.T) {
	ctx := context.Background()
	db := openStore(t, storetest.SQLiteDSN(t))
	inc, _, err := Open(ctx, db, incident.Options{Dict: dict(t)})
	if err != nil {
		t.Fatal(err)
	}
	a, err := OpenAlerts(ctx, db, AlertsOptions{Incidents: inc})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(ctx)
	if _, err := a.AddRule(ctx, "ana", watch.Rule{ID: "assaults", Types: []string{"ASSAULT"}, Active: true}, "", ""); err != nil {
		t.Fatal(err)
	}
	doc := borderwatch.Document{ID: "r1", Text: "Afghan soldiers crossed the river into Tajikistan on Monday, officials said."}
	if _, err := a.Ingest(ctx, doc); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.Alerts(ctx, "ana", 10); len(got) != 0 {
		t.Fatalf("setup: a crossing fired the ASSAULT rule: %+v", got)
	}
	// Another process corrects the event to an ASSAULT.
	evs, err := db.Events(ctx, store.EventFilter{DocID: "r1", Limit: 10, NoCount: true})
	if err != nil || len(evs.Events) == 0 {
		t.Fatalf("setup: events of r1: %v", err)
	}
	ev := evs.Events[0].Event
	ev.Event = "ASSAULT"
	if _, err := db.ReviewEvent(ctx, ev); err != nil {
		t.Fatal(err)
	}
	fired, err := a.CatchUp(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(fired) != 1 || fired[0].RuleID != "assaults" {
		t.Fatalf("catch-up after the change fired %+v, want the ASSAULT rule once", fired)
	}
	if again, _ := a.CatchUp(ctx); len(again) != 0 {
		t.Errorf("a second catch-up fired %+v", again)
	}
}
