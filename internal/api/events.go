package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"borderwatch"
	"borderwatch/internal/store"
)

// maxPage caps one page of the event and document lists; the map layer may
// take store.MaxLimit points.
const maxPage = 1000

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) error {
	f, err := eventFilter(r, "limit", "offset")
	if err != nil {
		return err
	}
	if f.Limit, err = intParam(r, "limit", store.DefaultLimit, 1, maxPage); err != nil {
		return err
	}
	if f.Offset, err = intParam(r, "offset", 0, 0, 1<<31-1); err != nil {
		return err
	}
	page, err := s.cfg.Store.Events(r.Context(), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"total": page.Total, "limit": f.Limit, "offset": f.Offset, "events": page.Events})
}

// eventsGeoJSON is the map layer: located events as a GeoJSON
// FeatureCollection of points with their id, type and date, up to
// store.MaxLimit of them; GET /api/v1/events/{id} gives the rest of one.
func (s *Server) eventsGeoJSON(w http.ResponseWriter, r *http.Request) error {
	f, err := eventFilter(r, "limit")
	if err != nil {
		return err
	}
	if f.Limit, err = intParam(r, "limit", store.MaxLimit, 1, store.MaxLimit); err != nil {
		return err
	}
	points, total, err := s.cfg.Store.MapPoints(r.Context(), f)
	if err != nil {
		return err
	}
	type point struct {
		Type        string     `json:"type"`
		Coordinates [2]float64 `json:"coordinates"`
	}
	type feature struct {
		Type       string            `json:"type"`
		ID         string            `json:"id"`
		Geometry   point             `json:"geometry"`
		Properties map[string]string `json:"properties"`
	}
	features := make([]feature, len(points))
	for i, p := range points {
		features[i] = feature{Type: "Feature", ID: p.ID, Geometry: point{"Point", [2]float64{p.Lon, p.Lat}},
			Properties: map[string]string{"id": p.ID, "event": p.Event, "date": p.Date}}
	}
	w.Header().Set("Content-Type", "application/geo+json")
	return writeJSON(w, http.StatusOK, map[string]any{"type": "FeatureCollection", "total": total, "features": features})
}

// getEvent returns an event with its document and its evidence, checked
// against the document's clean text.
func (s *Server) getEvent(w http.ResponseWriter, r *http.Request) error {
	if err := onlyParams(r); err != nil {
		return err
	}
	ev, err := s.cfg.Store.Event(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := map[string]any{"event": ev}
	doc, err := s.cfg.Store.Document(r.Context(), ev.DocID)
	switch {
	case err == nil:
		ti := ev.TextInfo
		evidence := map[string]any{"start": ti.Start, "end": ti.End, "text": ti.Text}
		if ti.Start >= 0 && ti.End <= len(doc.Text) && ti.Start <= ti.End {
			evidence["text_at_offsets"] = doc.Text[ti.Start:ti.End]
			evidence["matches"] = doc.Text[ti.Start:ti.End] == ti.Text
		}
		doc.Text, doc.Raw = "", nil
		out["document"] = doc
		out["evidence"] = evidence
	case errors.Is(err, store.ErrNotFound):
		out["document"] = nil
	default:
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) eventVersions(w http.ResponseWriter, r *http.Request) error {
	if err := onlyParams(r); err != nil {
		return err
	}
	vs, err := s.cfg.Store.EventVersions(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"versions": vs})
}

// reviewEvent stores a reviewer's corrected record as a new version.
func (s *Server) reviewEvent(w http.ResponseWriter, r *http.Request) error {
	if err := onlyParams(r); err != nil {
		return err
	}
	var ev borderwatch.Event
	if err := decodeBody(r, &ev); err != nil {
		return err
	}
	if ev.ID == "" {
		ev.ID = r.PathValue("id")
	}
	if ev.ID != r.PathValue("id") {
		return invalid("the body's id %q is not the id in the path %q", ev.ID, r.PathValue("id"))
	}
	if err := s.review(r.Context(), ev, store.ReviewCorrected); err != nil {
		return err
	}
	cur, err := s.cfg.Store.Event(r.Context(), ev.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, cur)
}

func (s *Server) deleteEvent(w http.ResponseWriter, r *http.Request) error {
	if err := onlyParams(r); err != nil {
		return err
	}
	cur, err := s.cfg.Store.Event(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.review(r.Context(), cur.Event, store.ReviewRejected); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// review keeps a person's correction (PUT) or removal (DELETE) of an event:
// through the incident service when the server groups incidents, so the
// incident follows as it does for a review in the pages, else in the store.
func (s *Server) review(ctx context.Context, ev borderwatch.Event, status string) error {
	if s.cfg.Incidents != nil {
		_, err := s.cfg.Incidents.ReviewEvent(ctx, ev, status, store.UserFrom(ctx))
		return err
	}
	if status == store.ReviewRejected {
		return s.cfg.Store.DeleteEvent(ctx, ev.ID)
	}
	_, err := s.cfg.Store.ReviewEvent(ctx, ev)
	return err
}

// decodeBody reads one JSON value, refusing unknown fields and trailing data.
func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err
		}
		return invalid("request body: %v", err)
	}
	if dec.More() {
		return invalid("request body: more than one JSON value")
	}
	return nil
}
