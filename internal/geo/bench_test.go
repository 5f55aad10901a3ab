package geo

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user+system CPU time. The machine is shared, so
// the benchmarks report CPU per op next to wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLoad reports the heap the gazetteer keeps (MB) next to the time.
func BenchmarkLoad(b *testing.B) {
	var g *Gazetteer
	c0 := cpuTime()
	for b.Loop() {
		var err error
		g, err = Load()
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-c0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heapMB")
	runtime.KeepAlive(g)
}

// lookupNames mixes curated names, GeoNames names, spelling variants and
// unknown words, as an event coder would meet them.
var lookupNames = []string{"Kabul", "Sher Khan Bandar", "Khorugh", "Eshkashem", "Kunduz", "Paris", "Moscow",
	"Mazar-e Sharif", "Qalaikhumb", "Springfield", "Nowhereville", "Tajikistan", "San Jose", "Panj", "Alexandria"}

func BenchmarkLookup(b *testing.B) {
	g := gaz(b)
	dc := g.NewDocContext("Tajikistan sent troops to the border with Afghanistan.")
	i := 0
	c0 := cpuTime()
	for b.Loop() {
		g.Lookup(lookupNames[i%len(lookupNames)], dc)
		i++
	}
	b.ReportMetric(float64(cpuTime()-c0)/float64(time.Microsecond)/float64(b.N), "cpu-µs/op")
}

// findSentences are typical news sentences in our own words.
var findSentences = []string{
	"More than a thousand Afghan soldiers crossed into Tajikistan overnight after the Taliban took Sher Khan Bandar.",
	"Fighting was reported in Shighnan district of Badakhshan province on Tuesday, local officials said.",
	"The minister said the situation on the Tajik-Afghan border was under control.",
	"Traders waited at the Termez-Hairatan Friendship Bridge while talks continued in Tashkent and Kabul.",
	"Government forces retreated from Kunduz city towards the airport, a spokesman said.",
	"The United Nations said it was concerned about the humanitarian situation across the country.",
}

func BenchmarkFind(b *testing.B) {
	g := gaz(b)
	dc := g.NewDocContext("Tajikistan Afghanistan Badakhshan border troops")
	i := 0
	c0 := cpuTime()
	for b.Loop() {
		g.Find(findSentences[i%len(findSentences)], dc)
		i++
	}
	b.ReportMetric(float64(cpuTime()-c0)/float64(time.Microsecond)/float64(b.N), "cpu-µs/op")
}

// BenchmarkDocument is the per-document cost the pipeline pays: the context
// of testdata/report.txt (7 sentences, 1.1 KB) and Find on every sentence.
func BenchmarkDocument(b *testing.B) {
	g := gaz(b)
	text, err := os.ReadFile(filepath.Join("testdata", "report.txt"))
	if err != nil {
		b.Fatal(err)
	}
	lines := strings.Split(string(text), "\n")
	c0 := cpuTime()
	for b.Loop() {
		dc := g.NewDocContext(string(text))
		for _, l := range lines {
			g.Find(l, dc)
		}
	}
	b.ReportMetric(float64(cpuTime()-c0)/float64(time.Microsecond)/float64(b.N), "cpu-µs/op")
}
