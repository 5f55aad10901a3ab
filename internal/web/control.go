package web

import (
	"net/http"
	"strings"
	"time"

	"borderwatch/internal/incident"
)

type controlView struct {
	Region string
	At     string
	Err    string
	Rows   []incident.Control
	Asked  bool
}

// controlPage answers who held which place of a region as of a date.
func (s *Server) controlPage(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.incidents()
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := controlView{Region: strings.TrimSpace(q.Get("region")), At: strings.TrimSpace(q.Get("at"))}
	status := http.StatusOK
	if q.Has("region") || q.Has("at") {
		v.Asked = true
		at := time.Now().UTC()
		if v.At != "" {
			t, err := time.Parse("2006-01-02", v.At)
			if err != nil {
				v.Err, status = "the date must be YYYY-MM-DD, e.g. 2021-07-06", http.StatusBadRequest
			}
			at = t
		}
		if v.Err == "" {
			v.Rows = svc.ControlAsOf(v.Region, at)
		}
	}
	s.render(w, r, status, "control.html", "Territorial control", v)
	return nil
}
