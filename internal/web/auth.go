package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"borderwatch/internal/store"
)

// need is what a route asks of the viewer.
type need int

const (
	anyone  need = iota // the login page
	reader              // reading: anonymous too unless Config.RequireLogin
	analyst             // reviews, notes, merges, alerts
	admin               // feeds and users
)

var needRole = map[need]string{reader: store.RoleReader, analyst: store.RoleAnalyst, admin: store.RoleAdmin}

// cookieName is the session cookie; it carries a signed session, never a
// token.
const cookieName = "bw_session"

// operatorName is the user name that logs in with the operator token.
const operatorName = "operator"

// session is what the signed cookie holds. ID is random per login (and per
// anonymous visitor) and is what CSRF tokens are derived from; a new login
// gets a new ID, so a session planted before login is worth nothing.
type session struct {
	ID       string `json:"id"`
	User     string `json:"user,omitempty"`
	Role     string `json:"role,omitempty"`
	Operator bool   `json:"op,omitempty"`
	Expires  int64  `json:"exp"`
}

// Viewer is the logged-in user as templates see it.
type Viewer struct {
	Name string
	Role string
}

// LoggedIn, CanReview and IsAdmin decide what a template offers; the
// handlers check the same rules again.
func (v Viewer) LoggedIn() bool  { return v.Name != "" }
func (v Viewer) CanReview() bool { return store.RoleRank(v.Role) >= store.RoleRank(store.RoleAnalyst) }
func (v Viewer) IsAdmin() bool   { return store.RoleRank(v.Role) >= store.RoleRank(store.RoleAdmin) }

func (s session) viewer() Viewer { return Viewer{Name: s.User, Role: s.Role} }

type sessionKey struct{}

func sessionFrom(r *http.Request) session {
	sess, _ := r.Context().Value(sessionKey{}).(session)
	return sess
}

func newID() string {
	var b [18]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (s *Server) mac(parts ...string) []byte {
	m := hmac.New(sha256.New, s.cfg.Secret)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return m.Sum(nil)
}

func (s *Server) encodeSession(sess session) string {
	b, _ := json.Marshal(sess)
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + base64.RawURLEncoding.EncodeToString(s.mac("session", payload))
}

func (s *Server) decodeSession(v string) (session, bool) {
	payload, sig, ok := strings.Cut(v, ".")
	if !ok {
		return session{}, false
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.mac("session", payload)) {
		return session{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return session{}, false
	}
	var sess session
	if json.Unmarshal(b, &sess) != nil || sess.ID == "" || time.Now().Unix() > sess.Expires {
		return session{}, false
	}
	return sess, true
}

func (s *Server) setSession(w http.ResponseWriter, sess session) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: s.encodeSession(sess), Path: "/",
		MaxAge: int(s.cfg.SessionTTL.Seconds()), HttpOnly: true, Secure: s.cfg.SecureCookie, SameSite: http.SameSiteLaxMode})
}

func (s *Server) anonymous() session {
	return session{ID: newID(), Expires: time.Now().Add(s.cfg.SessionTTL).Unix()}
}

// session reads the request's session, checking that its user still exists
// with the same role (a removed user's session ends at once), or starts an
// anonymous one.
func (s *Server) session(w http.ResponseWriter, r *http.Request) (session, error) {
	c, err := r.Cookie(cookieName)
	if err == nil {
		if sess, ok := s.decodeSession(c.Value); ok {
			if sess.User == "" {
				return sess, nil
			}
			if sess.Operator {
				if s.cfg.Token != "" {
					return sess, nil
				}
			} else {
				role, err := s.userRole(r.Context(), sess.User)
				if err != nil {
					return session{}, err
				}
				if role != "" {
					sess.Role = role
					return sess, nil
				}
			}
		}
	}
	sess := s.anonymous()
	s.setSession(w, sess)
	return sess, nil
}

// userRole returns the stored role of user name, "" when there is no such
// user. The users table is small; listing it is cheaper than a new query.
func (s *Server) userRole(ctx context.Context, name string) (string, error) {
	users, err := s.cfg.Store.Users(ctx)
	if err != nil {
		return "", err
	}
	for _, u := range users {
		if u.Name == name {
			return u.Role, nil
		}
	}
	return "", nil
}

// csrfToken is the token a session's forms carry: a MAC of its ID, so it
// needs no storage and dies with the session.
func (s *Server) csrfToken(sess session) string {
	if sess.ID == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(s.mac("csrf", sess.ID))
}

func (s *Server) checkCSRF(sess session, token string) bool {
	want := s.csrfToken(sess)
	return want != "" && subtle.ConstantTimeCompare([]byte(token), []byte(want)) == 1
}

// maxForm caps a form body; notes are the longest field.
const maxForm = 1 << 20

// handle wraps a route with the session, the CSRF check of state-changing
// requests, the access rule and error pages.
func (s *Server) handle(pattern string, n need, h func(http.ResponseWriter, *http.Request) error) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("web: panic", "route", pattern, "panic", p)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		sess, err := s.session(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), sessionKey{}, sess))
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if err := r.ParseForm(); err != nil {
				s.fail(w, r, badInput("the form could not be read: %v", err))
				return
			}
			if !s.checkCSRF(sess, r.PostForm.Get("csrf")) {
				s.fail(w, r, fmt.Errorf("%w: the form is out of date or came from another site; reload the page and send it again", errNoAccess))
				return
			}
		}
		if n != anyone && sess.User == "" && (n > reader || s.cfg.RequireLogin) {
			if r.Method == http.MethodGet {
				seeOther(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()))
				return
			}
			s.fail(w, r, fmt.Errorf("%w: log in to do this", errNoAccess))
			return
		}
		if n > reader && store.RoleRank(sess.Role) < store.RoleRank(needRole[n]) {
			s.fail(w, r, fmt.Errorf("%w: %s is a %s; this needs an %s", errNoAccess, sess.User, sess.Role, needRole[n]))
			return
		}
		if sess.User != "" {
			r = r.WithContext(store.WithUser(r.Context(), sess.User))
		}
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

type loginData struct {
	Name string
	Next string
	Err  string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "login.html", "Log in", loginData{Next: safeNext(r.URL.Query().Get("next"))})
	return nil
}

// errLogin is the one message for every failed login, so it tells nothing
// about which names exist.
var errLogin = errors.New("the user name and token do not match")

// login checks the name and token and starts a new session.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	name := strings.TrimSpace(r.PostForm.Get("name"))
	token := strings.TrimSpace(r.PostForm.Get("token"))
	next := safeNext(r.PostForm.Get("next"))
	sess := session{ID: newID(), Expires: time.Now().Add(s.cfg.SessionTTL).Unix()}
	switch {
	case name == "" || token == "":
		s.render(w, r, http.StatusBadRequest, "login.html", "Log in", loginData{Name: name, Next: next, Err: "give your user name and your access token"})
		return nil
	case s.cfg.Token != "" && name == operatorName:
		if subtle.ConstantTimeCompare([]byte(token), []byte(s.cfg.Token)) != 1 {
			break
		}
		sess.User, sess.Role, sess.Operator = operatorName, store.RoleAdmin, true
	default:
		u, err := s.cfg.Store.Authenticate(r.Context(), token)
		if err != nil && !errors.Is(err, store.ErrAuth) {
			return err
		}
		if err == nil && u.Name == name {
			sess.User, sess.Role = u.Name, u.Role
		}
	}
	if sess.User == "" {
		s.log.Info("web: failed login", "name", name, "remote", r.RemoteAddr)
		s.render(w, r, http.StatusUnauthorized, "login.html", "Log in", loginData{Name: name, Next: next, Err: errLogin.Error()})
		return nil
	}
	s.setSession(w, sess)
	seeOther(w, r, next)
	return nil
}

// logout replaces the session with a fresh anonymous one.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	s.setSession(w, s.anonymous())
	seeOther(w, r, "/login")
	return nil
}

// SessionUser returns the user of the request's session cookie, for the API
// to accept page sessions on its reads (an EventSource cannot send a
// token). It never starts a session.
func (s *Server) SessionUser(r *http.Request) (name, role string, ok bool) {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return "", "", false
	}
	sess, valid := s.decodeSession(c.Value)
	if !valid || sess.User == "" {
		return "", "", false
	}
	if sess.Operator {
		return sess.User, sess.Role, s.cfg.Token != ""
	}
	role, err = s.userRole(r.Context(), sess.User)
	if err != nil || role == "" {
		return "", "", false
	}
	return sess.User, role, true
}
