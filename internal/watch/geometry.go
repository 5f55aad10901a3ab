package watch

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"borderwatch/internal/geo"
)

const earthKm = 6371.0088

// vec3 is a point on the unit sphere; distances to great-circle arcs are
// exact there, unlike on a lat/lon plane.
type vec3 struct{ x, y, z float64 }

func toVec(lat, lon float64) vec3 {
	φ, λ := lat*math.Pi/180, lon*math.Pi/180
	return vec3{math.Cos(φ) * math.Cos(λ), math.Cos(φ) * math.Sin(λ), math.Sin(φ)}
}

func (a vec3) dot(b vec3) float64 { return a.x*b.x + a.y*b.y + a.z*b.z }
func (a vec3) cross(b vec3) vec3 {
	return vec3{a.y*b.z - a.z*b.y, a.z*b.x - a.x*b.z, a.x*b.y - a.y*b.x}
}
func (a vec3) norm() float64 { return math.Sqrt(a.dot(a)) }

// angle is the central angle between two unit vectors, stable for small
// angles (atan2 of |a×b| and a·b rather than acos).
func angle(a, b vec3) float64 { return math.Atan2(a.cross(b).norm(), a.dot(b)) }

// segment is one arc of a border line with its great-circle pole and a
// lat/lon box grown by the band width, so most points skip the vector maths.
type segment struct {
	a, b           vec3
	pole           vec3 // unit normal of the arc's great circle; zero for a degenerate arc
	minLat, maxLat float64
	minLon, maxLon float64
}

// band is a border line with a width: the set of points within km of it.
type band struct {
	segs []segment
	km   float64
	// box of the whole band, for a one-comparison reject of far points
	minLat, maxLat, minLon, maxLon float64
}

func newBand(ml geo.MultiLine, km float64) *band {
	b := &band{km: km, minLat: 90, maxLat: -90, minLon: 180, maxLon: -180}
	dLat := km / earthKm * 180 / math.Pi
	for _, l := range ml {
		for i := 0; i < len(l); i++ {
			p, q := l[i], l[i]
			if i+1 < len(l) {
				q = l[i+1]
			} else if len(l) > 1 {
				break
			}
			s := segment{a: toVec(p.Lat, p.Lon), b: toVec(q.Lat, q.Lon)}
			if n := s.a.cross(s.b); n.norm() > 1e-15 {
				k := 1 / n.norm()
				s.pole = vec3{n.x * k, n.y * k, n.z * k}
			}
			s.minLat, s.maxLat = math.Min(p.Lat, q.Lat)-dLat, math.Max(p.Lat, q.Lat)+dLat
			// a degree of longitude shrinks with latitude; use the widest
			// latitude the box reaches so the box never cuts the band
			c := math.Cos(math.Min(89, math.Max(math.Abs(s.minLat), math.Abs(s.maxLat))) * math.Pi / 180)
			dLon := dLat / c
			s.minLon, s.maxLon = math.Min(p.Lon, q.Lon)-dLon, math.Max(p.Lon, q.Lon)+dLon
			b.segs = append(b.segs, s)
			b.minLat, b.maxLat = math.Min(b.minLat, s.minLat), math.Max(b.maxLat, s.maxLat)
			b.minLon, b.maxLon = math.Min(b.minLon, s.minLon), math.Max(b.maxLon, s.maxLon)
		}
	}
	return b
}

// within reports whether the point is at most km from the line.
func (b *band) within(lat, lon float64) bool {
	return b.distanceKm(lat, lon) <= b.km
}

// distanceKm is the great-circle distance from the point to the nearest
// point of the line, or +Inf when no segment's box holds the point (it is
// then farther than km).
func (b *band) distanceKm(lat, lon float64) float64 {
	best := math.Inf(1)
	if lat < b.minLat || lat > b.maxLat || lon < b.minLon || lon > b.maxLon {
		return best
	}
	p := toVec(lat, lon)
	for i := range b.segs {
		s := &b.segs[i]
		if lat < s.minLat || lat > s.maxLat || lon < s.minLon || lon > s.maxLon {
			continue
		}
		best = math.Min(best, arcDistance(s, p))
	}
	return best * earthKm
}

// arcDistance is the central angle from p to the arc a→b: the cross-track
// angle when p's foot on the great circle lies between a and b, else the
// nearer endpoint.
func arcDistance(s *segment, p vec3) float64 {
	d := math.Min(angle(p, s.a), angle(p, s.b))
	if s.pole == (vec3{}) {
		return d
	}
	// p's foot lies inside the arc when it is on the inner side of both
	// the planes through the pole and each endpoint.
	if s.a.cross(p).dot(s.pole) >= 0 && p.cross(s.b).dot(s.pole) >= 0 {
		return math.Min(d, math.Abs(math.Asin(math.Max(-1, math.Min(1, p.dot(s.pole))))))
	}
	return d
}

// polygon is an outer ring and its holes, as [lon, lat] pairs.
type polygon struct {
	rings                          [][][2]float64
	minLat, maxLat, minLon, maxLon float64
}

// contains applies the even-odd rule over all rings, so holes subtract.
// Polygons are treated as planar in lon/lat, as GeoJSON (RFC 7946 §3.1.1)
// says they are.
func (p *polygon) contains(lat, lon float64) bool {
	if lat < p.minLat || lat > p.maxLat || lon < p.minLon || lon > p.maxLon {
		return false
	}
	in := false
	for _, r := range p.rings {
		for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
			xi, yi, xj, yj := r[i][0], r[i][1], r[j][0], r[j][1]
			if (yi > lat) != (yj > lat) && lon < (xj-xi)*(lat-yi)/(yj-yi)+xi {
				in = !in
			}
		}
	}
	return in
}

// geoJSON covers the GeoJSON objects a polygon area may be given as.
type geoJSON struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
	Geometry    *geoJSON        `json:"geometry"`
	Features    []geoJSON       `json:"features"`
}

// parsePolygons reads a Polygon, MultiPolygon, Feature or
// FeatureCollection of them.
func parsePolygons(raw json.RawMessage) ([]polygon, error) {
	if len(raw) == 0 {
		return nil, errors.New("polygon area has no geojson")
	}
	var g geoJSON
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, fmt.Errorf("bad geojson: %w", err)
	}
	var out []polygon
	if err := collectPolygons(&g, &out, 0); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("geojson holds no polygon")
	}
	return out, nil
}

func collectPolygons(g *geoJSON, out *[]polygon, depth int) error {
	if depth > 2 {
		return errors.New("geojson nested too deep")
	}
	switch g.Type {
	case "Feature":
		if g.Geometry == nil {
			return errors.New("geojson feature without geometry")
		}
		return collectPolygons(g.Geometry, out, depth+1)
	case "FeatureCollection":
		for i := range g.Features {
			if err := collectPolygons(&g.Features[i], out, depth+1); err != nil {
				return err
			}
		}
		return nil
	case "Polygon":
		var rings [][][2]float64
		if err := json.Unmarshal(g.Coordinates, &rings); err != nil {
			return fmt.Errorf("bad Polygon coordinates: %w", err)
		}
		p, err := newPolygon(rings)
		if err != nil {
			return err
		}
		*out = append(*out, p)
		return nil
	case "MultiPolygon":
		var polys [][][][2]float64
		if err := json.Unmarshal(g.Coordinates, &polys); err != nil {
			return fmt.Errorf("bad MultiPolygon coordinates: %w", err)
		}
		for _, rings := range polys {
			p, err := newPolygon(rings)
			if err != nil {
				return err
			}
			*out = append(*out, p)
		}
		return nil
	}
	return fmt.Errorf("geojson type %q is not a Polygon, MultiPolygon, Feature or FeatureCollection", g.Type)
}

func newPolygon(rings [][][2]float64) (polygon, error) {
	p := polygon{rings: rings, minLat: 90, maxLat: -90, minLon: 180, maxLon: -180}
	if len(rings) == 0 {
		return p, errors.New("polygon without rings")
	}
	for _, r := range rings {
		if len(r) < 4 {
			return p, fmt.Errorf("polygon ring has %d positions, need at least 4", len(r))
		}
		for _, c := range r {
			if !validLatLon(c[1], c[0]) {
				return p, fmt.Errorf("position [%v, %v] is not a valid [lon, lat]", c[0], c[1])
			}
		}
	}
	for _, c := range rings[0] {
		p.minLon, p.maxLon = math.Min(p.minLon, c[0]), math.Max(p.maxLon, c[0])
		p.minLat, p.maxLat = math.Min(p.minLat, c[1]), math.Max(p.maxLat, c[1])
	}
	return p, nil
}
