package api

import (
	"errors"
	"net/http"
	"strings"

	"borderwatch"
	"borderwatch/internal/pipeline"
	"borderwatch/internal/service"
	"borderwatch/internal/store"
)

func (s *Server) listDocuments(w http.ResponseWriter, r *http.Request) error {
	if err := onlyParams(r, "q", "lang", "source", "not_coded", "duplicates_of", "limit", "offset"); err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.DocumentFilter{Query: q.Get("q"), Lang: q.Get("lang"), Source: q.Get("source"), DuplicatesOf: q.Get("duplicates_of")}
	switch v := q.Get("not_coded"); v {
	case "":
	case "true", "1":
		f.NotCoded = new(bool)
		*f.NotCoded = true
	case "false", "0":
		f.NotCoded = new(bool)
	default:
		return invalid("not_coded: %q is not true or false", v)
	}
	var err error
	if f.Limit, err = intParam(r, "limit", store.DefaultLimit, 1, maxPage); err != nil {
		return err
	}
	if f.Offset, err = intParam(r, "offset", 0, 0, 1<<31-1); err != nil {
		return err
	}
	page, err := s.cfg.Store.Documents(r.Context(), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"total": page.Total, "limit": f.Limit, "offset": f.Offset, "documents": page.Documents})
}

// getDocument returns a document with its clean text and its events; the raw
// bytes only with ?raw=true.
func (s *Server) getDocument(w http.ResponseWriter, r *http.Request) error {
	if err := onlyParams(r, "raw"); err != nil {
		return err
	}
	d, err := s.cfg.Store.Document(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	events, err := s.cfg.Store.Events(r.Context(), store.EventFilter{DocID: d.ID, Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	out := map[string]any{"document": d, "events": events.Events}
	switch r.URL.Query().Get("raw") {
	case "true", "1":
		out["raw"] = string(d.Raw)
	case "", "false", "0":
	default:
		return invalid("raw: %q is not true or false", r.URL.Query().Get("raw"))
	}
	return writeJSON(w, http.StatusOK, out)
}

// documentInput is a posted document: the JSONL document format.
type documentInput struct {
	ID        string `json:"id"`
	URL       string `json:"url"`
	Title     string `json:"title"`
	Source    string `json:"source"`
	Published string `json:"published"`
	Text      string `json:"text"`
	HTML      string `json:"html"`
	Lang      string `json:"lang"`
}

func (s *Server) addDocument(w http.ResponseWriter, r *http.Request) error {
	if err := onlyParams(r); err != nil {
		return err
	}
	var in documentInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	if strings.TrimSpace(in.ID) == "" {
		return invalid("id: a document needs an id")
	}
	doc := borderwatch.Document{ID: in.ID, URL: in.URL, Title: in.Title, Source: in.Source, PublishedRaw: in.Published, Text: in.Text, HTML: in.HTML, Lang: in.Lang}
	if in.Published != "" {
		t, err := pipeline.ParseTime(in.Published)
		if err != nil {
			return invalid("published: %v", err)
		}
		doc.Published = t
	}
	// Through the incident service when there is one, so the document's
	// events are grouped as soon as it is stored.
	ingest := s.cfg.Store.Ingest
	if s.cfg.Incidents != nil {
		ingest = s.cfg.Incidents.Ingest
	}
	if s.cfg.Alerts != nil { // it groups through the incident service too
		ingest = s.cfg.Alerts.Ingest
	}
	created, err := ingest(r.Context(), doc)
	if errors.Is(err, service.ErrRefused) {
		// Stored but not grouped: the client's document is safe.
		s.log.Warn("api: document not grouped into incidents", "id", doc.ID, "err", err)
		err = nil
	}
	if err != nil {
		return err
	}
	s.metrics.ingested(created)
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return writeJSON(w, status, map[string]any{"id": in.ID, "created": created})
}
