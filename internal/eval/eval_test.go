package eval

import (
	"borderwatch/internal/sharedtest"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"borderwatch"
)

var update = flag.Bool("update", false, "rewrite golden files")

// docsSummary is the part of a Report that the hand-written want.json files
// pin: counts, rounded scores, per-type [support, tp, fp, fn], per-field
// [right, counted] and the pairs made.
type docsSummary struct {
	Docs               int               `json:"docs"`
	Predicted          int               `json:"predicted"`
	Gold               int               `json:"gold"`
	OptionalGold       int               `json:"optional_gold"`
	Pairs              int               `json:"pairs"`
	OptionalPairs      int               `json:"optional_pairs"`
	Unpaired           int               `json:"unpaired"`
	PairsAllRight      int               `json:"pairs_all_right"`
	Precision          float64           `json:"precision"`
	Recall             float64           `json:"recall"`
	F1                 float64           `json:"f1"`
	PerType            map[string][4]int `json:"per_type"`
	Fields             map[string][2]int `json:"fields"`
	FieldsWithOptional map[string][2]int `json:"fields_with_optional"`
	PairsList          []string          `json:"pairs_list"`
}

func summarize(r Report) docsSummary {
	s := docsSummary{Docs: r.Docs, Predicted: r.Predicted, Gold: r.Gold, OptionalGold: r.OptionalGold,
		Pairs: r.Pairs, OptionalPairs: r.OptionalPairs, Unpaired: r.Unpaired, PairsAllRight: r.PairsAllRight,
		Precision: round4(r.Precision), Recall: round4(r.Recall), F1: round4(r.F1),
		PerType: map[string][4]int{}, Fields: map[string][2]int{}, FieldsWithOptional: map[string][2]int{}}
	for t, c := range r.PerType {
		s.PerType[t] = [4]int{c.Support, c.TP, c.FP, c.FN}
	}
	for f, c := range r.Fields {
		s.Fields[f] = [2]int{c.Right, c.Counted}
	}
	for f, c := range r.FieldsWithOptional {
		s.FieldsWithOptional[f] = [2]int{c.Right, c.Counted}
	}
	for _, p := range r.PairsDetail {
		line := fmt.Sprintf("%s gold%d pred%d", p.Gold.DocID, p.GoldIndex+1, p.PredIndex+1)
		if p.AltType {
			line += " alt"
		}
		if p.Gold.Optional {
			line += " optional"
		}
		if p.ByText {
			line += " bytext"
		}
		s.PairsList = append(s.PairsList, line)
	}
	return s
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// loadCase reads a testdata/docs case: the documents (*.txt, doc_id = base
// name), gold.jsonl and pred.jsonl.
func loadCase(t testing.TB, dir string) ([]Gold, []borderwatch.Event, map[string]string) {
	t.Helper()
	texts := map[string]string{}
	docs, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	for _, d := range docs {
		b, err := os.ReadFile(d)
		if err != nil {
			t.Fatal(err)
		}
		texts[strings.TrimSuffix(filepath.Base(d), ".txt")] = string(b)
	}
	gold := readGoldFile(t, filepath.Join(dir, "gold.jsonl"))
	return gold, readEvents(t, filepath.Join(dir, "pred.jsonl")), texts
}

func readGoldFile(t testing.TB, path string) []Gold {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gold, err := ReadGold(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return gold
}

func readEvents(t testing.TB, path string) []borderwatch.Event {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []borderwatch.Event
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var e borderwatch.Event
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("%s:%d: %v", path, i+1, err)
		}
		out = append(out, e)
	}
	return out
}

// checkGolden compares got with a golden file, or rewrites it with -update.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it, then review it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run go test -update and review the diff)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// checkSummary compares got with the hand-written expectations in path.
// With -update it rewrites the file, only when they differ, so that a
// hand-formatted file that still holds is left alone.
func checkSummary[S any](t *testing.T, path string, got S, want *S) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(b, want)
	}
	if err == nil && reflect.DeepEqual(got, *want) {
		return
	}
	gb, _ := json.MarshalIndent(got, "", "  ")
	if *update {
		if err := os.WriteFile(path, append(gb, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	t.Errorf("summary differs from %s; got\n%s", path, gb)
}

func TestScoreDocsCases(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/docs/*")
	if len(dirs) == 0 {
		t.Fatal("no cases in testdata/docs")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			gold, pred, texts := loadCase(t, dir)
			r := ScoreDocs(gold, pred, texts)
			got := summarize(r)
			var want docsSummary
			checkSummary(t, filepath.Join(dir, "want.json"), got, &want)
			var out bytes.Buffer
			r.Print(&out, true)
			checkGolden(t, filepath.Join(dir, "report.golden"), out.Bytes())
		})
	}
}

func TestWholeDocumentEvidenceScoresNothing(t *testing.T) {
	gold, _, texts := loadCase(t, "testdata/docs/basic")
	doc := texts["ridge"]
	var pred []borderwatch.Event
	for _, g := range gold {
		// Once with the text and its offsets, once by offsets alone.
		pred = append(pred,
			borderwatch.Event{DocID: g.DocID, Event: g.Event, TextInfo: borderwatch.TextInfo{Start: 0, End: len(doc), Text: doc}},
			borderwatch.Event{DocID: g.DocID, Event: g.Event, TextInfo: borderwatch.TextInfo{Start: 0, End: len(doc)}})
	}
	r := ScoreDocs(gold, pred, texts)
	if r.Pairs != 0 || r.OptionalPairs != 0 || r.Unpaired != len(pred) || r.Precision != 0 || r.Recall != 0 {
		t.Errorf("whole-document evidence paired: pairs %d optional %d unpaired %d/%d P %.2f R %.2f",
			r.Pairs, r.OptionalPairs, r.Unpaired, len(pred), r.Precision, r.Recall)
	}
	// Without the document text the texts are compared directly: still nothing.
	r = ScoreDocs(gold, pred, nil)
	if r.Pairs != 0 || r.OptionalPairs != 0 {
		t.Errorf("whole-document evidence paired by text: pairs %d optional %d", r.Pairs, r.OptionalPairs)
	}
}

func TestCopiedTypesWithoutTheirSentencesScoreNothing(t *testing.T) {
	gold, _, texts := loadCase(t, "testdata/docs/basic")
	doc := texts["ridge"]
	// Every gold type, with the evidence of another gold sentence where no
	// gold event admits that type.
	var pred []borderwatch.Event
	for _, g := range gold {
		var other string
		for _, h := range gold {
			if h.Sentence == g.Sentence {
				continue
			}
			admits := false
			for _, k := range gold {
				if k.Sentence == h.Sentence && (k.Event == g.Event || slices.Contains(k.AltEvents, g.Event)) {
					admits = true
				}
			}
			if !admits {
				other = h.Sentence
				break
			}
		}
		start := strings.Index(doc, other)
		if other == "" || start < 0 {
			t.Fatalf("test data: no other sentence for %s", g.Event)
		}
		pred = append(pred, borderwatch.Event{DocID: g.DocID, Event: g.Event,
			TextInfo: borderwatch.TextInfo{Start: start, End: start + len(other), Text: other}})
	}
	r := ScoreDocs(gold, pred, texts)
	if r.Pairs != 0 || r.OptionalPairs != 0 || r.Unpaired != len(pred) {
		t.Errorf("types copied onto other sentences paired: pairs %d optional %d unpaired %d", r.Pairs, r.OptionalPairs, r.Unpaired)
	}
}

func TestEvidenceLengthLimitCountsCharacters(t *testing.T) {
	// 20 Cyrillic letters are 40 bytes: evidence of 75 letters (150 bytes)
	// is within 2×20+40 characters but over 2×40+40 bytes.
	sentence := strings.Repeat("б", 19) + "."
	doc := sentence + " " + strings.Repeat("д", 54)
	ev := doc
	if runes(ev) != 75 {
		t.Fatalf("test data: evidence has %d characters", runes(ev))
	}
	gold := []Gold{{DocID: "ru", Sentence: sentence, Event: "ASSAULT"}}
	pred := []borderwatch.Event{{DocID: "ru", Event: "ASSAULT", TextInfo: borderwatch.TextInfo{Start: 0, End: len(ev), Text: ev}}}
	if r := ScoreDocs(gold, pred, map[string]string{"ru": doc}); r.Pairs != 1 {
		t.Errorf("75-character evidence for a 20-character sentence did not pair")
	}
	doc += "дддддд"
	pred[0].TextInfo = borderwatch.TextInfo{Start: 0, End: len(doc), Text: doc}
	if r := ScoreDocs(gold, pred, map[string]string{"ru": doc}); r.Pairs != 0 {
		t.Errorf("81-character evidence for a 20-character sentence paired")
	}
}

func TestBadOffsetsAndTextsDoNotPanic(t *testing.T) {
	gold := []Gold{{DocID: "d", Sentence: "Guards fired at a boat.", Event: "ASSAULT"}}
	texts := map[string]string{"d": "Guards fired at a boat.\xff\xfe Then \xe2\x80 it left."}
	var pred []borderwatch.Event
	for _, ti := range []borderwatch.TextInfo{
		{Start: -5, End: 3}, {Start: 10, End: 2}, {Start: 0, End: 1 << 30}, {Start: 24, End: 26},
		{Start: 0, End: 0, Text: "\xff"}, {Start: 1, End: 2, Text: strings.Repeat("x", 10000)},
		{Text: "Guards fired at a boat.", Start: -1, End: -1},
	} {
		pred = append(pred, borderwatch.Event{DocID: "d", Event: "ASSAULT", TextInfo: ti})
	}
	r := ScoreDocs(gold, pred, texts)
	if r.Pairs != 1 || r.PairsDetail[0].PredIndex != 6 {
		t.Errorf("want only the prediction with the right text paired, got %+v", r.PairsDetail)
	}
	r.Print(&bytes.Buffer{}, true)
}

func TestLocationRules(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	s := func(x string) *string { return &x }
	dushanbe := GoldLoc{Name: "Dushanbe", Country: "TJK", Lat: f(38.5598), Lon: f(68.787), Precision: "city"}
	for _, c := range []struct {
		name string
		gold GoldLoc
		pred *borderwatch.Location
		want bool
	}{
		{"nil prediction", dushanbe, nil, false},
		{"45 km away", dushanbe, &borderwatch.Location{Lat: f(38.5598 + 45/111.2), Lon: f(68.787)}, true},
		{"55 km away", dushanbe, &borderwatch.Location{Lat: f(38.5598 + 55/111.2), Lon: f(68.787)}, false},
		{"same name, no point", dushanbe, &borderwatch.Location{Name: " dushanbe "}, true},
		{"same country but gold is a city", dushanbe, &borderwatch.Location{Country: "TJK"}, false},
		{"country precision", GoldLoc{Name: "Tajikistan", Country: "TJK", Precision: "country"}, &borderwatch.Location{Country: "tjk", Name: "Khorog"}, true},
		{"border either order", GoldLoc{Border: s("AFG-TJK"), Precision: "border"}, &borderwatch.Location{Border: s("TJK-AFG")}, true},
		{"other border", GoldLoc{Border: s("AFG-TJK"), Precision: "border"}, &borderwatch.Location{Border: s("AFG-UZB")}, false},
	} {
		if got := locationRight(c.gold, c.pred); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

func TestDateRules(t *testing.T) {
	s := func(x string) *string { return &x }
	for _, c := range []struct {
		name                     string
		gDate, gEnd, pDate, pEnd *string
		exact, overlap           bool
	}{
		{"both none", nil, nil, nil, nil, true, true},
		{"invented", nil, nil, s("2021-07-04"), nil, false, false},
		{"missed", s("2021-07-04"), nil, nil, nil, false, false},
		{"same day, enddate spelt out", s("2021-07-04"), s("2021-07-04"), s("2021-07-04"), nil, true, true},
		{"one day of a range", s("2021-07-04"), s("2021-07-05"), s("2021-07-05"), nil, false, true},
		{"month around a day", s("2021-07-04"), nil, s("2021-07-01"), s("2021-07-31"), false, true},
		{"disjoint", s("2021-07-04"), nil, s("2021-07-06"), nil, false, false},
		{"unreadable", s("2021-07-04"), nil, s("July 4"), nil, false, false},
		{"deadline kept", nil, s("2021-09-11"), nil, s("2021-09-11"), true, true},
		{"day before a deadline", nil, s("2021-09-11"), s("2021-08-31"), nil, false, true},
		{"day after a deadline", nil, s("2021-09-11"), s("2021-09-12"), nil, false, false},
		{"deadline missed", nil, s("2021-09-11"), nil, nil, false, false},
		{"deadline predicted for a day", s("2021-07-04"), nil, nil, s("2021-07-10"), false, true},
	} {
		exact, overlap := dateRight(c.gDate, c.gEnd, c.pDate, c.pEnd)
		if exact != c.exact || overlap != c.overlap {
			t.Errorf("%s: got exact %v overlap %v, want %v %v", c.name, exact, overlap, c.exact, c.overlap)
		}
	}
}

func TestReadGoldErrorsNameTheLine(t *testing.T) {
	good := `{"doc_id": "d", "sentence": "S.", "event": "AGREE", "alt_events": [], "optional": false}`
	for _, c := range []struct{ line, want string }{
		{`{"doc_id": "d", "sentence": "S.", "event": "AGREE"`, "line 2"},
		{`{"doc_id": "d", "sentence": "S.", "event": "AGREE", "alt_event": []}`, `unknown field "alt_event"`},
		{`{"doc_id": "d", "sentence": "S.", "event": "ATTACK"}`, `"ATTACK" is not one of the 16`},
		{`{"doc_id": "d", "sentence": "S.", "event": "AGREE", "alt_events": ["agree"]}`, "alt_events"},
		{`{"sentence": "S.", "event": "AGREE"}`, "doc_id is missing"},
		{`{"doc_id": "d", "sentence": " ", "event": "AGREE"}`, "sentence is missing"},
		{`{"doc_id": "d", "sentence": "S.", "event": "AGREE", "date": "4 July 2021"}`, "not YYYY-MM-DD"},
		{`{"doc_id": "d", "sentence": "S.", "event": "AGREE", "date": "2021-07-05", "enddate": "2021-07-04"}`, "before date"},
		{`{"doc_id": "d", "sentence": "S.", "event": "AGREE", "modality": "likely"}`, `modality "likely"`},
		{`{"doc_id": "d", "sentence": "S.", "event": "AGREE", "event_loc": {"lat": 95, "lon": 10}}`, "out of range"},
		{`{"doc_id": "d", "sentence": "S.", "event": "AGREE", "size": {"dead": -1}}`, "size.dead is negative"},
		{`{"doc_id": "d", "sentence": "S.", "event": "AGREE"} {}`, "more than one JSON value"},
	} {
		_, err := ReadGold(strings.NewReader(good + "\n" + c.line + "\n"))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("%s: got error %v, want one naming line 2 and saying %q", c.line, err, c.want)
		}
	}
	gold, err := ReadGold(strings.NewReader("\ufeff" + good + "\n\n   \n" + good + "\n"))
	if err != nil || len(gold) != 2 {
		t.Errorf("BOM and blank lines: got %d events, %v", len(gold), err)
	}
}

func TestReadGSRErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"id": "a", "text": "T.", "event_type_v2": "FIGHT"}`, `"FIGHT" is not one of the 16`},
		{`{"id": "", "text": "T."}`, "id is missing"},
		{`{"id": "a", "text": ""}`, "text is missing"},
		{`{"id": "a", "text": "T."}` + "\n" + `{"id": "a", "text": "U."}`, "already used on line 1"},
		{`[1, 2]`, "GSR line 1"},
	} {
		if _, err := ReadGSR(strings.NewReader(c.in)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error saying %q", c.in, err, c.want)
		}
	}
}

// gsrSummary is the part of a GSRReport that testdata/gsr/want.json pins.
type gsrSummary struct {
	Scored               int               `json:"scored"`
	Skipped              int               `json:"skipped"`
	Correct              int               `json:"correct"`
	TypeAccuracy         float64           `json:"type_accuracy"`
	MacroF1              float64           `json:"macro_f1"`
	MacroTypes           int               `json:"macro_types"`
	ActorCounted         int               `json:"actor_counted"`
	ActorRight           int               `json:"actor_right"`
	ActorCountryAccuracy float64           `json:"actor_country_accuracy"`
	PerType              map[string][4]int `json:"per_type"`
	Confusion            []string          `json:"confusion"`
	Misses               []string          `json:"misses"`
}

func summarizeGSR(r GSRReport) gsrSummary {
	s := gsrSummary{Scored: r.Scored, Skipped: r.Skipped, Correct: r.Correct, TypeAccuracy: round4(r.TypeAccuracy),
		MacroF1: round4(r.MacroF1), MacroTypes: r.MacroTypes, ActorCounted: r.ActorCounted, ActorRight: r.ActorRight,
		ActorCountryAccuracy: round4(r.ActorCountryAccuracy), PerType: map[string][4]int{}}
	for t, c := range r.PerType {
		s.PerType[t] = [4]int{c.Support, c.TP, c.FP, c.FN}
	}
	for k, n := range r.Confusion {
		s.Confusion = append(s.Confusion, fmt.Sprintf("%s -> %s %d", k[0], k[1], n))
	}
	slices.Sort(s.Confusion)
	for _, m := range r.Misses {
		s.Misses = append(s.Misses, fmt.Sprintf("%s %s %s", m.ID, m.Gold, m.Predicted))
	}
	return s
}

// predictFrom answers with the events recorded for an id.
func predictFrom(events []borderwatch.Event) (func(id, text string) ([]borderwatch.Event, error), *[]string) {
	byID := map[string][]borderwatch.Event{}
	for _, e := range events {
		byID[e.DocID] = append(byID[e.DocID], e)
	}
	var asked []string
	return func(id, text string) ([]borderwatch.Event, error) {
		asked = append(asked, id)
		return byID[id], nil
	}, &asked
}

func TestScoreGSRCase(t *testing.T) {
	f, err := os.Open("testdata/gsr/items.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	items, err := ReadGSR(f)
	if err != nil {
		t.Fatal(err)
	}
	predict, asked := predictFrom(readEvents(t, "testdata/gsr/pred.jsonl"))
	r := ScoreGSR(items, predict)
	if slices.Contains(*asked, "own-04") {
		t.Error("a record without a v2 type was predicted")
	}
	var want gsrSummary
	checkSummary(t, "testdata/gsr/want.json", summarizeGSR(r), &want)
	var out bytes.Buffer
	r.Print(&out, true)
	checkGolden(t, "testdata/gsr/report.golden", out.Bytes())
}

func TestScoreGSRPredictErrorCountsAsNoPrediction(t *testing.T) {
	typ := "AGREE"
	items := []GSRItem{{ID: "a", Text: "A.", EventTypeV2: &typ}, {ID: "b", Text: "B.", EventTypeV2: &typ}}
	r := ScoreGSR(items, func(id, text string) ([]borderwatch.Event, error) {
		if id == "a" {
			return []borderwatch.Event{{Event: "AGREE"}}, errors.New("broken")
		}
		return []borderwatch.Event{{Event: "AGREE"}}, nil
	})
	if len(r.Errors) != 1 || !strings.Contains(r.Errors[0].Error(), "a: broken") || r.Correct != 1 || r.TypeAccuracy != 0.5 {
		t.Errorf("got errors %v, correct %d, accuracy %.2f", r.Errors, r.Correct, r.TypeAccuracy)
	}
}

func sharedDir(t testing.TB) string { return sharedtest.Dir(t) }

// goldAsPrediction is the prediction a perfect coder would make for g.
func goldAsPrediction(g Gold, doc string) borderwatch.Event {
	start := strings.Index(doc, g.Sentence)
	e := borderwatch.Event{DocID: g.DocID, Event: g.Event, Actor: g.Actor, Recipient: g.Recipient,
		Date: g.Date, EndDate: g.EndDate, Size: g.Size, Modality: g.Modality, Attribution: g.Attribution,
		TextInfo: borderwatch.TextInfo{Start: start, End: start + len(g.Sentence), Text: g.Sentence}}
	if l := g.EventLoc; l != nil {
		e.EventLoc = &borderwatch.Location{Name: l.Name, Country: l.Country, Lat: l.Lat, Lon: l.Lon,
			Precision: l.Precision, Border: l.Border}
	}
	return e
}

func TestSeedGoldScoresItselfPerfectly(t *testing.T) {
	shared := sharedDir(t)
	gold := readGoldFile(t, filepath.Join(shared, "eval", "seed.gold.jsonl"))
	texts := map[string]string{}
	var pred []borderwatch.Event
	for _, g := range gold {
		if _, ok := texts[g.DocID]; !ok {
			b, err := os.ReadFile(filepath.Join(shared, "seed", g.DocID+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			texts[g.DocID] = string(b)
		}
		pred = append(pred, goldAsPrediction(g, texts[g.DocID]))
	}
	r := ScoreDocs(gold, pred, texts)
	if r.Precision != 1 || r.Recall != 1 || r.Pairs != r.Gold || r.OptionalPairs != r.OptionalGold || r.Unpaired != 0 {
		t.Errorf("gold as predictions: P %.3f R %.3f pairs %d/%d optional %d/%d unpaired %d",
			r.Precision, r.Recall, r.Pairs, r.Gold, r.OptionalPairs, r.OptionalGold, r.Unpaired)
	}
	for name, c := range r.FieldsWithOptional {
		if c.Right != c.Counted {
			t.Errorf("field %s: %d/%d right for gold scored against itself", name, c.Right, c.Counted)
		}
	}
	if r.PairsAllRight != r.Pairs {
		t.Errorf("pairs all right %d of %d", r.PairsAllRight, r.Pairs)
	}
	// The same predictions, each repeated: every copy is a false positive
	// and precision drops to exactly one half.
	r = ScoreDocs(gold, append(slices.Clone(pred), pred...), texts)
	if r.Unpaired != len(pred) || r.Recall != 1 {
		t.Errorf("duplicated predictions: unpaired %d, want %d; recall %.3f", r.Unpaired, len(pred), r.Recall)
	}
	if want := float64(r.Pairs) / float64(r.Pairs+len(pred)); r.Precision != want {
		t.Errorf("duplicated predictions: precision %.3f, want %.3f", r.Precision, want)
	}
}

func TestSharedGSRReadsAndScores(t *testing.T) {
	shared := sharedDir(t)
	f, err := os.Open(filepath.Join(shared, "eval", "plover-gsr-dev.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	items, err := ReadGSR(f)
	if err != nil {
		t.Fatal(err)
	}
	oracle := func(id, text string) ([]borderwatch.Event, error) {
		for _, it := range items {
			if it.ID == id {
				var actor []borderwatch.Entity
				for _, a := range it.SourceActor {
					actor = append(actor, borderwatch.Entity{Name: a.Text, Country: a.Code})
				}
				return []borderwatch.Event{{Event: *it.EventTypeV2, Actor: actor, Confidence: 1}}, nil
			}
		}
		return nil, fmt.Errorf("unknown id %s", id)
	}
	r := ScoreGSR(items, oracle)
	if r.Scored+r.Skipped != len(items) || r.Skipped == 0 || r.TypeAccuracy != 1 || r.MacroF1 != 1 ||
		r.ActorCountryAccuracy != 1 || r.ActorCounted == 0 || len(r.Errors) != 0 {
		t.Errorf("oracle: scored %d skipped %d of %d, accuracy %.3f macro F1 %.3f actor %d/%d, errors %v",
			r.Scored, r.Skipped, len(items), r.TypeAccuracy, r.MacroF1, r.ActorRight, r.ActorCounted, r.Errors)
	}
	r = ScoreGSR(items, func(string, string) ([]borderwatch.Event, error) { return nil, nil })
	if r.Correct != 0 || r.MacroF1 != 0 || r.ActorRight != 0 || len(r.Misses) != r.Scored {
		t.Errorf("no predictions: correct %d macro F1 %.3f actor right %d misses %d", r.Correct, r.MacroF1, r.ActorRight, len(r.Misses))
	}
}

func FuzzScoreDocs(f *testing.F) {
	f.Add("Guards fired at a boat. Then it left.", "Guards fired at a boat.", "Guards fired at a boat.", 0, 23)
	f.Add("“Quoted”  text\n here.", `"Quoted" text here.`, "", 0, 9)
	f.Add("\xff\xfe", "\xfe", "x", -1, 1<<20)
	f.Fuzz(func(t *testing.T, doc, sentence, evidence string, start, end int) {
		gold := []Gold{{DocID: "d", Sentence: sentence, Event: "ASSAULT"}}
		pred := []borderwatch.Event{{DocID: "d", Event: "ASSAULT", TextInfo: borderwatch.TextInfo{Start: start, End: end, Text: evidence}}}
		r := ScoreDocs(gold, pred, map[string]string{"d": doc})
		if r.Pairs+r.Unpaired != 1 {
			t.Fatalf("prediction neither paired nor unpaired: %+v", r)
		}
		if r.Precision < 0 || r.Precision > 1 || r.Recall < 0 || r.Recall > 1 {
			t.Fatalf("scores out of range: %+v", r)
		}
	})
}

func FuzzReadGold(f *testing.F) {
	for _, dir := range []string{"basic", "fields", "order", "folding"} {
		if b, err := os.ReadFile(filepath.Join("testdata/docs", dir, "gold.jsonl")); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"doc_id": "d", "sentence": "S.", "event": "AGREE", "event_loc": {"lat": 1}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		gold, err := ReadGold(bytes.NewReader(b))
		if err == nil {
			for _, g := range gold {
				if borderwatch.Quad(g.Event) == 0 || g.DocID == "" {
					t.Fatalf("accepted an invalid gold event %+v", g)
				}
			}
		}
	})
}

// benchCorpus builds n documents of 30 sentences, each with 10 gold events
// and 15 predictions (10 on the gold sentences, 5 elsewhere).
func benchCorpus(n int) ([]Gold, []borderwatch.Event, map[string]string) {
	var gold []Gold
	var pred []borderwatch.Event
	texts := map[string]string{}
	for d := range n {
		id := fmt.Sprintf("doc%d", d)
		var b strings.Builder
		var starts []int
		var sents []string
		for s := range 30 {
			sent := fmt.Sprintf("Sentence %d of document %d says that guards on the river met a patrol near post %d.", s, d, s*7)
			starts = append(starts, b.Len())
			sents = append(sents, sent)
			b.WriteString(sent + " ")
		}
		texts[id] = b.String()
		for k := range 10 {
			s := k * 3
			typ := borderwatch.Types[(d+k)%16]
			gold = append(gold, Gold{DocID: id, Sentence: sents[s], Event: typ, Optional: k%4 == 0,
				Actor: []borderwatch.Entity{{Country: "TJK"}}, Modality: "asserted"})
			pred = append(pred, borderwatch.Event{DocID: id, Event: typ, Actor: []borderwatch.Entity{{Country: "TJK"}},
				TextInfo: borderwatch.TextInfo{Start: starts[s], End: starts[s] + len(sents[s]), Text: sents[s]}})
		}
		for k := range 5 {
			s := k*3 + 1
			pred = append(pred, borderwatch.Event{DocID: id, Event: borderwatch.Types[k],
				TextInfo: borderwatch.TextInfo{Start: starts[s], End: starts[s] + len(sents[s]), Text: sents[s]}})
		}
	}
	return gold, pred, texts
}

func BenchmarkScoreDocs(b *testing.B) {
	gold, pred, texts := benchCorpus(100)
	b.ReportAllocs()
	for b.Loop() {
		ScoreDocs(gold, pred, texts)
	}
	b.ReportMetric(float64(100*b.N)/b.Elapsed().Seconds(), "docs/s")
}

func BenchmarkScoreGSR(b *testing.B) {
	typ := "ASSAULT"
	items := make([]GSRItem, 1000)
	for i := range items {
		items[i] = GSRItem{ID: fmt.Sprint(i), Text: "Soldiers shelled the hills.", EventTypeV2: &typ,
			SourceActor: []GSRActor{{Code: "MMR"}}}
	}
	events := []borderwatch.Event{{Event: "COERCE", Confidence: 0.4}, {Event: "ASSAULT", Confidence: 0.9,
		Actor: []borderwatch.Entity{{Country: "MMR"}}}}
	predict := func(string, string) ([]borderwatch.Event, error) { return events, nil }
	b.ReportAllocs()
	for b.Loop() {
		ScoreGSR(items, predict)
	}
}

// TestGSRInternationalCodes: the 2016 gold codes every international body
// IGO; our codebook says UNO, EUR or NGO where it knows which. Those count as
// IGO against that gold, and never as a country.
func TestGSRInternationalCodes(t *testing.T) {
	typ := "AGREE"
	items := []GSRItem{
		{ID: "a", Text: "The United Nations agreed to help.", EventTypeV2: &typ, SourceActor: []GSRActor{{Code: "IGO"}}},
		{ID: "b", Text: "The Red Cross agreed to help.", EventTypeV2: &typ, SourceActor: []GSRActor{{Code: "IGO"}}},
		{ID: "c", Text: "The United States agreed to help.", EventTypeV2: &typ, SourceActor: []GSRActor{{Code: "USA"}}},
	}
	codes := map[string]string{"a": "UNO", "b": "NGO", "c": "UNO"}
	r := ScoreGSR(items, func(id, text string) ([]borderwatch.Event, error) {
		return []borderwatch.Event{{Event: "AGREE", Actor: []borderwatch.Entity{{Country: codes[id]}}}}, nil
	})
	if r.ActorCounted != 3 || r.ActorRight != 2 {
		t.Errorf("actor right %d of %d, want 2 of 3 (UNO and NGO count as IGO, not as USA)", r.ActorRight, r.ActorCounted)
	}
}
