package web

import (
	"net/url"
	"testing"

	"borderwatch"
	"borderwatch/internal/geo"
)

// A corrected place is looked up in the gazetteer, so the event keeps a
// point on the map; a name the gazetteer does not know keeps the name only.
func TestCorrectedPlaceIsResolved(t *testing.T) {
	g, err := geo.Load()
	if err != nil {
		t.Fatal(err)
	}
	lat, lon := 36.7, 68.9
	ev := borderwatch.Event{ID: "e1", Event: "ASSAULT", EventLoc: &borderwatch.Location{Text: "Kunduz", Name: "Kunduz", Lat: &lat, Lon: &lon, Country: "AFG", Precision: "city"}}

	got, corr, err := correctEvent(ev, url.Values{"place": {"Khorog"}}, g)
	if err != nil {
		t.Fatal(err)
	}
	loc := got.EventLoc
	if corr["place"] != "Khorog" || loc == nil || loc.Country != "TJK" || loc.Lat == nil || loc.Lon == nil ||
		*loc.Lat < 37.3 || *loc.Lat > 37.7 || *loc.Lon < 71.3 || *loc.Lon > 71.8 {
		t.Errorf("Khorog resolved to %+v (correction %v)", loc, corr)
	}
	if loc != nil && loc.Text != "Kunduz" {
		t.Errorf("the words the report used are lost: %q", loc.Text)
	}

	got, _, err = correctEvent(ev, url.Values{"place": {"Qqqzzy hamlet"}}, g)
	if err != nil {
		t.Fatal(err)
	}
	if got.EventLoc == nil || got.EventLoc.Name != "Qqqzzy hamlet" || got.EventLoc.Lat != nil {
		t.Errorf("an unknown place: %+v", got.EventLoc)
	}
	if ev.EventLoc.Name != "Kunduz" {
		t.Error("correcting changed the original event")
	}
}
