package pipeline

import (
	"testing"
	"time"

	"borderwatch"
)

// A place whose name begins with a word that is also a title ("Imam Sahib")
// is a place after "in", "at" or "near", not a person called Sahib.
func TestTitledPlaceNamesArePlaces(t *testing.T) {
	x := testExtractor(t)
	pub := time.Date(2021, 7, 6, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct{ text, place string }{
		{"Taliban fighters attacked a police post in Imam Sahib district on Monday, officials said.", "Imam Sahib"},
		{"Taliban fighters attacked a police post in Imam Sahib on Monday.", "Imam Sahib"},
		{"Afghan troops clashed with the Taliban near Imam Sahib.", "Imam Sahib"},
	} {
		res, err := x.Extract(borderwatch.Document{ID: "t", Published: pub, Text: c.text})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Events) == 0 {
			t.Errorf("%q: no event", c.text)
			continue
		}
		ev := res.Events[0]
		if ev.EventLoc == nil || ev.EventLoc.Name != c.place {
			t.Errorf("%q: place %+v, want %s", c.text, ev.EventLoc, c.place)
		}
		for _, e := range append(ev.Actor, ev.Recipient...) {
			if e.Name == "Sahib" {
				t.Errorf("%q: a person called Sahib among the parties", c.text)
			}
		}
	}
}
