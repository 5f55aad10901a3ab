package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"borderwatch"
)

type feedsView struct {
	Feeds []borderwatch.Feed
	Form  url.Values // a refused subscription, to show again
	Err   string
}

func (s *Server) feedsPage(w http.ResponseWriter, r *http.Request) error {
	return s.showFeeds(w, r, nil, nil)
}

func (s *Server) showFeeds(w http.ResponseWriter, r *http.Request, form url.Values, formErr error) error {
	feeds, err := s.cfg.Store.Feeds(r.Context())
	if err != nil {
		return err
	}
	v := feedsView{Feeds: feeds, Form: form}
	status := http.StatusOK
	if formErr != nil {
		st, msg := statusOf(formErr)
		if st == http.StatusInternalServerError {
			return formErr
		}
		status, v.Err = st, msg
	}
	s.render(w, r, status, "feeds.html", "Feeds", v)
	return nil
}

func (s *Server) addFeed(w http.ResponseWriter, r *http.Request) error {
	f := borderwatch.Feed{URL: strings.TrimSpace(r.PostForm.Get("url")), Title: strings.TrimSpace(r.PostForm.Get("title")), Every: 30 * time.Minute}
	if e := strings.TrimSpace(r.PostForm.Get("every")); e != "" {
		d, err := time.ParseDuration(e)
		if err != nil {
			return s.showFeeds(w, r, r.PostForm, badInput("every: %q is not a duration like 10m or 1h", e))
		}
		f.Every = d
	}
	if _, err := s.cfg.Store.AddFeed(r.Context(), f); err != nil {
		return s.showFeeds(w, r, r.PostForm, err)
	}
	seeOther(w, r, "/feeds")
	return nil
}

func feedID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, badInput("feed id %q is not a number", r.PathValue("id"))
	}
	return id, nil
}

func (s *Server) pauseFeed(paused bool) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := feedID(r)
		if err != nil {
			return err
		}
		if _, err := s.cfg.Store.SetFeedPaused(r.Context(), id, paused); err != nil {
			return err
		}
		seeOther(w, r, "/feeds")
		return nil
	}
}

func (s *Server) removeFeed(w http.ResponseWriter, r *http.Request) error {
	id, err := feedID(r)
	if err != nil {
		return err
	}
	if err := s.cfg.Store.RemoveFeed(r.Context(), id); err != nil {
		return err
	}
	seeOther(w, r, "/feeds")
	return nil
}
