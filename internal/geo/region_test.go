package geo

import (
	"borderwatch/internal/sharedtest"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// regionPlaces returns the places that come from region.tsv.
func regionPlaces(g *Gazetteer) []Place {
	var out []Place
	for _, p := range g.places {
		if p.isRegionRow {
			out = append(out, p)
		}
	}
	return out
}

// TestRegionPointsInsideTheirCountry checks every curated point against the
// Natural Earth polygon of its country. Points on a border river may fall a
// kilometre or two outside the 1:50m outline; those must still be within
// 3 km of it.
func TestRegionPointsInsideTheirCountry(t *testing.T) {
	g := gaz(t)
	rows := regionPlaces(g)
	if len(rows) < 200 {
		t.Fatalf("only %d curated places", len(rows))
	}
	manualOnly := 0
	var manualNames []string
	for _, p := range rows {
		if strings.HasPrefix(p.Source, "manual") {
			manualOnly++
			manualNames = append(manualNames, p.Name)
		}
		if p.Feature == FeatureCountry || p.Feature == FeatureRiver || p.Feature == FeatureRegion {
			continue
		}
		got := g.CountryAt(p.Lat, p.Lon)
		if got == p.Country {
			continue
		}
		if g.nearCountry(p.Country, p.Lat, p.Lon, 3) {
			t.Logf("%s (%s) at %.4f,%.4f lies in %q by the 1:50m outline, within 3 km of %s", p.Name, p.Feature, p.Lat, p.Lon, got, p.Country)
			continue
		}
		t.Errorf("%s (%s) at %.4f,%.4f is in %q, want %s (source %s)", p.Name, p.Feature, p.Lat, p.Lon, got, p.Country, p.Source)
	}
	t.Logf("%d curated places, %d whose only source is manual: %s", len(rows), manualOnly, strings.Join(manualNames, ", "))
}

// nearCountry reports whether some point within km of (lat, lon) lies in country c.
func (g *Gazetteer) nearCountry(c string, lat, lon, km float64) bool {
	for _, d := range []float64{km / 3, 2 * km / 3, km} {
		for a := 0.0; a < 360; a += 30 {
			dlat := d / 111 * math.Cos(a*math.Pi/180)
			dlon := d / (111 * math.Cos(lat*math.Pi/180)) * math.Sin(a*math.Pi/180)
			if g.CountryAt(lat+dlat, lon+dlon) == c {
				return true
			}
		}
	}
	return false
}

// TestDistrictsNearTheirGeoNamesPlaces checks that a curated district point
// lies within 60 km of the mean of the GeoNames places that carry its admin2
// code, where such places exist.
func TestDistrictsNearTheirGeoNamesPlaces(t *testing.T) {
	g := gaz(t)
	type acc struct {
		lat, lon float64
		n        int
	}
	byCode := map[string]*acc{}
	for _, p := range g.places {
		if p.isRegionRow || p.admin2Code == "" {
			continue
		}
		a := byCode[p.admin2Code]
		if a == nil {
			a = &acc{}
			byCode[p.admin2Code] = a
		}
		a.lat += p.Lat
		a.lon += p.Lon
		a.n++
	}
	checked := 0
	for _, p := range regionPlaces(g) {
		if p.Feature != FeatureADM2 || p.admin2Code == "" {
			continue
		}
		a := byCode[p.admin2Code]
		if a == nil {
			continue
		}
		checked++
		d := DistanceKm(p.Lat, p.Lon, a.lat/float64(a.n), a.lon/float64(a.n))
		if d > 60 {
			t.Errorf("district %s is %.0f km from the %d GeoNames places of %s", p.Name, d, a.n, p.admin2Code)
		}
	}
	if checked < 30 {
		t.Errorf("only %d districts checked against GeoNames admin2 places", checked)
	}
	t.Logf("%d districts checked", checked)
}

func TestEveryAfghanProvinceIsKnown(t *testing.T) {
	g := gaz(t)
	provinces := strings.Fields(`Badakhshan Badghis Baghlan Balkh Bamyan Daykundi Farah Faryab Ghazni Ghor Helmand
		Herat Jowzjan Kabul Kandahar Kapisa Khost Kunar Kunduz Laghman Logar Nangarhar Nimruz Nuristan Paktia
		Paktika Panjshir Parwan Samangan Sar-e_Pol Takhar Uruzgan Wardak Zabul`)
	if len(provinces) != 34 {
		t.Fatalf("test lists %d provinces", len(provinces))
	}
	for _, name := range provinces {
		name = strings.ReplaceAll(name, "_", " ")
		found := false
		for _, c := range g.Lookup(name+" province", nil) {
			if c.Feature == FeatureADM1 && c.Country == "AFG" {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no Afghan province %q", name)
		}
	}
}

func TestBordersAreSharedLines(t *testing.T) {
	g := gaz(t)
	b := g.Borders()
	for _, key := range []string{"AFG-TJK", "AFG-UZB", "AFG-TKM", "AFG-PAK", "AFG-IRN", "AFG-CHN", "KGZ-TJK", "TJK-UZB", "CHN-TJK"} {
		if len(b[key]) == 0 {
			t.Errorf("no border line %s", key)
		}
	}
	// Coasts are not borders: Afghanistan and Kazakhstan do not touch.
	if _, ok := b["AFG-KAZ"]; ok {
		t.Error("AFG-KAZ should not be a border")
	}
	// The Panj is the AFG-TJK border: Panj town sits on it, Dushanbe ~200 km away.
	if key, km := g.NearestBorder(37.2363, 69.0991); key != "AFG-TJK" || km > 5 {
		t.Errorf("Panj: nearest border %s %.1f km, want AFG-TJK < 5 km", key, km)
	}
	if key, km := g.NearestBorder(38.5358, 68.779); key == "" || km < 40 || km > 120 {
		t.Errorf("Dushanbe: nearest border %s %.1f km, want 40..120 km", key, km)
	}
	if key, km := g.NearestBorder(34.5281, 69.1723); key != "AFG-PAK" || km < 50 || km > 150 {
		t.Errorf("Kabul: nearest border %s %.1f km, want AFG-PAK 50..150 km", key, km)
	}
	// The line is the one both countries' polygons share: every vertex is
	// within a few km of both.
	for _, l := range b["AFG-TJK"] {
		for i := 0; i < len(l); i += 25 {
			p := l[i]
			if !g.nearCountry("AFG", p.Lat, p.Lon, 4) || !g.nearCountry("TJK", p.Lat, p.Lon, 4) {
				t.Errorf("AFG-TJK vertex %.3f,%.3f is not between the two countries", p.Lat, p.Lon)
			}
		}
	}
}

func TestCountryAt(t *testing.T) {
	g := gaz(t)
	cases := []struct {
		lat, lon float64
		want     string
	}{
		{37.4904, 71.5534, "TJK"}, // Khorugh
		{37.8897, 70.2188, "AFG"}, // Deh Khwahan
		{37.2242, 67.2783, "UZB"}, // Tirmiz
		{36.709, 67.1109, "AFG"},  // Mazar-e Sharif
		{48.8566, 2.3522, "FRA"},
		{-33.87, 151.21, "AUS"},
		{0, -30, ""}, // Atlantic
		{91, 0, ""},  // not on Earth
		{math.NaN(), 0, ""},
	}
	for _, c := range cases {
		if got := g.CountryAt(c.lat, c.lon); got != c.want {
			t.Errorf("CountryAt(%v, %v) = %q, want %q", c.lat, c.lon, got, c.want)
		}
	}
}

func TestNear(t *testing.T) {
	g := gaz(t)
	got := g.Near(37.2, 68.9, 30)
	if len(got) == 0 {
		t.Fatal("nothing within 30 km of Panj")
	}
	names := map[string]bool{}
	last := 0.0
	for _, p := range got {
		d := DistanceKm(37.2, 68.9, p.Lat, p.Lon)
		if d > 30 || d+1e-9 < last {
			t.Errorf("%s at %.1f km: outside 30 km or out of order", p.Name, d)
		}
		last = d
		names[p.Name] = true
	}
	for _, want := range []string{"Panj", "Imam Sahib"} {
		if !names[want] {
			t.Errorf("Near(37.2, 68.9, 30) lacks %s", want)
		}
	}
	if len(g.Near(37.2, 68.9, 0)) != 0 || len(g.Near(math.NaN(), 1, 10)) != 0 {
		t.Error("Near with no radius or NaN must return nothing")
	}
	// Across the antimeridian.
	if len(g.Near(-17.8, 178.0, 300)) == 0 {
		t.Error("Near found nothing around Fiji")
	}
}

func TestFold(t *testing.T) {
	cases := map[string]string{
		"Mazār-e Sharīf":   "mazar sharif",
		"Mazar-i-Sharif":   "mazar sharif",
		"Qal‘ah-ye Now":    "qalah now",
		"Kŭlob":            "kulob",
		"  Deh  Khwāhān ":  "deh khwahan",
		"Roshtqal’a":       "roshtqala",
		"Qal'ai Khumb":     "qalai khumb",
		"ISHKASHIM":        "ishkashim",
		"":                 "",
		"- - -":            "",
		"\xff\xfeKabul":    "\ufffd\ufffdkabul",
		"Sher Khan Bandar": "sher khan bandar",
	}
	for in, want := range cases {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
	for _, pair := range [][2]string{{"Sheghnan", "Shighnan"}, {"Konduz", "Qunduz"}, {"Termez", "Tirmiz"}, {"Khorog", "Khorug"}} {
		if skeleton(Fold(pair[0])) != skeleton(Fold(pair[1])) {
			t.Errorf("skeletons of %s and %s differ", pair[0], pair[1])
		}
	}
}

func TestLookupUsesContext(t *testing.T) {
	g := gaz(t)
	tj := g.NewDocContext("Tajikistan's border guards in Gorno-Badakhshan said on Monday that Tajik forces were ready.")
	af := g.NewDocContext("The Afghan army said the Taliban had entered Badakhshan province in Afghanistan.")
	if tj.Main != "TJK" || af.Main != "AFG" {
		t.Fatalf("main countries %q %q, want TJK AFG", tj.Main, af.Main)
	}
	if c := g.Lookup("Ishkashim", tj); len(c) == 0 || c[0].Country != "TJK" {
		t.Errorf("Ishkashim in a Tajik story: %+v", first(c))
	}
	if c := g.Lookup("Ishkashim", af); len(c) == 0 || c[0].Country != "AFG" {
		t.Errorf("Ishkashim in an Afghan story: %+v", first(c))
	}
	c := g.Lookup("Sher Khan Bandar", nil)
	if len(c) == 0 || c[0].Country != "AFG" || c[0].Precision() != "site" || c[0].Why == "" || c[0].Source == "" {
		t.Errorf("Sher Khan Bandar: %+v", first(c))
	}
	if c := g.Lookup("Andar district", nil); len(c) == 0 || c[0].Feature != FeatureADM2 {
		t.Errorf("Andar district: %+v", first(c))
	}
	for _, bad := range []string{"", "   ", "\x00\xff", strings.Repeat("a", 10000), "Xqzzyv"} {
		if c := g.Lookup(bad, nil); len(c) != 0 {
			t.Errorf("Lookup(%.20q) = %d candidates, want none", bad, len(c))
		}
	}
}

func first(c []Candidate) any {
	if len(c) == 0 {
		return "no candidates"
	}
	return c[0].Place
}

// TestFindBadInput feeds odd text; Find must not panic and must return
// sorted, non-overlapping mentions inside the sentence.
func TestFindBadInput(t *testing.T) {
	g := gaz(t)
	inputs := []string{"", " ", "\x00", "\xff\xfe\xfd", "Kabul", "kabul", "KABUL AIRPORT",
		"The border", "the border with", "Afghanistan's", "'s", "-Tajik-", "the Tajik-", "border with X's",
		strings.Repeat("Kabul ", 500), strings.Repeat("the southern border ", 50), "Mazar-i-", "Andar district,",
		"Moscow,", "Sher Khan Bandar Sher Khan Bandar", "Sheghnan\u00a0district", "Khorog\u200bbridge"}
	for _, in := range inputs {
		for _, dc := range []*DocContext{nil, g.NewDocContext(in), g.NewDocContext("Tajikistan and Afghanistan")} {
			ms := g.Find(in, dc)
			end := 0
			for _, m := range ms {
				if m.Start < end || m.End > len(in) || m.Start >= m.End || in[m.Start:m.End] != m.Text {
					t.Errorf("Find(%.30q): bad span %d..%d %q", in, m.Start, m.End, m.Text)
				}
				end = m.End
			}
		}
	}
}

// TestFindBorders pins the border phrases and their precision.
func TestFindBorders(t *testing.T) {
	g := gaz(t)
	tj := g.NewDocContext("Tajikistan asked its allies for help. Tajik troops were sent south.")
	cases := []struct {
		dc       *DocContext
		sentence string
		text     string
		border   string
	}{
		{tj, "Troops were sent to the border with Afghanistan.", "the border with Afghanistan", "AFG-TJK"},
		{nil, "Shots were fired across the Tajik-Afghan border.", "the Tajik-Afghan border", "AFG-TJK"},
		{nil, "Shots were fired across the Afghan–Tajik border.", "the Afghan–Tajik border", "AFG-TJK"},
		{nil, "Afghanistan's border with Tajikistan is long.", "Afghanistan's border with Tajikistan", "AFG-TJK"},
		{nil, "Talks on the border between Afghanistan and Pakistan failed.", "the border between Afghanistan and Pakistan", "AFG-PAK"},
		{tj, "We will defend our southern borders.", "our southern borders", "AFG-TJK"},
	}
	for _, c := range cases {
		ms := g.Find(c.sentence, c.dc)
		var got *PlaceMention
		for i := range ms {
			if ms[i].Loc.Precision == "border" {
				got = &ms[i]
			}
		}
		if got == nil {
			t.Errorf("%q: no border found in %+v", c.sentence, ms)
			continue
		}
		if got.Text != c.text || got.Loc.Border == nil || *got.Loc.Border != c.border || got.Loc.BorderKm == nil || *got.Loc.BorderKm != 0 {
			t.Errorf("%q: got %q border %v", c.sentence, got.Text, got.Loc.Border)
		}
		if got.Loc.Name != g.borderName(c.border) {
			t.Errorf("%q: name %q", c.sentence, got.Loc.Name)
		}
	}
	if g.borderName("AFG-TJK") != "Afghanistan-Tajikistan border" {
		t.Errorf("borderName = %q", g.borderName("AFG-TJK"))
	}
	// "its southern border with X" needs the document's country to border X.
	ru := g.NewDocContext("Russia said on Friday that Russian guards were on alert.")
	for _, m := range g.Find("Russia closed its southern border with Iran.", ru) {
		if m.Loc.Precision == "border" {
			t.Errorf("Russia has no land border with Iran, got %+v", m.Loc)
		}
	}
	// Without a document, "the southern borders" names no border.
	for _, m := range g.Find("We will defend our southern borders.", nil) {
		if m.Loc.Precision == "border" {
			t.Errorf("southern borders resolved without context: %+v", m.Loc)
		}
	}
}

// TestSeedArticle resolves the places of the project's seed article (read
// from ../shared, never copied into the repository).
func TestSeedArticle(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(sharedtest.Dir(t), "seed", "000_8bc1901eddcf3703.txt"))
	if err != nil {
		t.Skipf("seed article unavailable: %v", err)
	}
	g := gaz(t)
	text := string(b)
	dc := g.NewDocContext(text)
	if dc.Main != "TJK" && dc.Main != "AFG" {
		t.Errorf("seed article main country %q", dc.Main)
	}
	type want struct {
		text, precision, country, border string
		lat, lon                         float64
	}
	wants := []want{
		{"Kabul", "city", "AFG", "", 34.5281, 69.1723},
		{"Kabul airport", "site", "AFG", "", 34.5659, 69.2123},
		{"Mazar-i-Sharif", "city", "AFG", "", 36.709, 67.1109},
		{"Amu Darya", "region", "AFG", "", 0, 0},
		{"Tajik-Afghan border", "border", "", "AFG-TJK", 0, 0},
		{"the border with Afghanistan", "border", "", "AFG-TJK", 0, 0},
		{"southern borders", "border", "", "AFG-TJK", 0, 0},
		{"the territory of Tajikistan", "country", "TJK", "", 0, 0},
	}
	var all []PlaceMention
	for _, para := range strings.Split(text, "\n") {
		all = append(all, g.Find(para, dc)...)
	}
	for _, w := range wants {
		ok := false
		for _, m := range all {
			if !strings.Contains(m.Text, w.text) || m.Loc.Precision != w.precision {
				continue
			}
			if w.border != "" && (m.Loc.Border == nil || *m.Loc.Border != w.border) {
				continue
			}
			if w.country != "" && m.Loc.Country != w.country {
				continue
			}
			if w.lat != 0 && (m.Loc.Lat == nil || DistanceKm(w.lat, w.lon, *m.Loc.Lat, *m.Loc.Lon) > 5) {
				continue
			}
			ok = true
		}
		if !ok {
			t.Errorf("seed article: %q not resolved as %s %s%s", w.text, w.precision, w.country, w.border)
		}
	}
	// The Amu Darya's border is the Tajik-Afghan one.
	for _, m := range all {
		if m.Text == "Amu Darya" && (m.Loc.Border == nil || *m.Loc.Border != "AFG-TJK") {
			t.Errorf("Amu Darya border %v", m.Loc.Border)
		}
	}
	// No place may be invented from people's names or organisations.
	for _, m := range all {
		for _, bad := range []string{"Sultonov", "Mujahid", "Kabulov", "Forbes", "Pravda", "Leonkov", "Biden", "Khovar"} {
			if strings.Contains(m.Text, bad) {
				t.Errorf("seed article: %q fired as a place (%s)", m.Text, m.Loc.Name)
			}
		}
	}
}

// TestFindGolden pins the full output of Find on a report written for this
// test (testdata/report.txt) in testdata/report.golden.json.
func TestFindGolden(t *testing.T) {
	g := gaz(t)
	b, err := os.ReadFile(filepath.Join("testdata", "report.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	dc := g.NewDocContext(text)
	type row struct {
		Line      int      `json:"line"`
		Text      string   `json:"text"`
		Prep      string   `json:"prep,omitempty"`
		Name      string   `json:"name"`
		Country   string   `json:"country"`
		Precision string   `json:"precision"`
		Lat       *float64 `json:"lat"`
		Lon       *float64 `json:"lon"`
		Border    *string  `json:"border"`
		BorderKm  *float64 `json:"border_km"`
		Ambiguous bool     `json:"ambiguous,omitempty"`
	}
	var got []row
	for i, line := range strings.Split(text, "\n") {
		for _, m := range g.Find(line, dc) {
			got = append(got, row{i + 1, m.Text, m.Prep, m.Loc.Name, m.Loc.Country, m.Loc.Precision, m.Loc.Lat, m.Loc.Lon,
				m.Loc.Border, m.Loc.BorderKm, m.Ambiguous})
		}
	}
	out, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, '\n')
	golden := filepath.Join("testdata", "report.golden.json")
	if *update {
		if err := os.WriteFile(golden, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != string(out) {
		t.Errorf("Find output differs from %s; review and run go test -run FindGolden -update\n got:\n%s", golden, out)
	}
}

// TestRegionTableErrors: a malformed curated row is reported with its line,
// never a panic or a silently wrong place.
func TestRegionTableErrors(t *testing.T) {
	cases := map[string]string{
		"Kabul\t\tAFG\tKabul\t\tPPLC\t34.5\t69.1\t0\t":                          "want 11",
		"Kabul\t\tAFG\tKabul\t\tPPLC\tnorth\t69.1\t0\t\tmanual: x":              "line 1",
		"Kabul\t\tAFG\tKabul\t\tPPLC\t95\t69.1\t0\t\tmanual: x":                 "out of range",
		"Kabul\t\tAF\tKabul\t\tPPLC\t34.5\t69.1\t0\t\tmanual: x":                "required",
		"Kabul\t\tAFG\tKabul\t\tPPLC\t34.5\t69.1\t0\t\t":                        "required",
		"# comment\nKabul\t\tAFG\tKabul\t\tPPLC\t34.5\t69.1\t0\t\tgeonames:abc": "line 2: bad source",
	}
	for in, want := range cases {
		g := &Gazetteer{byKey: map[string]int32{}, bySkel: map[string][]int32{}, prefixes: map[string]bool{}}
		err := g.addRegion([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("addRegion(%q) = %v, want an error containing %q", in, err, want)
		}
	}
}

func TestCoordinateParserErrors(t *testing.T) {
	for _, in := range []string{"", "[", "[[1,2]", "[[1]]", "[[1,x]]", "[[1,2],]", "{}"} {
		if _, err := (&coordScanner{b: []byte(in)}).ring(); err == nil {
			t.Errorf("ring(%q): no error", in)
		}
	}
	r, err := (&coordScanner{b: []byte(` [ [68.5, 37.2] , [-1e-3,0] ] `)}).ring()
	if err != nil || len(r) != 2 || r[0] != [2]float64{68.5, 37.2} || r[1] != [2]float64{-0.001, 0} {
		t.Errorf("ring = %v, %v", r, err)
	}
	var got []string
	sc := &coordScanner{b: []byte(`{"a":"x","b\"c":"y\u00e9"}`)}
	err = sc.object(func(k string) error {
		v, err := sc.str()
		got = append(got, k+"="+v)
		return err
	})
	if err != nil || strings.Join(got, ",") != `a=x,b"c=yé` {
		t.Errorf("object: %v %v", got, err)
	}
}

func TestParseDecimal(t *testing.T) {
	for _, s := range []string{"0", "-0.5", "37.2363", "-117.0001", "180.0000", "12", "1e3", "0.1234567890123456789"} {
		want, err1 := strconv.ParseFloat(s, 64)
		got, err2 := parseDecimal(s)
		if err1 != nil || err2 != nil || math.Abs(got-want) > 1e-12 {
			t.Errorf("parseDecimal(%q) = %v, %v; want %v", s, got, err2, want)
		}
	}
	for _, s := range []string{"", "-", ".", "x", "1.2.3", "--1"} {
		if _, err := parseDecimal(s); err == nil {
			t.Errorf("parseDecimal(%q): no error", s)
		}
	}
}
