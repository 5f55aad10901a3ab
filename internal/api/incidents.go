package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"borderwatch/internal/incident"
	"borderwatch/internal/service"
	"borderwatch/internal/store"
)

var incidentParams = []string{"since", "until", "near", "km", "type", "modality", "min_sources", "format", "limit", "offset"}

// incidentService returns the incident service, or an error saying the
// server runs without one.
func (s *Server) incidentService() (*service.Incidents, error) {
	if s.cfg.Incidents == nil {
		return nil, &Error{Kind: KindUnavailable, Message: "this server does not group incidents"}
	}
	return s.cfg.Incidents, nil
}

func dayParam(r *http.Request, name string) (time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		return time.Time{}, invalid("%s: %q is not a YYYY-MM-DD date", name, v)
	}
	return t, nil
}

// incidentQuery reads the incident filters: dates, a border or point with a
// distance, type, modality and the least number of independent sources.
func incidentQuery(r *http.Request) (service.Query, error) {
	p := r.URL.Query()
	q, err := service.ParseNear(p.Get("near"))
	if err != nil {
		return q, invalid("%v", err)
	}
	if v := p.Get("km"); v != "" {
		km, err := strconv.ParseFloat(v, 64)
		if err != nil || km <= 0 {
			return q, invalid("km: %q is not a positive number", v)
		}
		if p.Get("near") == "" {
			return q, invalid("km: needs near (a border or LAT,LON)")
		}
		q.Km = km
	} else if p.Get("near") != "" {
		q.Km = 50 // as the CLI: a point without a distance would filter nothing
	}
	if q.Since, err = dayParam(r, "since"); err != nil {
		return q, err
	}
	if q.Until, err = dayParam(r, "until"); err != nil {
		return q, err
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && q.Since.After(q.Until) {
		return q, invalid("since %s is after until %s", p.Get("since"), p.Get("until"))
	}
	q.Event = strings.ToUpper(p.Get("type"))
	q.Modality = strings.ToLower(p.Get("modality"))
	switch q.Modality {
	case "", "asserted", "planned", "negated":
	default:
		return q, invalid("modality: %q is not asserted, planned or negated", q.Modality)
	}
	if q.MinSources, err = intParam(r, "min_sources", 0, 0, 1000); err != nil {
		return q, err
	}
	return q, nil
}

func (s *Server) listIncidents(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.incidentService()
	if err != nil {
		return err
	}
	if err := onlyParams(r, incidentParams...); err != nil {
		return err
	}
	q, err := incidentQuery(r)
	if err != nil {
		return err
	}
	limit, err := intParam(r, "limit", store.DefaultLimit, 1, store.MaxLimit)
	if err != nil {
		return err
	}
	offset, err := intParam(r, "offset", 0, 0, 1<<30)
	if err != nil {
		return err
	}
	incs := svc.List(q)
	total := len(incs)
	incs = incs[min(offset, total):min(offset+limit, total)]
	switch f := r.URL.Query().Get("format"); f {
	case "geojson":
		b, err := service.IncidentsGeoJSON(incs)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/geo+json")
		_, err = w.Write(b)
		return err
	case "", "json":
		if incs == nil {
			incs = []incident.Incident{}
		}
		return writeJSON(w, http.StatusOK, map[string]any{"total": total, "incidents": incs})
	default:
		return invalid("format: %q is not json or geojson", f)
	}
}

func (s *Server) getIncident(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.incidentService()
	if err != nil {
		return err
	}
	if err := onlyParams(r); err != nil {
		return err
	}
	inc, err := svc.Get(r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, inc)
}

func (s *Server) control(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.incidentService()
	if err != nil {
		return err
	}
	if err := onlyParams(r, "region", "at", "format"); err != nil {
		return err
	}
	at, err := dayParam(r, "at")
	if err != nil {
		return err
	}
	if at.IsZero() {
		at = time.Now().UTC().Truncate(24 * time.Hour)
	}
	cs := svc.ControlAsOf(r.URL.Query().Get("region"), at)
	switch f := r.URL.Query().Get("format"); f {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		return incident.WriteControlCSV(w, cs)
	case "geojson":
		b, err := incident.ControlGeoJSON(cs)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/geo+json")
		_, err = w.Write(b)
		return err
	case "", "json":
		if cs == nil {
			cs = []incident.Control{}
		}
		return writeJSON(w, http.StatusOK, map[string]any{"at": at.Format("2006-01-02"), "places": cs})
	default:
		return invalid("format: %q is not json, csv or geojson", f)
	}
}

type mergeIncidentsBody struct {
	From []string `json:"from"`
}

func (s *Server) mergeIncidents(w http.ResponseWriter, r *http.Request, svc *service.Incidents, in mergeIncidentsBody) error {
	if len(in.From) == 0 {
		return invalid("from: name the incidents to merge into %s", r.PathValue("id"))
	}
	inc, err := svc.Merge(r.Context(), r.PathValue("id"), in.From, store.UserFrom(r.Context()))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, inc)
}

type splitIncidentBody struct {
	Events []string `json:"events"`
}

func (s *Server) splitIncident(w http.ResponseWriter, r *http.Request, svc *service.Incidents, in splitIncidentBody) error {
	if len(in.Events) == 0 {
		return invalid("events: name the events to move out of %s", r.PathValue("id"))
	}
	inc, err := svc.Split(r.Context(), r.PathValue("id"), in.Events, store.UserFrom(r.Context()))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, inc)
}

func (s *Server) listSources(w http.ResponseWriter, r *http.Request, svc *service.Incidents, _ struct{}) error {
	return writeJSON(w, http.StatusOK, map[string]any{"sources": svc.Sources()})
}

type gradeSourceBody struct {
	Outlet string `json:"outlet"`
	Grade  string `json:"grade"`
}

func (s *Server) gradeSource(w http.ResponseWriter, r *http.Request, svc *service.Incidents, in gradeSourceBody) error {
	if strings.TrimSpace(in.Outlet) == "" {
		return invalid("outlet: name the source to grade")
	}
	if len(in.Grade) != 1 || !strings.Contains("ABCDEF", strings.ToUpper(in.Grade)) {
		return invalid("grade: want a reliability grade A to F (Admiralty code), got %q", in.Grade)
	}
	o, err := svc.GradeSource(r.Context(), in.Outlet, strings.ToUpper(in.Grade), store.UserFrom(r.Context()))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, o)
}

type gradeClaimBody struct {
	Credibility *int `json:"credibility"`
}

func (s *Server) gradeClaim(w http.ResponseWriter, r *http.Request, svc *service.Incidents, in gradeClaimBody) error {
	if in.Credibility == nil || *in.Credibility < 0 || *in.Credibility > 6 {
		return invalid("credibility: want 1 (confirmed) to 6 (cannot be judged), or 0 to clear it")
	}
	if err := svc.GradeClaim(r.Context(), r.PathValue("id"), *in.Credibility, store.UserFrom(r.Context())); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"event_id": r.PathValue("id"), "credibility": *in.Credibility})
}

// decision adapts a handler that needs the incident service, takes no query
// parameters and reads a JSON body of type T (none for struct{} on a GET).
func decision[T any](s *Server, h func(http.ResponseWriter, *http.Request, *service.Incidents, T) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		svc, err := s.incidentService()
		if err != nil {
			return err
		}
		if err := onlyParams(r); err != nil {
			return err
		}
		var in T
		if r.Method != http.MethodGet {
			if err := decodeBody(r, &in); err != nil {
				return err
			}
		}
		return h(w, r, svc, in)
	}
}
