package watch

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"borderwatch"
	"borderwatch/internal/geo"
)

// AreaKind says how an Area is drawn.
type AreaKind string

// The kinds of watch area.
const (
	AreaPolygon AreaKind = "polygon" // a GeoJSON Polygon/MultiPolygon (or a Feature/FeatureCollection of them)
	AreaBorder  AreaKind = "border"  // Km either side of a land border, inside its two countries
	AreaAdmin   AreaKind = "admin"   // a country, or an admin1/admin2 region of it, by name
	AreaRadius  AreaKind = "radius"  // Km around a place (by name, resolved once) or a point
)

// Area is one watch area as stored: plain, JSON-serialisable fields. Call
// Prepare before Contains; Prepare resolves names and geometry.
type Area struct {
	Name string   `json:"name"`
	Kind AreaKind `json:"kind"`
	// GeoJSON is the polygon of an AreaPolygon, [lon, lat] as GeoJSON says.
	GeoJSON json.RawMessage `json:"geojson,omitempty"`
	// Border is the sorted ISO3 pair ("AFG-TJK") of an AreaBorder.
	Border string `json:"border,omitempty"`
	// Km is the half-width of a border band or the radius of an AreaRadius.
	Km float64 `json:"km,omitempty"`
	// Country, Admin1 and Admin2 name an AreaAdmin (Admin2 needs Admin1).
	Country string `json:"country,omitempty"`
	Admin1  string `json:"admin1,omitempty"`
	Admin2  string `json:"admin2,omitempty"`
	// Place names the centre of an AreaRadius; Prepare fills Lat and Lon
	// from the gazetteer when they are unset, so the stored area keeps the
	// point it was resolved to even if the gazetteer changes later.
	Place string   `json:"place,omitempty"`
	Lat   *float64 `json:"lat,omitempty"`
	Lon   *float64 `json:"lon,omitempty"`

	prepared bool
	band     *band
	polys    []polygon
	countryA string // the two sides of a border band
	countryB string
	admin1   string // folded
	admin2   string // folded
	g        *geo.Gazetteer
}

// Prepare validates the area and builds what Contains needs. g may be nil
// for polygons, admin areas and radii given as a point; border bands and
// radii around a named place need it.
func (a *Area) Prepare(g *geo.Gazetteer) error {
	a.prepared = false
	if strings.TrimSpace(a.Name) == "" {
		return errors.New("watch: area has no name")
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("watch: area %q: %s", a.Name, fmt.Sprintf(format, args...))
	}
	a.g = g
	switch a.Kind {
	case AreaPolygon:
		polys, err := parsePolygons(a.GeoJSON)
		if err != nil {
			return fail("%v", err)
		}
		a.polys = polys
	case AreaBorder:
		if !(a.Km > 0) || a.Km > 1000 {
			return fail("band width must be in (0, 1000] km, got %v", a.Km)
		}
		if g == nil {
			return fail("a border band needs the gazetteer")
		}
		x, y, ok := strings.Cut(strings.ToUpper(strings.TrimSpace(a.Border)), "-")
		if !ok || len(x) != 3 || len(y) != 3 {
			return fail("border must look like AFG-TJK, got %q", a.Border)
		}
		ml, ok := g.Border(x, y)
		if !ok {
			return fail("no committed border line for %s", geo.BorderKey(x, y))
		}
		a.Border = geo.BorderKey(x, y)
		a.countryA, a.countryB = a.Border[:3], a.Border[4:]
		a.band = newBand(ml, a.Km)
	case AreaAdmin:
		a.Country = strings.ToUpper(strings.TrimSpace(a.Country))
		if len(a.Country) != 3 {
			return fail("an admin area needs an ISO3 country, got %q", a.Country)
		}
		if a.Admin2 != "" && a.Admin1 == "" {
			return fail("admin2 %q needs its admin1", a.Admin2)
		}
		a.admin1, a.admin2 = geo.Fold(a.Admin1), geo.Fold(a.Admin2)
	case AreaRadius:
		if !(a.Km > 0) || a.Km > 5000 {
			return fail("radius must be in (0, 5000] km, got %v", a.Km)
		}
		if a.Lat == nil || a.Lon == nil {
			if a.Place == "" {
				return fail("a radius needs a place or lat and lon")
			}
			if g == nil {
				return fail("resolving place %q needs the gazetteer", a.Place)
			}
			cs := g.Lookup(a.Place, nil)
			if len(cs) == 0 {
				return fail("unknown place %q", a.Place)
			}
			lat, lon := cs[0].Lat, cs[0].Lon
			a.Lat, a.Lon = &lat, &lon
		}
		if !validLatLon(*a.Lat, *a.Lon) {
			return fail("centre %v,%v is not a valid lat,lon", *a.Lat, *a.Lon)
		}
	default:
		return fail("unknown kind %q (want polygon, border, admin or radius)", a.Kind)
	}
	a.prepared = true
	return nil
}

// pointPrecision reports whether a place of this precision is small enough
// for its coordinates to stand for the event (see the package comment).
func pointPrecision(p string) bool {
	switch p {
	case "site", "city", "district":
		return true
	}
	return false
}

// Contains reports whether an event located at loc is inside the area,
// honouring the precision policy of the package comment. An unprepared
// area, a nil location or a location without the fields the area needs is
// outside.
func (a *Area) Contains(loc *borderwatch.Location) bool {
	if a == nil || !a.prepared || loc == nil {
		return false
	}
	switch a.Kind {
	case AreaAdmin:
		return a.containsAdmin(loc)
	case AreaBorder:
		if loc.Precision == "border" {
			return loc.Border != nil && *loc.Border == a.Border
		}
		lat, lon, ok := point(loc)
		if !ok {
			return false
		}
		country := loc.Country
		if country == "" && a.g != nil {
			country = a.g.CountryAt(lat, lon)
		}
		if country != a.countryA && country != a.countryB {
			return false
		}
		return a.band.within(lat, lon)
	case AreaRadius:
		lat, lon, ok := point(loc)
		return ok && geo.DistanceKm(lat, lon, *a.Lat, *a.Lon) <= a.Km
	case AreaPolygon:
		lat, lon, ok := point(loc)
		if !ok {
			return false
		}
		for i := range a.polys {
			if a.polys[i].contains(lat, lon) {
				return true
			}
		}
	}
	return false
}

func (a *Area) containsAdmin(loc *borderwatch.Location) bool {
	if loc.Country != a.Country {
		return false
	}
	if a.admin1 == "" {
		return true
	}
	if loc.Precision == "country" || loc.Admin1 == nil || geo.Fold(*loc.Admin1) != a.admin1 {
		return false
	}
	if a.admin2 == "" {
		return true
	}
	if loc.Precision == "province" || loc.Admin2 == nil {
		return false
	}
	return geo.Fold(*loc.Admin2) == a.admin2
}

// point returns the coordinates of a location that is precise enough to be
// placed by them.
func point(loc *borderwatch.Location) (lat, lon float64, ok bool) {
	if !pointPrecision(loc.Precision) || loc.Lat == nil || loc.Lon == nil {
		return 0, 0, false
	}
	lat, lon = *loc.Lat, *loc.Lon
	return lat, lon, validLatLon(lat, lon)
}

func validLatLon(lat, lon float64) bool {
	return !math.IsNaN(lat) && !math.IsNaN(lon) && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180
}
