package pipeline

import (
	"fmt"
	"math/rand"
	"runtime"
	"strings"
	"testing"
	"time"

	"borderwatch"
)

// benchSentences are our own report sentences; benchDocs recombines them
// with other names and numbers into distinct 3-4 KB reports.
var benchSentences = []string{
	"%[1]s has asked its allies in the Collective Security Treaty Organization to help secure the border with Afghanistan, the Foreign Ministry said on %[4]s.",
	"More than %[2]d Afghan soldiers crossed into %[1]s overnight after Taliban fighters attacked their posts in %[3]s province, the border service said.",
	"Taliban militants seized the border crossing at Sher Khan Bandar on %[4]s, according to local officials.",
	"President Emomali Rahmon ordered the mobilisation of %[2]d reservists to reinforce the southern border, the state news agency Khovar reported.",
	"Uzbekistan deployed additional troops to the Termez area, the Uzbek Defence Ministry said.",
	"Officials in Kabul said at least %[5]d civilians were killed when a roadside bomb exploded in %[3]s on %[4]s.",
	"Russia will hold joint military exercises with %[1]s and Uzbekistan near the Tajik-Afghan border in August, Defence Minister Sergei Shoigu said.",
	"A Taliban spokesman warned that foreign troops who stay in Afghanistan after the withdrawal would be treated as occupiers.",
	"The river, known as the Panj on the Tajik side, marks most of the 1,344-kilometre frontier.",
	"The United Nations refugee agency said about %[2]d people had fled the fighting in %[3]s and were sheltering near the river.",
	"Pakistan closed its border crossing at Torkham after clashes between border guards, the Interior Ministry said.",
	"The European Union urged all sides to respect a ceasefire and allow humanitarian workers into the province.",
	"Kyrgyz and Tajik border guards exchanged fire near the disputed village, and both governments accused each other of provoking the clash.",
	"China offered to host talks between the Afghan government and the Taliban in %[6]s next month.",
	"Protesters in %[6]s demanded that the government release the detained journalists, witnesses said.",
	"Iranian police arrested %[5]d men suspected of smuggling weapons across the border from Afghanistan.",
	"The Turkish military will remain in Kabul to protect the airport, the Turkish Defence Ministry announced.",
	"Washington imposed sanctions on three Taliban commanders accused of attacks on civilians.",
	"The Afghan army said its forces retook the district of %[3]s after two days of heavy fighting.",
	"Subscribe to our Telegram channel for more news!",
}

// benchBackground are sentences of the kind that fill real reports between
// the events: context, description, numbers that are no events.
var benchBackground = []string{
	"The river, known as the Panj on the Tajik side, marks most of the 1,344-kilometre frontier between the two countries.",
	"%[3]s lies in a mountainous area where roads are often closed by snow for several months of the year.",
	"The region has long been a route for smugglers moving opium and heroin north towards Russia and Europe.",
	"Analysts say the situation remains fluid and that much depends on the coming weeks.",
	"Many families in the border villages have relatives on both sides of the river.",
	"The economy of %[1]s depends heavily on money sent home by migrant workers in Russia.",
	"The bridge was built with foreign funding more than a decade ago and carries most of the trade.",
	"Local markets were open as usual on %[4]s, and prices for flour and fuel were stable.",
	"The province has a population of about one million people, most of them farmers.",
	"Temperatures in the valley can exceed 40 degrees Celsius in summer.",
	"Officials did not say how long the measures would stay in place.",
	"It was not immediately possible to verify the reports independently.",
	"The district centre is about %[5]d kilometres from the provincial capital.",
	"The government in %[6]s has repeatedly described the situation as under control.",
	"Trade through the crossing reached record levels last year, according to customs data.",
}

var benchPlaces = []string{"Kunduz", "Badakhshan", "Takhar", "Balkh", "Faryab", "Jawzjan", "Ishkashim", "Khwahan", "Shighnan", "Darwaz"}
var benchDays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
var benchCountries = []string{"Tajikistan", "Uzbekistan", "Turkmenistan", "Kyrgyzstan"}
var benchCities = []string{"Dushanbe", "Tashkent", "Kabul", "Beijing", "Islamabad", "Moscow"}

// benchDocs makes n distinct reports of 3-4 KB; eventShare of their
// sentences come from the event pool, the rest from the background pool.
func benchDocs(n int) []borderwatch.Document { return benchDocsMix(n, 1.0) }

func benchDocsMix(n int, eventShare float64) []borderwatch.Document {
	r := rand.New(rand.NewSource(1))
	docs := make([]borderwatch.Document, n)
	for i := range docs {
		var b strings.Builder
		for b.Len() < 3200 {
			for j := 0; j < 5 && b.Len() < 3600; j++ {
				s := benchSentences[r.Intn(len(benchSentences))]
				if r.Float64() >= eventShare {
					s = benchBackground[r.Intn(len(benchBackground))]
				}
				// Draw the arguments whether or not the sentence uses them, so
				// the sequence of sentences stays the same; a sentence with no
				// verbs is written as it is (Fprintf would append the unused
				// arguments as %!(EXTRA ...)).
				country, n, place := benchCountries[r.Intn(len(benchCountries))], 100+r.Intn(20000), benchPlaces[r.Intn(len(benchPlaces))]
				day, m, city := benchDays[r.Intn(len(benchDays))], 2+r.Intn(60), benchCities[r.Intn(len(benchCities))]
				if strings.Contains(s, "%") {
					fmt.Fprintf(&b, s, country, n, place, day, m, city)
				} else {
					b.WriteString(s)
				}
				b.WriteString(" ")
			}
			b.WriteString("\n")
		}
		docs[i] = borderwatch.Document{ID: fmt.Sprintf("bench-%d", i),
			Published: time.Date(2021, 7, 1+i%30, 9, 0, 0, 0, time.UTC), Text: b.String()}
	}
	return docs
}

// BenchmarkExtractText measures documents per second on text given as
// JSONL documents (run with GOMAXPROCS=1 for the per-core figure).
func BenchmarkExtractText(b *testing.B) {
	x := testExtractor(b)
	docs := benchDocs(1000)
	var bytes int64
	for _, d := range docs {
		bytes += int64(len(d.Text))
	}
	b.SetBytes(bytes / int64(len(docs)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuSeconds()
	for i := 0; i < b.N; i++ {
		if _, err := x.Extract(docs[i%len(docs)]); err != nil {
			b.Fatal(err)
		}
	}
	reportRates(b, cpu0)
}

// BenchmarkExtractTextMixed is the same on reports where half the
// sentences state an event and half give background, as in most news.
func BenchmarkExtractTextMixed(b *testing.B) {
	x := testExtractor(b)
	docs := benchDocsMix(1000, 0.5)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuSeconds()
	for i := 0; i < b.N; i++ {
		if _, err := x.Extract(docs[i%len(docs)]); err != nil {
			b.Fatal(err)
		}
	}
	reportRates(b, cpu0)
	reportPeakRSS(b)
}

// BenchmarkExtractHTML measures documents per second on HTML pages.
func BenchmarkExtractHTML(b *testing.B) {
	x := testExtractor(b)
	docs := benchDocs(1000)
	for i := range docs {
		var h strings.Builder
		h.WriteString("<!doctype html><html lang=\"en\"><head><title>Border report</title></head><body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav><article><h1>Border report</h1>")
		for _, p := range strings.Split(strings.TrimSpace(docs[i].Text), "\n") {
			h.WriteString("<p>" + p + "</p>")
		}
		h.WriteString("</article><aside>Most read: <a href=\"/x\">Other story</a></aside><footer>All rights reserved</footer></body></html>")
		docs[i].Text, docs[i].HTML = "", h.String()
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuSeconds()
	for i := 0; i < b.N; i++ {
		if _, err := x.Extract(docs[i%len(docs)]); err != nil {
			b.Fatal(err)
		}
	}
	reportRates(b, cpu0)
}

// reportRates reports documents per wall second and per CPU second: on a
// shared machine the second is the figure that says what one core does.
func reportRates(b *testing.B, cpu0 float64) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
	if cpu := cpuSeconds() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu, "docs/cpu-s")
	}
}

// BenchmarkLoad measures loading the dictionaries, rules and gazetteer
// (run it with -benchtime 5x: each load takes a few hundred milliseconds).
func BenchmarkLoad(b *testing.B) {
	var ms runtime.MemStats
	cpu0 := cpuSeconds()
	for i := 0; i < b.N; i++ {
		if _, err := New(Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N)*1000, "cpu-ms/op")
	runtime.GC()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heapMB")
}

// TestBenchDocsWellFormed keeps the benchmark corpus honest: every report is
// 3-4 KB, distinct, and free of formatting debris.
func TestBenchDocsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range append(benchDocs(1000), benchDocsMix(1000, 0.5)...) {
		if n := len(d.Text); n < 3000 || n > 4200 {
			t.Errorf("%s: %d bytes, want 3-4 KB", d.ID, n)
		}
		if strings.Contains(d.Text, "%!") {
			t.Fatalf("%s: formatting debris: %.200s", d.ID, d.Text[strings.Index(d.Text, "%!"):])
		}
		seen[d.Text] = true
	}
	if len(seen) != 2000 {
		t.Errorf("%d distinct reports of 2000", len(seen))
	}
}
