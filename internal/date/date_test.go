package date

import (
	"borderwatch/internal/sharedtest"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// findCase is one sentence of testdata/find.json with the mentions we expect.
type findCase struct {
	Name      string        `json:"name"`
	Published string        `json:"published,omitempty"` // RFC 3339; empty = unknown
	Year      int           `json:"year,omitempty"`
	Sentence  string        `json:"sentence"`
	Want      []wantMention `json:"want"`
}

type wantMention struct {
	Text      string `json:"text"`
	From      string `json:"from,omitempty"` // YYYY-MM-DD; empty = unresolved
	To        string `json:"to,omitempty"`
	Precision string `json:"precision"`
	Relative  bool   `json:"relative,omitempty"`
	Explicit  bool   `json:"explicit,omitempty"`
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func writeJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", name), append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFindGolden(t *testing.T) {
	var cases []findCase
	readJSON(t, "find.json", &cases)
	if len(cases) < 60 {
		t.Errorf("only %d cases in find.json", len(cases))
	}
	for i, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			ref := Ref{Year: c.Year}
			if c.Published != "" {
				p, err := time.Parse(time.RFC3339, c.Published)
				if err != nil {
					t.Fatal(err)
				}
				ref.Published = p
			}
			got := []wantMention{}
			for _, m := range Find(c.Sentence, ref) {
				if c.Sentence[m.Start:m.End] != m.Text {
					t.Errorf("span %d:%d is %q, Text is %q", m.Start, m.End, c.Sentence[m.Start:m.End], m.Text)
				}
				got = append(got, wantMention{Text: m.Text, From: day(m.From), To: day(m.To),
					Precision: m.Precision, Relative: m.Relative, Explicit: m.Explicit})
			}
			if *update {
				cases[i].Want = got
				return
			}
			if !reflect.DeepEqual(got, c.Want) {
				t.Errorf("Find(%q)\n got %+v\nwant %+v", c.Sentence, got, c.Want)
			}
		})
	}
	if *update {
		writeJSON(t, "find.json", cases)
	}
}

type datelineCase struct {
	Name       string `json:"name"`
	Text       string `json:"text"`
	OK         bool   `json:"ok"`
	Date       string `json:"date,omitempty"`
	MonthDayOK bool   `json:"month_day_ok"`
	Month      int    `json:"month,omitempty"`
	Day        int    `json:"day,omitempty"`
}

func TestDatelineGolden(t *testing.T) {
	var cases []datelineCase
	readJSON(t, "dateline.json", &cases)
	for i, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			d, ok := Dateline(c.Text)
			m, dd, mdOK := DatelineMonthDay(c.Text)
			got := datelineCase{Name: c.Name, Text: c.Text, OK: ok, Date: day(d), MonthDayOK: mdOK, Month: int(m), Day: dd}
			if *update {
				cases[i] = got
				return
			}
			if got != c {
				t.Errorf("got %+v\nwant %+v", got, c)
			}
			if !ok && !d.IsZero() {
				t.Errorf("not ok but date %v", d)
			}
		})
	}
	if *update {
		writeJSON(t, "dateline.json", cases)
	}
}

type inferCase struct {
	Name string `json:"name"`
	Text string `json:"text"`
	Year int    `json:"year"`
}

func TestInferYearGolden(t *testing.T) {
	var cases []inferCase
	readJSON(t, "inferyear.json", &cases)
	for i, c := range cases {
		got := InferYear(c.Text)
		if *update {
			cases[i].Year = got
			continue
		}
		if got != c.Year {
			t.Errorf("%s: InferYear = %d, want %d", c.Name, got, c.Year)
		}
	}
	if *update {
		writeJSON(t, "inferyear.json", cases)
	}
}

// TestSeedArticle runs the finder over the project's seed article: the
// dates the gold file names must be found with the year the article itself
// supplies ("September 11, 2021"), and nothing may be invented.
func TestSeedArticle(t *testing.T) {
	text := readShared(t, "seed/000_8bc1901eddcf3703.txt")
	year := InferYear(text)
	if year != 2021 {
		t.Fatalf("InferYear(seed) = %d, want 2021", year)
	}
	if _, ok := Dateline(text); ok {
		t.Errorf("the seed article has no dateline")
	}
	want := map[string][2]string{
		"on July 4-5 overnight":   {"2021-07-04", "2021-07-05"},
		"by September 11, 2021":   {"2021-09-11", "2021-09-11"},
		"in October 2001":         {"2001-10-01", "2001-10-31"},
		"In June":                 {"2021-06-01", "2021-06-30"},
		"from September 23, 2013": {"2013-09-23", "2013-09-23"},
		"in 2011":                 {"2011-01-01", "2011-12-31"},
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		for _, m := range Find(line, Ref{Year: year}) {
			seen[m.Text] = true
			w, ok := want[m.Text]
			if !ok {
				continue
			}
			if got := [2]string{day(m.From), day(m.To)}; got != w {
				t.Errorf("%q resolved to %v, want %v", m.Text, got, w)
			}
		}
	}
	for text := range want {
		if !seen[text] {
			t.Errorf("%q not found in the seed article", text)
		}
	}
}

// readShared reads a file from ../shared next to the repository root, or
// skips the test when it is absent (the shared files are not ours to copy).
func readShared(t *testing.T, rel string) string { return string(sharedtest.Read(t, rel)) }

// TestRefWithoutYearNeverInvents checks the rule "dates are never
// invented" over every golden sentence: with an empty Ref, any resolved
// mention must carry its own year.
func TestRefWithoutYearNeverInvents(t *testing.T) {
	var cases []findCase
	readJSON(t, "find.json", &cases)
	for _, c := range cases {
		for _, m := range Find(c.Sentence, Ref{}) {
			if !m.From.IsZero() && !m.Explicit {
				t.Errorf("%q: %q resolved to %v without a reference", c.Sentence, m.Text, m.From)
			}
		}
	}
}

func checkMentions(t *testing.T, s string, ms []Mention) {
	t.Helper()
	prevEnd := 0
	for _, m := range ms {
		if m.Start < prevEnd || m.End <= m.Start || m.End > len(s) {
			t.Fatalf("%q: bad span %d:%d (previous end %d)", s, m.Start, m.End, prevEnd)
		}
		if s[m.Start:m.End] != m.Text {
			t.Fatalf("%q: span %q != Text %q", s, s[m.Start:m.End], m.Text)
		}
		if m.To.Before(m.From) {
			t.Fatalf("%q: %q To %v before From %v", s, m.Text, m.To, m.From)
		}
		if m.From.IsZero() != m.To.IsZero() {
			t.Fatalf("%q: %q half resolved", s, m.Text)
		}
		prevEnd = m.End
	}
}

func FuzzFind(f *testing.F) {
	for _, s := range []string{
		"on July 4-5 overnight", "between 4 and 6 July", "June 30-July 2, 2021", "05.07.2021",
		"2021-07-05", "the day before yesterday", "last Friday", "December 30-January 2",
		"in mid-", "on the night of", "9/11 at 11:30", "February 29", "July 4 and", "99.99.9999",
	} {
		f.Add(s, int64(1625762820), 0)
	}
	f.Fuzz(func(t *testing.T, s string, unix int64, year int) {
		ref := Ref{Year: year % 3000}
		if unix%2 == 0 {
			ref.Published = time.Unix(unix%(1<<40), 0).In(time.FixedZone("x", int(unix%50000)))
		}
		checkMentions(t, s, Find(s, ref))
		_ = InferYear(s)
	})
}

func FuzzDateline(f *testing.F) {
	for _, s := range []string{
		"MOSCOW, July 8. /TASS/.", "KABUL, Afghanistan (Jan. 25, 2013) --", "DUSHANBE, July 6 (Reuters) -",
		"Washington, D.C., 12 March 2022 —", "LONDON (AP) —", "A, 31 February 2021 -",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := Dateline(s)
		if ok != !d.IsZero() {
			t.Fatalf("Dateline(%q) = %v, %v", s, d, ok)
		}
		m, dd, mdOK := DatelineMonthDay(s)
		if ok && (!mdOK || m != d.Month() || dd != d.Day()) {
			t.Fatalf("DatelineMonthDay(%q) = %v %d %v, Dateline %v", s, m, dd, mdOK, d)
		}
		if mdOK && (m < 1 || m > 12 || dd < 1 || dd > 31) {
			t.Fatalf("DatelineMonthDay(%q) = %v %d", s, m, dd)
		}
	})
}

// BenchmarkFind runs Find over 30 typical news sentences; ns/op divided by
// 30 is the cost per sentence (the budget is ~2 µs).
func BenchmarkFind(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("testdata", "sentences.txt"))
	if err != nil {
		b.Fatal(err)
	}
	sentences := strings.Split(strings.TrimSpace(string(raw)), "\n")
	ref := Ref{Published: time.Date(2021, 7, 8, 19, 47, 0, 0, time.FixedZone("MSK", 3*3600))}
	runtime.LockOSThread() // so that threadCPU measures this benchmark's thread
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	cpu := threadCPU()
	for b.Loop() {
		for _, s := range sentences {
			Find(s, ref)
		}
	}
	n := float64(b.N * len(sentences))
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/sentence")
	b.ReportMetric(float64(threadCPU()-cpu)/n, "cpu-ns/sentence")
}
