package quantity

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
)

var update = flag.Bool("update", false, "rewrite golden files")

// findCase is one sentence of testdata/find.json with the quantities we expect.
type findCase struct {
	Name     string         `json:"name"`
	Sentence string         `json:"sentence"`
	Want     []wantQuantity `json:"want"`
}

type wantQuantity struct {
	Text      string `json:"text"`
	Value     int    `json:"value"`
	Qualifier string `json:"qualifier"`
	Unit      string `json:"unit"`
	Kind      string `json:"kind"`
	Vague     bool   `json:"vague"`
}

func TestFindGolden(t *testing.T) {
	path := filepath.Join("testdata", "find.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []findCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 60 {
		t.Errorf("only %d cases in %s", len(cases), path)
	}
	for i, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			got := []wantQuantity{}
			for _, q := range Find(c.Sentence) {
				got = append(got, wantQuantity{q.Text, q.Value, q.Qualifier, q.Unit, q.Kind, q.Vague})
			}
			checkQuantities(t, c.Sentence, Find(c.Sentence))
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
		out, err := json.MarshalIndent(cases, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

var kinds = map[string]bool{Count: true, Dead: true, Injured: true, Arrested: true, Length: true,
	Percent: true, Money: true, Duration: true, Ordinal: true, Other: true}

func checkQuantities(t *testing.T, s string, qs []Quantity) {
	t.Helper()
	prevEnd := 0
	for _, q := range qs {
		if q.Start < prevEnd || q.End <= q.Start || q.End > len(s) {
			t.Fatalf("%q: bad span %d:%d (previous end %d)", s, q.Start, q.End, prevEnd)
		}
		if s[q.Start:q.End] != q.Text {
			t.Fatalf("%q: span %q != Text %q", s, s[q.Start:q.End], q.Text)
		}
		if q.Unit != "" && !strings.Contains(q.Text, q.Unit) && !strings.Contains(s, q.Unit) {
			t.Fatalf("%q: unit %q not in the sentence", s, q.Unit)
		}
		if !kinds[q.Kind] {
			t.Fatalf("%q: unknown kind %q", s, q.Kind)
		}
		if q.Value < 0 {
			t.Fatalf("%q: negative value %d", s, q.Value)
		}
		prevEnd = q.End
	}
}

// TestSeedArticle checks the sizes the gold file gives for the seed
// article, and that its years, dates and "9/11" are not read as amounts.
func TestSeedArticle(t *testing.T) {
	text := readShared(t, "seed/000_8bc1901eddcf3703.txt")
	type key struct {
		value      int
		unit, kind string
	}
	want := map[key]string{ // value, unit, kind -> qualifier
		{1000, "servicemen", Count}:               "more than",
		{650, "troops", Count}:                    "",
		{9000, "Afghans", Count}:                  "",
		{700, "Hummer trucks", Count}:             "",
		{910, "kilometres", Length}:               "",
		{40, "percent", Percent}:                  "",
		{30000, "contingent", Count}:              "",
		{12, "armored personnel carriers", Count}: "dozens",
	}
	found := map[key]bool{}
	for _, line := range strings.Split(text, "\n") {
		for _, q := range Find(line) {
			k := key{q.Value, q.Unit, q.Kind}
			if qual, ok := want[k]; ok {
				found[k] = true
				if q.Qualifier != qual {
					t.Errorf("%q: qualifier %q, want %q", q.Text, q.Qualifier, qual)
				}
			}
			for _, bad := range []int{2001, 2011, 2013, 2021, 1996, 9, 11, 4, 5, 23} {
				if q.Value == bad && q.Kind != Ordinal && q.Kind != Percent {
					t.Errorf("%q read as an amount (%d %s)", q.Text, q.Value, q.Kind)
				}
			}
		}
	}
	for k := range want {
		if !found[k] {
			t.Errorf("%+v not found in the seed article", k)
		}
	}
}

// readShared reads a file from ../shared next to the repository root, or
// skips the test when it is absent (the shared files are not ours to copy).
func readShared(t *testing.T, rel string) string { return string(sharedtest.Read(t, rel)) }

func FuzzFind(f *testing.F) {
	for _, s := range []string{
		"More than 1,000 servicemen", "20 000 reservists", "1.5 million", "30,000-strong contingent",
		"three hundred and fifty", "tens of thousands of", "$5 million", "9/11 at 11:30 on 05.07.2021",
		"2021-07-05", "200-300", "a dozen Mi-8", "99999999999999999999999 troops", "1,000,000,000,000,000,000",
		"twenty-", "a", "between 5 and", "US$", "0.0.0", "1.", "1,00", "5 000.5",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkQuantities(t, s, Find(s))
	})
}

// BenchmarkFind runs Find over 30 typical news sentences; the ns/sentence
// metric is the figure to hold against the ~2 µs budget.
func BenchmarkFind(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("testdata", "sentences.txt"))
	if err != nil {
		b.Fatal(err)
	}
	sentences := strings.Split(strings.TrimSpace(string(raw)), "\n")
	runtime.LockOSThread() // so that threadCPU measures this benchmark's thread
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	cpu := threadCPU()
	for b.Loop() {
		for _, s := range sentences {
			Find(s)
		}
	}
	n := float64(b.N * len(sentences))
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/sentence")
	b.ReportMetric(float64(threadCPU()-cpu)/n, "cpu-ns/sentence")
}
