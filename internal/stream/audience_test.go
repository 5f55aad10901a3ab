package stream

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// A message meant for one user (an alert of a private rule) reaches only
// viewers allowed to see it, live and on resume; the plain handler shows
// only messages meant for everyone.
func TestAudience(t *testing.T) {
	h := NewHub(Options{})
	mux := http.NewServeMux()
	mux.Handle("/plain", h)
	for _, user := range []string{"alice", "bob"} {
		mux.HandleFunc("/as/"+user, func(w http.ResponseWriter, r *http.Request) {
			h.Serve(w, r, func(audience string) bool { return audience == user })
		})
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { h.Close(); srv.Close() })

	alice, bob, plain := dial(t, srv.URL+"/as/alice", ""), dial(t, srv.URL+"/as/bob", ""), dial(t, srv.URL+"/plain", "")
	connected(t, h, 3)
	private, err := h.PublishFor(KindAlert, "alice", map[string]string{"rule": "alice's"})
	if err != nil {
		t.Fatal(err)
	}
	public := publish(t, h, KindAlert, map[string]string{"rule": "shared"})

	if e := alice.nextMessage(t); e.ID != idString(private) {
		t.Errorf("alice got %s first, want her own alert %d", e.ID, private)
	}
	if e := alice.nextMessage(t); e.ID != idString(public) {
		t.Errorf("alice got %s second, want the shared alert %d", e.ID, public)
	}
	for name, c := range map[string]*sseClient{"bob": bob, "plain": plain} {
		if e := c.nextMessage(t); e.ID != idString(public) {
			t.Errorf("%s got message %s (%s), want only the shared alert %d", name, e.ID, e.Data, public)
		}
	}

	// Resuming from before both: the replay is filtered the same way.
	bob2 := dial(t, srv.URL+"/as/bob?last_event_id=0", "")
	if e := bob2.nextMessage(t); e.ID != idString(public) {
		t.Errorf("bob's replay gave %s (%s), want only %d", e.ID, e.Data, public)
	}
}

func idString(id uint64) string { return strconv.FormatUint(id, 10) }
