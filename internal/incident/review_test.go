package incident

import (
	"testing"

	"borderwatch"
)

// An analyst's correction of an event reaches the incident it belongs to:
// its figures and disagreements follow the corrected event, the event stays
// in its incident, and the decision is kept with who and when.
func TestCorrectionReachesTheIncident(t *testing.T) {
	clock := fixedClock()
	g := New(Options{Dict: loadDict(t), Now: clock})
	fled := func(n int) ev {
		return ev{typ: "RETREAT", date: "2021-07-05", evidence: "Afghan soldiers fled across the border overnight.",
			actor: []borderwatch.Entity{afghanA}, place: skb, count: ip(n)}
	}
	da, db := mkDoc("a", "Pajhwok", "2021-07-05", "", fled(1000)), mkDoc("b", "Avesta", "2021-07-05", "", fled(1037))
	addAll(t, g, da, db)
	inc := incidentOf(t, g, "a-e0")
	if inc.ID != incidentOf(t, g, "b-e0").ID {
		t.Fatal("setup: a and b should be one incident")
	}
	if !disagrees(inc, "count") {
		t.Fatalf("setup: 1000 and 1037 should disagree: %+v", inc.Disagreements)
	}

	// The analyst finds that a's report said 1,037 too.
	a := da.Events[0]
	a.Size = &borderwatch.Size{Count: ip(1037)}
	got, err := g.Correct(a, "analyst1")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != inc.ID || incidentOf(t, g, "a-e0").ID != inc.ID {
		t.Errorf("corrected event left its incident: %s", got.ID)
	}
	if disagrees(got, "count") {
		t.Errorf("after the correction both say 1,037, still a disagreement: %+v", got.Disagreements)
	}
	last := got.Decisions[len(got.Decisions)-1]
	if last.Kind != "review" || last.User != "analyst1" || len(last.Events) != 1 || last.Events[0] != "a-e0" || !last.At.Equal(clock()) {
		t.Errorf("decision %+v", last)
	}

	// A corrected type changes what the incident says it is when most
	// members say so.
	a.Event, a.Mode = "MOBILIZE", nil
	b := db.Events[0]
	b.Event = "MOBILIZE"
	for _, e := range []borderwatch.Event{a, b} {
		if _, err := g.Correct(e, "analyst1"); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := g.Get(inc.ID); got.Event != "MOBILIZE" {
		t.Errorf("incident type %s after both events were corrected to MOBILIZE", got.Event)
	}

	// The correction survives a save and restore.
	st := g.State()
	r, err := Restore(st, Options{Dict: loadDict(t), Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := r.Get(inc.ID); got.Event != "MOBILIZE" || disagrees(got, "count") {
		t.Errorf("restored: type %s, disagreements %+v", got.Event, got.Disagreements)
	}

	for _, bad := range []struct {
		ev   borderwatch.Event
		user string
	}{
		{borderwatch.Event{ID: "nope", Event: "ASSAULT"}, "x"},
		{a, ""},
		{func() borderwatch.Event { e := a; e.Event = "FIGHT"; return e }(), "x"},
	} {
		if _, err := g.Correct(bad.ev, bad.user); err == nil {
			t.Errorf("correct %s as %q: no error", bad.ev.ID, bad.user)
		}
	}
}

// A rejected event leaves its incident; an incident whose every event was
// rejected is no longer listed, and a new report of the same thing starts a
// new one.
func TestRejectedEventLeavesTheIncident(t *testing.T) {
	g := New(Options{Dict: loadDict(t), Now: fixedClock()})
	addAll(t, g,
		mkDoc("a", "Pajhwok", "2021-07-05", "", seize("2021-07-05", "The Taliban seized the crossing at dawn.", nil)),
		mkDoc("b", "TASS", "2021-07-05", "", seize("2021-07-05", "Taliban fighters took the crossing early on Monday.", nil)),
	)
	inc := incidentOf(t, g, "a-e0")
	got, err := g.Reject("b-e0", "analyst1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Members) != 1 || got.Members[0].EventID != "a-e0" || got.Independent != 1 {
		t.Errorf("after rejecting b: %d members, %d independent sources", len(got.Members), got.Independent)
	}
	if _, ok := g.IncidentOf("b-e0"); ok {
		t.Error("a rejected event is still in an incident")
	}
	if _, err := g.Reject("a-e0", "analyst1"); err != nil {
		t.Fatal(err)
	}
	for _, l := range g.Incidents(Filter{}) {
		if l.ID == inc.ID {
			t.Errorf("incident %s listed with every event rejected", inc.ID)
		}
	}
	addAll(t, g, mkDoc("c", "Interfax", "2021-07-05", "", seize("2021-07-05", "The Taliban seized the crossing at dawn.", nil)))
	if c := incidentOf(t, g, "c-e0"); c.ID == inc.ID {
		t.Error("a new report joined an incident whose events were all rejected")
	}
	if _, err := g.Reject("a-e0", "analyst1"); err == nil {
		t.Error("rejecting an event twice gave no error")
	}
}

func disagrees(inc Incident, field string) bool {
	for _, d := range inc.Disagreements {
		if d.Field == field && d.Disagree {
			return true
		}
	}
	return false
}
