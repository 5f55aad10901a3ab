package watch

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"borderwatch"
	"borderwatch/internal/geo"
)

var (
	gazOnce sync.Once
	gaz     *geo.Gazetteer
	gazErr  error
)

// gazetteer loads the embedded gazetteer once for all tests.
func gazetteer(t testing.TB) *geo.Gazetteer {
	t.Helper()
	gazOnce.Do(func() { gaz, gazErr = geo.Load() })
	if gazErr != nil {
		t.Fatalf("loading gazetteer: %v", gazErr)
	}
	return gaz
}

func ptr[T any](v T) *T { return &v }

func loc(country, precision string, lat, lon float64) *borderwatch.Location {
	return &borderwatch.Location{Country: country, Precision: precision, Lat: &lat, Lon: &lon}
}

func TestBorderBandPoints(t *testing.T) {
	g := gazetteer(t)
	area := Area{Name: "border-30", Kind: AreaBorder, Border: "tjk-afg", Km: 30}
	if err := area.Prepare(g); err != nil {
		t.Fatal(err)
	}
	if area.Border != "AFG-TJK" {
		t.Errorf("border key = %q, want AFG-TJK", area.Border)
	}
	f, err := os.Open("testdata/border30.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) != 8 {
			t.Fatalf("bad line %q: %d columns", line, len(c))
		}
		l := &borderwatch.Location{Name: c[1], Country: c[2], Precision: c[3]}
		if c[4] != "" {
			lat, err1 := strconv.ParseFloat(c[4], 64)
			lon, err2 := strconv.ParseFloat(c[5], 64)
			if err1 != nil || err2 != nil {
				t.Fatalf("bad coordinates in %q", line)
			}
			l.Lat, l.Lon = &lat, &lon
		}
		if c[6] != "" {
			l.Border = ptr(c[6])
		}
		want := c[0] == "in"
		if got := area.Contains(l); got != want {
			t.Errorf("%s (%s, %s): inside = %v, want %v (%s)", c[1], c[2], c[3], got, want, c[7])
		}
		n++
	}
	if n < 20 {
		t.Fatalf("only %d points read", n)
	}
}

// The band's spherical point-to-arc distance must agree with the
// gazetteer's own measure of the same border.
func TestBandDistanceAgreesWithGazetteer(t *testing.T) {
	g := gazetteer(t)
	ml, ok := g.Border("AFG", "TJK")
	if !ok {
		t.Fatal("no AFG-TJK border")
	}
	b := newBand(ml, 200)
	for lat := 36.4; lat <= 38.6; lat += 0.2 {
		for lon := 67.4; lon <= 75.2; lon += 0.4 {
			want, _ := g.DistanceToBorderKm("AFG-TJK", lat, lon)
			got := b.distanceKm(lat, lon)
			if want > 200 {
				if got <= 200 {
					t.Errorf("%.1f,%.1f: got %.2f km, gazetteer %.2f (outside the band)", lat, lon, got, want)
				}
				continue
			}
			if math.Abs(got-want) > 0.2+0.005*want {
				t.Errorf("%.1f,%.1f: got %.2f km, gazetteer %.2f", lat, lon, got, want)
			}
		}
	}
}

func TestAdminArea(t *testing.T) {
	province := Area{Name: "badakhshan", Kind: AreaAdmin, Country: "afg", Admin1: "Badakhshān"}
	district := Area{Name: "wakhan", Kind: AreaAdmin, Country: "AFG", Admin1: "Badakhshan", Admin2: "Wakhan"}
	country := Area{Name: "tajikistan", Kind: AreaAdmin, Country: "TJK"}
	for _, a := range []*Area{&province, &district, &country} {
		if err := a.Prepare(nil); err != nil {
			t.Fatal(err)
		}
	}
	withAdmin := func(country, precision, a1, a2 string) *borderwatch.Location {
		l := loc(country, precision, 37, 71)
		if a1 != "" {
			l.Admin1 = &a1
		}
		if a2 != "" {
			l.Admin2 = &a2
		}
		return l
	}
	cases := []struct {
		name string
		area *Area
		loc  *borderwatch.Location
		want bool
	}{
		{"town in the province", &province, withAdmin("AFG", "city", "Badakhshan", "Wākhān"), true},
		{"the province itself", &province, withAdmin("AFG", "province", "Badakhshan", ""), true},
		{"another province", &province, withAdmin("AFG", "city", "Takhar", "Taluqan"), false},
		{"same name, other country", &province, withAdmin("TJK", "province", "Badakhshan", ""), false},
		{"country-wide event", &province, withAdmin("AFG", "country", "", ""), false},
		{"nil location", &province, nil, false},
		{"town in the district", &district, withAdmin("AFG", "city", "Badakhshan", "Wākhān"), true},
		{"the district itself", &district, withAdmin("AFG", "district", "Badakhshan", "Wakhan"), true},
		{"province-wide event", &district, withAdmin("AFG", "province", "Badakhshan", ""), false},
		{"other district", &district, withAdmin("AFG", "city", "Badakhshan", "Ishkashim"), false},
		{"country area, country event", &country, withAdmin("TJK", "country", "", ""), true},
		{"country area, town", &country, withAdmin("TJK", "city", "Gorno-Badakhshan", ""), true},
		{"country area, other country", &country, withAdmin("AFG", "city", "Badakhshan", ""), false},
	}
	for _, c := range cases {
		if got := c.area.Contains(c.loc); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

func TestRadiusAroundPlace(t *testing.T) {
	g := gazetteer(t)
	a := Area{Name: "khorog-20", Kind: AreaRadius, Place: "Khorugh", Km: 20}
	if err := a.Prepare(g); err != nil {
		t.Fatal(err)
	}
	if a.Lat == nil || math.Abs(*a.Lat-37.49) > 0.05 {
		t.Fatalf("centre not resolved to Khorog: %v", a.Lat)
	}
	// The resolved centre survives a JSON round trip, so no gazetteer is
	// needed to prepare the stored area again.
	b, _ := json.Marshal(a)
	var back Area
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if err := back.Prepare(nil); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		l    *borderwatch.Location
		want bool
	}{
		{loc("TJK", "city", 37.49, 71.55), true},
		{loc("TJK", "site", 37.60, 71.55), true},     // 12 km
		{loc("TJK", "city", 36.72, 71.61), false},    // Ishkashim, 85 km
		{loc("TJK", "country", 37.49, 71.55), false}, // coordinates do not make a country precise
		{loc("TJK", "province", 37.49, 71.55), false},
	}
	for _, c := range cases {
		if got := back.Contains(c.l); got != c.want {
			t.Errorf("%v,%v %s: got %v, want %v", *c.l.Lat, *c.l.Lon, c.l.Precision, got, c.want)
		}
	}
}

func TestPolygonArea(t *testing.T) {
	// A square around Khorog with a hole around the town itself.
	square := `{"type":"Polygon","coordinates":[[[71,37],[72,37],[72,38],[71,38],[71,37]],
		[[71.5,37.45],[71.6,37.45],[71.6,37.55],[71.5,37.55],[71.5,37.45]]]}`
	forms := map[string]string{
		"polygon":      square,
		"feature":      `{"type":"Feature","properties":{},"geometry":` + square + `}`,
		"collection":   `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":` + square + `}]}`,
		"multipolygon": `{"type":"MultiPolygon","coordinates":[[[[80,0],[81,0],[81,1],[80,0]]],[[[71,37],[72,37],[72,38],[71,38],[71,37]],[[71.5,37.45],[71.6,37.45],[71.6,37.55],[71.5,37.55],[71.5,37.45]]]]}`,
	}
	for name, gj := range forms {
		a := Area{Name: name, Kind: AreaPolygon, GeoJSON: json.RawMessage(gj)}
		if err := a.Prepare(nil); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cases := []struct {
			l    *borderwatch.Location
			want bool
		}{
			{loc("TJK", "city", 37.8, 71.2), true},
			{loc("TJK", "city", 37.5, 71.55), false}, // in the hole
			{loc("AFG", "city", 36.9, 71.5), false},  // south of it
			{loc("TJK", "country", 37.8, 71.2), false},
			{&borderwatch.Location{Precision: "city"}, false},
		}
		for _, c := range cases {
			if got := a.Contains(c.l); got != c.want {
				t.Errorf("%s: %v,%v %s: got %v, want %v", name, *ptrOr(c.l.Lat), *ptrOr(c.l.Lon), c.l.Precision, got, c.want)
			}
		}
	}
}

func ptrOr(p *float64) *float64 {
	if p == nil {
		return ptr(math.NaN())
	}
	return p
}

func TestPrepareRejectsBadAreas(t *testing.T) {
	g := gazetteer(t)
	bad := []Area{
		{Kind: AreaBorder, Border: "AFG-TJK", Km: 30},
		{Name: "x", Kind: "circle"},
		{Name: "x", Kind: AreaBorder, Border: "AFG-TJK", Km: 0},
		{Name: "x", Kind: AreaBorder, Border: "AFG-TJK", Km: math.NaN()},
		{Name: "x", Kind: AreaBorder, Border: "AFGTJK", Km: 30},
		{Name: "x", Kind: AreaBorder, Border: "AFG-BRA", Km: 30},
		{Name: "x", Kind: AreaAdmin, Country: "Afghanistan"},
		{Name: "x", Kind: AreaAdmin, Country: "AFG", Admin2: "Wakhan"},
		{Name: "x", Kind: AreaRadius, Km: 10},
		{Name: "x", Kind: AreaRadius, Km: 10, Place: "Nowhereabad Qqqzzz"},
		{Name: "x", Kind: AreaRadius, Km: 10, Lat: ptr(91.0), Lon: ptr(0.0)},
		{Name: "x", Kind: AreaPolygon},
		{Name: "x", Kind: AreaPolygon, GeoJSON: json.RawMessage(`{"type":"Point","coordinates":[1,2]}`)},
		{Name: "x", Kind: AreaPolygon, GeoJSON: json.RawMessage(`{"type":"Polygon","coordinates":[[[1,2],[3,4],[1,2]]]}`)},
		{Name: "x", Kind: AreaPolygon, GeoJSON: json.RawMessage(`{"type":"Polygon","coordinates":[[[1,2],[3,4],[5,95],[1,2]]]}`)},
		{Name: "x", Kind: AreaPolygon, GeoJSON: json.RawMessage(`{"type":"Polygon"`)},
		{Name: "x", Kind: AreaPolygon, GeoJSON: json.RawMessage(`{"type":"Feature"}`)},
	}
	for i, a := range bad {
		if err := a.Prepare(g); err == nil {
			t.Errorf("case %d (%+v): no error", i, a)
		}
		if a.Contains(loc("TJK", "city", 37.5, 71.5)) {
			t.Errorf("case %d: an area that failed to prepare contains a point", i)
		}
	}
	var unprepared Area
	if unprepared.Contains(loc("TJK", "city", 37.5, 71.5)) {
		t.Error("zero area contains a point")
	}
}
