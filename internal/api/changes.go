package api

import (
	"net/http"
	"strconv"

	"borderwatch/internal/export"
	"borderwatch/internal/store"
)

// changes is the sync feed: every event version and tombstone after the
// cursor, in commit order. Pass back "next" as since to continue.
func (s *Server) changes(w http.ResponseWriter, r *http.Request) error {
	if err := onlyParams(r, "since", "limit"); err != nil {
		return err
	}
	var since int64
	if v := r.URL.Query().Get("since"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return invalid("since: %q is not a cursor (a whole number from a previous answer's next)", v)
		}
		since = n
	}
	limit, err := intParam(r, "limit", 1000, 1, store.MaxChanges)
	if err != nil {
		return err
	}
	changes, next, err := s.cfg.Store.Changes(r.Context(), since, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"changes": changes, "next": next, "more": len(changes) == limit})
}

// export streams every matching event in the asked format as a download.
func (s *Server) export(w http.ResponseWriter, r *http.Request) error {
	f, err := eventFilter(r, "format")
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "plover"
	}
	x, err := export.NewWriter(format, w)
	if err != nil {
		return invalid("format: %q is not one of plover, acled, geojson, csv", format)
	}
	w.Header().Set("Content-Type", export.ContentType(format))
	w.Header().Set("Content-Disposition", `attachment; filename="borderwatch-events`+export.Extension(format)+`"`)
	err = s.cfg.Store.EachEvent(r.Context(), f, func(e store.StoredEvent) error {
		return x.Write(export.Record{Event: e.Event, Source: e.Source, URL: e.URL, UpdatedAt: e.UpdatedAt})
	})
	if err != nil {
		// The status is sent already; cutting the body short tells the client.
		s.log.Error("api: export failed midway", "err", err)
		return nil
	}
	return x.Close()
}
