package poller

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"borderwatch"
	"borderwatch/internal/feed"
	"borderwatch/internal/fetch"
)

// memStore is a test double of FeedStore.
type memStore struct {
	mu    sync.Mutex
	feeds map[int64]borderwatch.Feed
	saves map[int64]int
	fail  error // DueFeeds fails with this when set
}

func newMemStore(feeds ...borderwatch.Feed) *memStore {
	s := &memStore{feeds: map[int64]borderwatch.Feed{}, saves: map[int64]int{}}
	for _, f := range feeds {
		s.feeds[f.ID] = f
	}
	return s
}

func (s *memStore) DueFeeds(ctx context.Context, now time.Time) ([]borderwatch.Feed, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return nil, s.fail
	}
	var due []borderwatch.Feed
	for _, f := range s.feeds {
		if !f.Paused && !f.NextFetch.After(now) {
			due = append(due, f)
		}
	}
	sort.Slice(due, func(i, j int) bool { return due[i].ID < due[j].ID })
	return due, nil
}

func (s *memStore) SaveFeedState(ctx context.Context, f borderwatch.Feed) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.feeds[f.ID]; !ok {
		return fmt.Errorf("no feed %d", f.ID)
	}
	s.feeds[f.ID] = f
	s.saves[f.ID]++
	return nil
}

func (s *memStore) get(id int64) borderwatch.Feed {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.feeds[id]
}

// memSink is a test double of Sink that counts every call per document.
type memSink struct {
	mu    sync.Mutex
	docs  map[string]borderwatch.Document
	calls map[string]int
}

func newMemSink() *memSink {
	return &memSink{docs: map[string]borderwatch.Document{}, calls: map[string]int{}}
}

func (s *memSink) Ingest(ctx context.Context, doc borderwatch.Document) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[doc.ID]++
	if _, ok := s.docs[doc.ID]; ok {
		return false, nil
	}
	s.docs[doc.ID] = doc
	return true, nil
}

func (s *memSink) snapshot() (map[string]borderwatch.Document, map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	docs, calls := map[string]borderwatch.Document{}, map[string]int{}
	for k, v := range s.docs {
		docs[k] = v
	}
	for k, v := range s.calls {
		calls[k] = v
	}
	return docs, calls
}

// safeBuffer collects log output written from several goroutines.
type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *safeBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *safeBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type rssItem struct{ title, link, guid, pubDate, description, content string }

func rss(title string, items ...rssItem) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>%s</title><language>en</language>`, title)
	for _, it := range items {
		fmt.Fprintf(&b, "\n<item><title>%s</title>", html.EscapeString(it.title))
		if it.link != "" {
			fmt.Fprintf(&b, "<link>%s</link>", html.EscapeString(it.link))
		}
		if it.guid != "" {
			fmt.Fprintf(&b, `<guid isPermaLink="false">%s</guid>`, it.guid)
		}
		fmt.Fprintf(&b, "<pubDate>%s</pubDate><description>%s</description>", it.pubDate, html.EscapeString(it.description))
		if it.content != "" {
			fmt.Fprintf(&b, "<content:encoded><![CDATA[%s]]></content:encoded>", it.content)
		}
		b.WriteString("</item>")
	}
	b.WriteString("\n</channel></rss>\n")
	return b.String()
}

func testClient(t *testing.T) *fetch.Client {
	t.Helper()
	c, err := fetch.New(fetch.Options{
		AllowPrivate:    true, // every test server is on loopback
		ConnectTimeout:  time.Second,
		HeaderTimeout:   time.Second, // generous: the machine is shared; only the slow feed should hit it
		Timeout:         3 * time.Second,
		MaxBodyBytes:    1 << 20,
		MaxDecodedBytes: 2 << 20,
		MaxRedirects:    3,
		HostGap:         time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// serve starts one test server per behaviour, so each is its own host for
// the fetch client's per-host gate.
func serve(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

var t0 = time.Date(2021, 7, 6, 0, 0, 0, 0, time.UTC)

type fakeClock struct{ ns atomic.Int64 }

func newClock(t time.Time) *fakeClock {
	c := &fakeClock{}
	c.ns.Store(t.UnixNano())
	return c
}
func (c *fakeClock) now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *fakeClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

func TestPollerDeliversOnceAndSurvivesBrokenFeeds(t *testing.T) {
	long := "<p>" + strings.TrimSpace(readTestdata(t, "longtext.txt")) + "</p>"

	// A feed with validators: the second poll is a 304.
	var etagFull, etag304 atomic.Int32
	etagURL := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"pvm-7"` {
			etag304.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		etagFull.Add(1)
		w.Header().Set("ETag", `"pvm-7"`)
		fmt.Fprint(w, rss("Pamir Valley Monitor",
			rssItem{title: "Quiet night on the Panj", link: "https://pamir-monitor.example/news/quiet?utm_source=rss&b=2&a=1",
				pubDate: "Tue, 06 Jul 2021 10:12:00 +0500", description: "Guards reported a quiet night.", content: long},
			rssItem{title: "Patrols added", link: "/news/patrols", pubDate: "Tue, 06 Jul 2021 11:00:00 +0500", content: long}))
	})

	// A feed without validators: the same items come back in full, and
	// must not be delivered twice.
	var plainHits atomic.Int32
	plainURL := serve(t, func(w http.ResponseWriter, r *http.Request) {
		plainHits.Add(1)
		fmt.Fprint(w, rss("",
			rssItem{title: "Market reopens", guid: "km-1", pubDate: "Mon, 05 Jul 2021 12:00:00 +0430", content: long},
			rssItem{title: "Bridge traffic slows", link: "https://termez.example/bridge", pubDate: "Mon, 05 Jul 2021 19:15:00 +0500", content: long}))
	})

	// A summary-only feed whose articles live on the same server.
	var articleHits sync.Map // path -> *atomic.Int32
	var summaryBase string
	summaryBase = serve(t, func(w http.ResponseWriter, r *http.Request) {
		n, _ := articleHits.LoadOrStore(r.URL.Path, new(atomic.Int32))
		n.(*atomic.Int32).Add(1)
		switch r.URL.Path {
		case "/feed":
			fmt.Fprint(w, rss("Badakhshan Wire",
				rssItem{title: "Camp opened for soldiers who crossed", link: summaryBase + "/camp", pubDate: "Sun, 04 Jul 2021 21:05:00 +0500",
					description: "A camp was opened on a school pitch… Read more"},
				rssItem{title: "Posts on the river", link: summaryBase + "/posts", pubDate: "Sun, 04 Jul 2021 22:00:00 +0500",
					description: "New posts."},
				rssItem{title: "Gone page", link: summaryBase + "/gone", pubDate: "Sun, 04 Jul 2021 23:00:00 +0500",
					description: "<p>This page was removed.</p>"}))
		case "/camp":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, readTestdata(t, "article.html"))
		case "/posts":
			w.Header().Set("Content-Type", "text/html") // charset only in <meta>
			fmt.Fprint(w, readTestdata(t, "article-cp1251.html"))
		default:
			http.NotFound(w, r)
		}
	})

	// A feed that works once, then fails: its state and items are kept.
	var flakyHits atomic.Int32
	flakyURL := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if flakyHits.Add(1) > 1 {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		w.Header().Set("ETag", `"f1"`)
		w.Header().Set("Last-Modified", "Mon, 05 Jul 2021 10:00:00 GMT")
		fmt.Fprint(w, rss("Flaky Desk", rssItem{title: "Hospital adds beds", link: "https://flaky.example/beds", pubDate: "Mon, 05 Jul 2021 16:45:00 -0400", content: long}))
	})

	bomb := func() []byte {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(make([]byte, 10<<20))
		zw.Close()
		return b.Bytes()
	}()
	var hugeWritten atomic.Int64
	broken := map[string]http.HandlerFunc{
		"HTTP 500": func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) },
		"malformed": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `<rss version="2.0"><channel><title>Broken</title><item><title>cut off`)
		},
		"timeout": func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(20 * time.Second):
			}
		},
		"too large": func(w http.ResponseWriter, r *http.Request) { // gzip bomb
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bomb)
		},
		"too large ": func(w http.ResponseWriter, r *http.Request) { // 100 MB streamed
			chunk := bytes.Repeat([]byte("<!-- padding -->"), 4096)
			for hugeWritten.Load() < 100<<20 {
				n, err := w.Write(chunk)
				hugeWritten.Add(int64(n))
				if err != nil {
					return
				}
			}
		},
		"redirect loop": func(w http.ResponseWriter, r *http.Request) {
			next := "/a"
			if r.URL.Path == "/a" {
				next = "/b"
			}
			http.Redirect(w, r, next, http.StatusFound)
		},
	}

	feeds := []borderwatch.Feed{
		{ID: 1, URL: etagURL + "/rss", Every: 10 * time.Minute},
		{ID: 2, URL: plainURL + "/rss", Every: 10 * time.Minute},
		{ID: 3, URL: summaryBase + "/feed", Every: 10 * time.Minute},
		{ID: 4, URL: flakyURL + "/rss", Every: 10 * time.Minute},
	}
	brokenIDs := map[int64]string{}
	id := int64(10)
	for kind, h := range broken {
		feeds = append(feeds, borderwatch.Feed{ID: id, URL: serve(t, h) + "/feed", Every: 10 * time.Minute})
		brokenIDs[id] = strings.TrimSpace(kind)
		id++
	}
	feeds = append(feeds, borderwatch.Feed{ID: 99, URL: etagURL + "/paused", Every: time.Minute, Paused: true})

	store, sink := newMemStore(feeds...), newMemSink()
	clock := newClock(t0)
	var logs safeBuffer
	p, err := New(Options{Store: store, Sink: sink, Client: testClient(t), Now: clock.now, Workers: 3,
		Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	// Poll 1.
	if err := p.PollOnce(ctx); err != nil {
		t.Fatal(err)
	}
	docs, _ := sink.snapshot()
	if len(docs) != 8 {
		t.Fatalf("after poll 1: %d documents, want 8 (2 + 2 + 3 + 1)", len(docs))
	}
	firstBackoff := map[int64]time.Duration{}
	for id, kind := range brokenIDs {
		f := store.get(id)
		if f.Failures != 1 || !strings.Contains(f.LastError, kind) {
			t.Errorf("feed %d (%s): failures %d, last error %q", id, kind, f.Failures, f.LastError)
		}
		wait := f.NextFetch.Sub(f.LastFetch)
		if wait < 10*time.Minute || wait >= 20*time.Minute {
			t.Errorf("feed %d: first backoff %v, want in [10m, 20m)", id, wait)
		}
		firstBackoff[id] = wait
	}
	if w := hugeWritten.Load(); w >= 100<<20 {
		t.Errorf("the 100 MB feed was read to the end (%d bytes)", w)
	}

	// Poll 2, an hour later: everything is due again.
	clock.advance(time.Hour)
	if err := p.PollOnce(ctx); err != nil {
		t.Fatal(err)
	}
	docs, calls := sink.snapshot()
	if len(docs) != 8 {
		t.Errorf("after poll 2: %d documents, want still 8", len(docs))
	}
	for id, n := range calls {
		if n != 1 {
			t.Errorf("document %s (%s) delivered %d times, want exactly once", id, docs[id].Title, n)
		}
	}
	if etagFull.Load() != 1 || etag304.Load() != 1 {
		t.Errorf("etag feed: %d full, %d not-modified answers; want 1 and 1", etagFull.Load(), etag304.Load())
	}
	if plainHits.Load() != 2 {
		t.Errorf("plain feed fetched %d times, want 2", plainHits.Load())
	}
	for _, path := range []string{"/camp", "/posts", "/gone"} {
		var got int32
		if n, ok := articleHits.Load(path); ok {
			got = n.(*atomic.Int32).Load()
		}
		if got != 1 {
			t.Errorf("article %s fetched %d times, want once", path, got)
		}
	}
	for id, kind := range brokenIDs {
		f := store.get(id)
		wait := f.NextFetch.Sub(f.LastFetch)
		if f.Failures != 2 || wait < 20*time.Minute || wait >= 40*time.Minute || wait <= firstBackoff[id] {
			t.Errorf("feed %d (%s): failures %d, backoff %v after %v; want 2 and a longer wait in [20m, 40m)", id, kind, f.Failures, wait, firstBackoff[id])
		}
	}
	flaky := store.get(4)
	if flaky.Failures != 1 || flaky.ETag != `"f1"` || flaky.LastModified == "" || flaky.Title != "Flaky Desk" || !strings.Contains(flaky.LastError, "HTTP 500") {
		t.Errorf("flaky feed lost its state on failure: %+v", flaky)
	}
	if paused := store.get(99); !paused.LastFetch.IsZero() {
		t.Errorf("paused feed was polled: %+v", paused)
	}
	if got := store.get(1); got.Failures != 0 || got.NextFetch != clock.now().Add(10*time.Minute) || got.LastError != "" {
		t.Errorf("healthy feed state after 304: %+v", got)
	}

	// What the documents hold.
	byTitle := map[string]borderwatch.Document{}
	for _, d := range docs {
		byTitle[d.Title] = d
	}
	quiet := byTitle["Quiet night on the Panj"]
	wantURL := "https://pamir-monitor.example/news/quiet?a=1&b=2"
	if quiet.URL != wantURL || quiet.ID != DocID(wantURL) || quiet.Source != "Pamir Valley Monitor" ||
		quiet.PublishedRaw != "Tue, 06 Jul 2021 10:12:00 +0500" || quiet.Published.Format(time.RFC3339) != "2021-07-06T10:12:00+05:00" ||
		!strings.Contains(quiet.HTML, "Panj river") || quiet.Lang != "en" {
		t.Errorf("quiet night document = %+v", quiet)
	}
	if got := byTitle["Patrols added"].URL; !strings.HasPrefix(got, etagURL+"/news/patrols") {
		t.Errorf("relative link resolved to %q", got)
	}
	if d := byTitle["Market reopens"]; d.URL != "" || d.ID != DocID(plainURL+"/rss#guid:km-1") || !strings.HasPrefix(d.Source, "127.0.0.1") {
		t.Errorf("guid-only document = %+v", d)
	}
	if d := byTitle["Camp opened for soldiers who crossed"]; !strings.Contains(d.HTML, "eleven of them") {
		t.Errorf("summary-only item did not get its article: %.200q", d.HTML)
	}
	if d := byTitle["Posts on the river"]; !strings.Contains(d.HTML, "Пограничная служба открыла новые посты") {
		t.Errorf("windows-1251 article not decoded: %.200q", d.HTML)
	}
	if d := byTitle["Gone page"]; !strings.Contains(d.HTML, "This page was removed") {
		t.Errorf("a 404 article should fall back to the feed summary: %q", d.HTML)
	}

	// The poller says what went wrong.
	out := logs.String()
	for id := range brokenIDs {
		if !strings.Contains(out, fmt.Sprintf(`"msg":"poller: feed failed","feed_id":%d`, id)) {
			t.Errorf("no failure logged for feed %d", id)
		}
	}
	if !strings.Contains(out, "keeping the feed summary") {
		t.Error("the 404 article fallback was not logged")
	}
}

func TestTransientArticleFailureIsRetried(t *testing.T) {
	var articleHits atomic.Int32
	var base string
	base = serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/feed" {
			w.Header().Set("ETag", `"same"`)
			if r.Header.Get("If-None-Match") == `"same"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			fmt.Fprint(w, rss("Wire", rssItem{title: "Teaser", link: base + "/story", pubDate: "Mon, 05 Jul 2021 10:00:00 +0500", description: "Short."}))
			return
		}
		if articleHits.Add(1) == 1 {
			http.Error(w, "try later", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "<html><body><p>The full story.</p></body></html>")
	})
	store, sink := newMemStore(borderwatch.Feed{ID: 1, URL: base + "/feed", Every: time.Minute}), newMemSink()
	clock := newClock(t0)
	p, _ := New(Options{Store: store, Sink: sink, Client: testClient(t), Now: clock.now, Logger: slog.New(slog.DiscardHandler)})
	p.PollOnce(context.Background())
	if docs, _ := sink.snapshot(); len(docs) != 0 {
		t.Fatalf("a 503 article was ingested: %+v", docs)
	}
	if f := store.get(1); f.ETag != "" {
		t.Errorf("ETag %q saved although an item is still pending; a 304 would hide it", f.ETag)
	}
	clock.advance(time.Minute)
	p.PollOnce(context.Background())
	docs, calls := sink.snapshot()
	if len(docs) != 1 || articleHits.Load() != 2 {
		t.Fatalf("after retry: %d docs, %d article fetches; want 1 and 2", len(docs), articleHits.Load())
	}
	for id, d := range docs {
		if !strings.Contains(d.HTML, "The full story") || calls[id] != 1 {
			t.Errorf("retried document = %+v, %d calls", d, calls[id])
		}
	}
	if f := store.get(1); f.ETag != `"same"` {
		t.Errorf("ETag not saved once everything was delivered: %+v", f)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	u := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	res, err := FetchFeed(context.Background(), testClient(t), borderwatch.Feed{ID: 1, URL: u, Every: time.Minute}, t0)
	if err == nil {
		t.Fatal("want an error")
	}
	if got := res.Feed.NextFetch.Sub(t0); got != time.Hour {
		t.Errorf("next fetch in %v, want the server's 1h", got)
	}
}

func TestShutdownDoesNotCountAsFailure(t *testing.T) {
	started := make(chan struct{}, 1)
	u := serve(t, func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-r.Context().Done()
	})
	store := newMemStore(borderwatch.Feed{ID: 1, URL: u, Every: time.Minute, ETag: `"keep"`})
	p, _ := New(Options{Store: store, Sink: newMemSink(), Client: testClient(t), Now: newClock(t0).now, Logger: slog.New(slog.DiscardHandler)})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	p.PollOnce(ctx)
	if f := store.get(1); f.Failures != 0 || f.LastError != "" || store.saves[1] != 0 {
		t.Errorf("cancelled poll recorded as a failure: %+v", f)
	}
}

func TestRunFollowsTheClock(t *testing.T) {
	var hits atomic.Int32
	u := serve(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, rss("Clock", rssItem{title: fmt.Sprint("Item ", hits.Load()), guid: fmt.Sprint(hits.Load()), pubDate: "Mon, 05 Jul 2021 10:00:00 +0500", description: "x"}))
	})
	store, sink := newMemStore(borderwatch.Feed{ID: 1, URL: u, Every: 10 * time.Minute}), newMemSink()
	clock := newClock(t0)
	p, _ := New(Options{Store: store, Sink: sink, Client: testClient(t), Now: clock.now, Tick: 5 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Run(ctx) }()

	waitFor(t, func() bool { return hits.Load() == 1 && store.get(1).LastFetch.Equal(t0) })
	// Many ticks pass, but the fake clock does not: the feed is not due.
	for range 10 {
		time.Sleep(5 * time.Millisecond)
	}
	if hits.Load() != 1 {
		t.Fatalf("feed fetched %d times before it was due", hits.Load())
	}
	clock.advance(10 * time.Minute)
	waitFor(t, func() bool { docs, _ := sink.snapshot(); return len(docs) == 2 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v, want context.Canceled", err)
	}
}

func TestRunSurvivesStoreErrors(t *testing.T) {
	store := newMemStore()
	store.fail = errors.New("database is locked")
	var logs safeBuffer
	p, _ := New(Options{Store: store, Sink: newMemSink(), Client: testClient(t), Tick: time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Run(ctx) }()
	waitFor(t, func() bool { return strings.Count(logs.String(), "database is locked") >= 3 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v", err)
	}
}

// waitFor polls cond; the deadline is only a guard against a hung test.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestBackoff(t *testing.T) {
	every := 10 * time.Minute
	prev := time.Duration(0)
	for n := 1; n <= 12; n++ {
		d := Backoff(every, n, "https://a.example/feed")
		ceil := min(every<<n, MaxBackoff)
		if d < ceil/2 || d >= ceil {
			t.Errorf("failure %d: %v outside [%v, %v)", n, d, ceil/2, ceil)
		}
		if ceil < MaxBackoff && d < prev {
			t.Errorf("failure %d: %v shorter than the previous %v", n, d, prev)
		}
		if d != Backoff(every, n, "https://a.example/feed") {
			t.Errorf("failure %d: not deterministic", n)
		}
		prev = d
	}
	if d := Backoff(every, 1000, "x"); d > MaxBackoff || d < MaxBackoff/2 {
		t.Errorf("1000 failures: %v, want capped near %v", d, MaxBackoff)
	}
	if d := Backoff(0, 1, "x"); d < DefaultEvery || d >= 2*DefaultEvery {
		t.Errorf("zero interval: %v, want the default's first backoff", d)
	}
	spread := map[time.Duration]bool{}
	for i := range 20 {
		spread[Backoff(every, 3, fmt.Sprint("https://feed", i, ".example/"))] = true
	}
	if len(spread) < 15 {
		t.Errorf("jitter spreads 20 feeds over only %d distinct waits", len(spread))
	}
}

func TestBuildDocument(t *testing.T) {
	it := feed.Item{Title: "T", Link: " ../a/b?utm_medium=x#top ", GUID: "g1", Published: "2021-07-05T10:00:00+05:00", Summary: "<p>s</p>"}
	p, err := BuildDocument("https://Example.org/feeds/rss", "Example", "ru", it)
	if err != nil {
		t.Fatal(err)
	}
	if p.Doc.URL != "https://example.org/a/b" || p.Doc.ID != DocID("https://example.org/a/b") || !p.NeedsArticle || p.Doc.HTML != "<p>s</p>" || p.Doc.Lang != "ru" {
		t.Errorf("doc = %+v", p)
	}
	if len(p.Doc.ID) != 16 {
		t.Errorf("id %q is not 16 hex digits", p.Doc.ID)
	}
	// The same item through another tracking link is the same document.
	it.Link = "https://example.org/a/b?fbclid=123"
	if q, _ := BuildDocument("https://example.org/feeds/rss", "Example", "", it); q.Doc.ID != p.Doc.ID {
		t.Errorf("ids differ for the same canonical URL: %s %s", q.Doc.ID, p.Doc.ID)
	}
	it.Link = "javascript:alert(1)"
	if q, _ := BuildDocument("https://example.org/feeds/rss", "Example", "", it); q.Doc.URL != "" || q.NeedsArticle || q.Doc.ID != DocID("https://example.org/feeds/rss#guid:g1") {
		t.Errorf("bad link should fall back to the guid: %+v", q)
	}
	if _, err := BuildDocument("https://example.org/feeds/rss", "", "", feed.Item{Summary: "x"}); err == nil {
		t.Error("an item with no link, guid or title was accepted")
	}
}

func TestFetchArticleRefusesNonPages(t *testing.T) {
	u := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.7"))
	})
	_, err := FetchArticle(context.Background(), testClient(t), borderwatch.Document{ID: "x", URL: u + "/report.pdf"})
	if !errors.Is(err, ErrNotArticle) {
		t.Errorf("err = %v, want ErrNotArticle", err)
	}
}

func TestNewRequiresParts(t *testing.T) {
	if _, err := New(Options{}); err == nil {
		t.Error("New accepted options without store, sink and client")
	}
}

// BenchmarkFetchFeed is the fetch-feed job end to end over loopback: a
// 50-item RSS document fetched, parsed and turned into documents.
func BenchmarkFetchFeed(b *testing.B) {
	long, err := os.ReadFile(filepath.Join("testdata", "longtext.txt"))
	if err != nil {
		b.Fatal(err)
	}
	var items []rssItem
	for i := range 50 {
		items = append(items, rssItem{title: fmt.Sprint("Report ", i), link: fmt.Sprintf("https://bench.example/r/%d?utm_source=rss", i),
			pubDate: "Tue, 06 Jul 2021 10:12:00 +0500", content: "<p>" + string(long) + "</p>"})
	}
	body := rss("Bench", items...)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) }))
	defer srv.Close()
	c, err := fetch.New(fetch.Options{AllowPrivate: true, HostGap: time.Nanosecond})
	if err != nil {
		b.Fatal(err)
	}
	f := borderwatch.Feed{ID: 1, URL: srv.URL, Every: time.Minute}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		res, err := FetchFeed(context.Background(), c, f, t0)
		if err != nil || len(res.Docs) != 50 {
			b.Fatalf("%d docs, %v", len(res.Docs), err)
		}
	}
}
