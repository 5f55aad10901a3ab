package actor

import (
	"borderwatch/internal/sharedtest"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// goldenCase is one sentence of testdata/actors.json with the mentions we
// expect on its date.
type goldenCase struct {
	Sentence string    `json:"sentence"`
	Date     string    `json:"date"`
	Note     string    `json:"note,omitempty"`
	Mentions []Mention `json:"mentions"`
}

func loadDict(t testing.TB) *Dictionary {
	t.Helper()
	d, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return d
}

func day(t testing.TB, s string) time.Time {
	t.Helper()
	on, err := time.Parse("2006-01-02", s)
	if err != nil {
		t.Fatalf("bad date %q: %v", s, err)
	}
	return on
}

func TestGolden(t *testing.T) {
	path := filepath.Join("testdata", "actors.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(cases) < 80 {
		t.Errorf("%s has %d sentences, want at least 80", path, len(cases))
	}
	d := loadDict(t)
	for i := range cases {
		c := &cases[i]
		got := d.Find(c.Sentence, day(t, c.Date))
		if got == nil {
			got = []Mention{}
		}
		if *update {
			c.Mentions = got
			continue
		}
		want, _ := json.MarshalIndent(c.Mentions, "", "  ")
		have, _ := json.MarshalIndent(got, "", "  ")
		if string(want) != string(have) {
			t.Errorf("%s (%s):\nwant %s\ngot  %s", c.Sentence, c.Date, compact(c.Mentions), compact(got))
		}
	}
	if *update {
		out, err := json.MarshalIndent(cases, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// compact prints mentions one per line for readable failures.
func compact(ms []Mention) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "\n    [%d,%d] %q %q %s %s %s pl=%v", m.Start, m.End, m.Text, m.Name, m.Country, m.Sector, m.Kind, m.Plural)
	}
	return b.String()
}

// find returns the mention whose text is text, failing the test if absent.
func find(t *testing.T, ms []Mention, text string) Mention {
	t.Helper()
	for _, m := range ms {
		if m.Text == text {
			return m
		}
	}
	t.Fatalf("no mention %q in %s", text, compact(ms))
	return Mention{}
}

func TestFindSpansAreTheText(t *testing.T) {
	d := loadDict(t)
	s := "Tajikistan's Ambassador to the CSTO, Khasan Sultonov said Afghan soldiers fled."
	ms := d.Find(s, day(t, "2021-07-08"))
	for i, m := range ms {
		if s[m.Start:m.End] != m.Text {
			t.Errorf("mention %d: span [%d,%d] is %q, Text is %q", i, m.Start, m.End, s[m.Start:m.End], m.Text)
		}
	}
	p := find(t, ms, "Tajikistan's Ambassador to the CSTO, Khasan Sultonov")
	if p.Name != "Khasan Sultonov" || p.Country != "TJK" || p.Sector != "GOV" || p.Kind != KindPerson {
		t.Errorf("envoy: got %+v", p)
	}
}

func TestFindDatedRoles(t *testing.T) {
	d := loadDict(t)
	cases := []struct {
		sentence, date, text, country, sector string
	}{
		{"The Taliban took the town.", "2021-08-14", "The Taliban", "AFG", "REB"},
		{"The Taliban took the town.", "2021-08-15", "The Taliban", "AFG", "GOV"},
		{"Ghani left.", "2021-08-14", "Ghani", "AFG", "GOV"},
		{"Ghani left.", "2021-08-16", "Ghani", "AFG", "ELI"},
		{"Biden spoke.", "2020-06-01", "Biden", "USA", "ELI"},
		{"Biden spoke.", "2021-06-01", "Biden", "USA", "GOV"},
		{"Trump spoke.", "2020-06-01", "Trump", "USA", "GOV"},
		{"Trump spoke.", "2022-06-01", "Trump", "USA", "ELI"},
		{"Trump spoke.", "2025-06-01", "Trump", "USA", "GOV"},
		{"Mujahid spoke.", "2021-07-01", "Mujahid", "AFG", "REB"},
		{"Mujahid spoke.", "2021-09-01", "Mujahid", "AFG", "GOV"},
		{"Berdimuhamedow spoke.", "2021-09-01", "Berdimuhamedow", "TKM", "GOV"},
	}
	for _, c := range cases {
		m := find(t, d.Find(c.sentence, day(t, c.date)), c.text)
		if m.Country != c.country || m.Sector != c.sector {
			t.Errorf("%s on %s: got %s %s, want %s %s", c.sentence, c.date, m.Country, m.Sector, c.country, c.sector)
		}
	}
	// The surname alone names whoever held the office on the day.
	if m := find(t, d.Find("Berdimuhamedow spoke.", day(t, "2023-01-01")), "Berdimuhamedow"); m.Name != "Serdar Berdimuhamedow" {
		t.Errorf("Berdimuhamedow in 2023 is %q, want Serdar Berdimuhamedow", m.Name)
	}
}

func TestFindZeroDateIsToday(t *testing.T) {
	d := loadDict(t)
	a := d.Find("Biden and the Taliban", time.Time{})
	b := d.Find("Biden and the Taliban", time.Now())
	if len(a) != 2 || compact(a) != compact(b) {
		t.Errorf("zero date: %s\ntoday: %s", compact(a), compact(b))
	}
}

func TestFindCase(t *testing.T) {
	d := loadDict(t)
	if ms := d.Find("Tell us what the AP found.", day(t, "2021-07-08")); len(ms) != 1 || ms[0].Name != "Associated Press" {
		t.Errorf("want only AP, got %s", compact(ms))
	}
	// Role nouns match in any case.
	ms := d.Find("BORDER GUARDS and Border Guards", day(t, "2021-07-08"))
	if len(ms) != 2 || ms[0].Sector != "MIL" || ms[1].Sector != "MIL" {
		t.Errorf("role nouns in any case: %s", compact(ms))
	}
}

func TestLookup(t *testing.T) {
	d := loadDict(t)
	for name, want := range map[string]string{
		"Khovar":           "TJK",
		"TASS":             "RUS",
		"Voice of America": "USA",
		"Collective Security Treaty Organization": "IGO",
		"Tajikistan border service":               "TJK",
		"the Taliban":                             "AFG",
	} {
		m, ok := d.Lookup(name)
		if !ok || m.Country != want {
			t.Errorf("Lookup(%q) = %+v, %v; want country %s", name, m, ok, want)
		}
	}
	if m, ok := d.Lookup("Khovar"); !ok || m.Sector != "JRN" || m.Kind != KindMedia {
		t.Errorf("Khovar: %+v", m)
	}
	for _, name := range []string{"", "   ", "Nobody Inparticular", "said"} {
		if m, ok := d.Lookup(name); ok {
			t.Errorf("Lookup(%q) found %+v", name, m)
		}
	}
}

func TestHash(t *testing.T) {
	a, b := loadDict(t), loadDict(t)
	if a.Hash() == "" || a.Hash() != b.Hash() {
		t.Errorf("hash not stable: %q %q", a.Hash(), b.Hash())
	}
	c, err := Load(strings.NewReader("Xanadu\tXanadu\tXAN\tGOV\tcountry\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Hash() == a.Hash() {
		t.Error("extra data did not change the hash")
	}
}

func TestLoadExtra(t *testing.T) {
	user := strings.Join([]string{
		"# my additions",
		"pattern\tname\tcountry\tsector\tkind\tplural\tfrom\tuntil\tnote",
		"Gorno-Badakhshan Self-Defence Unit\tGBAO self-defence\tTJK\tPRM\tgroup\tpl",
		"# Khovar moved, for the sake of the test",
		"Khovar\tKhovar\tUZB\tJRN\tmedia",
		"",
	}, "\n")
	d, err := Load(strings.NewReader(user))
	if err != nil {
		t.Fatal(err)
	}
	ms := d.Find("The Gorno-Badakhshan Self-Defence Unit and Khovar spoke.", day(t, "2021-07-08"))
	g := find(t, ms, "The Gorno-Badakhshan Self-Defence Unit")
	if g.Country != "TJK" || g.Sector != "PRM" || !g.Plural || g.Name != "GBAO self-defence" {
		t.Errorf("new actor: %+v", g)
	}
	if k := find(t, ms, "Khovar"); k.Country != "UZB" {
		t.Errorf("override: Khovar is %s, want UZB", k.Country)
	}
	// Rows of other patterns stay.
	if _, ok := d.Lookup("TASS"); !ok {
		t.Error("TASS lost after loading a user file")
	}
}

// namedReader gives a reader a file name, as *os.File has.
type namedReader struct {
	*strings.Reader
	name string
}

func (n namedReader) Name() string { return n.name }

func TestLoadErrors(t *testing.T) {
	cases := []struct{ data, want string }{
		{"# ok\nA\tA\tAAA\tGOV\n", "mine.tsv:2: want 5 to 9"},
		{"A\tA\tAAA\tXYZ\tcountry\n", "mine.tsv:1: sector \"XYZ\""},
		{"\n\nA\tA\tusa\tGOV\tcountry\n", "mine.tsv:3: country \"usa\""},
		{"A\tA\tAAA\tGOV\tplanet\n", "mine.tsv:1: unknown kind"},
		{"A\tA\tAAA\tGOV\tcountry\t\t2021-13-01\n", "mine.tsv:1: from: date"},
		{"A\tA\tAAA\tGOV\tcountry\t\t2021-08-15\t2021-08-01\n", "mine.tsv:1: from 2021-08-15 is not before"},
		{"A\tA\tAAA\tGOV\tcountry\tmany\n", "mine.tsv:1: plural column"},
		{"A||B\tA\tAAA\tGOV\tcountry\n", "mine.tsv:1: empty alternative"},
		{"\tA\tAAA\tGOV\tcountry\n", "mine.tsv:1: empty pattern"},
		{"A\t\tAAA\tGOV\tcountry\n", "mine.tsv:1: empty name"},
		{"-A\tA\tAAA\tGOV\tcountry\n", "mine.tsv:1: pattern \"-A\" must start"},
		{"...\tA\tAAA\tGOV\tcountry\t\t\t\tnote\textra\n", "mine.tsv:1: want 5 to 9"},
	}
	for _, c := range cases {
		_, err := Load(namedReader{strings.NewReader(c.data), "mine.tsv"})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want it to contain %q", c.data, err, c.want)
		}
	}
	_, err := Load(strings.NewReader("A\tA\tAAA\n"))
	if err == nil || !strings.Contains(err.Error(), "extra source 1:1:") {
		t.Errorf("unnamed reader: %v", err)
	}
	_, err = Load(errReader{})
	if err == nil || !strings.Contains(err.Error(), "disk gone") {
		t.Errorf("failing reader: %v", err)
	}
	if _, err := Load(nil); err == nil {
		t.Error("nil reader accepted")
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk gone") }

// TestSeedArticle runs the finder over the article the project started from
// (kept outside the repository) and checks the actors our gold codes.
func TestSeedArticle(t *testing.T) {
	shared := sharedDir(t)
	raw, err := os.ReadFile(filepath.Join(shared, "seed", "000_8bc1901eddcf3703.txt"))
	if err != nil {
		t.Skipf("seed article not available: %v", err)
	}
	d := loadDict(t)
	on := day(t, "2021-07-08")
	var all []Mention
	for _, line := range strings.Split(string(raw), "\n") {
		all = append(all, d.Find(line, on)...)
	}
	want := map[string]string{ // text -> country sector
		"Tajikistan's Ambassador to the CSTO, Khasan Sultonov": "TJK GOV",
		"servicemen from Afghanistan":                          "AFG MIL",
		"Tajikistan border service":                            "TJK MIL",
		"Afghan security forces":                               "AFG MIL",
		"the Turkish military":                                 "TUR MIL",
		"American troops":                                      "USA MIL",
		"NATO troops":                                          "IGO MIL",
		"the Joe Biden administration":                         "USA GOV",
		"Taliban spokesman Zabihullah Mujahid":                 "AFG REB",
		"the Voice of America":                                 "USA JRN",
		"Forbes":                                               "USA JRN",
	}
	for text, cs := range want {
		found := false
		for _, m := range all {
			if m.Text == text {
				found = true
				if m.Country+" "+m.Sector != cs {
					t.Errorf("%q: got %s %s, want %s", text, m.Country, m.Sector, cs)
				}
			}
		}
		if !found {
			t.Errorf("seed: no mention %q", text)
		}
	}
}

func sharedDir(t *testing.T) string { return sharedtest.Dir(t) }

func FuzzFind(f *testing.F) {
	d, err := Load()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		"Tajikistan's Ambassador to the CSTO, Khasan Sultonov said.",
		"US and NATO troops", "USA's and NATO's troops", "the pro-American Afghan regime",
		"Côte d’Ivoire", "'s's'", "the the the", "President", "President ,", "troops of",
		"\xff\xfeTaliban\x00", "Ambassador to the", "Afghan-", "pro-", "-Afghan",
	} {
		f.Add(s, int64(0))
	}
	f.Fuzz(func(t *testing.T, s string, unix int64) {
		ms := d.Find(s, time.Unix(unix%(1<<40), 0))
		prevEnd := 0
		for _, m := range ms {
			if m.Start < prevEnd || m.End <= m.Start || m.End > len(s) {
				t.Fatalf("bad span [%d,%d] after %d in %q", m.Start, m.End, prevEnd, s)
			}
			if s[m.Start:m.End] != m.Text {
				t.Fatalf("Text %q is not the span %q", m.Text, s[m.Start:m.End])
			}
			prevEnd = m.End
		}
	})
}

// benchSentence is a typical 25-word report sentence.
const benchSentence = "More than a thousand Afghan soldiers crossed into Tajikistan overnight, the Tajik border service said, while Taliban spokesman Zabihullah Mujahid denied any fighting near the river."

func BenchmarkFind(b *testing.B) {
	d, err := Load()
	if err != nil {
		b.Fatal(err)
	}
	on := time.Date(2021, 7, 8, 0, 0, 0, 0, time.UTC)
	b.SetBytes(int64(len(benchSentence)))
	b.ReportAllocs()
	for b.Loop() {
		d.Find(benchSentence, on)
	}
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFindConcurrent runs Find from several goroutines, as the pipeline
// does; under -race it checks the pooled buffers are not shared.
func TestFindConcurrent(t *testing.T) {
	d := loadDict(t)
	on := day(t, "2021-07-08")
	sentences := []string{benchSentence, "US and NATO troops left.", "Côte d’Ivoire and the Kremlin", "Rahmon's envoy"}
	want := make([]string, len(sentences))
	for i, s := range sentences {
		want[i] = compact(d.Find(s, on))
	}
	done := make(chan error)
	for g := range 4 {
		go func() {
			var err error
			for n := range 200 {
				i := (g + n) % len(sentences)
				if got := compact(d.Find(sentences[i], on)); got != want[i] {
					err = fmt.Errorf("%q: got %s, want %s", sentences[i], got, want[i])
				}
			}
			done <- err
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// TestPloverGSRActors checks on the PLOVER gold-standard sentences (kept
// outside the repository) that the countries the gold codes for actors and
// recipients are among the finder's mentions. IGO-like codes count as IGO,
// as the gold uses IGO for the UN and the EU.
func TestPloverGSRActors(t *testing.T) {
	shared := sharedDir(t)
	raw, err := os.ReadFile(filepath.Join(shared, "eval", "plover-gsr-dev.jsonl"))
	if err != nil {
		t.Skipf("PLOVER sentences not available: %v", err)
	}
	type entity struct {
		Code string `json:"code"`
	}
	type record struct {
		Text   string   `json:"text"`
		Source []entity `json:"source_actor"`
		Target []entity `json:"target_actor"`
	}
	d := loadDict(t)
	on := day(t, "2005-01-01")
	total, found := 0, 0
	for i, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var r record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		codes := map[string]bool{}
		for _, m := range d.Find(r.Text, on) {
			c := m.Country
			if c == "UNO" || c == "EUR" || c == "NGO" {
				c = "IGO"
			}
			codes[c] = true
		}
		for _, e := range append(r.Source, r.Target...) {
			if e.Code == "" {
				continue
			}
			total++
			if codes[e.Code] {
				found++
			}
		}
	}
	if total == 0 {
		t.Fatal("no coded actors read")
	}
	recall := float64(found) / float64(total)
	t.Logf("gold actor countries found: %d of %d (%.1f%%)", found, total, 100*recall)
	if recall < 0.93 {
		t.Errorf("found %.1f%% of the gold actor countries, want at least 93%%", 100*recall)
	}
}
