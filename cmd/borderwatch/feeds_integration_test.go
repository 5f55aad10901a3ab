package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"borderwatch"
	"borderwatch/internal/fetch"
	"borderwatch/internal/poller"
	"borderwatch/internal/store"
	"borderwatch/internal/store/storetest"
)

// TestPollerIntoStore runs the real poller against feed servers on loopback
// into a real SQLite store: a healthy feed is stored once however often it is
// polled, and hostile feeds (500s, malformed XML, a gzip bomb) leave errors
// on their feed, back off, and take nothing else down.
func TestPollerIntoStore(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.SQLiteDSN(t), store.Options{Extractor: storetest.Extractor(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	item := func(i int, text string) string {
		return fmt.Sprintf(`<item><title>Report %d</title><link>http://%%s/a/%d</link><guid>r-%d</guid>
<pubDate>Tue, 06 Jul 2021 10:0%d:00 +0500</pubDate><description><![CDATA[%s]]></description></item>`, i, i, i, i, text)
	}
	long := strings.Repeat("Officials said the situation along the river remained tense but calm overnight. ", 25)
	healthyItems := item(1, "Uzbekistan deployed additional troops to the Termez area on Monday, the Uzbek Defence Ministry said. "+long) +
		item(2, "Taliban militants seized the border crossing at Sher Khan Bandar on Monday, according to local officials. "+long)
	mux := http.NewServeMux()
	mux.HandleFunc("/healthy.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Healthy Wire</title>%s</channel></rss>`,
			strings.ReplaceAll(healthyItems, "%s", r.Host))
	})
	mux.HandleFunc("/error.xml", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusInternalServerError) })
	mux.HandleFunc("/broken.xml", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `<?xml version="1.0"?><rss><channel><title>Broken<item><title>`)
	})
	mux.HandleFunc("/bomb.xml", func(w http.ResponseWriter, r *http.Request) {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(bytes.Repeat([]byte{' '}, 64<<20))
		zw.Close()
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(buf.Bytes())
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, path := range []string{"/healthy.xml", "/error.xml", "/broken.xml", "/bomb.xml"} {
		if _, err := db.AddFeed(ctx, borderwatch.Feed{URL: srv.URL + path, Every: 10 * time.Minute}); err != nil {
			t.Fatal(err)
		}
	}
	client, err := fetch.New(fetch.Options{AllowPrivate: true, HostGap: time.Millisecond, MaxDecodedBytes: 8 << 20})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	p, err := poller.New(poller.Options{Store: db, Sink: db, Client: client, Now: func() time.Time { return now },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 2; round++ {
		if err := p.PollOnce(ctx); err != nil {
			t.Fatal(err)
		}
		now = now.Add(11 * time.Minute) // the healthy feed is due again; the failing ones back off
	}
	st, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Documents != 2 {
		t.Errorf("%d documents stored, want 2 (each healthy item once)", st.Documents)
	}
	if st.Events < 2 {
		t.Errorf("%d events, want at least one per report", st.Events)
	}
	feeds, err := db.Feeds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range feeds {
		healthy := strings.HasSuffix(f.URL, "/healthy.xml")
		switch {
		case healthy && (f.LastError != "" || f.Failures != 0):
			t.Errorf("%s: error %q, failures %d, want none", f.URL, f.LastError, f.Failures)
		case !healthy && (f.LastError == "" || f.Failures == 0):
			t.Errorf("%s: no error recorded (failures %d)", f.URL, f.Failures)
		case !healthy && f.NextFetch.Sub(f.LastFetch) < 10*time.Minute:
			t.Errorf("%s: next fetch %v after the last, want a backoff of at least the interval", f.URL, f.NextFetch.Sub(f.LastFetch))
		}
	}
}
