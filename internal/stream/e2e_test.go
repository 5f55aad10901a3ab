package stream_test

// The acceptance path of issue 6 on loopback, with the real parts: a feed
// server publishes reports, the poller's fetch job reads it, the pipeline
// codes the events, the watch engine fires alerts, and they go out on the
// SSE stream and to a webhook receiver that verifies signatures and fails
// the first two deliveries.

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"borderwatch"
	"borderwatch/internal/fetch"
	"borderwatch/internal/geo"
	"borderwatch/internal/notify"
	"borderwatch/internal/pipeline"
	"borderwatch/internal/poller"
	"borderwatch/internal/stream"
	"borderwatch/internal/watch"
)

type report struct {
	Slug      string `json:"slug"`
	Title     string `json:"title"`
	Published string `json:"published"`
	Text      string `json:"text"`
}

func readReports(t testing.TB) map[string]report {
	t.Helper()
	b, err := os.ReadFile("testdata/reports.json")
	if err != nil {
		t.Fatal(err)
	}
	var rs []report
	if err := json.Unmarshal(b, &rs); err != nil {
		t.Fatal(err)
	}
	out := map[string]report{}
	for _, r := range rs {
		out[r.Slug] = r
	}
	return out
}

// feedServer serves an RSS feed whose items can be added while it runs.
type feedServer struct {
	mu    sync.Mutex
	items []report
	srv   *httptest.Server
}

func newFeedServer(t testing.TB) *feedServer {
	f := &feedServer{}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *feedServer) add(r report) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items = append([]report{r}, f.items...) // newest first, as feeds are
	if len(f.items) > 20 {
		f.items = f.items[:20]
	}
}

func (f *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Test wire</title><link>` + f.srv.URL + `/</link><description>reports written for tests</description>`)
	for _, it := range f.items {
		link := f.srv.URL + "/news/" + it.Slug
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link><guid>%s</guid><pubDate>%s</pubDate>"+
			"<description>%s</description><content:encoded><![CDATA[<p>%s</p>]]></content:encoded></item>\n",
			html.EscapeString(it.Title), link, link, it.Published, html.EscapeString(it.Title), it.Text)
	}
	b.WriteString("</channel></rss>")
	w.Header().Set("Content-Type", "application/rss+xml")
	io.WriteString(w, b.String())
}

const hookSecret = "test-hook-secret"

// hookReceiver verifies signatures, fails the first failFirst requests and
// processes each idempotency key once.
type hookReceiver struct {
	mu        sync.Mutex
	failFirst int
	requests  int
	badSig    int
	seen      map[string]bool
	got       []string // processed keys in order
	arrived   map[string]time.Time
	notify    chan string
}

func newHookReceiver(t testing.TB, failFirst int) (*hookReceiver, *httptest.Server) {
	h := &hookReceiver{failFirst: failFirst, seen: map[string]bool{}, arrived: map[string]time.Time{}, notify: make(chan string, 1024)}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return h, srv
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.requests++
	if err := notify.Verify([]byte(hookSecret), r.Header.Get(notify.SignatureHeader), body, time.Now(), 0); err != nil {
		h.badSig++
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	if h.requests <= h.failFirst {
		http.Error(w, "not yet", http.StatusInternalServerError)
		return
	}
	key := r.Header.Get(notify.IdempotencyHeader)
	if h.seen[key] {
		return
	}
	var a watch.Alert
	if err := json.Unmarshal(body, &a); err != nil || !strings.HasPrefix(key, a.Key+"#") {
		http.Error(w, "body does not match its key", http.StatusBadRequest)
		return
	}
	h.seen[key] = true
	h.got = append(h.got, key)
	h.arrived[key] = time.Now()
	h.notify <- key
}

func (h *hookReceiver) processed() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.got)
}

// service wires the parts the way cmd/borderwatch will.
type service struct {
	client *fetch.Client
	x      *pipeline.Extractor
	g      *geo.Gazetteer
	engine *watch.Engine
	hub    *stream.Hub
	hooks  *notify.Notifier
	feed   borderwatch.Feed
	seen   map[string]bool        // documents handed on, as the poller remembers them
	docs   []borderwatch.Document // everything ingested, for reprocessing
	events int                    // events published on the stream
}

var (
	areas = []watch.Area{{Name: "border-30", Kind: watch.AreaBorder, Border: "AFG-TJK", Km: 30}}
	rules = []watch.Rule{{ID: "border-violence", Owner: "ana", Active: true, Watch: "border-30",
		Types: []string{"MOBILIZE", "ASSAULT", "COERCE"}, Webhook: "hook", Secret: hookSecret}}
)

var (
	partsOnce sync.Once
	partsX    *pipeline.Extractor
	partsG    *geo.Gazetteer
	partsErr  error
)

func newService(t testing.TB, feedURL, hookURL string, hub *stream.Hub) *service {
	t.Helper()
	partsOnce.Do(func() {
		partsX, partsErr = pipeline.New(pipeline.Options{})
		if partsErr == nil {
			partsG, partsErr = geo.Load()
		}
	})
	if partsErr != nil {
		t.Fatal(partsErr)
	}
	c, err := fetch.New(fetch.Options{AllowPrivate: true, HostGap: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	e, err := watch.NewEngine(partsG, areas, rules, watch.State{})
	if err != nil {
		t.Fatal(err)
	}
	n, err := notify.New(notify.Options{AllowPrivate: true, InitialBackoff: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close(context.Background()) })
	if err := n.Subscribe(notify.Subscriber{ID: "hook", URL: hookURL, Secret: hookSecret}); err != nil {
		t.Fatal(err)
	}
	return &service{client: c, x: partsX, g: partsG, engine: e, hub: hub, hooks: n,
		feed: borderwatch.Feed{ID: 1, URL: feedURL}, seen: map[string]bool{}}
}

// poll fetches the feed once and runs every new report to its alerts.
func (s *service) poll(t testing.TB) []watch.Alert {
	t.Helper()
	res, err := poller.FetchFeed(context.Background(), s.client, s.feed, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s.feed = res.Feed
	var out []watch.Alert
	for _, p := range res.Docs {
		if s.seen[p.Doc.ID] {
			continue
		}
		s.seen[p.Doc.ID] = true
		s.docs = append(s.docs, p.Doc)
		out = append(out, s.process(t, p.Doc, true)...)
	}
	return out
}

// process codes a document and delivers what fires; publishEvents is off
// when reprocessing, since the stream already carried those events.
func (s *service) process(t testing.TB, doc borderwatch.Document, publishEvents bool) []watch.Alert {
	t.Helper()
	r, err := s.x.Extract(doc)
	if err != nil {
		t.Fatal(err)
	}
	if publishEvents {
		for _, ev := range r.Events {
			if _, err := s.hub.Publish(stream.KindEvent, ev); err != nil {
				t.Fatal(err)
			}
			s.events++
		}
	}
	coded := borderwatch.Document{ID: r.DocID, Title: r.Title, Text: r.Text, Published: r.Published}
	alerts := s.engine.Evaluate(watch.Input{Doc: &coded, Events: r.Events})
	for _, a := range alerts {
		if _, err := s.hub.Publish(stream.KindAlert, a); err != nil {
			t.Fatal(err)
		}
		if err := s.hooks.Send("hook", a.Key+"#"+strconv.Itoa(a.Revision), a); err != nil {
			t.Fatal(err)
		}
	}
	return alerts
}

// sseReader reads a text/event-stream from a real connection.
type sseReader struct {
	body   io.ReadCloser
	buf    []byte
	cancel context.CancelFunc
}

type sseMsg struct{ id, event, data string }

func openStream(t testing.TB, url, lastID string) *sseReader {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		cancel()
		t.Fatalf("opening stream: %v %v", err, resp)
	}
	s := &sseReader{body: resp.Body, cancel: cancel}
	t.Cleanup(s.close)
	return s
}

func (s *sseReader) close() { s.cancel(); s.body.Close() }

// next returns the next message, skipping comments and the retry field.
func (s *sseReader) next(t testing.TB) sseMsg {
	t.Helper()
	for {
		if i := strings.Index(string(s.buf), "\n\n"); i >= 0 {
			block := string(s.buf[:i])
			s.buf = s.buf[i+2:]
			var m sseMsg
			for line := range strings.SplitSeq(block, "\n") {
				k, v, _ := strings.Cut(line, ": ")
				switch k {
				case "id":
					m.id = v
				case "event":
					m.event = v
				case "data":
					m.data = v
				}
			}
			if m.event != "" {
				return m
			}
			continue
		}
		chunk := make([]byte, 32<<10)
		n, err := s.body.Read(chunk)
		s.buf = append(s.buf, chunk[:n]...)
		if err != nil && n == 0 {
			t.Fatalf("stream ended: %v", err)
		}
	}
}

// nextAlert reads until an alert, returning it and the last id read.
func (s *sseReader) nextAlert(t testing.TB, lastID *int) watch.Alert {
	t.Helper()
	for {
		m := s.next(t)
		id, err := strconv.Atoi(m.id)
		if err != nil || id != *lastID+1 {
			t.Fatalf("stream id %q after %d: gap, duplicate or garbage", m.id, *lastID)
		}
		*lastID = id
		if m.event == stream.KindAlert {
			var a watch.Alert
			if err := json.Unmarshal([]byte(m.data), &a); err != nil {
				t.Fatal(err)
			}
			return a
		}
	}
}

func TestFeedToStreamAndWebhook(t *testing.T) {
	reports := readReports(t)
	feed := newFeedServer(t)
	hook, hookSrv := newHookReceiver(t, 2)
	hub := stream.NewHub(stream.Options{})
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/stream", hub)
	api := httptest.NewServer(mux)
	t.Cleanup(func() { hub.Close(); api.Close() })
	svc := newService(t, feed.srv.URL+"/feed.xml", hookSrv.URL+"/hook", hub)

	sse := openStream(t, api.URL+"/api/v1/stream", "")
	feed.add(reports["trade"])
	feed.add(reports["ishkashim"])
	fired := svc.poll(t)
	if len(fired) != 1 || !fired[0].New() {
		t.Fatalf("first poll fired %+v, want the Ishkashim assault", fired)
	}
	lastID := 0
	var onStream []string
	a := sse.nextAlert(t, &lastID)
	onStream = append(onStream, a.Key)
	sse.close() // the analyst's laptop goes to sleep

	feed.add(reports["sherkhan"])
	feed.add(reports["reservists"])
	more := svc.poll(t)
	fired = append(fired, more...)
	if len(more) != 2 {
		t.Fatalf("second poll fired %d alerts, want 2 (Shir Khan Bandar, reservists at the border)", len(more))
	}

	sse = openStream(t, api.URL+"/api/v1/stream", strconv.Itoa(lastID))
	for range 2 {
		onStream = append(onStream, sse.nextAlert(t, &lastID).Key)
	}
	var want []string
	for _, a := range fired {
		want = append(want, a.Key)
	}
	if !slices.Equal(onStream, want) {
		t.Errorf("stream carried %v, want %v", onStream, want)
	}

	deadline := time.After(15 * time.Second)
	for len(hook.processed()) < 3 {
		select {
		case <-hook.notify:
		case <-deadline:
			t.Fatalf("webhook got %v", hook.processed())
		}
	}
	var wantHook []string
	for _, k := range want {
		wantHook = append(wantHook, k+"#1")
	}
	if got := hook.processed(); !slices.Equal(got, wantHook) {
		t.Errorf("webhook processed %v, want %v", got, wantHook)
	}
	if hook.badSig != 0 || hook.requests != 5 {
		t.Errorf("webhook: %d bad signatures, %d requests (want 0 and 2 failed + 3)", hook.badSig, hook.requests)
	}

	// Restart: the engine's state is saved and reloaded; then everything
	// is reprocessed and the feed polled by a poller that forgot what it
	// delivered. Nothing fires again.
	st, err := svc.engine.State()
	if err != nil {
		t.Fatal(err)
	}
	saved, _ := json.Marshal(st)
	var back watch.State
	if err := json.Unmarshal(saved, &back); err != nil {
		t.Fatal(err)
	}
	svc.engine, err = watch.NewEngine(svc.g, areas, rules, back)
	if err != nil {
		t.Fatal(err)
	}
	before, events := hub.LastID(), svc.events
	for _, d := range svc.docs {
		if again := svc.process(t, d, false); len(again) != 0 {
			t.Errorf("reprocessing %s fired %v", d.ID, again)
		}
	}
	svc.seen = map[string]bool{}
	svc.docs = nil
	for _, d := range svc.poll(t) {
		t.Errorf("re-polling after restart fired %v", d.Key)
	}
	// Events, unlike alerts, are announced again by a poller that forgot
	// what it delivered; that is the store's de-duplication to stop.
	if hub.LastID() != before+uint64(svc.events-events) {
		t.Errorf("the stream carried alerts after the restart")
	}
	// The sender counts a delivery once the receiver's answer is back,
	// a moment after the receiver recorded it.
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		st := svc.hooks.Status()[0]
		if st.Pending == 0 && st.Delivered == 3 {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("webhook status after restart %+v", st)
		}
	}
	if got := hook.processed(); len(got) != 3 {
		t.Errorf("webhook processed %v after the restart", got)
	}
}

// BenchmarkFeedToAlertLatency measures, per new matching report, the time
// from the start of the feed poll that finds it to the alert read off the
// SSE stream and to its processing by the webhook receiver.
func BenchmarkFeedToAlertLatency(b *testing.B) {
	reports := readReports(b)
	feed := newFeedServer(b)
	hook, hookSrv := newHookReceiver(b, 0)
	hub := stream.NewHub(stream.Options{})
	api := httptest.NewServer(hub)
	b.Cleanup(func() { hub.Close(); api.Close() })
	svc := newService(b, feed.srv.URL+"/feed.xml", hookSrv.URL, hub)
	sse := openStream(b, api.URL, "")
	base := reports["ishkashim"]
	var toStream, toHook []time.Duration
	lastID := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := base
		r.Slug = fmt.Sprintf("bench-%d", i)
		r.Title = fmt.Sprintf("Post attacked, update %d", i)
		feed.add(r)
		start := time.Now()
		fired := svc.poll(b)
		if len(fired) != 1 {
			b.Fatalf("poll %d fired %d alerts", i, len(fired))
		}
		sse.nextAlert(b, &lastID)
		toStream = append(toStream, time.Since(start))
		key := fired[0].Key + "#1"
		for k := range hook.notify {
			if k == key {
				break
			}
		}
		hook.mu.Lock()
		toHook = append(toHook, hook.arrived[key].Sub(start))
		hook.mu.Unlock()
	}
	b.StopTimer()
	b.ReportMetric(p95(toStream), "p95-stream-ms")
	b.ReportMetric(p95(toHook), "p95-webhook-ms")
}

func p95(ds []time.Duration) float64 {
	s := slices.Clone(ds)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return float64(s[(len(s)*95+99)/100-1]) / float64(time.Millisecond)
}
