package api

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// metrics is a hand-written Prometheus exposition: a few counters do not
// justify client_golang's 4 MB.
type metrics struct {
	mu       sync.Mutex
	requests map[[2]string]int64 // route, status -> count
	seconds  map[string]float64  // route -> total seconds
	count    map[string]int64
	created  int64
	dups     int64
}

func newMetrics() *metrics {
	return &metrics{requests: map[[2]string]int64{}, seconds: map[string]float64{}, count: map[string]int64{}}
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[[2]string{route, fmt.Sprint(status)}]++
	m.seconds[route] += d.Seconds()
	m.count[route]++
}

func (m *metrics) ingested(created bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if created {
		m.created++
	} else {
		m.dups++
	}
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) error {
	if err := onlyParams(r); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	st, err := s.cfg.Store.Stats(ctx)
	if err != nil {
		return err
	}
	var b strings.Builder
	gauge := func(name, help string, v any) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s %v\n", name, help, name, name, v)
	}
	gauge("borderwatch_documents", "Documents stored.", st.Documents)
	gauge("borderwatch_documents_not_coded", "Documents stored but not coded (language, no text).", st.NotCoded)
	gauge("borderwatch_events", "Live events stored.", st.Events)
	gauge("borderwatch_feeds", "Feeds subscribed.", st.Feeds)
	gauge("borderwatch_users", "User accounts.", st.Users)
	gauge("borderwatch_change_sequence", "Sequence number of the latest change.", st.LastSeq)
	gauge("borderwatch_uptime_seconds", "Seconds since the server started.", int64(time.Since(s.started).Seconds()))

	m := s.metrics
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintf(&b, "# HELP borderwatch_api_documents_ingested_total Documents posted to the API, by outcome.\n# TYPE borderwatch_api_documents_ingested_total counter\n")
	fmt.Fprintf(&b, "borderwatch_api_documents_ingested_total{outcome=\"created\"} %d\nborderwatch_api_documents_ingested_total{outcome=\"duplicate\"} %d\n", m.created, m.dups)
	fmt.Fprintf(&b, "# HELP borderwatch_http_requests_total HTTP requests by route and status.\n# TYPE borderwatch_http_requests_total counter\n")
	keys := make([][2]string, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	for _, k := range keys {
		fmt.Fprintf(&b, "borderwatch_http_requests_total{route=%q,code=%q} %d\n", k[0], k[1], m.requests[k])
	}
	fmt.Fprintf(&b, "# HELP borderwatch_http_request_duration_seconds Time spent answering, by route.\n# TYPE borderwatch_http_request_duration_seconds summary\n")
	routes := make([]string, 0, len(m.count))
	for r := range m.count {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	for _, r := range routes {
		fmt.Fprintf(&b, "borderwatch_http_request_duration_seconds_sum{route=%q} %g\nborderwatch_http_request_duration_seconds_count{route=%q} %d\n", r, m.seconds[r], r, m.count[r])
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, err = w.Write([]byte(b.String()))
	return err
}
