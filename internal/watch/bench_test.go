package watch

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"borderwatch"
)

// benchRules builds 100 active rules of every kind, as a busy deployment
// might have.
func benchRules() []Rule {
	types := borderwatch.Types
	var rules []Rule
	for i := range 100 {
		r := Rule{ID: fmt.Sprintf("r%03d", i), Owner: "u", Active: true}
		switch i % 10 {
		case 0, 1, 2:
			r.Watch, r.Types = "border-30", []string{types[i%16], types[(i+5)%16]}
		case 3, 4:
			r.Actor.Countries, r.Types = []string{"TJK", "UZB", "RUS"}, []string{"MOBILIZE"}
		case 5:
			r.Keywords = []string{"Ishkashim", "Khorog", fmt.Sprintf("place%d", i)}
		case 6:
			r.Keywords, r.Types = []string{"bridge", "Panj"}, []string{types[i%16]}
		case 7:
			r.Types, r.Threshold = []string{"ASSAULT"}, &Threshold{Count: 5, Window: Duration(24 * time.Hour)}
		case 8:
			r.Watch = "badakhshan"
		case 9:
			r.Watch, r.Modalities = "khorog-50", []string{"asserted", "future"}
		}
		rules = append(rules, r)
	}
	return rules
}

var benchPlaces = []*borderwatch.Location{
	loc("TJK", "city", 37.49, 71.55),
	loc("AFG", "city", 37.89, 70.22),
	loc("AFG", "district", 37.19, 68.94),
	loc("TJK", "city", 38.54, 68.78),
	loc("UZB", "city", 37.22, 67.28),
	loc("AFG", "country", 33.9, 67.7),
	loc("AFG", "city", 36.73, 68.86),
	nil,
}

// benchDoc is a ~3 KB report with 8 events.
func benchDoc(n int) Input {
	id := fmt.Sprintf("doc%d", n)
	para := "Officials said the crossing over the Panj near Ishkashim stayed closed while troops moved north. "
	text := strings.Repeat(para, 30)
	in := Input{At: t0.Add(time.Duration(n) * time.Minute), Doc: &borderwatch.Document{ID: id, Title: "Border report", Text: text}}
	for j := range 8 {
		e := ev(fmt.Sprintf("%s-e%d", id, j), id, borderwatch.Types[(n+j)%16])
		e.EventLoc = benchPlaces[(n+j)%len(benchPlaces)]
		if e.EventLoc != nil && e.EventLoc.Country == "AFG" {
			a1 := "Badakhshan"
			e.EventLoc.Admin1 = &a1
		}
		e.TextInfo.Text = para
		in.Events = append(in.Events, e)
	}
	return in
}

// BenchmarkEvaluate100Rules measures whole documents (8 events, ~3 KB of
// text) through 100 active rules; docs/s must stay above 500.
func BenchmarkEvaluate100Rules(b *testing.B) {
	g := gazetteer(b)
	areas := []Area{borderArea(),
		{Name: "badakhshan", Kind: AreaAdmin, Country: "AFG", Admin1: "Badakhshan"},
		{Name: "khorog-50", Kind: AreaRadius, Lat: ptr(37.49), Lon: ptr(71.55), Km: 50}}
	e, err := NewEngine(g, areas, benchRules(), State{})
	if err != nil {
		b.Fatal(err)
	}
	docs := make([]Input, 1000)
	for i := range docs {
		docs[i] = benchDoc(i)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.Evaluate(docs[i%len(docs)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

func BenchmarkBorderBandContains(b *testing.B) {
	a := borderArea()
	if err := a.Prepare(gazetteer(b)); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a.Contains(benchPlaces[i%len(benchPlaces)])
	}
}
