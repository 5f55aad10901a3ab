// Package api owns borderwatch's HTTP JSON API under /api/v1 (events, their
// map layer, documents, feeds, exports, the change feed, incidents and
// territorial control, health), its
// OpenAPI description, Prometheus metrics at /metrics, and the access rules:
// tokens, roles, public reads, and limits on body and page size. Every error
// is JSON {kind, message} with its status taken from one table.
package api

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"borderwatch/internal/service"
	"borderwatch/internal/store"
)

//go:embed openapi.json
var openAPI []byte

// DefaultMaxBody caps a request body.
const DefaultMaxBody = 1 << 20

// Config configures a Server.
type Config struct {
	Store *store.DB
	// Token is the operator's access token; it acts as an admin. Users'
	// tokens from the store work too.
	Token string
	// RequireAuth makes every request need a token (reads too, unless
	// PublicRead). serve sets it when listening beyond loopback; with Token
	// set it is implied.
	RequireAuth bool
	PublicRead  bool
	MaxBody     int64 // default DefaultMaxBody
	Logger      *slog.Logger
	// Incidents serves the incident and control views and groups the
	// documents posted to the API; nil answers those routes 503.
	Incidents *service.Incidents
	// Session, when set, names the user of a request that carries no token
	// (the pages' session cookie). It is honoured for reads only: a cookie
	// rides along on cross-site requests, so writes still need a token.
	Session func(r *http.Request) (name, role string, ok bool)
	// Alerts serves watch areas, alert rules, alerts and the live stream,
	// and evaluates the documents posted to the API; nil answers those
	// routes 503.
	Alerts *service.Alerts
}

// Server serves the API.
type Server struct {
	cfg     Config
	log     *slog.Logger
	mux     *http.ServeMux
	metrics *metrics
	started time.Time
}

// New checks cfg and builds the server.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("api: no store")
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.Token != "" {
		cfg.RequireAuth = true
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Server{cfg: cfg, log: cfg.Logger, mux: http.NewServeMux(), metrics: newMetrics(), started: time.Now()}
	s.routes()
	return s, nil
}

// access is what a route needs from the caller.
type access int

const (
	read access = iota
	write
)

// routes lists every endpoint in one place.
func (s *Server) routes() {
	s.handle("GET /api/v1/health", read, s.health)
	s.handle("GET /api/v1/openapi.json", read, s.openapi)
	s.handle("GET /api/v1/events", read, s.listEvents)
	s.handle("GET /api/v1/events.geojson", read, s.eventsGeoJSON)
	s.handle("GET /api/v1/events/{id}", read, s.getEvent)
	s.handle("GET /api/v1/events/{id}/versions", read, s.eventVersions)
	s.handle("PUT /api/v1/events/{id}", write, s.reviewEvent)
	s.handle("DELETE /api/v1/events/{id}", write, s.deleteEvent)
	s.handle("GET /api/v1/documents", read, s.listDocuments)
	s.handle("POST /api/v1/documents", write, s.addDocument)
	s.handle("GET /api/v1/documents/{id}", read, s.getDocument)
	s.handle("GET /api/v1/feeds", read, s.listFeeds)
	s.handle("POST /api/v1/feeds", write, s.addFeed)
	s.handle("POST /api/v1/feeds/{id}/pause", write, s.pauseFeed(true))
	s.handle("POST /api/v1/feeds/{id}/resume", write, s.pauseFeed(false))
	s.handle("DELETE /api/v1/feeds/{id}", write, s.removeFeed)
	s.handle("GET /api/v1/export", read, s.export)
	s.handle("GET /api/v1/changes", read, s.changes)
	s.handle("GET /api/v1/incidents", read, s.listIncidents)
	s.handle("GET /api/v1/incidents/{id}", read, s.getIncident)
	s.handle("POST /api/v1/incidents/{id}/merge", write, decision(s, s.mergeIncidents))
	s.handle("POST /api/v1/incidents/{id}/split", write, decision(s, s.splitIncident))
	s.handle("GET /api/v1/control", read, s.control)
	s.handle("GET /api/v1/sources", read, decision(s, s.listSources))
	s.handle("POST /api/v1/sources/grade", write, decision(s, s.gradeSource))
	s.handle("POST /api/v1/events/{id}/credibility", write, decision(s, s.gradeClaim))
	s.handle("GET /api/v1/watch-areas", read, s.alerting(s.listWatchAreas))
	s.handle("POST /api/v1/watch-areas", write, s.alerting(s.addWatchArea))
	s.handle("GET /api/v1/rules", read, s.alerting(s.listRules))
	s.handle("POST /api/v1/rules", write, s.alerting(s.addRule))
	s.handle("DELETE /api/v1/rules/{id}", write, s.alerting(s.deleteRule))
	s.handle("POST /api/v1/rules/{id}/enable", write, s.alerting(s.enableRule(true)))
	s.handle("POST /api/v1/rules/{id}/disable", write, s.alerting(s.enableRule(false)))
	s.handle("POST /api/v1/rules/{id}/test", write, s.alerting(s.testRule, "since"))
	s.handle("GET /api/v1/alerts", read, s.alerting(s.listAlerts, "limit"))
	s.handle("GET /api/v1/stream", read, s.alerting(s.stream, "kinds", "last_event_id"))
	s.handle("GET /metrics", read, s.serveMetrics)
}

// Handler returns the API as an http.Handler.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := s.mux.Handler(r); pattern == "" {
			s.noRoute(w, r)
			return
		}
		s.mux.ServeHTTP(w, r)
	})
}

// noRoute answers, as JSON, a path no route has (404) or a method the path
// does not take (405), instead of ServeMux's plain text.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) {
	for _, m := range []string{"GET", "POST", "PUT", "DELETE"} {
		r2 := r.Clone(r.Context())
		r2.Method = m
		if _, p := s.mux.Handler(r2); p != "" {
			writeError(w, r, s.log, &Error{Kind: KindMethod, Message: fmt.Sprintf("%s is not allowed on %s", r.Method, r.URL.Path)})
			return
		}
	}
	writeError(w, r, s.log, &Error{Kind: KindNotFound, Message: fmt.Sprintf("no such endpoint: %s", r.URL.Path)})
}

type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle wraps a route with access control, limits, metrics and errors.
func (s *Server) handle(pattern string, need access, h handlerFunc) {
	route := pattern
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rw := &statusWriter{ResponseWriter: w, status: 200}
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("api: panic", "route", route, "panic", p)
				writeError(rw, r, s.log, &Error{Kind: KindInternal, Message: "internal error"})
			}
			s.metrics.observe(route, rw.status, time.Since(start))
		}()
		ctx, err := s.authorize(r, need)
		if err != nil {
			writeError(rw, r, s.log, err)
			return
		}
		r = r.WithContext(ctx)
		if r.Body != nil {
			r.Body = http.MaxBytesReader(rw, r.Body, s.cfg.MaxBody)
		}
		if err := h(rw, r); err != nil {
			writeError(rw, r, s.log, err)
		}
	})
}

type statusWriter struct {
	http.ResponseWriter
	status  int
	written bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.written {
		w.status, w.written = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.written = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (the stream
// sets a write deadline per message).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// authorize checks the caller's token against what the route needs and
// returns a context naming the user, so writes are attributable.
func (s *Server) authorize(r *http.Request, need access) (context.Context, error) {
	ctx := r.Context()
	token, hasToken, err := bearer(r)
	if err != nil {
		return nil, err
	}
	if !hasToken {
		if need == read && s.cfg.Session != nil {
			if name, role, ok := s.cfg.Session(r); ok {
				return withRole(store.WithUser(ctx, name), role), nil
			}
		}
		if !s.cfg.RequireAuth || (need == read && s.cfg.PublicRead) {
			// Without required tokens the caller is the local operator;
			// an anonymous public reader is a reader.
			role := store.RoleAdmin
			if s.cfg.RequireAuth {
				role = store.RoleReader
			}
			return withRole(store.WithUser(ctx, "local"), role), nil
		}
		return nil, &Error{Kind: KindUnauthorized, Message: "this server needs a token: send Authorization: Bearer TOKEN"}
	}
	name, role := "", ""
	if s.cfg.Token != "" && constantTimeEqual(token, s.cfg.Token) {
		name, role = "operator", store.RoleAdmin
	} else {
		u, err := s.cfg.Store.Authenticate(ctx, token)
		if err != nil {
			if errors.Is(err, store.ErrAuth) {
				return nil, &Error{Kind: KindUnauthorized, Message: "the token is not valid"}
			}
			return nil, err
		}
		name, role = u.Name, u.Role
	}
	if need == write && store.RoleRank(role) < store.RoleRank(store.RoleAnalyst) {
		return nil, &Error{Kind: KindForbidden, Message: fmt.Sprintf("user %s is a %s; writing needs an analyst or admin", name, role)}
	}
	return withRole(store.WithUser(ctx, name), role), nil
}

type roleKey struct{}

func withRole(ctx context.Context, role string) context.Context {
	return context.WithValue(ctx, roleKey{}, role)
}

// isAdmin reports whether the caller is an admin (or the operator).
func isAdmin(ctx context.Context) bool {
	role, _ := ctx.Value(roleKey{}).(string)
	return role == store.RoleAdmin
}

func bearer(r *http.Request) (string, bool, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", false, nil
	}
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", false, &Error{Kind: KindUnauthorized, Message: "the Authorization header must be: Bearer TOKEN"}
	}
	return strings.TrimSpace(token), true, nil
}

func constantTimeEqual(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var v byte
	for i := range len(a) {
		v |= a[i] ^ b[i]
	}
	return v == 0
}

// IsLoopback reports whether a listen address binds only the loopback
// interface ("127.0.0.1:8080", "[::1]:80", "localhost:8080").
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckListen refuses an address beyond loopback unless there is a way to
// authenticate: an operator token, or users in the store.
func CheckListen(addr, token string, users int) error {
	if IsLoopback(addr) || token != "" || users > 0 {
		return nil
	}
	return fmt.Errorf("refusing to listen on %s without an access token: pass --token (or $BORDERWATCH_TOKEN) or add a user with 'borderwatch users add', or listen on 127.0.0.1", addr)
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) error {
	if err := onlyParams(r); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(openAPI)
	return err
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	if err := onlyParams(r); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.cfg.Store.Ping(ctx); err != nil {
		return &Error{Kind: KindUnavailable, Message: "the database does not answer", Err: err}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "database": s.cfg.Store.Dialect(),
		"uptime_seconds": int(time.Since(s.started).Seconds())})
}
