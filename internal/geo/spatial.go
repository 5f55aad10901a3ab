package geo

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"strings"
)

// Point is a position in degrees.
type Point struct{ Lat, Lon float64 }

// Line is a polyline; MultiLine is a border between two countries, in the
// order of GeoJSON's MultiLineString.
type (
	Line      []Point
	MultiLine []Line
)

const earthKm = 6371.0088

// DistanceKm is the great-circle distance between two points.
func DistanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	dLat := (lat2 - lat1) * rad
	dLon := (lon2 - lon1) * rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthKm * math.Asin(math.Min(1, math.Sqrt(a)))
}

// Borders returns the shared land borders keyed by the two sorted ISO3 codes
// ("AFG-TJK"). The map is shared; do not modify it.
func (g *Gazetteer) Borders() map[string]MultiLine { return g.borders }

// Border returns one border line by either order of its codes.
func (g *Gazetteer) Border(a, b string) (MultiLine, bool) {
	ml, ok := g.borders[BorderKey(a, b)]
	return ml, ok
}

// BorderKey joins two ISO3 codes in sorted order: BorderKey("TJK","AFG") is "AFG-TJK".
func BorderKey(a, b string) string {
	if a > b {
		a, b = b, a
	}
	return a + "-" + b
}

// CountryAt returns the ISO3 code of the country containing the point, or ""
// at sea. Polygons are Natural Earth 1:50m, good to a kilometre or two.
func (g *Gazetteer) CountryAt(lat, lon float64) string {
	if g.polygons() != nil {
		return ""
	}
	for i := range g.countries {
		c := &g.countries[i]
		if !c.bbox.contains(lat, lon) {
			continue
		}
		for j := range c.Polygons {
			p := &c.Polygons[j]
			if p.bbox.contains(lat, lon) && p.contains(lat, lon) {
				return c.Code
			}
		}
	}
	return ""
}

func (p *polygon) contains(lat, lon float64) bool {
	in := false
	for ri, r := range p.Rings {
		if ringContains(r, lat, lon) {
			if ri == 0 {
				in = true
			} else {
				return false // inside a hole
			}
		} else if ri == 0 {
			return false
		}
	}
	return in
}

// ringContains is the even-odd ray casting test.
func ringContains(r [][2]float64, lat, lon float64) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		xi, yi, xj, yj := r[i][0], r[i][1], r[j][0], r[j][1]
		if (yi > lat) != (yj > lat) && lon < (xj-xi)*(lat-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}

// borderLine is one polyline of a border with its bounding box, for the
// nearest-border search.
type borderLine struct {
	key  string
	line Line
	box  bbox
}

func (g *Gazetteer) indexBorders() {
	g.borderMid = make(map[string]Point, len(g.borders))
	g.countryBorders = map[string][]string{}
	for k, ml := range g.borders {
		var sum Point
		n := 0
		for _, l := range ml {
			for _, p := range l {
				sum.Lat += p.Lat
				sum.Lon += p.Lon
				n++
			}
		}
		if n > 0 {
			g.borderMid[k] = Point{sum.Lat / float64(n), sum.Lon / float64(n)}
			a, b, _ := strings.Cut(k, "-")
			g.countryBorders[a] = append(g.countryBorders[a], k)
			g.countryBorders[b] = append(g.countryBorders[b], k)
		}
		for _, l := range ml {
			if len(l) == 0 {
				continue
			}
			b := bbox{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
			for _, p := range l {
				b.MinLon, b.MaxLon = math.Min(b.MinLon, p.Lon), math.Max(b.MaxLon, p.Lon)
				b.MinLat, b.MaxLat = math.Min(b.MinLat, p.Lat), math.Max(b.MaxLat, p.Lat)
			}
			g.borderIndex = append(g.borderIndex, borderLine{key: k, line: l, box: b})
		}
	}
	for _, keys := range g.countryBorders {
		sort.Strings(keys)
	}
	// Deterministic order so that ties resolve the same way every run.
	sort.Slice(g.borderIndex, func(i, j int) bool { return g.borderIndex[i].key < g.borderIndex[j].key })
}

// bboxLowerKm is a lower bound of the distance from a point to anything in
// the box (degrees of latitude are ~111 km; longitude shrinks with cos lat,
// and we take the smaller cosine of the two latitudes to stay a bound).
func bboxLowerKm(b bbox, lat, lon float64) float64 {
	dLat := math.Max(0, math.Max(b.MinLat-lat, lat-b.MaxLat))
	dLon := math.Max(0, math.Max(b.MinLon-lon, lon-b.MaxLon))
	cos := math.Min(math.Cos(math.Max(math.Abs(b.MinLat), math.Abs(b.MaxLat))*math.Pi/180), math.Cos(lat*math.Pi/180))
	if cos < 0 {
		cos = 0
	}
	return 110 * math.Hypot(dLat, dLon*cos)
}

// NearestBorder returns the nearest international land border to a point and
// the distance to it in km.
func (g *Gazetteer) NearestBorder(lat, lon float64) (border string, km float64) {
	if math.IsNaN(lat) || math.IsNaN(lon) || math.Abs(lat) > 90 || math.Abs(lon) > 180 || len(g.borderIndex) == 0 {
		return "", 0
	}
	km = math.Inf(1)
	for _, i := range g.borderCandidates(lat, lon) {
		bl := &g.borderIndex[i]
		if bboxLowerKm(bl.box, lat, lon) > km {
			continue
		}
		if d := distToLineKm(bl.line, lat, lon); d < km || (d == km && bl.key < border) {
			km, border = d, bl.key
		}
	}
	return border, km
}

// borderCandidates returns the border lines that can be nearest to some
// point of the 1° cell holding (lat, lon). The first query in a cell finds
// the distance D from the cell centre to the nearest line; no point of the
// cell is farther than D + r from a line (r: half the cell diagonal), so only
// lines whose box comes within D + 2r of the centre can win. Cached per cell.
func (g *Gazetteer) borderCandidates(lat, lon float64) []int {
	c := cellOf(lat, lon)
	if v, ok := g.borderCells.Load(c); ok {
		return v.([]int)
	}
	clat, clon := float64(c.lat)+0.5, float64(c.lon)+0.5
	lower := make([]float64, len(g.borderIndex))
	order := make([]int, len(g.borderIndex))
	for i := range g.borderIndex {
		lower[i] = bboxLowerKm(g.borderIndex[i].box, clat, clon)
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(lower[a], lower[b]) })
	d := math.Inf(1)
	for _, i := range order {
		if lower[i] > d {
			break
		}
		d = math.Min(d, distToLineKm(g.borderIndex[i].line, clat, clon))
	}
	r := DistanceKm(float64(c.lat), float64(c.lon), clat, clon) // half the diagonal, the widest at the equator side
	r = math.Max(r, DistanceKm(float64(c.lat)+1, float64(c.lon), clat, clon))
	var cand []int
	for _, i := range order {
		if lower[i] > d+2*r {
			break
		}
		cand = append(cand, i)
	}
	g.borderCells.Store(c, cand)
	return cand
}

// DistanceToBorderKm is the distance from a point to one named border.
func (g *Gazetteer) DistanceToBorderKm(key string, lat, lon float64) (float64, bool) {
	ml, ok := g.borders[key]
	if !ok {
		return 0, false
	}
	best := math.Inf(1)
	for _, l := range ml {
		best = math.Min(best, distToLineKm(l, lat, lon))
	}
	return best, true
}

// distToLineKm projects onto a local equirectangular plane around the point,
// accurate to well under 1% within a few hundred km, then refines the closest
// vertex pair with the great-circle distance.
func distToLineKm(l Line, lat, lon float64) float64 {
	cos := math.Cos(lat * math.Pi / 180)
	const kmPerDeg = earthKm * math.Pi / 180
	best := math.Inf(1)
	var bx, by float64
	for i := 0; i+1 < len(l); i++ {
		ax, ay := (l[i].Lon-lon)*cos*kmPerDeg, (l[i].Lat-lat)*kmPerDeg
		cx, cy := (l[i+1].Lon-lon)*cos*kmPerDeg, (l[i+1].Lat-lat)*kmPerDeg
		dx, dy := cx-ax, cy-ay
		t := 0.0
		if n := dx*dx + dy*dy; n > 0 {
			t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/n))
		}
		px, py := ax+t*dx, ay+t*dy
		if d := px*px + py*py; d < best {
			best, bx, by = d, px, py
		}
	}
	if len(l) == 1 {
		return DistanceKm(lat, lon, l[0].Lat, l[0].Lon)
	}
	// Convert the planar foot back to degrees and measure on the sphere so
	// that long distances stay honest.
	fLat := lat + by/kmPerDeg
	fLon := lon
	if cos > 1e-9 {
		fLon = lon + bx/(cos*kmPerDeg)
	}
	return DistanceKm(lat, lon, fLat, fLon)
}

// gridCell is a 1°×1° cell of the point index used by Near.
type gridCell struct{ lat, lon int16 }

func cellOf(lat, lon float64) gridCell {
	return gridCell{int16(math.Floor(lat)), int16(math.Floor(lon))}
}

func (g *Gazetteer) buildGrid() {
	g.grid = make(map[gridCell][]int32, 20000)
	for i := range g.places {
		p := &g.places[i]
		if p.Feature == FeatureCountry {
			continue
		}
		c := cellOf(p.Lat, p.Lon)
		g.grid[c] = append(g.grid[c], int32(i))
	}
}

// Near returns the places within km of a point, nearest first (countries
// excluded).
func (g *Gazetteer) Near(lat, lon, km float64) []Place {
	if km <= 0 || math.IsNaN(lat) || math.IsNaN(lon) || math.IsNaN(km) {
		return nil
	}
	dLat := km/110 + 1
	cos := math.Cos(lat * math.Pi / 180)
	dLon := 180.0
	if cos > 0.01 {
		dLon = math.Min(180, km/(110*cos)+1)
	}
	type hit struct {
		i int32
		d float64
	}
	var hits []hit
	for la := math.Floor(lat - dLat); la <= lat+dLat; la++ {
		if la < -90 || la > 90 {
			continue
		}
		for lo := math.Floor(lon - dLon); lo <= lon+dLon; lo++ {
			w := lo
			for w >= 180 {
				w -= 360
			}
			for w < -180 {
				w += 360
			}
			for _, i := range g.grid[gridCell{int16(la), int16(w)}] {
				p := &g.places[i]
				if d := DistanceKm(lat, lon, p.Lat, p.Lon); d <= km {
					hits = append(hits, hit{i, d})
				}
			}
		}
	}
	sort.Slice(hits, func(a, b int) bool {
		if hits[a].d != hits[b].d {
			return hits[a].d < hits[b].d
		}
		return hits[a].i < hits[b].i
	})
	out := make([]Place, len(hits))
	for k, h := range hits {
		out[k] = g.places[h.i]
	}
	return out
}

// CountryName returns the English name of an ISO3 code, or the code.
func (g *Gazetteer) CountryName(code string) string {
	if i, ok := g.countryByCode[code]; ok {
		return g.countries[i].Name
	}
	return code
}

// borderName is "Afghanistan-Tajikistan border" for "AFG-TJK".
func (g *Gazetteer) borderName(key string) string {
	a, b, _ := strings.Cut(key, "-")
	return g.CountryName(a) + "-" + g.CountryName(b) + " border"
}
