package sentence

import (
	"borderwatch/internal/sharedtest"
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"borderwatch"
)

var update = flag.Bool("update", false, "rewrite golden files")

// goldenCase is one case of testdata/golden.txt.
type goldenCase struct {
	comment []string
	input   []string
	want    []string
	line    int
}

func readGolden(t *testing.T, path string) []goldenCase {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []goldenCase
	var cur goldenCase
	flush := func() {
		if len(cur.input) > 0 || len(cur.want) > 0 {
			cases = append(cases, cur)
		}
		cur = goldenCase{}
	}
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		switch {
		case line == "":
			flush()
		case strings.HasPrefix(line, "#"):
			cur.comment = append(cur.comment, line)
		case strings.HasPrefix(line, "> ") || line == ">":
			if cur.line == 0 {
				cur.line = n
			}
			cur.input = append(cur.input, strings.TrimPrefix(strings.TrimPrefix(line, ">"), " "))
		case strings.HasPrefix(line, "= "):
			cur.want = append(cur.want, strings.TrimPrefix(line, "= "))
		default:
			t.Fatalf("%s:%d: line starts with neither '#', '> ' nor '= ': %q", path, n, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	flush()
	return cases
}

func writeGolden(t *testing.T, path string, header []string, cases []goldenCase) {
	t.Helper()
	var b strings.Builder
	for _, h := range header {
		b.WriteString(h + "\n")
	}
	for _, c := range cases {
		b.WriteString("\n")
		for _, l := range c.comment {
			b.WriteString(l + "\n")
		}
		for _, l := range c.input {
			b.WriteString(strings.TrimRight("> "+l, " ") + "\n")
		}
		for _, s := range Split(strings.Join(c.input, "\n")) {
			b.WriteString("= " + s.Text + "\n")
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestGolden(t *testing.T) {
	path := filepath.Join("testdata", "golden.txt")
	cases := readGolden(t, path)
	if len(cases) < 40 {
		t.Fatalf("golden file has %d cases, want at least 40", len(cases))
	}
	// The file's first comment block (before the first blank line) is its header.
	header := cases[0].comment
	if len(cases[0].input) == 0 {
		cases = cases[1:]
	} else {
		header = nil
	}
	if *update {
		writeGolden(t, path, header, cases)
		return
	}
	for _, c := range cases {
		text := strings.Join(c.input, "\n")
		got := Split(text)
		checkInvariants(t, text, got)
		var gotText []string
		for _, s := range got {
			gotText = append(gotText, s.Text)
		}
		if strings.Join(gotText, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s:%d %s\ninput: %q\ngot:\n  %s\nwant:\n  %s", path, c.line, strings.Join(c.comment, " "),
				text, strings.Join(gotText, "\n  "), strings.Join(c.want, "\n  "))
		}
	}
}

// checkInvariants asserts what every split must satisfy.
func checkInvariants(t *testing.T, text string, got []borderwatch.Sentence) {
	t.Helper()
	prevEnd := 0
	for i, s := range got {
		if s.Start < prevEnd || s.End < s.Start || s.End > len(text) {
			t.Fatalf("sentence %d span %v out of order or bounds (previous end %d, len %d)", i, s.Span, prevEnd, len(text))
		}
		if text[s.Start:s.End] != s.Text {
			t.Fatalf("sentence %d: text[%d:%d] = %q, Text = %q", i, s.Start, s.End, text[s.Start:s.End], s.Text)
		}
		if s.Text == "" || strings.TrimSpace(s.Text) != s.Text {
			t.Fatalf("sentence %d %q is empty or not trimmed", i, s.Text)
		}
		if strings.Contains(s.Text, "\n") {
			t.Fatalf("sentence %d %q spans a newline", i, s.Text)
		}
		prevEnd = s.End
	}
}

func TestEmptyAndBlank(t *testing.T) {
	for _, in := range []string{"", "\n", "   \n\t\n", "\n\n\n"} {
		if got := Split(in); len(got) != 0 {
			t.Errorf("Split(%q) = %v, want none", in, got)
		}
	}
}

func TestOffsetsAcrossLines(t *testing.T) {
	text := "First one. Second one.\n  Third one.\n"
	got := Split(text)
	want := []borderwatch.Sentence{
		{Span: borderwatch.Span{Start: 0, End: 10}, Text: "First one."},
		{Span: borderwatch.Span{Start: 11, End: 22}, Text: "Second one."},
		{Span: borderwatch.Span{Start: 25, End: 35}, Text: "Third one."},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Split(%q) =\n %v\nwant\n %v", text, got, want)
	}
}

func sharedDir(t testing.TB) string { return sharedtest.Dir(t) }

// TestSeedGoldSentences checks that every evidence sentence of the hand-coded
// seed events comes out of Split as exactly one sentence.
func TestSeedGoldSentences(t *testing.T) {
	shared := sharedDir(t)
	raw, err := os.ReadFile(filepath.Join(shared, "seed", "000_8bc1901eddcf3703.txt"))
	if err != nil {
		t.Skipf("seed article not available: %v", err)
	}
	gold, err := os.ReadFile(filepath.Join(shared, "eval", "seed.gold.jsonl"))
	if err != nil {
		t.Skipf("seed gold events not available: %v", err)
	}
	text := string(raw)
	got := Split(text)
	checkInvariants(t, text, got)
	// The gold leaves out the quote marks of a quotation that spans several
	// sentences, while Split keeps them on the sentence they touch, as
	// intended; compare without quote marks at the edges.
	unquote := func(s string) string { return strings.Trim(s, "\"“”") }
	have := map[string]bool{}
	for _, s := range got {
		have[unquote(s.Text)] = true
	}
	checked := 0
	for i, line := range strings.Split(strings.TrimSpace(string(gold)), "\n") {
		var ev struct {
			Sentence string `json:"sentence"`
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("seed.gold.jsonl line %d: %v", i+1, err)
		}
		// "Pravda. Ru" is a scraping artefact the splitter breaks at, by design.
		if strings.Contains(ev.Sentence, "Pravda. Ru") {
			continue
		}
		checked++
		if !have[unquote(ev.Sentence)] {
			t.Errorf("gold sentence not split out as one sentence: %q", ev.Sentence)
		}
	}
	if checked < 20 {
		t.Fatalf("only %d gold sentences checked; the gold file looks wrong", checked)
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{
		"", "A. B. C.", "Mr. X said \"no.\" Then...", "U.S. The end", "…”’»", "\n\n.\n",
		"MOSCOW, July 8. /TASS/. Text", "No. 5. No.", "a\xffb. C", "边境。难民", "؟؟ ؟", "\"(“",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got := Split(text)
		checkInvariants(t, text, got)
		if utf8.ValidString(text) {
			for _, s := range got {
				if !utf8.ValidString(s.Text) {
					t.Fatalf("sentence %q of valid text cuts a rune", s.Text)
				}
			}
		}
	})
}

// benchText is about 3.5 KB of news-like English, written for the benchmark.
var benchText = strings.Repeat("DUSHANBE, July 6. /TASS/. More than 1,000 soldiers crossed the river overnight, "+
	"the border service said. Gen. Karimov told reporters that the U.S. Army had left. \"We are ready,\" he said. "+
	"The talks on Jan. 3 failed, e.g. over the 3.5 km buffer zone.\nOfficials listed these districts:\n", 12)

func BenchmarkSplit(b *testing.B) {
	n := len(Split(benchText))
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	for b.Loop() {
		Split(benchText)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "sentences/s")
}
