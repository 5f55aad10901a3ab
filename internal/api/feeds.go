package api

import (
	"net/http"
	"strconv"
	"time"

	"borderwatch"
)

// feedView is a feed as the API shows it: the interval as a Go duration
// string ("10m0s") rather than nanoseconds.
type feedView struct {
	borderwatch.Feed
	Every string `json:"every"`
}

func viewFeed(f borderwatch.Feed) feedView { return feedView{Feed: f, Every: f.Every.String()} }

func (s *Server) listFeeds(w http.ResponseWriter, r *http.Request) error {
	if err := onlyParams(r); err != nil {
		return err
	}
	feeds, err := s.cfg.Store.Feeds(r.Context())
	if err != nil {
		return err
	}
	out := make([]feedView, len(feeds))
	for i, f := range feeds {
		out[i] = viewFeed(f)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"feeds": out})
}

func (s *Server) addFeed(w http.ResponseWriter, r *http.Request) error {
	if err := onlyParams(r); err != nil {
		return err
	}
	var in struct {
		URL    string `json:"url"`
		Every  string `json:"every"`
		Title  string `json:"title"`
		Paused bool   `json:"paused"`
	}
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	every := 30 * time.Minute
	if in.Every != "" {
		d, err := time.ParseDuration(in.Every)
		if err != nil {
			return invalid("every: %q is not a duration like 10m or 1h", in.Every)
		}
		every = d
	}
	f, err := s.cfg.Store.AddFeed(r.Context(), borderwatch.Feed{URL: in.URL, Every: every, Title: in.Title, Paused: in.Paused})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, viewFeed(f))
}

func feedID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, invalid("feed id %q is not a positive number", r.PathValue("id"))
	}
	return id, nil
}

func (s *Server) pauseFeed(paused bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := onlyParams(r); err != nil {
			return err
		}
		id, err := feedID(r)
		if err != nil {
			return err
		}
		f, err := s.cfg.Store.SetFeedPaused(r.Context(), id, paused)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, viewFeed(f))
	}
}

func (s *Server) removeFeed(w http.ResponseWriter, r *http.Request) error {
	if err := onlyParams(r); err != nil {
		return err
	}
	id, err := feedID(r)
	if err != nil {
		return err
	}
	if err := s.cfg.Store.RemoveFeed(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
