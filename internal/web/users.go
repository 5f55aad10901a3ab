package web

import (
	"net/http"
	"net/url"
	"strings"

	"borderwatch/internal/store"
)

type usersView struct {
	Users []store.User
	Roles []string
	// NewUser and NewToken show a created account's token, once.
	NewUser  string
	NewToken string
	Form     url.Values
	Err      string
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) error {
	return s.showUsers(w, r, http.StatusOK, usersView{})
}

func (s *Server) showUsers(w http.ResponseWriter, r *http.Request, status int, v usersView) error {
	users, err := s.cfg.Store.Users(r.Context())
	if err != nil {
		return err
	}
	v.Users, v.Roles = users, []string{store.RoleReader, store.RoleAnalyst, store.RoleAdmin}
	s.render(w, r, status, "users.html", "Users", v)
	return nil
}

// addUser creates an account and shows its token on the answering page
// itself, not after a redirect: it is never stored and cannot be shown
// again.
func (s *Server) addUser(w http.ResponseWriter, r *http.Request) error {
	name, role := strings.TrimSpace(r.PostForm.Get("name")), r.PostForm.Get("role")
	u, token, err := s.cfg.Store.AddUser(r.Context(), name, role)
	if err != nil {
		st, msg := statusOf(err)
		if st == http.StatusInternalServerError {
			return err
		}
		return s.showUsers(w, r, st, usersView{Form: r.PostForm, Err: msg})
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.showUsers(w, r, http.StatusOK, usersView{NewUser: u.Name, NewToken: token})
}

func (s *Server) removeUser(w http.ResponseWriter, r *http.Request) error {
	if err := s.cfg.Store.RemoveUser(r.Context(), r.PathValue("name")); err != nil {
		return err
	}
	seeOther(w, r, "/users")
	return nil
}
