package web

import (
	"context"
	"encoding/base64"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"borderwatch"
	"borderwatch/internal/actor"
	"borderwatch/internal/demo"
	"borderwatch/internal/incident"
	"borderwatch/internal/service"
	"borderwatch/internal/store"
	"borderwatch/internal/store/storetest"
)

// pagesEnv is a server with the demo reports on a real SQLite file, served
// on loopback, with an analyst, a reader and an admin.
type pagesEnv struct {
	t      *testing.T
	db     *store.DB
	svc    *service.Incidents
	srv    *httptest.Server
	tokens map[string]string
	dict   *actor.Dictionary
	alerts *service.Alerts
}

func newPagesEnv(t *testing.T, cfg Config) *pagesEnv {
	t.Helper()
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "web.db")
	db, err := store.Open(ctx, dsn, store.Options{Extractor: storetest.Extractor(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	docs, err := demo.Reports()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if _, err := db.Ingest(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	dict, err := actor.Load()
	if err != nil {
		t.Fatal(err)
	}
	svc, _, err := service.Open(ctx, db, incident.Options{Dict: dict})
	if err != nil {
		t.Fatal(err)
	}
	e := &pagesEnv{t: t, db: db, svc: svc, tokens: map[string]string{}, dict: dict}
	for name, role := range map[string]string{"alice": store.RoleAnalyst, "rita": store.RoleReader, "ada": store.RoleAdmin} {
		_, tok, err := db.AddUser(ctx, name, role)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[name] = tok
	}
	cfg.Store, cfg.Incidents = db, svc
	if cfg.Alerts != nil { // a marker: the test wants the alert service
		al, err := service.OpenAlerts(ctx, db, service.AlertsOptions{Incidents: svc, Gazetteer: testGazetteer(t)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { al.Close(context.Background()) })
		cfg.Alerts, e.alerts = al, al
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(s.Handler())
	t.Cleanup(e.srv.Close)
	return e
}

// client is one browser: its own cookies, redirects not followed so tests
// see them.
type client struct {
	e *pagesEnv
	c *http.Client
}

func (e *pagesEnv) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) do(req *http.Request) (int, string, http.Header) {
	c.e.t.Helper()
	resp, err := c.c.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func (c *client) get(path string) (int, string, http.Header) {
	req, _ := http.NewRequest("GET", c.e.srv.URL+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) (int, string, http.Header) {
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the token of the forms on page path.
func (c *client) csrf(path string) string {
	c.e.t.Helper()
	_, body, _ := c.get(path)
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		c.e.t.Fatalf("no CSRF token on %s", path)
	}
	return html.UnescapeString(m[1])
}

// send posts a form as a page would: with the CSRF token of the page from.
func (c *client) send(from, path string, form url.Values) (int, string, http.Header) {
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", c.csrf(from))
	return c.post(path, form)
}

func (c *client) login(name, token string) {
	c.e.t.Helper()
	st, body, h := c.send("/login", "/login", url.Values{"name": {name}, "token": {token}, "next": {"/control"}})
	if st != http.StatusSeeOther || h.Get("Location") != "/control" {
		c.e.t.Fatalf("login %s: status %d, location %q: %s", name, st, h.Get("Location"), body)
	}
}

func (e *pagesEnv) as(name string) *client {
	c := e.client()
	c.login(name, e.tokens[name])
	return c
}

// pick returns the first live incident cond accepts.
func (e *pagesEnv) pick(cond func(incident.Incident) bool) incident.Incident {
	e.t.Helper()
	for _, inc := range e.svc.List(service.Query{}) {
		if cond(inc) {
			return inc
		}
	}
	e.t.Fatal("no demo incident fits the test")
	return incident.Incident{}
}

func disagrees(inc incident.Incident) bool { return service.Disagreeing(inc) > 0 }

func TestLoginSessionCookie(t *testing.T) {
	e := newPagesEnv(t, Config{})
	c := e.client()
	st, body, _ := c.send("/login", "/login", url.Values{"name": {"alice"}, "token": {e.tokens["rita"]}})
	if st != http.StatusUnauthorized || !strings.Contains(body, "the user name and token do not match") {
		t.Fatalf("alice with rita's token: status %d; want 401 and the one message for every failure", st)
	}
	if !strings.Contains(body, `value="alice"`) {
		t.Error("a refused login loses the name typed")
	}
	form := url.Values{"name": {"alice"}, "token": {e.tokens["alice"]}, "next": {"https://evil.example/"}, "csrf": {c.csrf("/login")}}
	st, _, h := c.post("/login", form)
	if st != http.StatusSeeOther || h.Get("Location") != "/" {
		t.Fatalf("login with an outside next: status %d, location %q; want 303 to / (never off-site)", st, h.Get("Location"))
	}
	cookie := h.Get("Set-Cookie")
	for _, want := range []string{"bw_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
	if strings.Contains(cookie, e.tokens["alice"]) {
		t.Error("the session cookie carries the access token")
	}
	_, body, _ = c.get("/control")
	if !strings.Contains(body, `alice <span class="role">(analyst)</span>`) {
		t.Errorf("the header does not show who is logged in")
	}
	// A tampered cookie is not a session.
	u, _ := url.Parse(e.srv.URL)
	for _, ck := range c.c.Jar.Cookies(u) {
		if ck.Name == cookieName {
			payload, sig, _ := strings.Cut(ck.Value, ".")
			b, _ := base64.RawURLEncoding.DecodeString(payload)
			b = []byte(strings.Replace(string(b), `"analyst"`, `"admin"`, 1))
			forged := base64.RawURLEncoding.EncodeToString(b) + "." + sig
			c2 := e.client()
			c2.c.Jar.SetCookies(u, []*http.Cookie{{Name: cookieName, Value: forged}})
			if _, body, _ := c2.get("/control"); !strings.Contains(body, "not logged in") {
				t.Error("a tampered session cookie was accepted")
			}
		}
	}
	// Logging out ends the session.
	c.send("/control", "/logout", nil)
	if _, body, _ := c.get("/control"); !strings.Contains(body, "not logged in") {
		t.Error("still logged in after logging out")
	}
}

func TestRemovedUserSessionEnds(t *testing.T) {
	e := newPagesEnv(t, Config{})
	c := e.as("alice")
	if err := e.db.RemoveUser(context.Background(), "alice"); err != nil {
		t.Fatal(err)
	}
	if _, body, _ := c.get("/control"); !strings.Contains(body, "not logged in") {
		t.Error("a removed user's session still works")
	}
}

func TestOperatorTokenLogsInAsAdmin(t *testing.T) {
	e := newPagesEnv(t, Config{Token: "op-secret-token"})
	c := e.client()
	st, _, _ := c.send("/login", "/login", url.Values{"name": {"operator"}, "token": {"wrong"}})
	if st != http.StatusUnauthorized {
		t.Fatalf("operator with a wrong token: %d, want 401", st)
	}
	c.login("operator", "op-secret-token")
	st, body, _ := c.get("/users")
	if st != http.StatusOK || !strings.Contains(body, "rita") {
		t.Fatalf("operator on /users: %d; want the users listed", st)
	}
}

func TestRequireLogin(t *testing.T) {
	e := newPagesEnv(t, Config{RequireLogin: true})
	inc := e.pick(func(incident.Incident) bool { return true })
	st, _, h := e.client().get("/incidents/" + inc.ID)
	if st != http.StatusSeeOther || h.Get("Location") != "/login?next="+url.QueryEscape("/incidents/"+inc.ID) {
		t.Fatalf("anonymous read with login required: %d to %q; want 303 to the login page", st, h.Get("Location"))
	}
	if st, _, _ := e.as("rita").get("/incidents/" + inc.ID); st != http.StatusOK {
		t.Fatalf("reader: %d", st)
	}
	// Without RequireLogin an anonymous visitor reads but cannot write.
	e2 := newPagesEnv(t, Config{})
	anon := e2.client()
	if st, _, _ := anon.get("/incidents/" + inc.ID); st != http.StatusOK {
		t.Fatalf("anonymous read on an open server: %d", st)
	}
	if st, _, _ := anon.send("/login", "/incidents/"+inc.ID+"/notes", url.Values{"note": {"x"}}); st != http.StatusForbidden {
		t.Fatalf("anonymous note: %d, want 403", st)
	}
}

func TestCSRFRefused(t *testing.T) {
	e := newPagesEnv(t, Config{})
	inc := e.pick(func(incident.Incident) bool { return true })
	alice := e.as("alice")
	path := "/incidents/" + inc.ID + "/notes"
	// No token, a made-up token, another session's token.
	other := e.as("ada").csrf("/control")
	for _, tok := range []string{"", "made-up", other} {
		form := url.Values{"note": {"sneaked in"}}
		if tok != "" {
			form.Set("csrf", tok)
		}
		st, body, _ := alice.post(path, form)
		if st != http.StatusForbidden || !strings.Contains(body, "reload the page") {
			t.Errorf("CSRF token %q: status %d, want 403 saying what to do", tok, st)
		}
	}
	// A cross-site request is refused even with the right token.
	form := url.Values{"note": {"sneaked in"}, "csrf": {alice.csrf("/control")}}
	req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if st, _, _ := alice.do(req); st != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", st)
	}
	notes, err := e.db.Notes(context.Background(), inc.ID)
	if err != nil || len(notes) != 0 {
		t.Fatalf("refused forms stored notes: %v %v", notes, err)
	}
	// With the page's token it goes through.
	if st, _, _ := alice.send("/incidents/"+inc.ID, path, url.Values{"note": {"kept"}}); st != http.StatusSeeOther {
		t.Fatalf("note with the token: %d", st)
	}
}

func TestIncidentPage(t *testing.T) {
	e := newPagesEnv(t, Config{})
	inc := e.pick(disagrees)
	st, body, h := e.client().get("/incidents/" + inc.ID)
	if st != http.StatusOK {
		t.Fatalf("status %d", st)
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("no script policy: %q", csp)
	}
	for _, want := range []string{`id="summary"`, `id="disagreements"`, "⚠ disagree", `class="evidence"`, `<mark class="m-trigger"`, "independent"} {
		if !strings.Contains(body, want) {
			t.Errorf("incident page lacks %s", want)
		}
	}
	// Every disagreeing value is in the table with who says it.
	for _, d := range inc.Disagreements {
		if !d.Disagree {
			continue
		}
		for _, v := range d.Values {
			if !strings.Contains(body, `<td class="value">`+html.EscapeString(v.Value)+`</td>`) {
				t.Errorf("%s value %q missing from the table", d.Field, v.Value)
			}
			for _, o := range v.Outlets {
				if !strings.Contains(body, html.EscapeString(o)) {
					t.Errorf("outlet %q saying %s %q missing", o, d.Field, v.Value)
				}
			}
		}
	}
	for _, m := range inc.Members {
		if !strings.Contains(body, `href="/documents/`+url.PathEscape(m.DocID)+`"`) {
			t.Errorf("no link to document %s", m.DocID)
		}
	}
	if strings.Contains(body, "Review this event") || strings.Contains(body, "Add a note") {
		t.Error("an anonymous visitor is offered review forms")
	}
	if st, _, _ := e.client().get("/incidents/no-such-incident"); st != http.StatusNotFound {
		t.Errorf("unknown incident: %d, want 404", st)
	}
}

func TestNotesKeepWhoAndWhen(t *testing.T) {
	e := newPagesEnv(t, Config{})
	inc := e.pick(func(incident.Incident) bool { return true })
	alice := e.as("alice")
	page := "/incidents/" + inc.ID
	if st, _, _ := alice.send(page, page+"/notes", url.Values{"note": {"Second look: the count <b>doubles</b> in the later report."}}); st != http.StatusSeeOther {
		t.Fatalf("note: %d", st)
	}
	_, body, _ := alice.get(page)
	if !strings.Contains(body, "Second look: the count &lt;b&gt;doubles&lt;/b&gt; in the later report.") || !strings.Contains(body, `<p class="meta">alice, 20`) {
		t.Error("the note is not shown escaped with who and when")
	}
	// Bad input is refused with a reason and the text comes back.
	long := strings.Repeat("word ", store.MaxNoteBytes/5+1)
	st, body, _ := alice.send(page, page+"/notes", url.Values{"note": {long}})
	if st != http.StatusBadRequest || !strings.Contains(body, "more than the 10000 allowed") || !strings.Contains(body, long[:200]) {
		t.Errorf("too long a note: status %d; want 400 naming the limit and the text kept", st)
	}
}

func TestReaderCannotReview(t *testing.T) {
	e := newPagesEnv(t, Config{})
	inc := e.pick(func(incident.Incident) bool { return true })
	rita := e.as("rita")
	page := "/incidents/" + inc.ID
	_, body, _ := rita.get(page)
	if strings.Contains(body, "Review this event") || strings.Contains(body, `action="/incidents/`+inc.ID+`/review"`) {
		t.Error("a reader is offered the review forms")
	}
	m := inc.Members[0]
	for path, form := range map[string]url.Values{
		"/events/" + m.EventID + "/review": {"incident": {inc.ID}, "status": {"confirmed"}},
		page + "/review":                   {"status": {"confirmed"}},
		page + "/notes":                    {"note": {"reader note"}},
		page + "/merge":                    {"from": {"x"}},
		"/feeds":                           {"url": {"https://example.org/rss"}},
	} {
		st, body, _ := rita.send(page, path, form)
		if st != http.StatusForbidden || !strings.Contains(body, "rita is a reader") {
			t.Errorf("reader POST %s: %d, want 403 naming the role", path, st)
		}
	}
	ev, err := e.db.Event(context.Background(), m.EventID)
	if err != nil || ev.Reason == store.ReasonReview {
		t.Fatalf("the reader's review reached the store: %+v %v", ev.Reason, err)
	}
	if rv, _ := e.db.Reviews(context.Background(), store.ReviewFilter{Incidents: []string{inc.ID}}); len(rv) != 0 {
		t.Fatalf("reviews stored: %v", rv)
	}
}

func TestEventReviewSurvivesReprocess(t *testing.T) {
	e := newPagesEnv(t, Config{})
	inc := e.pick(func(inc incident.Incident) bool { return inc.Event != "PROTEST" })
	m := inc.Members[0]
	alice := e.as("alice")
	page := "/incidents/" + inc.ID
	ctx := context.Background()
	before, err := e.db.Event(ctx, m.EventID)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"incident": {inc.ID}, "status": {"corrected"}, "event": {"PROTEST"}, "dead": {"7"}, "comment": {"type and toll from the ministry"},
		"actors": {entitiesText(before.Actor)}, "recipients": {entitiesText(before.Recipient)}, "date": {ptrOr(before.Date)}}
	if before.EventLoc != nil {
		form.Set("place", before.EventLoc.Name)
	}
	if sz := before.Size; sz != nil {
		form.Set("injured", intText(sz.Injured))
		form.Set("arrested", intText(sz.Arrested))
		form.Set("count", intText(sz.Count))
	}
	st, body, h := alice.send(page, "/events/"+m.EventID+"/review", form)
	if st != http.StatusSeeOther {
		t.Fatalf("review: %d %s", st, body)
	}
	if loc := h.Get("Location"); !strings.HasPrefix(loc, page) {
		t.Fatalf("review redirected to %q", loc)
	}
	rep, err := e.db.Reprocess(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Reviewed < 1 {
		t.Fatalf("reprocess kept %d reviewed events, want at least 1", rep.Reviewed)
	}
	after, err := e.db.Event(ctx, m.EventID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Event.Event != "PROTEST" || after.Size == nil || after.Size.Dead == nil || *after.Size.Dead != 7 || after.Reason != store.ReasonReview || after.UpdatedBy != "alice" {
		t.Fatalf("after reprocess: type %s, size %+v, reason %s by %s; want alice's PROTEST with 7 dead", after.Event.Event, after.Size, after.Reason, after.UpdatedBy)
	}
	if after.TextInfo != before.TextInfo || len(after.Actor) != len(before.Actor) {
		t.Error("fields the analyst did not touch changed")
	}
	_, body, _ = alice.get(page)
	for _, want := range []string{"Reviewed: version", "by alice", "corrected by alice", "event → PROTEST", "dead → 7", "type and toll from the ministry"} {
		if !strings.Contains(body, want) {
			t.Errorf("incident page after reprocess lacks %q", want)
		}
	}
	// A correction that corrects nothing, or a bad number, is refused and
	// changes nothing; the form comes back as typed.
	form.Set("dead", "seven")
	st, body, _ = alice.send(page, "/events/"+m.EventID+"/review", form)
	if st != http.StatusBadRequest || !strings.Contains(body, `dead &#34;seven&#34; is not a whole number`) || !strings.Contains(body, `value="seven"`) {
		t.Errorf("bad number: %d; want 400 naming it with the input kept", st)
	}
	if again, _ := e.db.Event(ctx, m.EventID); again.Version != after.Version {
		t.Error("a refused review stored a version")
	}
}

func ptrOr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func TestIncidentReview(t *testing.T) {
	e := newPagesEnv(t, Config{})
	inc := e.pick(func(incident.Incident) bool { return true })
	alice := e.as("alice")
	page := "/incidents/" + inc.ID
	st, body, _ := alice.send(page, page+"/review", url.Values{"status": {"corrected"}})
	if st != http.StatusBadRequest || !strings.Contains(body, "fill in the fields you correct") {
		t.Errorf("empty correction: %d", st)
	}
	if st, _, _ := alice.send(page, page+"/review", url.Values{"status": {"corrected"}, "event": {"ASSAULT"}, "dead": {"12"}}); st != http.StatusSeeOther {
		t.Fatalf("correction: %d", st)
	}
	_, body, _ = alice.get(page)
	if !strings.Contains(body, "ASSAULT") || !strings.Contains(body, "dead 12") || !strings.Contains(body, "corrected by alice") {
		t.Error("the summary does not show the correction and who made it")
	}
	if st, _, _ := alice.send(page, page+"/review", url.Values{"status": {"rejected"}, "comment": {"not a real event"}}); st != http.StatusSeeOther {
		t.Fatalf("reject: %d", st)
	}
	_, body, _ = alice.get(page)
	if !strings.Contains(body, "Rejected by alice") {
		t.Error("no rejection banner")
	}
	rv, err := e.db.Reviews(context.Background(), store.ReviewFilter{Incidents: []string{inc.ID}})
	if err != nil || len(rv) != 2 {
		t.Fatalf("review history: %v %v; want both kept", rv, err)
	}
}

func TestMergeHoldsAndSplit(t *testing.T) {
	e := newPagesEnv(t, Config{})
	incs := e.svc.List(service.Query{})
	if len(incs) < 2 {
		t.Fatal("the demo has fewer than two incidents")
	}
	into, from := incs[0], incs[1]
	alice := e.as("alice")
	page := "/incidents/" + into.ID
	if st, body, _ := alice.send(page, page+"/merge", url.Values{"from": {from.ID}}); st != http.StatusSeeOther {
		t.Fatalf("merge: %d %s", st, body)
	}
	st, _, h := alice.get("/incidents/" + from.ID)
	if st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), page) {
		t.Fatalf("merged-away incident: %d to %q; want a redirect to %s", st, h.Get("Location"), page)
	}
	// The merge holds when the service starts again from the store.
	svc2, _, err := service.Open(context.Background(), e.db, incident.Options{Dict: e.dict})
	if err != nil {
		t.Fatal(err)
	}
	got, err := svc2.Get(from.ID)
	if err != nil || got.MergedInto != into.ID {
		t.Fatalf("after restart %s is merged into %q (%v), want %s", from.ID, got.MergedInto, err, into.ID)
	}
	merged, _ := svc2.Get(into.ID)
	if len(merged.Members) != len(into.Members)+len(from.Members) {
		t.Fatalf("merged incident has %d events, want %d", len(merged.Members), len(into.Members)+len(from.Members))
	}
	_, body, _ := alice.get(page)
	if !strings.Contains(body, "merge by alice") {
		t.Error("the merge decision is not shown with who made it")
	}
	// Split the merged-in events off again.
	form := url.Values{}
	for _, m := range from.Members {
		form.Add("event", m.EventID)
	}
	st, body, h = alice.send(page, page+"/split", form)
	if st != http.StatusSeeOther {
		t.Fatalf("split: %d %s", st, body)
	}
	newID := strings.TrimPrefix(h.Get("Location"), "/incidents/")
	split, err := e.svc.Get(newID)
	if err != nil || len(split.Members) != len(from.Members) {
		t.Fatalf("split incident %q: %d events (%v), want %d", newID, len(split.Members), err, len(from.Members))
	}
	// Merging an unknown incident is refused, saying which.
	st, body, _ = alice.send(page, page+"/merge", url.Values{"from": {"no-such-incident"}})
	if st != http.StatusNotFound || !strings.Contains(body, "no-such-incident") || !strings.Contains(body, `value="no-such-incident"`) {
		t.Errorf("merge with an unknown id: %d", st)
	}
}

func TestScriptInReportRendersAsText(t *testing.T) {
	e := newPagesEnv(t, Config{})
	ctx := store.WithUser(context.Background(), "test")
	hostile := "Border guards said on Monday that <script>alert('owned')</script> fifty soldiers crossed the river near Panj. " +
		"<img src=x onerror=alert(2)> The ministry said the men were disarmed and given shelter."
	doc := borderwatch.Document{ID: "hostile-1", Source: "Test Wire <b>bold</b>", Title: "<script>alert('title')</script>", Text: hostile}
	if _, err := e.svc.Ingest(ctx, doc); err != nil {
		t.Fatal(err)
	}
	c := e.client()
	st, body, _ := c.get("/documents/hostile-1")
	if st != http.StatusOK {
		t.Fatalf("status %d", st)
	}
	for _, bad := range []string{"<script>alert", "<img src=x", "<b>bold"} {
		if strings.Contains(body, bad) {
			t.Errorf("document page carries %q unescaped", bad)
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;", "&lt;img src=x onerror=alert(2)&gt;", "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;"} {
		if !strings.Contains(body, want) {
			t.Errorf("document page does not show %q as text", want)
		}
	}
	// Its events' evidence on incident pages is escaped too.
	for _, inc := range e.svc.List(service.Query{}) {
		for _, m := range inc.Members {
			if m.DocID != "hostile-1" {
				continue
			}
			_, body, _ := c.get("/incidents/" + inc.ID)
			if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
				t.Errorf("incident %s carries report markup unescaped", inc.ID)
			}
		}
	}
}

func TestDocumentHighlights(t *testing.T) {
	e := newPagesEnv(t, Config{})
	docs, _ := demo.Reports()
	_, body, _ := e.client().get("/documents/" + docs[0].ID)
	for _, kind := range []string{markActor, markPlace, markDate, markQuantity, markTrigger} {
		if !strings.Contains(body, `<mark class="m-`+kind+`" title="`+kind+`">`) {
			t.Errorf("the overview report shows no %s highlighted", kind)
		}
	}
	if !strings.Contains(body, `<mark class="m-quantity" title="quantity">1,000</mark>`) {
		t.Error("the 1,000 servicemen are not highlighted as a quantity")
	}
}

func TestFeedsPage(t *testing.T) {
	e := newPagesEnv(t, Config{})
	ada := e.as("ada")
	st, body, _ := ada.send("/feeds", "/feeds", url.Values{"url": {"https://example.org/rss"}, "every": {"soon"}})
	if st != http.StatusBadRequest || !strings.Contains(body, "is not a duration") || !strings.Contains(body, `value="https://example.org/rss"`) {
		t.Errorf("bad interval: %d; want 400 with the URL kept", st)
	}
	if st, _, _ := ada.send("/feeds", "/feeds", url.Values{"url": {"https://example.org/rss"}, "every": {"15m"}, "title": {"Example"}}); st != http.StatusSeeOther {
		t.Fatalf("add feed: %d", st)
	}
	feeds, _ := e.db.Feeds(context.Background())
	if len(feeds) != 1 || feeds[0].Every.String() != "15m0s" {
		t.Fatalf("feeds stored: %+v", feeds)
	}
	id := feeds[0].ID
	if st, _, _ := ada.send("/feeds", "/feeds/"+itoa(id)+"/pause", nil); st != http.StatusSeeOther {
		t.Fatalf("pause: %d", st)
	}
	_, body, _ = e.as("rita").get("/feeds")
	if !strings.Contains(body, "paused") || !strings.Contains(body, "never") || strings.Contains(body, "Add a feed") {
		t.Error("reader's feeds page: want the paused feed, never fetched, and no add form")
	}
}

func itoa(n int64) string { return strconvFormat(n) }

func TestUsersPage(t *testing.T) {
	e := newPagesEnv(t, Config{})
	ada := e.as("ada")
	st, body, _ := ada.send("/users", "/users", url.Values{"name": {"bob"}, "role": {"analyst"}})
	m := regexp.MustCompile(`<code class="token">([^<]+)</code>`).FindStringSubmatch(body)
	if st != http.StatusOK || m == nil {
		t.Fatalf("add user: %d, token shown: %v", st, m != nil)
	}
	bob := e.client()
	bob.login("bob", m[1])
	if st, _, _ := bob.get("/users"); st != http.StatusForbidden {
		t.Errorf("analyst on /users: %d, want 403", st)
	}
	st, body, _ = ada.send("/users", "/users", url.Values{"name": {"bob"}, "role": {"analyst"}})
	if st != http.StatusConflict || !strings.Contains(body, "already exists") {
		t.Errorf("duplicate user: %d", st)
	}
}

func TestControlPage(t *testing.T) {
	e := newPagesEnv(t, Config{})
	c := e.client()
	doc := borderwatch.Document{ID: "take-1", Source: "Test Wire", PublishedRaw: "2021-07-06T12:00:00Z",
		Text: "KABUL, July 6, 2021. Taliban fighters seized the town of Ishkashim on Tuesday, local officials said."}
	if _, err := e.svc.Ingest(store.WithUser(context.Background(), "test"), doc); err != nil {
		t.Fatal(err)
	}
	st, body, _ := c.get("/control?region=&at=2021-07-31")
	if st != http.StatusOK || !strings.Contains(body, `id="control"`) || !strings.Contains(body, "Ishkashim") || !strings.Contains(body, "seized") {
		t.Fatalf("control: %d, table: %v", st, strings.Contains(body, `id="control"`))
	}
	if _, body, _ := c.get("/control?region=Badakhshan&at=2021-07-01"); !strings.Contains(body, "No claim of control") {
		t.Error("a date before every claim should list none")
	}
	if st, body, _ := c.get("/control?region=Badakhshan&at=31/07/2021"); st != http.StatusBadRequest || !strings.Contains(body, "YYYY-MM-DD") || !strings.Contains(body, `value="31/07/2021"`) {
		t.Errorf("bad date: %d", st)
	}
}

func strconvFormat(n int64) string { return strconv.FormatInt(n, 10) }
