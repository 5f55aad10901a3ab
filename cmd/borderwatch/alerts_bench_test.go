package main

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// benchPlaces are border districts inside the 30 km AFG-TJK band.
var benchPlaces = []string{"Ishkashim", "Khwahan", "Shighnan", "Darwaz"}

// benchFiller are sentences without events; each report takes a different
// selection, so that no report is a near-copy of another.
var benchFiller = []string{
	"The weather in the valley stayed cold and dry.", "Traders in the bazaar reported higher prices for flour.",
	"Schools in the district reopened after the holiday.", "The road to the provincial centre was repaired last year.",
	"Farmers are waiting for the apricot harvest.", "Local elders met in the mosque after evening prayers.",
	"A new clinic is being built near the river.", "Mobile phone coverage in the mountains remains poor.",
	"Snow still blocks the higher passes.", "The bridge toll was raised in the spring.",
	"Teachers have not been paid for two months.", "The district governor spoke about water shortages.",
	"Shepherds moved their flocks to the summer pastures.", "Electricity comes from a small hydropower plant.",
	"Young men often leave to work in Russia.", "A wedding party crossed the valley on Friday.",
}

// benchReport is the i-th new matching report: another attack, on another
// day and place, with filler of its own, so each makes an alert.
func benchReport(i int) wireItem {
	day := time.Date(2021, 7, 1, 9, 0, 0, 0, time.FixedZone("+05", 5*3600)).AddDate(0, 0, i%60)
	text := fmt.Sprintf("Taliban fighters attacked an Afghan border post in %s district on %s, local officials said.",
		benchPlaces[i%len(benchPlaces)], day.Weekday())
	r := rand.New(rand.NewPCG(uint64(i), 7))
	for _, j := range r.Perm(len(benchFiller))[:8] {
		text += " " + benchFiller[j]
	}
	return wireItem{slug: fmt.Sprintf("bench-%d", i), title: fmt.Sprintf("Border post attacked (%d)", i),
		published: day.Format(time.RFC1123Z), text: text}
}

// fastClock runs the poller's clock speed times faster than real time,
// so a feed with the shortest allowed interval (1 minute) is due at every
// tick of a 10 s polling loop.
type fastClock struct {
	mu    sync.Mutex
	start time.Time
	speed float64
}

func (c *fastClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	d := time.Since(c.start)
	return c.start.Add(time.Duration(float64(d) * c.speed))
}

type latencyRun struct {
	url   string
	wire  *wire
	hooks *receiver
	sse   *sse
	// updates counts alerts that were updates of an earlier one (a report
	// grouped into an incident already alerted) rather than new ones.
	updates int
}

// waitAlert waits for the next alert on the stream and for it at the
// webhook, and returns when each arrived.
func (r *latencyRun) waitAlert(b *testing.B) (onStream, atHook time.Time) {
	// A report that fires nothing must fail the benchmark, not hang it.
	stuck := time.AfterFunc(time.Minute, r.sse.close)
	defer stuck.Stop()
	a := r.sse.nextAlert(b)
	if a.Revision > 1 {
		r.updates++
	}
	onStream = time.Now()
	key := a.Key + "#" + strconv.Itoa(a.Revision)
	for k := ""; k != key; {
		select {
		case k = <-r.hooks.notify:
		case <-time.After(time.Minute):
			b.Fatalf("no webhook for %s", key)
		}
	}
	r.hooks.mu.Lock()
	atHook = r.hooks.arrived[key]
	r.hooks.mu.Unlock()
	return onStream, atHook
}

func p95ms(ds []time.Duration) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	return float64(s[(len(s)*95+99)/100-1]) / float64(time.Millisecond)
}

// BenchmarkServeFeedPollToAlert measures, through a running `serve`, the
// time from the poll that finds a new matching report (the feed server
// answering it) to the alert read off the SSE stream and to its arrival at
// the webhook receiver. The article page is fetched too (the feed holds a
// summary), after the fetch client's one-second gap between requests to
// one host:
//
//	go test -run '^$' -bench ServeFeedPollToAlert -benchtime 20x ./cmd/borderwatch/
func BenchmarkServeFeedPollToAlert(b *testing.B) {
	clk := &clock{}
	dbPath := filepath.Join(b.TempDir(), "bench.db")
	w := newWire(b)
	hooks, hookURL := newReceiver(b, 0)
	cli(b, runWatch, "add", "border-30", "--border", "AFG-TJK", "--km", "30", "--db", dbPath)
	cli(b, runAlerts, "add", "--id", "border", "--watch", "border-30", "--types", "ASSAULT",
		"--webhook", hookURL, "--secret", e2eSecret, "--db", dbPath)
	cli(b, runFeeds, "add", w.srv.URL+"/feed.xml", "--every", "1m", "--db", dbPath)
	url, _ := startServe(b, dbPath, clk.now, 20*time.Millisecond)
	r := &latencyRun{url: url, wire: w, hooks: hooks, sse: openSSE(b, url, 0)}
	var toStream, toHook []time.Duration
	b.ResetTimer()
	for i := range b.N {
		it := benchReport(i)
		r.wire.publish(it)
		clk.advance(2 * time.Minute) // the feed is due at the next tick
		onStream, atHook := r.waitAlert(b)
		found := r.wire.firstServed(it.slug)
		toStream = append(toStream, onStream.Sub(found))
		toHook = append(toHook, atHook.Sub(found))
	}
	b.StopTimer()
	b.ReportMetric(p95ms(toStream), "p95-stream-ms")
	b.ReportMetric(p95ms(toHook), "p95-webhook-ms")
	b.ReportMetric(float64(r.updates), "updates")
}

// BenchmarkServePublicationToAlert10s measures, through a running `serve`
// polling every 10 s, the time from a report's publication on the feed (at
// a random moment of the polling cycle) to its alert on the stream and at
// the webhook. Each iteration takes about 10 s:
//
//	go test -run '^$' -bench ServePublicationToAlert10s -benchtime 15x ./cmd/borderwatch/
func BenchmarkServePublicationToAlert10s(b *testing.B) {
	// Seven times real speed: 70 clock seconds pass between ticks, so the
	// 1-minute feed is due at every tick.
	clk := &fastClock{start: time.Now(), speed: 7}
	dbPath := filepath.Join(b.TempDir(), "bench.db")
	w := newWire(b)
	hooks, hookURL := newReceiver(b, 0)
	cli(b, runWatch, "add", "border-30", "--border", "AFG-TJK", "--km", "30", "--db", dbPath)
	cli(b, runAlerts, "add", "--id", "border", "--watch", "border-30", "--types", "ASSAULT",
		"--webhook", hookURL, "--secret", e2eSecret, "--db", dbPath)
	cli(b, runFeeds, "add", w.srv.URL+"/feed.xml", "--every", "1m", "--db", dbPath)
	url, _ := startServe(b, dbPath, clk.now, 10*time.Second)
	r := &latencyRun{url: url, wire: w, hooks: hooks, sse: openSSE(b, url, 0)}
	var toStream, toHook []time.Duration
	b.ResetTimer()
	for i := range b.N {
		time.Sleep(rand.N(10 * time.Second)) // a random phase of the polling cycle
		it := benchReport(i)
		published := time.Now()
		r.wire.publish(it)
		onStream, atHook := r.waitAlert(b)
		toStream = append(toStream, onStream.Sub(published))
		toHook = append(toHook, atHook.Sub(published))
	}
	b.StopTimer()
	b.ReportMetric(p95ms(toStream), "p95-stream-ms")
	b.ReportMetric(p95ms(toHook), "p95-webhook-ms")
	b.ReportMetric(float64(r.updates), "updates")
}
