package text

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchPlain is about 3.5 KB of English news text written for the benchmark.
var benchPlain = strings.Repeat("DUSHANBE, July 6. More than 1,000 soldiers crossed the river into the neighbouring "+
	"country overnight, the border service said on Tuesday. \u201cWe gave them food and shelter,\u201d a spokesman told "+
	"reporters at the post.\nThe government called up 20,000 reservists to reinforce the southern frontier.\n"+
	"ADVERTISEMENT\n", 14)

func BenchmarkFromPlain(b *testing.B) {
	raw := []byte(benchPlain)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FromPlain(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLanguage(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Language(benchPlain)
	}
}

// benchPage builds a page of about 20 KB from a hand-written page in
// testdata by repeating the text between two markers.
func benchPage(b *testing.B, file, from, to string) []byte {
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		b.Fatal(err)
	}
	page, ok := parseArchive(string(data)).get("input.html")
	if !ok {
		b.Fatalf("%s has no input.html", file)
	}
	start := strings.Index(page, from)
	end := strings.Index(page, to)
	if start < 0 || end < start {
		b.Fatalf("%s: markers not found", file)
	}
	body := page[start:end]
	for len(page) < 20<<10 {
		page = page[:end] + body + page[end:]
		end += len(body)
	}
	return []byte(page)
}

// BenchmarkFromHTML runs a news page that marks its article: the fast path.
func BenchmarkFromHTML(b *testing.B) {
	benchmarkHTML(b, benchPage(b, "news_page.txtar", "<p>Several", "</article>"))
}

// BenchmarkFromHTMLReadability runs a div-soup page without article
// markup, which goes through readability.
func BenchmarkFromHTMLReadability(b *testing.B) {
	benchmarkHTML(b, benchPage(b, "divsoup_page.txtar", "<div class=\"txt\">The government", "\n </div>\n <div class=\"right-col\">"))
}

func benchmarkHTML(b *testing.B, raw []byte) {
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FromHTML(raw, "https://news.example.org/a"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}
