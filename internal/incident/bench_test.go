package incident

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"borderwatch"
	"borderwatch/internal/pipeline"
)

// BenchmarkEndToEnd extracts and groups the corpus documents, again and
// again under new ids and later dates: documents per second through the
// real pipeline and the grouper together.
func BenchmarkEndToEnd(b *testing.B) {
	var raw []borderwatch.Document
	if err := pipeline.ReadDocuments("testdata/corpus.jsonl", nil, func(d borderwatch.Document, err error) error {
		raw = append(raw, d)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	x, err := pipeline.New(pipeline.Options{})
	if err != nil {
		b.Fatal(err)
	}
	g := New(Options{Dict: loadDict(b)})
	b.ResetTimer()
	cpu0 := cpuTime()
	n := 0
	for i := 0; b.Loop(); i++ {
		d := raw[i%len(raw)]
		round := i / len(raw)
		d.ID = fmt.Sprintf("%s-r%d", d.ID, round)
		// Each round is a month later: new incidents, not one giant one.
		if t, err := pipeline.ParseTime(d.PublishedRaw); err == nil {
			d.Published = t.AddDate(0, 0, 30*round)
			d.PublishedRaw = d.Published.Format(time.RFC3339)
		}
		res, err := x.Extract(d)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := g.Add(Doc{ID: d.ID, Source: d.Source, Published: res.Published, Text: res.Text, Events: res.Events}); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(n), "cpu-µs/doc")
}

// synth generates a seeded stream of documents shaped like a monitor's
// intake: a steady number of events a day over hundreds of places, most of
// them unrelated, some retold by several outlets.
type synth struct {
	rng     *rand.Rand
	places  []*borderwatch.Location
	actors  []borderwatch.Entity
	outlets []string
	vocab   []string
	events  int
	docs    int
	stories []borderwatch.Event // recent events, retold by other outlets
}

const synthEventsPerDay = 300

func newSynth(seed uint64) *synth {
	s := &synth{rng: rand.New(rand.NewPCG(seed, 99))}
	countries := []string{"AFG", "TJK", "UZB"}
	for i := range 400 {
		c := countries[i%3]
		lat, lon := 35+s.rng.Float64()*6, 62+s.rng.Float64()*13
		prec := []string{"site", "city", "city", "district", "district", "province", "country", "border"}[s.rng.IntN(8)]
		p := &borderwatch.Location{Name: fmt.Sprintf("place%d", i), Text: fmt.Sprintf("Place%d", i), Country: c, Lat: fp(lat), Lon: fp(lon), Precision: prec}
		if prec == "border" {
			p.Border, p.Lat, p.Lon = sp("AFG-TJK"), nil, nil
		}
		s.places = append(s.places, p)
	}
	sectors := []string{"GOV", "MIL", "REB", "COP", "CVL"}
	for i := range 30 {
		s.actors = append(s.actors, borderwatch.Entity{Name: fmt.Sprintf("actor%d", i), Country: countries[i%3], Sector: sectors[i%5]})
	}
	for i := range 40 {
		s.outlets = append(s.outlets, fmt.Sprintf("Outlet %d", i))
	}
	for i := range 3000 {
		s.vocab = append(s.vocab, fmt.Sprintf("w%03dx", i))
	}
	return s
}

func (s *synth) words(n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = s.vocab[s.rng.IntN(len(s.vocab))]
	}
	return strings.Join(ws, " ")
}

func (s *synth) doc() Doc {
	s.docs++
	today := 18000 + s.events/synthEventsPerDay // days since 1970
	pub := time.Unix(int64(today)*86400+36000, 0).UTC()
	d := Doc{ID: fmt.Sprintf("d%d", s.docs), Source: s.outlets[s.rng.IntN(len(s.outlets))], Published: pub, Text: s.words(60)}
	for i := range 3 {
		var e borderwatch.Event
		if len(s.stories) > 0 && s.rng.IntN(3) == 0 { // a retelling of a recent event
			e = s.stories[s.rng.IntN(len(s.stories))]
		} else {
			date := dayString(today - s.rng.IntN(3))
			e = borderwatch.Event{
				Event:    borderwatch.Types[s.rng.IntN(len(borderwatch.Types))],
				Actor:    []borderwatch.Entity{s.actors[s.rng.IntN(len(s.actors))]},
				EventLoc: s.places[s.rng.IntN(len(s.places))], Date: sp(date), DatePrecision: "day",
				Modality: []string{"asserted", "asserted", "asserted", "asserted", "asserted", "future", "negated", "historical"}[s.rng.IntN(8)],
				TextInfo: borderwatch.TextInfo{Text: s.words(14)},
			}
			if s.rng.IntN(2) == 0 {
				e.Size = &borderwatch.Size{Count: ip(s.rng.IntN(2000))}
			}
			if s.rng.IntN(3) == 0 {
				e.Attribution = cites(s.outlets[s.rng.IntN(len(s.outlets))])
			}
			s.stories = append(s.stories, e)
			if len(s.stories) > 200 {
				s.stories = s.stories[1:]
			}
		}
		e.ID = fmt.Sprintf("%s-e%d", d.ID, i)
		e.DocID = d.ID
		d.Events = append(d.Events, e)
		s.events++
	}
	return d
}

// cpuTime is the process's user+system CPU time: on a shared machine it
// measures our work where wall time measures the neighbours' too.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type prefilled struct {
	g *Grouper
	s *synth
}

var prefills = map[int]*prefilled{}

// BenchmarkGroupingCurve times Add with 10k, 100k and (with
// BORDERWATCH_BENCH_1M=1) 1M events already stored: the cost per document
// should stay flat as the store grows.
func BenchmarkGroupingCurve(b *testing.B) {
	sizes := []int{10_000, 100_000}
	if os.Getenv("BORDERWATCH_BENCH_1M") != "" {
		sizes = append(sizes, 1_000_000)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("stored=%d", n), func(b *testing.B) {
			p := prefills[n]
			if p == nil {
				p = &prefilled{g: New(Options{}), s: newSynth(uint64(n))}
				for p.s.events < n {
					if _, err := p.g.Add(p.s.doc()); err != nil {
						b.Fatal(err)
					}
				}
				prefills[n] = p
			}
			b.ResetTimer()
			cpu0 := cpuTime()
			for b.Loop() {
				if _, err := p.g.Add(p.s.doc()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/doc")
			b.ReportMetric(float64(len(p.g.incidents)), "incidents")
		})
	}
}
