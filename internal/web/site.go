package web

import "net/http"

// Site is the whole server as serve mounts it: the JSON API (its routes
// under /api/ and /metrics) beside the pages at /. serve and the browser
// tests both build it here, so the tests drive what users get.
func (s *Server) Site(api http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/api/", api)
	mux.Handle("/metrics", api)
	mux.Handle("/", s.Handler())
	return mux
}
