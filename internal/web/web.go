// Package web owns the analyst's pages: server-rendered html/template pages
// with embedded templates and static files, mounted at / beside the JSON API
// (internal/api at /api/v1). Sessions come from logging in with a user's name
// and access token (auth.go); every state-changing form carries a CSRF token.
// All routes are listed in routes().
package web

import (
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"borderwatch/internal/geo"
	"borderwatch/internal/incident"
	"borderwatch/internal/service"
	"borderwatch/internal/store"
)

//go:embed templates static
var files embed.FS

// Config configures a Server.
type Config struct {
	Store *store.DB
	// Incidents serves the incident and control pages; nil answers them 503.
	Incidents *service.Incidents
	// Alerts serves the watch area, rule and alert pages; nil answers them
	// 503.
	Alerts *service.Alerts
	// Places resolves the place an analyst types when correcting an event;
	// nil keeps the name without coordinates.
	Places *geo.Gazetteer
	// Token is the operator's access token: logging in as "operator" with it
	// gives an admin session. Users' tokens from the store work too.
	Token string
	// RequireLogin makes reading need a logged-in user too (serve sets it
	// when the API needs a token for reads).
	RequireLogin bool
	// Secret signs session cookies; empty picks a random one, so sessions end
	// with the process.
	Secret []byte
	// SecureCookie marks the session cookie Secure (served over HTTPS).
	SecureCookie bool
	// SessionTTL is how long a login lasts; default 12 hours.
	SessionTTL time.Duration
	Logger     *slog.Logger
}

// Server serves the pages.
type Server struct {
	cfg    Config
	log    *slog.Logger
	mux    *http.ServeMux
	pages  map[string]*template.Template
	hashes map[string]string // static file name → short content hash
}

// New checks cfg, parses the templates and builds the server.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("web: no store")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if len(cfg.Secret) == 0 {
		cfg.Secret = make([]byte, 32)
		if _, err := rand.Read(cfg.Secret); err != nil {
			return nil, fmt.Errorf("web: session secret: %w", err)
		}
	}
	s := &Server{cfg: cfg, log: cfg.Logger, mux: http.NewServeMux(), pages: map[string]*template.Template{}, hashes: map[string]string{}}
	if err := s.hashStatic(); err != nil {
		return nil, err
	}
	if err := s.parsePages(); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

// routes lists every page in one place.
func (s *Server) routes() {
	s.mux.Handle("GET /static/", s.static())
	s.handle("GET /login", anyone, s.loginPage)
	s.handle("POST /login", anyone, s.login)
	s.handle("POST /logout", anyone, s.logout)
	s.handle("GET /{$}", reader, s.mainPage)
	s.handle("GET /map/incidents.json", reader, s.mapIncidents)
	s.handle("GET /map/shapes.json", anyone, s.mapShapes)
	s.handle("GET /map/areas.json", reader, s.mapAreas)

	s.handle("GET /incidents/{id}", reader, s.incidentPage)
	s.handle("POST /incidents/{id}/notes", analyst, s.addNote)
	s.handle("POST /incidents/{id}/review", analyst, s.reviewIncident)
	s.handle("POST /incidents/{id}/merge", analyst, s.mergeIncident)
	s.handle("POST /incidents/{id}/split", analyst, s.splitIncident)
	s.handle("POST /events/{id}/review", analyst, s.reviewEvent)
	s.handle("GET /documents/{id}", reader, s.documentPage)
	s.handle("GET /control", reader, s.controlPage)
	s.handle("GET /feeds", reader, s.feedsPage)
	s.handle("POST /feeds", admin, s.addFeed)
	s.handle("POST /feeds/{id}/pause", admin, s.pauseFeed(true))
	s.handle("POST /feeds/{id}/resume", admin, s.pauseFeed(false))
	s.handle("POST /feeds/{id}/remove", admin, s.removeFeed)
	s.handle("GET /alerts", reader, s.alertsPage)
	s.handle("POST /alerts/areas", analyst, s.addArea)
	s.handle("POST /alerts/rules", analyst, s.addRule)
	s.handle("POST /alerts/rules/{id}/replay", analyst, s.replayRule)
	s.handle("POST /alerts/rules/{id}/enable", analyst, s.ruleAction(enableRule(true)))
	s.handle("POST /alerts/rules/{id}/disable", analyst, s.ruleAction(enableRule(false)))
	s.handle("POST /alerts/rules/{id}/delete", analyst, s.ruleAction(deleteRule))
	s.handle("GET /users", admin, s.usersPage)
	s.handle("/", anyone, s.notFound)
	s.handle("POST /users", admin, s.addUser)
	s.handle("POST /users/{name}/remove", admin, s.removeUser)
}

// Handler returns the pages as an http.Handler. Cross-origin state-changing
// requests are refused before any handler runs, in addition to the CSRF
// token every form carries.
func (s *Server) Handler() http.Handler {
	return http.NewCrossOriginProtection().Handler(s.mux)
}

// hashStatic records a content hash per static file for cache-busting URLs.
func (s *Server) hashStatic() error {
	return fs.WalkDir(files, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		s.hashes[strings.TrimPrefix(p, "static/")] = hex.EncodeToString(sum[:6])
		return nil
	})
}

// static serves the embedded files; a URL carrying the file's hash (as
// staticURL writes it) may be cached for ever.
func (s *Server) static() http.Handler {
	sub, _ := fs.Sub(files, "static")
	fileServer := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		if h, ok := s.hashes[name]; ok && r.URL.Query().Get("v") == h {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		fileServer.ServeHTTP(w, r)
	})
}

// staticURL is the template function naming a static file with its hash.
func (s *Server) staticURL(name string) string {
	return "/static/" + name + "?v=" + s.hashes[name]
}

// parsePages parses every page template with the layout around it.
func (s *Server) parsePages() error {
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return err
	}
	funcs := s.funcs()
	for _, p := range names {
		name := path.Base(p)
		if name == "layout.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", p)
		if err != nil {
			return fmt.Errorf("web: template %s: %w", name, err)
		}
		s.pages[name] = t
	}
	return nil
}

// Page is what every template receives: the viewer, the CSRF token for its
// forms, and the page's own data.
type Page struct {
	Title string
	User  Viewer
	CSRF  string
	Path  string // the request's path, for the nav's current page
	Error string // a refusal to show above the page's content
	Data  any
}

// render writes the page name (a file of templates/) with status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	t := s.pages[name]
	if t == nil {
		s.log.Error("web: no such template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	sess := sessionFrom(r)
	p := Page{Title: title, User: sess.viewer(), CSRF: s.csrfToken(sess), Path: r.URL.Path, Data: data}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, "layout.html", p); err != nil {
		s.log.Error("web: render", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	setPageHeaders(w)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

// setPageHeaders forbids framing and inline scripts from anywhere but us:
// reports are hostile, and escaping is the first defence, this the second.
func setPageHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
}

// pageError is the data of the error page.
type pageError struct {
	Status  int
	Message string
	Back    string
}

// Error kinds handlers return, so that the status is chosen in one place.
var (
	errBadInput = errors.New("bad input")
	errNoAccess = errors.New("forbidden")
)

func badInput(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errBadInput, fmt.Sprintf(format, args...))
}

// statusOf maps an error to its status and the message a user may see.
func statusOf(err error) (int, string) {
	msg := err.Error()
	switch {
	case errors.Is(err, errBadInput):
		return http.StatusBadRequest, strings.TrimPrefix(msg, errBadInput.Error()+": ")
	case errors.Is(err, errNoAccess):
		return http.StatusForbidden, strings.TrimPrefix(msg, errNoAccess.Error()+": ")
	case errors.Is(err, store.ErrNotFound), errors.Is(err, incident.ErrNotFound):
		return http.StatusNotFound, msg
	case errors.Is(err, store.ErrInvalid), errors.Is(err, service.ErrRejected):
		return http.StatusBadRequest, msg
	case errors.Is(err, store.ErrConflict):
		return http.StatusConflict, msg
	case errors.Is(err, errUnavailable), errors.Is(err, errNoAlerts):
		return http.StatusServiceUnavailable, msg
	}
	return http.StatusInternalServerError, "internal error"
}

var errUnavailable = errors.New("this server does not group incidents")

func (s *Server) incidents() (*service.Incidents, error) {
	if s.cfg.Incidents == nil {
		return nil, errUnavailable
	}
	return s.cfg.Incidents, nil
}

// fail renders the error page for err.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := statusOf(err)
	if status == http.StatusInternalServerError {
		s.log.Error("web: request failed", "path", r.URL.Path, "err", err)
	}
	back := r.Referer()
	if !strings.HasPrefix(back, "/") && !sameHost(back, r) {
		back = "/"
	}
	s.render(w, r, status, "error.html", http.StatusText(status), pageError{Status: status, Message: msg, Back: back})
}

func sameHost(ref string, r *http.Request) bool {
	return ref != "" && (strings.HasPrefix(ref, "http://"+r.Host+"/") || strings.HasPrefix(ref, "https://"+r.Host+"/"))
}

// notFound answers every path no page has with the error page.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	return fmt.Errorf("no page at %s: %w", r.URL.Path, store.ErrNotFound)
}

// seeOther answers a successful form with a redirect to the page showing
// its result (post/redirect/get).
func seeOther(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}
