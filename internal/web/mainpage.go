package web

import (
	"net/http"
	"slices"
	"strings"

	"borderwatch"
	"borderwatch/internal/incident"
	"borderwatch/internal/service"
	"borderwatch/internal/watch"
)

// DefaultWatch is the border the main screen highlights when the filter
// names no watch area.
const DefaultWatch = "AFG-TJK"

// listLimit is how many incidents the main page lists; the count says how
// many more there are, and the filter narrows them.
const listLimit = 200

// quadInfo is one row of the map legend.
type quadInfo struct {
	Quad  int
	Name  string
	Shape string
	Types string
}

var quadLegend = []quadInfo{
	{1, "verbal cooperation", "circle", "AGREE, CONSULT, SUPPORT, CONCEDE"},
	{2, "material cooperation", "square", "COOPERATE, AID, RETREAT"},
	{3, "verbal conflict", "diamond", "REQUEST, ACCUSE, REJECT, THREATEN"},
	{4, "material conflict", "triangle", "PROTEST, SANCTION, MOBILIZE, COERCE, ASSAULT"},
}

// listRow is one incident of the server-rendered list.
type listRow struct {
	ID, Type, Modality, Start, When, Place, Precision, Actors string
	Quad, Sources, Docs                                       int
	Placed                                                    bool
}

// mainData is the main page's template data.
type mainData struct {
	Filter     Filter
	Query      string            // the filter as a URL query, for the JSON route
	Errors     map[string]string // field → message
	ErrorList  []FieldError
	Types      []string
	Modalities []string
	Legend     []quadInfo
	Rows       []listRow
	Total      int          // incidents passing the filter
	Placed     int          // of them, with a point on the map
	More       int          // passing but not listed
	Watch      string       // the border drawn highlighted
	Areas      []watch.Area // the alert watch areas the filter may name
	Vendor     bool         // the Leaflet files are embedded (scripts/web.sh ran)
}

func rowOf(inc *incident.Incident) listRow {
	r := listRow{ID: inc.ID, Type: inc.Event, Modality: inc.Modality, Start: inc.Start, When: inc.Start, Actors: strings.Join(inc.Actors, ", "),
		Quad: borderwatch.Quad(inc.Event), Sources: inc.Independent, Docs: inc.Documents}
	if inc.End != "" && inc.End != inc.Start {
		r.When += " – " + inc.End
	}
	if inc.Undated {
		r.When += " (undated: publication window)"
	}
	if p := inc.Place; p != nil {
		r.Place, r.Precision = p.Name, p.Precision
		r.Placed = p.Lat != nil && p.Lon != nil
	}
	return r
}

// newestRows counts the incidents passing f (and those with a point) and
// returns the newest n as list rows. It keeps only n rows while it scans,
// so a page over 100,000 incidents builds a few hundred rows, not 100,000.
func newestRows(svc *service.Incidents, f Filter, n int) (total, placed int, rows []listRow) {
	rows = make([]listRow, 0, n)
	eachIncident(svc, f, func(inc *incident.Incident) {
		total++
		if p := inc.Place; p != nil && p.Lat != nil && p.Lon != nil {
			placed++
		}
		// rows is sorted newest first; an incident older than the last of a
		// full list is not shown.
		if len(rows) == n && newer(rows[n-1].Start, rows[n-1].ID, inc.Start, inc.ID) < 0 {
			return
		}
		i, _ := slices.BinarySearchFunc(rows, inc, func(r listRow, inc *incident.Incident) int {
			return newer(r.Start, r.ID, inc.Start, inc.ID)
		})
		if i >= n {
			return
		}
		if len(rows) == n {
			rows = rows[:n-1]
		}
		rows = slices.Insert(rows, i, rowOf(inc))
	})
	return total, placed, rows
}

// mainPage is GET /: the map, the timeline, the filter and the incident
// list. The list is rendered here so the page works without JavaScript;
// the map and the timeline load /map/incidents.json with the same query.
func (s *Server) mainPage(w http.ResponseWriter, r *http.Request) error {
	areas := s.watchAreas(r)
	f, errs := ParseFilter(r.URL.Query(), areas...)
	d := mainData{Areas: areas, Filter: f, Query: f.Encode(), ErrorList: errs, Errors: map[string]string{}, Types: borderwatch.Types,
		Modalities: Modalities, Legend: quadLegend, Watch: DefaultWatch, Vendor: s.hashes["vendor/leaflet.js"] != "" &&
			s.hashes["vendor/leaflet.markercluster.js"] != ""}
	for _, e := range errs {
		d.Errors[e.Field] = e.Message
	}
	switch {
	case f.watch != nil && f.watch.Kind == watch.AreaBorder:
		d.Watch = f.watch.Border
	case f.watch == nil && f.Area != "":
		d.Watch = f.Area
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusBadRequest
	}
	if svc := s.cfg.Incidents; svc != nil {
		d.Total, d.Placed, d.Rows = newestRows(svc, f, listLimit)
		d.More = d.Total - len(d.Rows)
	}
	s.render(w, r, status, "main.html", "Map", d)
	return nil
}

// mapIncidents is GET /map/incidents.json.
func (s *Server) mapIncidents(w http.ResponseWriter, r *http.Request) error {
	mapIncidentsHandler(s.cfg.Incidents, s.watchAreas(r))(w, r)
	return nil
}

// watchAreas are the alert service's watch areas, which the filter may
// name; none when the server evaluates no alerts.
func (s *Server) watchAreas(r *http.Request) []watch.Area {
	if s.cfg.Alerts == nil {
		return nil
	}
	areas, err := s.cfg.Alerts.Areas(r.Context())
	if err != nil {
		s.log.Warn("web: watch areas", "err", err)
		return nil
	}
	return areas
}

// mapShapes is GET /map/shapes.json.
func (s *Server) mapShapes(w http.ResponseWriter, r *http.Request) error {
	serveShapes(w, r)
	return nil
}
