package web

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"borderwatch"
	"borderwatch/internal/geo"
	"borderwatch/internal/incident"
	"borderwatch/internal/service"
	"borderwatch/internal/watch"
)

// eachIncident calls fn for every incident passing f, under the service's
// lock and without copying it: the service filters what it can, Match the
// rest. fn must not keep the pointer.
func eachIncident(svc *service.Incidents, f Filter, fn func(*incident.Incident)) {
	svc.Each(f.ServiceQuery(), func(inc *incident.Incident) bool {
		if f.Match(inc) {
			fn(inc)
		}
		return true
	})
}

// newer orders incidents newest first: by start day, then id.
func newer(startA, idA, startB, idB string) int {
	if c := cmp.Compare(startB, startA); c != 0 {
		return c
	}
	return cmp.Compare(idB, idA)
}

// selectMapData returns the incidents passing f as the map draws them,
// newest first.
func selectMapData(svc *service.Incidents, f Filter) mapData {
	d := mapData{Incidents: []mapIncident{}}
	eachIncident(svc, f, func(inc *incident.Incident) {
		m := toMapIncident(inc)
		if m.Lat != nil {
			d.Placed++
		}
		d.Incidents = append(d.Incidents, m)
	})
	d.Total = len(d.Incidents)
	slices.SortFunc(d.Incidents, func(a, b mapIncident) int { return newer(a.Start, a.ID, b.Start, b.ID) })
	return d
}

// mapIncident is one incident as the map, the timeline and the list draw
// it: short keys, since the page may load ten thousand of them.
type mapIncident struct {
	ID        string   `json:"id"`
	Type      string   `json:"type"`
	Quad      int      `json:"quad"`
	Modality  string   `json:"mod"`
	Start     string   `json:"start,omitempty"`
	End       string   `json:"end,omitempty"`
	Undated   bool     `json:"undated,omitempty"`
	Lat       *float64 `json:"lat,omitempty"`
	Lon       *float64 `json:"lon,omitempty"`
	Precision string   `json:"prec,omitempty"`
	Place     string   `json:"place,omitempty"`
	Country   string   `json:"country,omitempty"`
	Sources   int      `json:"src"`
	Docs      int      `json:"docs"`
	Actors    string   `json:"actors,omitempty"`
}

// mapData is the body of /map/incidents.json.
type mapData struct {
	Total     int           `json:"total"`
	Placed    int           `json:"placed"` // incidents with a point, drawn on the map
	Incidents []mapIncident `json:"incidents"`
}

func toMapIncident(inc *incident.Incident) mapIncident {
	m := mapIncident{ID: inc.ID, Type: inc.Event, Quad: borderwatch.Quad(inc.Event), Modality: inc.Modality,
		Start: inc.Start, End: inc.End, Undated: inc.Undated, Sources: inc.Independent, Docs: inc.Documents,
		Actors: strings.Join(inc.Actors, ", ")}
	if m.End == m.Start {
		m.End = ""
	}
	if p := inc.Place; p != nil {
		m.Place, m.Country, m.Precision = p.Name, p.Country, p.Precision
		if p.Lat != nil && p.Lon != nil {
			// Copies: the incident belongs to the service and is read
			// under its lock only.
			lat, lon := *p.Lat, *p.Lon
			m.Lat, m.Lon = &lat, &lon
		}
	}
	return m
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// mapIncidentsHandler serves GET /map/incidents.json: the incidents passing
// the filter in the query (the main page's parameters; areas are the watch
// areas it may name), newest first. A bad
// parameter gives 400 with every field's error.
func mapIncidentsHandler(svc *service.Incidents, areas []watch.Area) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, errs := ParseFilter(r.URL.Query(), areas...)
		if len(errs) > 0 {
			msgs := make([]string, len(errs))
			for i, e := range errs {
				msgs[i] = e.Error()
			}
			writeJSON(w, http.StatusBadRequest, map[string]any{"kind": "invalid", "message": strings.Join(msgs, "; "), "fields": errs})
			return
		}
		if svc == nil {
			writeJSON(w, http.StatusOK, mapData{Incidents: []mapIncident{}})
			return
		}
		writeJSON(w, http.StatusOK, selectMapData(svc, f))
	}
}

// regionBox is what the map draws: Afghanistan and its neighbours, with
// room around them (lon/lat degrees).
var regionBox = struct{ minLon, minLat, maxLon, maxLat float64 }{44, 22, 90, 50}

// shapeTolerance drops outline vertices closer than this (degrees, about
// 2 km) to the last kept one: invisible at the zoom a region map opens at,
// and it makes the file several times smaller.
const shapeTolerance = 0.02

var shapes struct {
	once sync.Once
	gz   []byte // the GeoJSON FeatureCollection, gzipped
	raw  []byte
	err  error
	// The simplified outlines by ISO3 code and border lines by key
	// ("AFG-TJK"), which the watch areas' map reuses.
	countries map[string][][][][2]float64
	borders   map[string][][][2]float64
}

// shapesGeoJSON builds, once per process, the countries of the region and
// their shared land borders as one GeoJSON FeatureCollection: countries
// have properties {kind: "country", code, name}, borders {kind: "border",
// key ("AFG-TJK"), name}.
func shapesGeoJSON() ([]byte, []byte, error) {
	shapes.once.Do(func() {
		countries, borders, err := geo.Shapes()
		if err != nil {
			shapes.err = err
			return
		}
		type feature struct {
			Type       string            `json:"type"`
			Properties map[string]string `json:"properties"`
			Geometry   map[string]any    `json:"geometry"`
		}
		var feats []feature
		names := map[string]string{}
		shapes.countries, shapes.borders = map[string][][][][2]float64{}, map[string][][][2]float64{}
		for _, c := range countries {
			var polys [][][][2]float64
			for _, p := range c.Polygons {
				if len(p) == 0 || !ringInBox(p[0]) {
					continue
				}
				rings := make([][][2]float64, 0, len(p))
				for _, r := range p {
					if s := simplify(r, true); len(s) >= 4 {
						rings = append(rings, s)
					}
				}
				if len(rings) > 0 {
					polys = append(polys, rings)
				}
			}
			if len(polys) == 0 {
				continue
			}
			names[c.Code] = c.Name
			shapes.countries[c.Code] = polys
			feats = append(feats, feature{"Feature", map[string]string{"kind": "country", "code": c.Code, "name": c.Name},
				map[string]any{"type": "MultiPolygon", "coordinates": polys}})
		}
		keys := make([]string, 0, len(borders))
		for k := range borders {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			a, b, _ := strings.Cut(k, "-")
			if names[a] == "" || names[b] == "" {
				continue
			}
			var lines [][][2]float64
			for _, l := range borders[k] {
				pts := make([][2]float64, len(l))
				for i, p := range l {
					pts[i] = [2]float64{p.Lon, p.Lat}
				}
				if s := simplify(pts, false); len(s) >= 2 {
					lines = append(lines, s)
				}
			}
			shapes.borders[k] = lines
			feats = append(feats, feature{"Feature", map[string]string{"kind": "border", "key": k, "name": names[a] + "–" + names[b]},
				map[string]any{"type": "MultiLineString", "coordinates": lines}})
		}
		raw, err := json.Marshal(map[string]any{"type": "FeatureCollection", "features": feats})
		if err != nil {
			shapes.err = err
			return
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(raw)
		zw.Close()
		shapes.raw, shapes.gz = raw, buf.Bytes()
	})
	return shapes.raw, shapes.gz, shapes.err
}

func ringInBox(r [][2]float64) bool {
	for _, p := range r {
		if p[0] >= regionBox.minLon && p[0] <= regionBox.maxLon && p[1] >= regionBox.minLat && p[1] <= regionBox.maxLat {
			return true
		}
	}
	return false
}

// simplify keeps the first and last points and every point at least
// shapeTolerance from the last kept one; a closed ring stays closed.
// Coordinates are rounded to 0.001° as the source data is.
func simplify(pts [][2]float64, ring bool) [][2]float64 {
	if len(pts) == 0 {
		return nil
	}
	round := func(p [2]float64) [2]float64 {
		return [2]float64{math.Round(p[0]*1000) / 1000, math.Round(p[1]*1000) / 1000}
	}
	out := [][2]float64{round(pts[0])}
	last := pts[0]
	for _, p := range pts[1 : len(pts)-1] {
		if math.Abs(p[0]-last[0]) >= shapeTolerance || math.Abs(p[1]-last[1]) >= shapeTolerance {
			out = append(out, round(p))
			last = p
		}
	}
	if len(pts) > 1 {
		out = append(out, round(pts[len(pts)-1]))
	}
	if ring && len(out) < 4 {
		return nil
	}
	return out
}

// serveShapes serves GET /map/shapes.json, gzipped when the client takes it.
func serveShapes(w http.ResponseWriter, r *http.Request) {
	raw, gz, err := shapesGeoJSON()
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"kind": "internal", "message": "map shapes: " + err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/geo+json")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Header().Set("Vary", "Accept-Encoding")
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gz)
		return
	}
	w.Write(raw)
}

// areaFeature is one watch area as the alerts page's map draws it.
type areaFeature struct {
	Type       string         `json:"type"`
	Properties areaProperties `json:"properties"`
	Geometry   *areaGeometry  `json:"geometry"` // null when the map cannot draw the area
}

type areaProperties struct {
	Name  string  `json:"name"`
	Kind  string  `json:"kind"`
	Label string  `json:"label"` // the name and what the area is, for the map's label
	Km    float64 `json:"km,omitempty"`
	Note  string  `json:"note,omitempty"` // why there is no geometry
}

type areaGeometry struct {
	Type        string `json:"type"`
	Coordinates any    `json:"coordinates"`
}

// areasGeoJSON describes the watch areas as a GeoJSON FeatureCollection,
// in their order: a polygon as its rings (a MultiPolygon), a border band
// as its border line (the width goes in the label: a band's outline is
// the line grown by km, which the map need not compute), a radius as its
// centre Point with its km, a country as its outline. A province or
// district has no bundled shape, so no geometry and a note.
func areasGeoJSON(areas []watch.Area) ([]byte, error) {
	if _, _, err := shapesGeoJSON(); err != nil {
		return nil, err
	}
	feats := make([]areaFeature, 0, len(areas))
	for _, a := range areas {
		f := areaFeature{Type: "Feature", Properties: areaProperties{Name: a.Name, Kind: string(a.Kind), Label: a.Name}}
		p := &f.Properties
		switch a.Kind {
		case watch.AreaPolygon:
			polys, err := geoJSONPolygons(a.GeoJSON, 0)
			if err != nil || len(polys) == 0 {
				p.Note = "its GeoJSON holds no polygon the map can draw"
				break
			}
			f.Geometry = &areaGeometry{"MultiPolygon", polys}
		case watch.AreaBorder:
			p.Km, p.Label = a.Km, fmt.Sprintf("%s: %s ± %s km", a.Name, a.Border, km(a.Km))
			if lines := shapes.borders[a.Border]; len(lines) > 0 {
				f.Geometry = &areaGeometry{"MultiLineString", lines}
			} else {
				p.Note = "no border line for " + a.Border + " in the map's shapes"
			}
		case watch.AreaRadius:
			p.Km = a.Km
			where := a.Place
			if where == "" && a.Lat != nil && a.Lon != nil {
				where = fmt.Sprintf("%g, %g", *a.Lat, *a.Lon)
			}
			p.Label = fmt.Sprintf("%s: %s km around %s", a.Name, km(a.Km), where)
			if a.Lat != nil && a.Lon != nil {
				f.Geometry = &areaGeometry{"Point", [2]float64{*a.Lon, *a.Lat}}
			}
		case watch.AreaAdmin:
			p.Label = a.Name + ": " + a.Country
			if a.Admin1 != "" {
				p.Label += " / " + a.Admin1
				if a.Admin2 != "" {
					p.Label += " / " + a.Admin2
				}
				p.Note = "the map has no province or district shapes"
				break
			}
			if polys := shapes.countries[a.Country]; len(polys) > 0 {
				f.Geometry = &areaGeometry{"MultiPolygon", polys}
			} else {
				p.Note = "the map has no shape for " + a.Country
			}
		}
		feats = append(feats, f)
	}
	return json.Marshal(struct {
		Type     string        `json:"type"`
		Features []areaFeature `json:"features"`
	}{"FeatureCollection", feats})
}

// km writes a distance without trailing zeros: 30, 12.5.
func km(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// areaJSON is the part of GeoJSON a polygon area may be written in: a
// Polygon, a MultiPolygon, or a Feature or FeatureCollection of them (as
// watch.Area accepts).
type areaJSON struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
	Geometry    *areaJSON       `json:"geometry"`
	Features    []areaJSON      `json:"features"`
}

// geoJSONPolygons collects the polygons of a stored area's GeoJSON as
// MultiPolygon coordinates. The area was checked when it was added, so
// an error here means the data changed under us.
func geoJSONPolygons(raw json.RawMessage, depth int) ([][][][2]float64, error) {
	var g areaJSON
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, err
	}
	return g.polygons(depth)
}

func (g *areaJSON) polygons(depth int) ([][][][2]float64, error) {
	if depth > 2 {
		return nil, errors.New("geojson nested too deep")
	}
	switch g.Type {
	case "Polygon":
		var rings [][][2]float64
		err := json.Unmarshal(g.Coordinates, &rings)
		return [][][][2]float64{rings}, err
	case "MultiPolygon":
		var polys [][][][2]float64
		err := json.Unmarshal(g.Coordinates, &polys)
		return polys, err
	case "Feature":
		if g.Geometry == nil {
			return nil, errors.New("feature without geometry")
		}
		return g.Geometry.polygons(depth + 1)
	case "FeatureCollection":
		var out [][][][2]float64
		for i := range g.Features {
			p, err := g.Features[i].polygons(depth + 1)
			if err != nil {
				return nil, err
			}
			out = append(out, p...)
		}
		return out, nil
	}
	return nil, fmt.Errorf("geojson type %q is not a polygon", g.Type)
}

// serveAreas serves GET /map/areas.json: the watch areas to draw (none
// when the server evaluates no alerts).
func serveAreas(w http.ResponseWriter, areas []watch.Area) {
	body, err := areasGeoJSON(areas)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"kind": "internal", "message": "watch areas: " + err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/geo+json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(body)
}
