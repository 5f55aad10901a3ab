package watch

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"borderwatch"
)

var t0 = time.Date(2021, 7, 5, 6, 0, 0, 0, time.UTC)

// ev builds a test event at a Khorog-like place on the Tajik bank.
func ev(id, doc, typ string) borderwatch.Event {
	return borderwatch.Event{
		ID: id, DocID: doc, Event: typ, Modality: borderwatch.Asserted,
		Actor:     []borderwatch.Entity{{Name: "Taliban", Country: "AFG", Sector: "REB"}},
		Recipient: []borderwatch.Entity{{Name: "Afghan Army", Country: "AFG", Sector: "MIL"}},
		EventLoc:  loc("TJK", "city", 37.49, 71.55),
		TextInfo:  borderwatch.TextInfo{Text: "Fighters attacked a post across the river from Khorog."},
	}
}

func borderArea() Area { return Area{Name: "border-30", Kind: AreaBorder, Border: "AFG-TJK", Km: 30} }

func newEngine(t *testing.T, rules []Rule, st State) *Engine {
	t.Helper()
	e, err := NewEngine(gazetteer(t), []Area{borderArea()}, rules, st)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// restart persists the engine's state to a file and builds a new engine
// from it, as the service does across a restart.
func restart(t *testing.T, e *Engine, rules []Rule) *Engine {
	t.Helper()
	st, err := e.State()
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	b, err = os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var back State
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	return newEngine(t, rules, back)
}

func keys(as []Alert) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Key)
	}
	return out
}

func TestEventAlertFiresOnceAcrossReprocessRestartAndSecondReport(t *testing.T) {
	rules := []Rule{{ID: "r1", Owner: "ana", Active: true, Watch: "border-30", Types: []string{"ASSAULT", "mobilize"}}}
	e := newEngine(t, rules, State{})
	first := Input{At: t0, Events: []borderwatch.Event{ev("e1", "d1", "ASSAULT"), ev("e2", "d1", "AGREE")},
		IncidentOf: map[string]string{"e1": "inc-7"}}
	got := e.Evaluate(first)
	if len(got) != 1 || got[0].Key != "r:r1|inc:inc-7" || !got[0].New() || got[0].Owner != "ana" {
		t.Fatalf("first report: got %+v", got)
	}
	if got := e.Evaluate(first); len(got) != 0 {
		t.Fatalf("reprocessing fired again: %v", keys(got))
	}
	e = restart(t, e, rules)
	if got := e.Evaluate(first); len(got) != 0 {
		t.Fatalf("after a restart the same report fired again: %v", keys(got))
	}
	// A second outlet reports the same incident: the alert is updated.
	second := Input{At: t0.Add(time.Hour), Events: []borderwatch.Event{ev("e9", "d2", "ASSAULT")},
		IncidentOf: map[string]string{"e9": "inc-7"}}
	got = e.Evaluate(second)
	if len(got) != 1 || got[0].New() || got[0].Revision != 2 {
		t.Fatalf("second report: got %+v", got)
	}
	if !slices.Equal(got[0].DocIDs, []string{"d1", "d2"}) || !slices.Equal(got[0].EventIDs, []string{"e1", "e9"}) {
		t.Errorf("evidence not merged: docs %v events %v", got[0].DocIDs, got[0].EventIDs)
	}
	if !got[0].FiredAt.Equal(t0) || !got[0].UpdatedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("times: fired %v updated %v", got[0].FiredAt, got[0].UpdatedAt)
	}
	// Without an incident, each event is its own alert.
	got = e.Evaluate(Input{At: t0, Events: []borderwatch.Event{ev("e3", "d3", "MOBILIZE")}})
	if len(got) != 1 || got[0].Key != "r:r1|ev:e3" {
		t.Fatalf("lone event: %v", keys(got))
	}
}

func TestEventFilters(t *testing.T) {
	base := ev("e", "d", "ASSAULT")
	with := func(f func(*borderwatch.Event)) borderwatch.Event { x := base; f(&x); return x }
	cases := []struct {
		name string
		rule Rule
		ev   borderwatch.Event
		want bool
	}{
		{"type", Rule{Types: []string{"ASSAULT"}}, base, true},
		{"other type", Rule{Types: []string{"AGREE"}}, base, false},
		{"negated is off by default", Rule{}, with(func(e *borderwatch.Event) { e.Modality = "negated" }), false},
		{"future when asked", Rule{Modalities: []string{"Future"}}, with(func(e *borderwatch.Event) { e.Modality = "future" }), true},
		{"asserted not asked", Rule{Modalities: []string{"future"}}, base, false},
		{"mode", Rule{Modes: []string{"firearms"}}, with(func(e *borderwatch.Event) { e.Mode = []string{"firearms"} }), true},
		{"missing mode", Rule{Modes: []string{"firearms"}}, base, false},
		{"actor country", Rule{Actor: EntityFilter{Countries: []string{"afg"}}}, base, true},
		{"actor country and sector on one entity", Rule{Actor: EntityFilter{Countries: []string{"AFG"}, Sectors: []string{"MIL"}}}, base, false},
		{"recipient sector", Rule{Recipient: EntityFilter{Sectors: []string{"mil"}}}, base, true},
		{"recipient name folded", Rule{Recipient: EntityFilter{Names: []string{"afghan  ARMY"}}}, base, true},
		{"actor name", Rule{Actor: EntityFilter{Names: []string{"Tajik Border Guards"}}}, base, false},
		{"inside the band", Rule{Watch: "border-30"}, base, true},
		{"country-wide event", Rule{Watch: "border-30"}, with(func(e *borderwatch.Event) { e.EventLoc = loc("TJK", "country", 37.49, 71.55) }), false},
		{"no place", Rule{Watch: "border-30"}, with(func(e *borderwatch.Event) { e.EventLoc = nil }), false},
		{"keyword in the sentence", Rule{Keywords: []string{"khorog"}, Types: []string{"ASSAULT"}}, base, true},
		{"keyword absent", Rule{Keywords: []string{"Termez"}, Types: []string{"ASSAULT"}}, base, false},
	}
	for _, c := range cases {
		c.rule.ID, c.rule.Active = "r", true
		e := newEngine(t, []Rule{c.rule}, State{})
		got := len(e.Evaluate(Input{At: t0, Events: []borderwatch.Event{c.ev}})) == 1
		if got != c.want {
			t.Errorf("%s: fired %v, want %v", c.name, got, c.want)
		}
	}
}

func TestKeywordsInAnyLanguage(t *testing.T) {
	rules := []Rule{{ID: "kw", Active: true, Keywords: []string{"Ishkashim"}}}
	docs := []struct {
		id, title, text string
		want            bool
	}{
		{"en", "Bridge closed", "Traders said the bridge at ISHKASHIM was shut on Monday.", true},
		{"ru", "Мост закрыт", "Торговцы сообщили, что мост в Ишкашиме закрыт.", true},
		{"tg", "Пул баста шуд", "Пули Ишкошим ва Ишкашим баста шуд.", true},
		{"diacritics", "Closure", "The crossing near Ishkāshim closed.", true},
		{"title only", "Ishkashim crossing", "The crossing closed.", true},
		{"not a word start", "Other", "The village of Mishkashim is elsewhere.", false},
		{"absent", "Other", "The crossing at Panj closed.", false},
	}
	e := newEngine(t, rules, State{})
	for _, d := range docs {
		in := Input{At: t0, Doc: &borderwatch.Document{ID: d.id, Title: d.title, Text: d.text}}
		got := e.Evaluate(in)
		if (len(got) == 1) != d.want {
			t.Errorf("%s: fired %v, want %v", d.id, keys(got), d.want)
		}
		if len(got) == 1 && (got[0].On != OnDocument || got[0].Key != "r:kw|doc:"+d.id) {
			t.Errorf("%s: alert %+v", d.id, got[0])
		}
		if again := e.Evaluate(in); len(again) != 0 {
			t.Errorf("%s: fired twice", d.id)
		}
	}
}

func TestThresholdInSlidingWindow(t *testing.T) {
	rules := []Rule{{ID: "burst", Active: true, Types: []string{"ASSAULT"},
		Threshold: &Threshold{Count: 5, Window: Duration(24 * time.Hour)}}}
	e := newEngine(t, rules, State{})
	feed := func(e *Engine, i int, at time.Time) []Alert {
		id := "e" + string(rune('a'+i))
		return e.Evaluate(Input{At: at, Events: []borderwatch.Event{ev(id, "d"+id, "ASSAULT")}})
	}
	var fired []Alert
	for i := range 4 {
		fired = append(fired, feed(e, i, t0.Add(time.Duration(i)*time.Hour))...)
	}
	if len(fired) != 0 {
		t.Fatalf("fired below the threshold: %v", keys(fired))
	}
	e = restart(t, e, rules) // the window survives a restart
	got := feed(e, 4, t0.Add(5*time.Hour))
	if len(got) != 1 || !got[0].New() || got[0].Count != 5 || got[0].Key != "r:burst|win:ea" {
		t.Fatalf("fifth event: %+v", got)
	}
	got = feed(e, 5, t0.Add(6*time.Hour))
	if len(got) != 1 || got[0].Revision != 2 || got[0].Count != 6 {
		t.Fatalf("sixth event should update the burst: %+v", got)
	}
	// Reprocessing the whole burst changes nothing.
	for i := range 6 {
		if got := feed(e, i, t0.Add(time.Duration(i)*time.Hour)); len(got) != 0 {
			t.Fatalf("reprocessed event %d fired: %v", i, keys(got))
		}
	}
	// Two days later one event is not a burst; five more are a new one.
	later := t0.Add(72 * time.Hour)
	if got := feed(e, 6, later); len(got) != 0 {
		t.Fatalf("lone later event fired: %v", keys(got))
	}
	for i := 7; i < 10; i++ {
		feed(e, i, later.Add(time.Duration(i)*time.Minute))
	}
	got = feed(e, 10, later.Add(time.Hour))
	if len(got) != 1 || !got[0].New() || got[0].Key != "r:burst|win:eg" {
		t.Fatalf("second burst: %+v", got)
	}
}

// testIncident is an incident as the incident package would report it.
type testIncident struct {
	id       string
	events   []borderwatch.Event
	sources  int
	disagree map[string]int
}

func (i *testIncident) IncidentID() string                  { return i.id }
func (i *testIncident) IncidentEvents() []borderwatch.Event { return i.events }
func (i *testIncident) IndependentSources() int             { return i.sources }
func (i *testIncident) Disagreements() map[string]int       { return i.disagree }

func TestIncidentRules(t *testing.T) {
	rules := []Rule{
		{ID: "two-sources", Active: true, Watch: "border-30", Types: []string{"ASSAULT", "MOBILIZE"}, MinSources: 2},
		{ID: "disputes", Active: true, On: OnDisagreement},
	}
	e := newEngine(t, rules, State{})
	inc := &testIncident{id: "inc-1", events: []borderwatch.Event{ev("e1", "d1", "ASSAULT")}, sources: 1}
	if got := e.Evaluate(Input{At: t0, Incident: inc}); len(got) != 0 {
		t.Fatalf("one source fired: %v", keys(got))
	}
	inc.events = append(inc.events, ev("e2", "d2", "ASSAULT"))
	inc.sources = 2
	inc.disagree = map[string]int{"dead": 2}
	got := e.Evaluate(Input{At: t0, Incident: inc})
	if !slices.Equal(keys(got), []string{"r:two-sources|inc:inc-1", "r:disputes|inc:inc-1|dis:dead"}) {
		t.Fatalf("two sources and a disagreement: %v", keys(got))
	}
	if got[0].Sources != 2 || got[0].On != OnIncident || got[1].Claims != 2 {
		t.Errorf("alerts: %+v", got)
	}
	e = restart(t, e, rules)
	if got := e.Evaluate(Input{At: t0, Incident: inc}); len(got) != 0 {
		t.Fatalf("same incident after restart fired: %v", keys(got))
	}
	// A third outlet repeats a known figure: the incident alert is
	// updated, the disagreement has not grown.
	inc.events = append(inc.events, ev("e3", "d3", "ASSAULT"))
	inc.sources = 3
	got = e.Evaluate(Input{At: t0.Add(time.Hour), Incident: inc})
	if len(got) != 1 || got[0].Key != "r:two-sources|inc:inc-1" || got[0].Revision != 2 || got[0].Sources != 3 {
		t.Fatalf("third source: %+v", got)
	}
	// A new figure grows the disagreement; a new disputed field is new.
	inc.disagree = map[string]int{"dead": 3, "date": 2}
	got = e.Evaluate(Input{At: t0.Add(2 * time.Hour), Incident: inc})
	if !slices.Equal(keys(got), []string{"r:disputes|inc:inc-1|dis:date", "r:disputes|inc:inc-1|dis:dead"}) {
		t.Fatalf("grown disagreement: %v", keys(got))
	}
	if !got[0].New() || got[1].New() || got[1].Claims != 3 {
		t.Errorf("date should be new, dead updated: %+v", got)
	}
	// An incident outside the area never fires the area rule.
	far := &testIncident{id: "inc-2", sources: 5, events: []borderwatch.Event{ev("e8", "d8", "ASSAULT")}}
	far.events[0].EventLoc = loc("TJK", "city", 38.5358, 68.779)
	if got := e.Evaluate(Input{At: t0, Incident: far}); len(got) != 0 {
		t.Fatalf("incident in Dushanbe fired: %v", keys(got))
	}
}

func TestInactiveRulesAndOwnership(t *testing.T) {
	rules := []Rule{{ID: "off", Owner: "ana", Types: []string{"ASSAULT"}}}
	e := newEngine(t, rules, State{})
	if got := e.Evaluate(Input{At: t0, Events: []borderwatch.Event{ev("e1", "d1", "ASSAULT")}}); len(got) != 0 {
		t.Fatalf("inactive rule fired: %v", keys(got))
	}
	r := rules[0]
	if !r.VisibleTo("ana") || r.VisibleTo("bo") || r.VisibleTo("") {
		t.Error("a private rule is visible to its owner only")
	}
	r.Shared = true
	if !r.VisibleTo("bo") {
		t.Error("a shared rule is visible to everyone")
	}
}

func TestRuleValidation(t *testing.T) {
	bad := []Rule{
		{},
		{ID: "x", Types: []string{"EXPLODE"}},
		{ID: "x", Modalities: []string{"probable"}},
		{ID: "x", On: "sometimes"},
		{ID: "x", On: OnEvent, MinSources: 2},
		{ID: "x", Threshold: &Threshold{Count: 0, Window: Duration(time.Hour)}},
		{ID: "x", Threshold: &Threshold{Count: 3}},
		{ID: "x", On: OnIncident, Threshold: &Threshold{Count: 3, Window: Duration(time.Hour)}},
		{ID: "x", On: OnDocument},
		{ID: "x", On: OnDocument, Keywords: []string{"a"}, Types: []string{"ASSAULT"}},
		{ID: "x", Keywords: []string{" -- "}},
		{ID: "x", MinSources: -1, On: OnIncident},
		{ID: "x", Watch: "nowhere"},
	}
	for i, r := range bad {
		if _, err := NewEngine(gazetteer(t), []Area{borderArea()}, []Rule{r}, State{}); err == nil {
			t.Errorf("case %d (%+v): no error", i, r)
		}
	}
	if _, err := NewEngine(nil, nil, []Rule{{ID: "a"}, {ID: "a"}}, State{}); err == nil {
		t.Error("duplicate rule ids accepted")
	}
	var d Duration
	if err := json.Unmarshal([]byte(`"soon"`), &d); err == nil {
		t.Error(`duration "soon" accepted`)
	}
	if err := json.Unmarshal([]byte(`"24h"`), &d); err != nil || time.Duration(d) != 24*time.Hour {
		t.Errorf("24h: %v %v", d, err)
	}
	r := Rule{ID: "kw", Keywords: []string{"Panj"}}
	r.Normalize()
	if r.On != OnDocument {
		t.Errorf("keyword-only rule is on %q", r.On)
	}
	r = Rule{ID: "inc", MinSources: 2, Types: []string{"assault"}}
	r.Normalize()
	if r.On != OnIncident || r.Types[0] != "ASSAULT" {
		t.Errorf("min-sources rule normalized to %+v", r)
	}
}

func TestFoldText(t *testing.T) {
	cases := map[string]string{
		"Mazār-e Sharīf":  " mazar e sharif ",
		"Хорог, Ишкашим":  " khorog ishkashim ",
		"Qal‘ah-ye Kūf":   " qalah ye kuf ",
		"Ҳисор ва Қӯрғон": " hisor va qurghon ",
		"  ":              " ",
		"بدخشان":          " بدخشان ",
	}
	for in, want := range cases {
		if got := foldText(in); got != want {
			t.Errorf("foldText(%q) = %q, want %q", in, got, want)
		}
	}
	if k, ok := newKeyword("Sher Khan"); !ok || !k.in(foldText("at Sher-Khan Bandar")) || k.in(foldText("Sherkhan")) {
		t.Error("multi-word keyword matching")
	}
	if strings.Contains(foldText("x\u0301y"), "\u0301") {
		t.Error("combining mark kept")
	}
}

// An event that fired before its incident was known, or that comes back
// without its incident, is not news a second time.
func TestIncidentLearnedLateDoesNotRefire(t *testing.T) {
	rules := []Rule{{ID: "r", Active: true, Types: []string{"ASSAULT"}}}
	e := newEngine(t, rules, State{})
	got := e.Evaluate(Input{At: t0, Events: []borderwatch.Event{ev("e1", "d1", "ASSAULT")}})
	if len(got) != 1 || got[0].Key != "r:r|ev:e1" {
		t.Fatalf("first: %v", keys(got))
	}
	if got := e.Evaluate(Input{At: t0, Events: []borderwatch.Event{ev("e1", "d1", "ASSAULT")},
		IncidentOf: map[string]string{"e1": "inc-3"}}); len(got) != 0 {
		t.Fatalf("the same event with its incident fired again: %v", keys(got))
	}
	e = restart(t, e, rules)
	got = e.Evaluate(Input{At: t0, Events: []borderwatch.Event{ev("e5", "d5", "ASSAULT")},
		IncidentOf: map[string]string{"e5": "inc-3"}})
	if len(got) != 1 || got[0].Key != "r:r|ev:e1" || got[0].Revision != 2 || got[0].IncidentID != "inc-3" {
		t.Fatalf("second report of the incident: %+v", got)
	}

	// The other way round: alerted as an incident, then reprocessed before
	// incidents are rebuilt.
	got = e.Evaluate(Input{At: t0, Events: []borderwatch.Event{ev("e7", "d7", "ASSAULT")},
		IncidentOf: map[string]string{"e7": "inc-4"}})
	if len(got) != 1 || got[0].Key != "r:r|inc:inc-4" {
		t.Fatalf("incident alert: %v", keys(got))
	}
	if got := e.Evaluate(Input{At: t0, Events: []borderwatch.Event{ev("e7", "d7", "ASSAULT")}}); len(got) != 0 {
		t.Fatalf("event reprocessed without its incident fired: %v", keys(got))
	}
}
