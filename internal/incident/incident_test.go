package incident

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"borderwatch"
)

// Hand-built events: the grouper's rules tested without the extractor's
// choices in between.

func sp(s string) *string   { return &s }
func fp(f float64) *float64 { return &f }
func ip(n int) *int         { return &n }
func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t.Add(10 * time.Hour)
}

var (
	taliban  = borderwatch.Entity{Name: "Taliban", Country: "AFG", Sector: "REB"}
	afghanA  = borderwatch.Entity{Name: "Afghanistan", Country: "AFG", Sector: "MIL"}
	tajikGov = borderwatch.Entity{Name: "Tajikistan", Country: "TJK", Sector: "GOV"}
	uzbekGov = borderwatch.Entity{Name: "Uzbekistan", Country: "UZB", Sector: "GOV"}
)

func site(name, country string, lat, lon float64) *borderwatch.Location {
	return &borderwatch.Location{Name: name, Country: country, Lat: fp(lat), Lon: fp(lon), Precision: "site", Border: sp("AFG-TJK")}
}

func country(name, code string) *borderwatch.Location {
	return &borderwatch.Location{Name: name, Country: code, Precision: "country"}
}

type ev struct {
	typ, mode, modality, date, evidence, trigger string
	actor                                        []borderwatch.Entity
	recipient                                    []borderwatch.Entity
	place                                        *borderwatch.Location
	count                                        *int
	qualifier                                    string
	attr                                         []borderwatch.Attribution
}

func mkDoc(id, source, published, text string, evs ...ev) Doc {
	d := Doc{ID: id, Source: source, Published: day(published), Text: text}
	for i, e := range evs {
		x := borderwatch.Event{ID: fmt.Sprintf("%s-e%d", id, i), DocID: id, Event: e.typ, Modality: e.modality,
			Actor: e.actor, Recipient: e.recipient, EventLoc: e.place, Attribution: e.attr,
			Trigger: e.trigger, TextInfo: borderwatch.TextInfo{Text: e.evidence}}
		if x.Modality == "" {
			x.Modality = borderwatch.Asserted
		}
		if e.mode != "" {
			x.Mode = []string{e.mode}
		}
		if e.date != "" {
			x.Date, x.DatePrecision = sp(e.date), "day"
		}
		if e.count != nil {
			x.Size = &borderwatch.Size{Count: e.count}
			if e.qualifier != "" {
				x.Size.Qualifier = sp(e.qualifier)
			}
		}
		d.Events = append(d.Events, x)
	}
	return d
}

func cites(name string, via ...string) []borderwatch.Attribution {
	return []borderwatch.Attribution{{Name: name, Via: via}}
}

var skb = site("Sher Khan Bandar", "AFG", 37.17, 68.6)

func seize(date, evidence string, attr []borderwatch.Attribution) ev {
	return ev{typ: "COERCE", mode: "seize", date: date, evidence: evidence, actor: []borderwatch.Entity{taliban}, place: skb, attr: attr}
}

func addAll(t *testing.T, g *Grouper, docs ...Doc) []Change {
	t.Helper()
	var chs []Change
	for _, d := range docs {
		ch, err := g.Add(d)
		if err != nil {
			t.Fatalf("add %s: %v", d.ID, err)
		}
		chs = append(chs, ch)
	}
	return chs
}

func incidentOf(t *testing.T, g *Grouper, eventID string) Incident {
	t.Helper()
	id, ok := g.IncidentOf(eventID)
	if !ok {
		t.Fatalf("event %s is in no incident", eventID)
	}
	inc, _ := g.Get(id)
	return inc
}

func TestModalityKeepsThreatsPlansAndDenialsApart(t *testing.T) {
	g := New(Options{Dict: loadDict(t), Now: fixedClock()})
	addAll(t, g,
		mkDoc("plan", "Pajhwok", "2021-07-04", "", ev{typ: "COERCE", mode: "seize", modality: borderwatch.Future, date: "2021-07-05",
			evidence: "The Taliban will seize the Sher Khan Bandar crossing tomorrow.", actor: []borderwatch.Entity{taliban}, place: skb}),
		mkDoc("act", "TASS", "2021-07-05", "", seize("2021-07-05", "The Taliban seized the Sher Khan Bandar crossing.", nil)),
		mkDoc("deny", "TOLOnews", "2021-07-06", "", ev{typ: "COERCE", mode: "seize", modality: borderwatch.Negated,
			evidence: "The ministry denied that the Taliban seized the Sher Khan Bandar crossing.", actor: []borderwatch.Entity{afghanA}, place: skb}),
		mkDoc("old", "Eurasianet", "2021-07-06", "", ev{typ: "COERCE", mode: "seize", modality: borderwatch.Historical, date: "1997-01-01",
			evidence: "In 1997 the Taliban seized the Sher Khan Bandar crossing.", actor: []borderwatch.Entity{taliban}, place: skb}),
	)
	plan, act, deny := incidentOf(t, g, "plan-e0"), incidentOf(t, g, "act-e0"), incidentOf(t, g, "deny-e0")
	if plan.ID == act.ID || deny.ID == act.ID || plan.ID == deny.ID {
		t.Fatalf("plan %s, act %s and denial %s must be three incidents", plan.ID, act.ID, deny.ID)
	}
	if plan.Modality != groupPlan || act.Modality != groupAct || deny.Modality != groupDenial {
		t.Errorf("modalities %s/%s/%s", plan.Modality, act.Modality, deny.Modality)
	}
	if !slices.Equal(act.DisputedBy, []string{deny.ID}) || !slices.Equal(deny.Denies, []string{act.ID}) {
		t.Errorf("denial not linked: act disputed by %v, denial denies %v", act.DisputedBy, deny.Denies)
	}
	if _, ok := g.IncidentOf("old-e0"); ok {
		t.Error("a historical event joined an incident")
	}
}

func TestDenialBeforeTheActIsLinkedWhenTheActArrives(t *testing.T) {
	g := New(Options{Dict: loadDict(t), Now: fixedClock()})
	addAll(t, g,
		mkDoc("deny", "TOLOnews", "2021-07-05", "", ev{typ: "COERCE", mode: "seize", modality: borderwatch.Negated,
			evidence: "Officials denied rumours that the Taliban had seized Sher Khan Bandar.", place: skb}),
		mkDoc("act", "TASS", "2021-07-06", "", seize("2021-07-05", "The Taliban seized Sher Khan Bandar on Monday.", nil)),
	)
	act, deny := incidentOf(t, g, "act-e0"), incidentOf(t, g, "deny-e0")
	if !slices.Contains(act.DisputedBy, deny.ID) {
		t.Errorf("act %s not disputed by earlier denial %s", act.ID, deny.ID)
	}
}

func TestDistanceDependsOnPrecision(t *testing.T) {
	g := New(Options{Dict: loadDict(t), Now: fixedClock()})
	near := site("Sher Khan Bandar port", "AFG", 37.19, 68.62) // about 3 km away
	far := site("Ishkashim", "AFG", 36.71, 71.57)              // about 270 km away
	prov := &borderwatch.Location{Name: "Kunduz province", Country: "AFG", Lat: fp(36.9), Lon: fp(68.7), Precision: "province"}
	addAll(t, g,
		mkDoc("a", "Pajhwok", "2021-07-05", "", seize("2021-07-05", "Taliban seized the crossing.", nil)),
		mkDoc("b", "TASS", "2021-07-05", "", ev{typ: "COERCE", mode: "seize", date: "2021-07-05", evidence: "Taliban seized the port.", actor: []borderwatch.Entity{taliban}, place: near}),
		mkDoc("c", "Ozodi", "2021-07-05", "", ev{typ: "COERCE", mode: "seize", date: "2021-07-05", evidence: "Taliban seized Ishkashim.", actor: []borderwatch.Entity{taliban}, place: far}),
		mkDoc("d", "Avesta", "2021-07-05", "", ev{typ: "COERCE", mode: "seize", date: "2021-07-05", evidence: "Taliban seized a crossing in Kunduz province.", actor: []borderwatch.Entity{taliban}, place: prov}),
	)
	a, b, c, d := incidentOf(t, g, "a-e0"), incidentOf(t, g, "b-e0"), incidentOf(t, g, "c-e0"), incidentOf(t, g, "d-e0")
	if a.ID != b.ID {
		t.Error("two sites 3 km apart were not grouped")
	}
	if a.ID == c.ID {
		t.Error("sites 270 km apart were grouped")
	}
	if a.ID != d.ID {
		t.Error("a site inside the province named by another report was not grouped with it")
	}
}

func TestDatesAllowReportLagButNotAWeek(t *testing.T) {
	g := New(Options{Dict: loadDict(t), Now: fixedClock()})
	addAll(t, g,
		mkDoc("sun", "Khovar", "2021-07-05", "", ev{typ: "RETREAT", mode: "withdraw", date: "2021-07-04", evidence: "Soldiers crossed into Tajikistan on Sunday night.", actor: []borderwatch.Entity{afghanA}, place: country("Tajikistan", "TJK")}),
		mkDoc("mon", "TASS", "2021-07-06", "", ev{typ: "RETREAT", mode: "withdraw", date: "2021-07-05", evidence: "Soldiers crossed into Tajikistan overnight.", actor: []borderwatch.Entity{afghanA}, place: country("Tajikistan", "TJK")}),
		mkDoc("undated", "Ozodi", "2021-07-06", "", ev{typ: "RETREAT", mode: "withdraw", evidence: "Soldiers crossed into Tajikistan.", actor: []borderwatch.Entity{afghanA}, place: country("Tajikistan", "TJK")}),
		mkDoc("later", "Avesta", "2021-07-13", "", ev{typ: "RETREAT", mode: "withdraw", date: "2021-07-12", evidence: "Soldiers crossed into Tajikistan on Monday.", actor: []borderwatch.Entity{afghanA}, place: country("Tajikistan", "TJK")}),
		mkDoc("uz", "UzA", "2021-07-05", "", ev{typ: "RETREAT", mode: "withdraw", date: "2021-07-04", evidence: "Soldiers crossed into Uzbekistan on Sunday.", actor: []borderwatch.Entity{afghanA}, place: country("Uzbekistan", "UZB")}),
	)
	sun := incidentOf(t, g, "sun-e0")
	if incidentOf(t, g, "mon-e0").ID != sun.ID {
		t.Error("a day's difference (overnight, report lag) split the incident")
	}
	if incidentOf(t, g, "later-e0").ID == sun.ID {
		t.Error("a crossing a week later joined the first one")
	}
	if incidentOf(t, g, "uz-e0").ID == sun.ID {
		t.Error("a crossing into another country joined")
	}
	if undated := incidentOf(t, g, "undated-e0"); undated.ID == incidentOf(t, g, "later-e0").ID {
		t.Error("an undated report joined an incident a week after its publication")
	}
}

func TestActorsMustOverlap(t *testing.T) {
	g := New(Options{Dict: loadDict(t), Now: fixedClock()})
	addAll(t, g,
		mkDoc("t", "Pajhwok", "2021-07-05", "", seize("2021-07-05", "Taliban seized the crossing.", nil)),
		mkDoc("a", "TOLOnews", "2021-07-05", "", ev{typ: "COERCE", mode: "seize", date: "2021-07-05", evidence: "The army seized the crossing.", actor: []borderwatch.Entity{afghanA}, place: skb}),
		mkDoc("u", "Avesta", "2021-07-05", "", ev{typ: "COERCE", mode: "seize", date: "2021-07-05", evidence: "Gunmen seized the crossing.", actor: []borderwatch.Entity{{Name: "unidentified", Country: "AFG", Sector: "UAF"}}, place: skb}),
	)
	if incidentOf(t, g, "t-e0").ID == incidentOf(t, g, "a-e0").ID {
		t.Error("seizures by the Taliban and by the army were grouped")
	}
	if incidentOf(t, g, "u-e0").ID != incidentOf(t, g, "t-e0").ID {
		t.Error("an unidentified actor should not keep a report out")
	}
}

func TestRelatedNotMerged(t *testing.T) {
	g := New(Options{Dict: loadDict(t), Now: fixedClock()})
	addAll(t, g, mkDoc("k", "Khovar", "2021-07-05", "",
		ev{typ: "RETREAT", mode: "withdraw", date: "2021-07-04", evidence: "Afghan soldiers crossed into Tajikistan.", actor: []borderwatch.Entity{afghanA}, place: country("Tajikistan", "TJK")},
		ev{typ: "AID", evidence: "Tajikistan let the soldiers in.", actor: []borderwatch.Entity{tajikGov}, recipient: []borderwatch.Entity{afghanA}},
	), mkDoc("u", "UzA", "2021-07-05", "",
		ev{typ: "AID", evidence: "Uzbekistan sent flour to Kabul.", actor: []borderwatch.Entity{uzbekGov}, recipient: []borderwatch.Entity{{Name: "Afghanistan", Country: "AFG", Sector: "GOV"}}, place: country("Uzbekistan", "UZB")},
	))
	r, a, u := incidentOf(t, g, "k-e0"), incidentOf(t, g, "k-e1"), incidentOf(t, g, "u-e0")
	if r.ID == a.ID {
		t.Fatal("retreat and shelter were merged")
	}
	if !slices.Contains(r.Related, a.ID) || !slices.Contains(a.Related, r.ID) {
		t.Errorf("retreat %v and shelter %v not linked", r.Related, a.Related)
	}
	if slices.Contains(r.Related, u.ID) {
		t.Error("aid given elsewhere linked to the retreat into Tajikistan")
	}
}

func TestIndependentSources(t *testing.T) {
	wire := "DUSHANBE - More than a thousand Afghan soldiers crossed the river into Tajikistan overnight as insurgents advanced, the border service said, adding that the men were unarmed and had been given food, water and tents near the frontier."
	g := New(Options{Dict: loadDict(t), Now: fixedClock()})
	retreat := func(evidence string, n int, q string, attr []borderwatch.Attribution) ev {
		return ev{typ: "RETREAT", mode: "withdraw", date: "2021-07-04", evidence: evidence, actor: []borderwatch.Entity{afghanA}, place: country("Tajikistan", "TJK"), count: ip(n), qualifier: q, attr: attr}
	}
	chs := addAll(t, g,
		mkDoc("wire", "Reuters", "2021-07-05", wire, retreat("soldiers crossed the river into Tajikistan", 1000, "more than", nil)),
		mkDoc("copy", "Dawn", "2021-07-05", wire, retreat("soldiers crossed the river into Tajikistan", 1000, "more than", nil)),
		mkDoc("near", "Gulf Times", "2021-07-05", strings.Replace(wire, "unarmed", "exhausted", 1)+" More reports are expected.", retreat("soldiers crossed the river into Tajikistan", 1000, "more than", nil)),
		mkDoc("k", "Khovar", "2021-07-05", "", retreat("soldiers crossed into Tajikistan, the border service said", 1037, "", cites("Tajik border service"))),
		mkDoc("ak", "AKIpress", "2021-07-05", "", retreat("soldiers crossed into Tajikistan, Khovar reported", 1037, "", cites("Khovar"))),
		mkDoc("ap1", "Asia-Plus", "2021-07-05", "", retreat("soldiers crossed into Tajikistan", 1037, "", nil)),
		mkDoc("ap2", "Asia-Plus", "2021-07-06", "", retreat("as Asia-Plus reported, soldiers crossed into Tajikistan", 1037, "", cites("Asia-Plus"))),
		mkDoc("if", "Interfax", "2021-07-05", "", retreat("soldiers crossed into Tajikistan, Khovar reported, citing the border service", 1037, "", cites("Khovar", "Tajikistan border service"))),
		mkDoc("o1", "Ozodi", "2021-07-05", "", retreat("soldiers crossed into Tajikistan, officials said", 1600, "", cites("officials"))),
		mkDoc("o2", "Avesta", "2021-07-05", "", retreat("soldiers crossed into Tajikistan, officials said", 1600, "", cites("officials"))),
	)
	if chs[1].CopyOf != "wire" || chs[2].CopyOf != "wire" {
		t.Errorf("copies not detected: exact %q, near %q", chs[1].CopyOf, chs[2].CopyOf)
	}
	inc := incidentOf(t, g, "wire-e0")
	if inc.Documents != 10 {
		t.Fatalf("incident has %d documents, want 10", inc.Documents)
	}
	// Reuters (and its two copies); the border service (Khovar, AKIpress via
	// Khovar, Interfax via Khovar); Asia-Plus (twice, once citing itself);
	// Ozodi's officials; Avesta's officials.
	want := []string{"Asia-Plus", "Avesta (officials)", "Ozodi (officials)", "Reuters", "Tajikistan border service"}
	if got := originsOf(inc); !slices.Equal(got, want) || inc.Independent != len(want) {
		t.Errorf("origins %v (%d), want %v", got, inc.Independent, want)
	}
	var count Disagreement
	for _, d := range inc.Disagreements {
		if d.Field == "count" {
			count = d
		}
	}
	if !count.Disagree || count.Low != "1000" || count.High != "1600" || count.Best != "1037" {
		t.Errorf("count disagreement %+v", count)
	}
}

func TestNumbersCompatible(t *testing.T) {
	v := func(n int, q string) Value { return Value{Number: ip(n), Qualifier: q} }
	for _, c := range []struct {
		a, b Value
		want bool
	}{
		{v(1000, "more than"), v(1037, ""), true},
		{v(1037, ""), v(1600, ""), false},
		{v(1000, "more than"), v(1000, ""), false},
		{v(1000, "at least"), v(1000, ""), true},
		{v(1600, "about"), v(1037, ""), false},
		{v(1600, "about"), v(1550, ""), true},
		{v(100, "up to"), v(80, ""), true},
		{v(100, "nearly"), v(120, ""), false},
		{v(12, "dozens"), v(40, ""), true},
	} {
		if got := numbersCompatible(c.a, c.b); got != c.want {
			t.Errorf("%s %d vs %s %d: compatible=%v, want %v", c.a.Qualifier, *c.a.Number, c.b.Qualifier, *c.b.Number, got, c.want)
		}
	}
}

func TestBadInputIsAnError(t *testing.T) {
	g := New(Options{Now: fixedClock()})
	good := mkDoc("ok", "TASS", "2021-07-05", "", seize("2021-07-05", "x", nil))
	if _, err := g.Add(good); err != nil {
		t.Fatal(err)
	}
	bad := []Doc{
		{},
		good,
		mkDoc("dupe-event", "TASS", "2021-07-05", "", seize("2021-07-05", "x", nil)),
		{ID: "no-event-id", Events: []borderwatch.Event{{Event: "ASSAULT"}}},
		{ID: "bad-type", Events: []borderwatch.Event{{ID: "e", Event: "EXPLODE"}}},
		{ID: "bad-date", Events: []borderwatch.Event{{ID: "e2", Event: "ASSAULT", Date: sp("July 5")}}},
		{ID: "other-doc", Events: []borderwatch.Event{{ID: "e3", DocID: "elsewhere", Event: "ASSAULT"}}},
	}
	bad[2].Events[0].ID = good.Events[0].ID
	for _, d := range bad {
		if _, err := g.Add(d); err == nil {
			t.Errorf("document %q: no error", d.ID)
		}
	}
	if _, err := g.Add(good); !errors.Is(err, ErrDuplicateDoc) {
		t.Errorf("adding a document twice: %v, want ErrDuplicateDoc", err)
	}
	if n := len(g.Incidents(Filter{})); n != 1 {
		t.Errorf("rejected documents changed the state: %d incidents", n)
	}
	// One sentence coded twice alike gives one event id twice: one claim.
	ch, err := g.Add(Doc{ID: "twice", Events: []borderwatch.Event{{ID: "e4", Event: "ASSAULT"}, {ID: "e4", Event: "ASSAULT"}}})
	if err != nil || len(ch.Skipped) != 1 || len(ch.Created) != 1 {
		t.Errorf("repeated event id: %v %+v", err, ch)
	}
}

func TestAnalystDecisionsStand(t *testing.T) {
	clock := fixedClock()
	g := New(Options{Dict: loadDict(t), Now: clock})
	addAll(t, g,
		mkDoc("a", "Pajhwok", "2021-07-05", "", seize("2021-07-05", "The Taliban seized the crossing at dawn.", nil)),
		mkDoc("b", "TASS", "2021-07-05", "", seize("2021-07-05", "The Taliban seized the crossing at dawn.", nil)),
		mkDoc("c", "Avesta", "2021-07-05", "", ev{typ: "ASSAULT", date: "2021-07-05", evidence: "Taliban fighters shelled a village near the crossing.", actor: []borderwatch.Entity{taliban}, place: skb}),
	)
	ab := incidentOf(t, g, "a-e0")
	if ab.ID != incidentOf(t, g, "b-e0").ID {
		t.Fatal("setup: a and b should be one incident")
	}
	split, err := g.Split(ab.ID, []string{"b-e0"}, "analyst1")
	if err != nil {
		t.Fatal(err)
	}
	if incidentOf(t, g, "b-e0").ID != split.ID || incidentOf(t, g, "a-e0").ID != ab.ID {
		t.Fatal("split did not move the event")
	}
	// A new report matching both must not bring them back together.
	addAll(t, g, mkDoc("d", "Interfax", "2021-07-05", "", seize("2021-07-05", "The Taliban seized the crossing at dawn.", nil)))
	if incidentOf(t, g, "a-e0").ID == incidentOf(t, g, "b-e0").ID {
		t.Error("automatic grouping undid the analyst's split")
	}
	c := incidentOf(t, g, "c-e0")
	merged, err := g.Merge(ab.ID, []string{c.ID}, "analyst2")
	if err != nil {
		t.Fatal(err)
	}
	if incidentOf(t, g, "c-e0").ID != ab.ID || len(merged.Decisions) != 2 {
		t.Errorf("merge: c in %s, decisions %v", incidentOf(t, g, "c-e0").ID, merged.Decisions)
	}
	if old, _ := g.Get(c.ID); old.MergedInto != ab.ID {
		t.Errorf("merged-away incident says merged into %q", old.MergedInto)
	}
	ds := g.Decisions()
	if len(ds) != 2 || ds[0].Kind != "split" || ds[0].User != "analyst1" || ds[1].Kind != "merge" || ds[1].User != "analyst2" || !ds[1].At.Equal(clock()) {
		t.Errorf("decisions %+v", ds)
	}
	if err := g.GradeClaim("a-e0", 2, "analyst1"); err != nil {
		t.Error(err)
	}
	for _, err := range []error{
		g.GradeClaim("a-e0", 7, "analyst1"),
		g.GradeClaim("nope", 2, "analyst1"),
		g.GradeClaim("a-e0", 2, ""),
		g.GradeSource("TASS", "G", "analyst1"),
		func() error { _, err := g.Merge(ab.ID, []string{ab.ID}, "x"); return err }(),
		func() error { _, err := g.Merge(ab.ID, []string{c.ID}, "x"); return err }(),
		func() error { _, err := g.Split(ab.ID, []string{"zzz"}, "x"); return err }(),
		func() error { _, err := g.Split(split.ID, []string{"b-e0"}, "x"); return err }(),
	} {
		if err == nil {
			t.Error("bad analyst input gave no error")
		}
	}
	if err := g.GradeSource("TASS", "b", "analyst1"); err != nil || g.Registry().Outlet("TASS").Grade != "B" {
		t.Errorf("grade source: %v, %+v", err, g.Registry().Outlet("TASS"))
	}
}

func TestRegistry(t *testing.T) {
	r := NewRegistry(loadDict(t))
	if o := r.Outlet("Khovar agency"); o.Name != "Khovar" || o.Country != "TJK" || o.Kind != KindState || o.Grade != "" {
		t.Errorf("Khovar agency: %+v", o)
	}
	if o := r.Outlet("Some Local Blog"); o.Kind != KindUnknown || o.Grade != "" || o.Country != "" {
		t.Errorf("unknown outlet got guesses: %+v", o)
	}
	if err := r.SetKind("Some Local Blog", "tabloid"); err == nil {
		t.Error("bad kind accepted")
	}
	if err := r.SetGrade("Khovar", "C"); err != nil || r.Outlet("Khovar agency").Grade != "C" {
		t.Errorf("grade not kept under the alias: %v %+v", err, r.Outlet("Khovar agency"))
	}
}

func TestStateRoundTrip(t *testing.T) {
	docs := extractCorpus(t, "testdata/corpus.jsonl")
	dict := loadDict(t)
	half := len(docs) / 2
	g := New(Options{Dict: dict, Now: fixedClock()})
	for _, d := range docs[:half] {
		if _, err := g.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	b, err := json.Marshal(g.State())
	if err != nil {
		t.Fatal(err)
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	r, err := Restore(s, Options{Dict: dict, Now: fixedClock()})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs[half:] {
		c1, err1 := g.Add(d)
		c2, err2 := r.Add(d)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if fmt.Sprint(c1) != fmt.Sprint(c2) {
			t.Errorf("document %s: original %v, restored %v", d.ID, c1, c2)
		}
	}
	a, _ := json.Marshal(g.State())
	z, _ := json.Marshal(r.State())
	if string(a) != string(z) {
		t.Error("restored grouper drifted from the original")
	}
	if _, err := Restore(State{Incidents: []Incident{{ID: "x", Modality: "sometimes"}}}, Options{}); err == nil {
		t.Error("bad state restored without error")
	}
}

// A planned incident's modality is its group, "planned", which no event
// carries: restoring it must not refuse the state.
func TestRestoreKeepsPlansAndDenials(t *testing.T) {
	opts := Options{Now: fixedClock()}
	g := New(opts)
	plan := func(id, published string) Doc {
		return mkDoc(id, "Pajhwok", published, "", ev{typ: "COERCE", mode: "seize", modality: borderwatch.Future, date: "2021-07-05",
			evidence: "The Taliban will seize the Sher Khan Bandar crossing tomorrow.", actor: []borderwatch.Entity{taliban}, place: skb})
	}
	addAll(t, g, plan("plan1", "2021-07-04"),
		mkDoc("deny", "TOLOnews", "2021-07-06", "", ev{typ: "COERCE", mode: "seize", modality: borderwatch.Negated,
			evidence: "The ministry denied that the Taliban seized the Sher Khan Bandar crossing.", actor: []borderwatch.Entity{afghanA}, place: skb}))
	b, err := json.Marshal(g.State())
	if err != nil {
		t.Fatal(err)
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	r, err := Restore(s, opts)
	if err != nil {
		t.Fatalf("restoring a plan and a denial: %v", err)
	}
	addAll(t, r, plan("plan2", "2021-07-04"))
	if a, b := incidentOf(t, r, "plan1-e0"), incidentOf(t, r, "plan2-e0"); a.ID != b.ID || a.Modality != groupPlan {
		t.Errorf("a second report of the plan made %s (%s), want it in the restored %s", b.ID, b.Modality, a.ID)
	}
}

// The order reports arrive in must not change the grouping much: the rules
// are the same whichever comes first.
func TestCorpusInAnyOrder(t *testing.T) {
	var exp expected
	b, _ := readExpected(t)
	_ = json.Unmarshal(b, &exp)
	docs := extractCorpus(t, "testdata/corpus.jsonl")
	truth := map[string]string{}
	for _, e := range exp.Incidents {
		for _, it := range e.Items {
			truth[it] = e.Label
		}
	}
	dict := loadDict(t)
	for seed := uint64(1); seed <= 5; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		order := slices.Clone(docs)
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		g := New(Options{Dict: dict, Now: fixedClock()})
		for _, d := range order {
			if _, err := g.Add(d); err != nil {
				t.Fatal(err)
			}
		}
		got := map[string]string{}
		for _, inc := range g.Incidents(Filter{}) {
			for _, m := range inc.Members {
				if m.Modality != borderwatch.Negated {
					got[itemKey(m)] = inc.ID
				}
			}
		}
		if _, _, f := bcubed(truth, got); f < 0.9 {
			t.Errorf("seed %d: B-cubed F1 %.3f", seed, f)
		}
		for _, e := range exp.Incidents {
			inc := incidentOf(t, g, eventOfItem(t, g, e.Items[0]))
			if inc.Independent != e.Independent {
				t.Errorf("seed %d: %s: %d independent sources %v, want %d", seed, e.Label, inc.Independent, originsOf(inc), e.Independent)
			}
		}
	}
}

func eventOfItem(t *testing.T, g *Grouper, item string) string {
	t.Helper()
	for _, inc := range g.Incidents(Filter{}) {
		for _, m := range inc.Members {
			if itemKey(m) == item {
				return m.EventID
			}
		}
	}
	t.Fatalf("no event for %s", item)
	return ""
}

func TestFilter(t *testing.T) {
	g := New(Options{Dict: loadDict(t), Now: fixedClock()})
	addAll(t, g,
		mkDoc("a", "Pajhwok", "2021-07-05", "", seize("2021-07-05", "Taliban seized the crossing.", nil)),
		mkDoc("b", "Ozodi", "2021-07-20", "", ev{typ: "ASSAULT", date: "2021-07-20", evidence: "Taliban attacked Ishkashim.", actor: []borderwatch.Entity{taliban}, place: site("Ishkashim", "AFG", 36.71, 71.57)}),
	)
	near := g.Incidents(Filter{Lat: 37.2, Lon: 68.7, Km: 50})
	if len(near) != 1 || near[0].Members[0].DocID != "a" {
		t.Errorf("near Sher Khan Bandar: %d incidents", len(near))
	}
	if since := g.Incidents(Filter{Since: day("2021-07-10")}); len(since) != 1 || since[0].Members[0].DocID != "b" {
		t.Errorf("since July 10: %d incidents", len(since))
	}
	if typ := g.Incidents(Filter{Event: "coerce"}); len(typ) != 1 {
		t.Errorf("COERCE: %d incidents", len(typ))
	}
}

// Undated reports a day apart overlap one another; a month of them must
// still not chain into one incident.
func TestNoDriftIntoACampaign(t *testing.T) {
	g := New(Options{Dict: loadDict(t), Now: fixedClock()})
	for i := range 30 {
		d := day("2021-07-01").AddDate(0, 0, i).Format("2006-01-02")
		addAll(t, g, mkDoc(fmt.Sprintf("d%02d", i), "Khovar", d, "",
			ev{typ: "AID", evidence: "Tajikistan sent food to the Afghan soldiers.", actor: []borderwatch.Entity{tajikGov}, recipient: []borderwatch.Entity{afghanA}}))
	}
	for _, inc := range g.Incidents(Filter{}) {
		lo, _ := parseDay(inc.Start)
		hi, _ := parseDay(inc.End)
		if hi-lo > maxSpanDays {
			t.Errorf("incident %s spans %s..%s", inc.ID, inc.Start, inc.End)
		}
	}
	if n := len(g.Incidents(Filter{})); n < 3 {
		t.Errorf("30 days of reports made %d incidents", n)
	}
}
