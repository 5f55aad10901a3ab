package web

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"borderwatch"
	"borderwatch/internal/incident"
	"borderwatch/internal/watch"
)

func TestParseFilterRoundTrip(t *testing.T) {
	in := "since=2021-07-01&until=2021-07-10&type=assault&actor=Taliban&country=tjk&modality=asserted&min=2&area=Tajik-Afghan+border&km=30&q=crossed+the+river"
	v, _ := url.ParseQuery(in)
	f, errs := ParseFilter(v)
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	want := Filter{Since: "2021-07-01", Until: "2021-07-10", Type: "ASSAULT", Actor: "Taliban", Country: "TJK",
		Modality: "asserted", MinSources: 2, Area: "AFG-TJK", Km: 30, Q: "crossed the river"}
	if f.Raw.Get("area") != "Tajik-Afghan border" {
		t.Errorf("raw area %q", f.Raw.Get("area"))
	}
	f.Raw = nil
	if !reflect.DeepEqual(f, want) {
		t.Fatalf("parsed %+v\nwant   %+v", f, want)
	}
	// The URL a filter writes reads back to the same filter, in a stable
	// order, with the border in its canonical form.
	enc := f.Encode()
	if enc != "since=2021-07-01&until=2021-07-10&type=ASSAULT&actor=Taliban&country=TJK&modality=asserted&min=2&area=AFG-TJK&km=30&q=crossed+the+river" {
		t.Errorf("encoded %q", enc)
	}
	v2, _ := url.ParseQuery(enc)
	f2, errs := ParseFilter(v2)
	if f2.Raw = nil; len(errs) != 0 || !reflect.DeepEqual(f2, f) {
		t.Errorf("round trip: %+v %v", f2, errs)
	}
	if (Filter{}).Encode() != "" {
		t.Errorf("empty filter encodes as %q", (Filter{}).Encode())
	}
}

func TestParseFilterErrorsNameTheField(t *testing.T) {
	v, _ := url.ParseQuery("since=2021-13-01&until=yesterday&type=PUNCH&modality=maybe&min=-1&km=abc&area=Narnia+border&country=Tajikistan")
	f, errs := ParseFilter(v)
	got := map[string]string{}
	for _, e := range errs {
		got[e.Field] = e.Message
	}
	for _, field := range []string{"since", "until", "type", "modality", "min", "km", "area", "country"} {
		if got[field] == "" {
			t.Errorf("no error for %s (errors: %v)", field, errs)
		}
	}
	if !strings.Contains(got["type"], "ASSAULT") {
		t.Errorf("type error does not list the types: %q", got["type"])
	}
	// Bad input loses nothing: the form shows what was typed.
	if f.Raw.Get("since") != "2021-13-01" || f.Raw.Get("area") != "Narnia border" {
		t.Errorf("raw input lost: %v", f.Raw)
	}
	// Until before since is an error too.
	v, _ = url.ParseQuery("since=2021-07-10&until=2021-07-01")
	if _, errs := ParseFilter(v); len(errs) != 1 || errs[0].Field != "until" {
		t.Errorf("until before since: %v", errs)
	}
}

func fp(f float64) *float64 { return &f }
func sp(s string) *string   { return &s }

func TestFilterMatch(t *testing.T) {
	inc := incident.Incident{ID: "inc-1", Event: "ASSAULT", Modality: "asserted", Start: "2021-07-04", End: "2021-07-05",
		Independent: 2, Actors: []string{"Taliban"},
		Place: &borderwatch.Location{Name: "Ishkashim", Country: "TJK", Lat: fp(36.7), Lon: fp(71.6), Border: sp("AFG-TJK"), BorderKm: fp(1.7)},
		Members: []incident.Member{{EventID: "e1", Evidence: "Fighters crossed the river at dawn.",
			Actor:     []borderwatch.Entity{{Name: "Taliban", Country: "AFG"}},
			Recipient: []borderwatch.Entity{{Name: "border guards", Country: "TJK"}}}}}
	cases := []struct {
		query string
		want  bool
	}{
		{"", true},
		{"actor=taliban", true},
		{"actor=guards", true}, // a recipient is an actor of the incident too
		{"actor=Russia", false},
		{"country=AFG", true}, // the actor's country
		{"country=TJK", true}, // the place's country
		{"country=UZB", false},
		{"q=RIVER", true},
		{"q=ishkashim", true},
		{"q=bridge", false},
		{"type=ASSAULT&modality=asserted&min=2", true},
		{"min=3", false},
		{"type=AID", false},
		{"modality=negated", false},
		{"since=2021-07-05", true}, // overlaps on the 5th
		{"since=2021-07-06", false},
		{"until=2021-07-03", false},
		{"area=AFG-TJK&km=5", true},
		{"area=AFG-TJK&km=1", false},
		{"area=AFG-UZB", false},
	}
	for _, c := range cases {
		v, _ := url.ParseQuery(c.query)
		f, errs := ParseFilter(v)
		if len(errs) != 0 {
			t.Fatalf("%s: %v", c.query, errs)
		}
		if got := f.Match(&inc); got != c.want {
			t.Errorf("%q: match %v, want %v", c.query, got, c.want)
		}
	}
}

func TestFilterNamedWatchArea(t *testing.T) {
	lat, lon := 36.7, 71.6
	areas := []watch.Area{
		{Name: "Ishkashim 20 km", Kind: watch.AreaRadius, Lat: &lat, Lon: &lon, Km: 20},
		{Name: "Tajikistan", Kind: watch.AreaAdmin, Country: "TJK"},
	}
	for i := range areas {
		if err := areas[i].Prepare(nil); err != nil {
			t.Fatal(err)
		}
	}
	in := func(lat, lon float64, country string) *incident.Incident {
		return &incident.Incident{ID: "i", Event: "AID", Modality: "asserted",
			Place: &borderwatch.Location{Name: "p", Country: country, Lat: fp(lat), Lon: fp(lon), Precision: "city"}}
	}
	near, far := in(36.75, 71.65, "TJK"), in(38.5, 68.8, "TJK")
	v, _ := url.ParseQuery("area=ishkashim+20+km")
	f, errs := ParseFilter(v, areas...)
	if len(errs) != 0 || f.Area != "Ishkashim 20 km" {
		t.Fatalf("named area: %q %v", f.Area, errs)
	}
	if !f.Match(near) || f.Match(far) {
		t.Errorf("radius area: near %v far %v", f.Match(near), f.Match(far))
	}
	v, _ = url.ParseQuery("area=Tajikistan")
	if f, _ = ParseFilter(v, areas...); !f.Match(far) || f.Match(in(36.7, 69.9, "AFG")) {
		t.Errorf("admin area does not select by country")
	}
	// A border still works beside named areas; an unknown name lists them.
	v, _ = url.ParseQuery("area=AFG-TJK")
	if f, errs = ParseFilter(v, areas...); len(errs) != 0 || f.Area != "AFG-TJK" {
		t.Errorf("border beside named areas: %q %v", f.Area, errs)
	}
	v, _ = url.ParseQuery("area=Narnia")
	if _, errs = ParseFilter(v, areas...); len(errs) != 1 || !strings.Contains(errs[0].Message, "Ishkashim 20 km") {
		t.Errorf("unknown area: %v", errs)
	}
}
