package incident

import (
	"bytes"
	"encoding/csv"
	"testing"

	"borderwatch"
)

func TestControlClaims(t *testing.T) {
	g := New(Options{Dict: loadDict(t), Now: fixedClock()})
	town := &borderwatch.Location{Name: "Khwahan", Country: "AFG", Lat: fp(37.89), Lon: fp(70.22), Precision: "district", Admin1: sp("Badakhshan")}
	addAll(t, g,
		mkDoc("w", "TOLOnews", "2021-07-03", "", ev{typ: "RETREAT", mode: "withdraw", date: "2021-07-02",
			evidence: "Afghan troops withdrew from Khwahan.", actor: []borderwatch.Entity{afghanA}, place: town}),
		mkDoc("s", "Pajhwok", "2021-07-05", "", ev{typ: "COERCE", mode: "seize", date: "2021-07-04",
			evidence: "The Taliban took Khwahan.", actor: []borderwatch.Entity{taliban}, place: town}),
		mkDoc("r", "Avesta", "2021-07-07", "", ev{typ: "ASSAULT", date: "2021-07-06", evidence: "The army recaptured Khwahan.", trigger: "recaptured",
			actor: []borderwatch.Entity{afghanA}, recipient: []borderwatch.Entity{taliban}, place: town}),
		mkDoc("x", "Ozodi", "2021-07-07", "", ev{typ: "ASSAULT", date: "2021-07-06", evidence: "Shelling hit Kunduz.",
			actor: []borderwatch.Entity{taliban}, place: &borderwatch.Location{Name: "Kunduz", Country: "AFG", Lat: fp(36.7), Lon: fp(68.9), Precision: "city"}}),
	)
	at := func(d string) []Control { return g.ControlAsOf("Badakhshan", day(d)) }
	if cs := at("2021-07-01"); len(cs) != 0 {
		t.Errorf("before any claim: %+v", cs)
	}
	if cs := at("2021-07-03"); len(cs) != 1 || cs[0].Controller != "" || cs[0].LostBy != "Afghanistan" || cs[0].How != "withdrew" {
		t.Errorf("after the withdrawal: %+v", cs)
	}
	cs := at("2021-07-05")
	if len(cs) != 1 || cs[0].Controller != "Taliban" || cs[0].Since != "2021-07-04" || cs[0].Disputed {
		t.Errorf("after the seizure: %+v", cs)
	}
	// A recapture two days after the seizure: the two claims contest each other.
	cs = at("2021-07-08")
	if len(cs) != 1 || cs[0].Controller != "Afghanistan" || !cs[0].Disputed || len(cs[0].DisputedBy) != 1 {
		t.Errorf("after the recapture: %+v", cs)
	}
	if all := g.ControlAsOf("", day("2021-07-08")); len(all) != 1 {
		t.Errorf("an attack that takes no ground made a control claim: %+v", all)
	}
	var buf bytes.Buffer
	if err := WriteControlCSV(&buf, cs); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][0] != "Khwahan" || rows[1][7] != "Afghanistan" {
		t.Errorf("csv: %v %v", err, rows)
	}
}
