package api

import (
	"net/http"
	"path/filepath"
	"testing"
)

// A page session (Config.Session) reads on a server that needs tokens, but
// never writes: a cookie rides along on cross-site requests.
func TestSessionReadsOnly(t *testing.T) {
	db := openStore(t, filepath.Join(t.TempDir(), "s.db"))
	session := func(r *http.Request) (string, string, bool) {
		c, err := r.Cookie("page")
		if err != nil || c.Value != "alice" {
			return "", "", false
		}
		return "alice", "admin", true
	}
	ts := serve(t, Config{Store: db, Token: "op", Session: session})
	send := func(method, path string, cookie bool) int {
		req, _ := http.NewRequest(method, ts.URL+path, nil)
		if cookie {
			req.AddCookie(&http.Cookie{Name: "page", Value: "alice"})
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := send("GET", "/api/v1/events", false); st != http.StatusUnauthorized {
		t.Fatalf("read without token or session: %d, want 401", st)
	}
	if st := send("GET", "/api/v1/events", true); st != http.StatusOK {
		t.Fatalf("read with a session: %d, want 200", st)
	}
	if st := send("DELETE", "/api/v1/events/h1", true); st != http.StatusUnauthorized {
		t.Fatalf("write with only a session: %d, want 401", st)
	}
}
