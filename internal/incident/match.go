package incident

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"

	"borderwatch"
	"borderwatch/internal/geo"
)

// Modality groups: an act, a plan (future, conditional or speculative) and a
// denial never share an incident.
const (
	groupAct    = "asserted"
	groupPlan   = "planned"
	groupDenial = "negated"
)

func modalityGroup(m string) (string, bool) {
	switch m {
	case borderwatch.Asserted, "":
		return groupAct, true
	case borderwatch.Future, borderwatch.Conditional, borderwatch.Speculative:
		return groupPlan, true
	case borderwatch.Negated:
		return groupDenial, true
	}
	return "", false // historical or unknown: never today's incident
}

// takesGround reports whether an event claims that its actor took or holds a
// place: a seizure, or an assault about territory or worded as a capture.
func takesGround(e *Member) bool {
	switch e.Event {
	case "COERCE":
		return slices.Contains(e.Mode, "seize")
	case "ASSAULT":
		if slices.Contains(e.Context, "territory") {
			return true
		}
		t := strings.ToLower(e.Trigger)
		for _, w := range []string{"took", "take", "retook", "recaptur", "captur", "seiz", "overr", "control", "regain"} {
			if strings.Contains(t, w) {
				return true
			}
		}
	}
	return false
}

// class is the grouping family of an event: its type, except that taking a
// place is one act whether the coder called it a seizure or an assault.
func class(e *Member) string {
	if takesGround(e) {
		return "TAKE"
	}
	return e.Event
}

// relatedClasses pairs acts that belong together without being one act: a
// unit retreating across a border and the state letting it in.
var relatedClasses = map[string][]string{
	"RETREAT": {"AID"},
	"AID":     {"RETREAT"},
}

// Day numbers (days since 1970-01-01) make date windows plain integers.
func parseDay(s string) (int, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return 0, fmt.Errorf("bad date %q: want YYYY-MM-DD", s)
	}
	return int(t.Unix() / 86400), nil
}

func dayString(d int) string {
	return time.Unix(int64(d)*86400, 0).UTC().Format("2006-01-02")
}

// reportLag is how many days before publication an undated report may
// describe ("on Sunday" in Tuesday's paper, "overnight").
const reportLag = 3

// slack widens a dated event on both sides: "overnight" straddles two days,
// time zones move a night across midnight, and sources round.
const slack = 1

// maxSpanDays keeps an incident from drifting into a campaign: a range wider
// than this is a period, not one event.
const maxSpanDays = 10

// window is an event's core date range and whether it came from the text.
type window struct {
	lo, hi int
	dated  bool
}

func memberWindow(m *Member, pub int, hasPub bool) (window, bool) {
	if m.Date != "" {
		lo, err1 := parseDay(m.Date)
		hi := lo
		var err2 error
		if m.EndDate != "" {
			hi, err2 = parseDay(m.EndDate)
		}
		if err1 == nil && err2 == nil && hi >= lo && hi-lo <= maxSpanDays {
			return window{lo, hi, true}, true
		}
	}
	if hasPub {
		return window{pub - reportLag, pub, false}, true
	}
	return window{}, false
}

// overlaps says whether two windows can describe the same days, allowing
// slack on the dated ones.
func overlaps(a, b window) bool {
	alo, ahi, blo, bhi := a.lo, a.hi, b.lo, b.hi
	if a.dated {
		alo, ahi = alo-slack, ahi+slack
	}
	if b.dated {
		blo, bhi = blo-slack, bhi+slack
	}
	return alo <= bhi && blo <= ahi
}

// radiusKm is how far from its point a place of this precision may be.
func radiusKm(precision string) float64 {
	switch precision {
	case "site":
		return 5
	case "city":
		return 15
	case "district":
		return 40
	case "province":
		return 150
	case "region":
		return 300
	}
	return math.Inf(1)
}

func fine(p *borderwatch.Location) bool {
	if p == nil || p.Lat == nil || p.Lon == nil {
		return false
	}
	switch p.Precision {
	case "site", "city", "district":
		return true
	}
	return false
}

func borderCountries(p *borderwatch.Location) []string {
	if p == nil || p.Border == nil {
		return nil
	}
	return strings.Split(*p.Border, "-")
}

// placesCompatible decides whether two places can be where one event
// happened, and how close they are (1 = same point, 0 = only not excluded).
func placesCompatible(a, b *borderwatch.Location) (bool, float64) {
	if a == nil || b == nil {
		return true, 0.1
	}
	if a.Precision == "border" || b.Precision == "border" {
		if a.Precision != "border" {
			a, b = b, a
		}
		// b lies on or near a's border, or is the same border.
		bc := borderCountries(a)
		if b.Precision == "border" {
			return ptrEq(a.Border, b.Border), 0.5
		}
		if b.Border != nil && ptrEq(a.Border, b.Border) {
			return true, 0.4
		}
		return slices.Contains(bc, b.Country), 0.2
	}
	if a.Precision == "country" || b.Precision == "country" {
		if a.Precision != "country" {
			a, b = b, a
		}
		if a.Country == "" || b.Country == "" {
			return true, 0.1
		}
		if a.Country == b.Country {
			if b.Precision == "country" {
				return true, 0.5
			}
			return true, 0.3
		}
		return false, 0
	}
	if a.Lat == nil || a.Lon == nil || b.Lat == nil || b.Lon == nil {
		if a.Country != "" && b.Country != "" && a.Country != b.Country {
			return false, 0
		}
		return strings.EqualFold(a.Name, b.Name), 0.5
	}
	d := geo.DistanceKm(*a.Lat, *a.Lon, *b.Lat, *b.Lon)
	r := radiusKm(a.Precision) + radiusKm(b.Precision)
	if d > r {
		return false, 0
	}
	return true, 1 - d/r
}

func ptrEq(a, b *string) bool { return a != nil && b != nil && *a == *b }

// precisionRank orders places from most to least precise.
func precisionRank(p *borderwatch.Location) int {
	if p == nil {
		return 99
	}
	switch p.Precision {
	case "site":
		return 0
	case "city":
		return 1
	case "district":
		return 2
	case "province":
		return 3
	case "border":
		return 4
	case "region":
		return 5
	case "country":
		return 6
	}
	return 7
}

// actorKeys names who acts, at two grains: the canonical name and the
// country with sector. Media outlets are left out: a dateline "(Reuters)"
// read as the actor says nothing about who did what.
func actorKeys(es []borderwatch.Entity) []string {
	var keys []string
	for _, e := range es {
		if e.Sector == "JRN" {
			continue
		}
		if e.Name != "" {
			keys = append(keys, "n:"+strings.ToLower(e.Name))
		}
		if e.Country != "" {
			keys = append(keys, "c:"+e.Country+"/"+e.Sector)
		}
	}
	return keys
}

// actorsCompatible: both sides name someone and share nobody means two
// different acts; a side that names nobody (or only "unidentified") does
// not exclude anything.
func actorsCompatible(a, b []string) (bool, float64) {
	a, b = known(a), known(b)
	if len(a) == 0 || len(b) == 0 {
		return true, 0.3
	}
	shared := 0
	for _, k := range a {
		if slices.Contains(b, k) {
			shared++
		}
	}
	if shared == 0 {
		return false, 0
	}
	return true, math.Min(1, float64(shared)/float64(min(len(a), len(b))))
}

func known(keys []string) []string {
	out := keys[:0:0]
	for _, k := range keys {
		if strings.HasSuffix(k, "/UAF") || k == "n:unidentified" || k == "n:unknown" {
			continue
		}
		out = append(out, k)
	}
	return out
}

// stopwords carry no evidence of which event a sentence reports.
var stopwords = map[string]bool{
	"the": true, "and": true, "for": true, "with": true, "from": true, "that": true, "this": true,
	"said": true, "says": true, "have": true, "has": true, "had": true, "was": true, "were": true,
	"are": true, "its": true, "their": true, "his": true, "her": true, "they": true, "them": true,
	"into": true, "onto": true, "over": true, "after": true, "before": true, "which": true, "who": true,
	"according": true, "reported": true, "citing": true, "agency": true, "news": true, "also": true,
	"not": true, "but": true, "about": true, "more": true, "than": true, "been": true, "will": true,
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true,
	"saturday": true, "sunday": true, "night": true, "overnight": true, "yesterday": true, "today": true,
}

// evidenceTokens are the content words of a sentence, lower-cased.
func evidenceTokens(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if len(w) < 3 || stopwords[w] {
			continue
		}
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// containment is the share of an event's content words already seen in an
// incident's evidence; unlike Jaccard it does not fall as the incident grows.
func containment(words []string, set wordSet) float64 {
	if len(words) == 0 {
		return 0
	}
	n := 0
	for _, w := range words {
		if set.has(w) {
			n++
		}
	}
	return float64(n) / float64(len(words))
}

// specific places are points a report can be checked against; coarse ones
// (a country, a whole border) fit too much to tell two events apart.
func specific(p *borderwatch.Location) bool {
	if p == nil {
		return false
	}
	switch p.Precision {
	case "site", "city", "district", "province":
		return true
	}
	return false
}

func onBorder(p *borderwatch.Location) bool { return p != nil && p.Precision == "border" }

// genericPlaceWords say what kind of place it is, not which.
var genericPlaceWords = map[string]bool{
	"district": true, "province": true, "city": true, "town": true, "village": true, "crossing": true,
	"border": true, "port": true, "river": true, "region": true, "checkpoint": true, "post": true,
	"bridge": true, "airport": true, "base": true, "centre": true, "center": true,
}

func placeKeyWords(p *borderwatch.Location) []string {
	var out []string
	for _, w := range evidenceTokens(p.Text + " " + p.Name) {
		if !genericPlaceWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// placeEvidence is how much shared evidence stands in for a place a report
// does not name precisely.
const placeEvidence = 0.5

// placeAgrees: when one side knows only a border and the other a specific
// place, the border side must name that place in its evidence (or share
// much of its wording): "the crossing on the Afghan-Tajik border" must not
// join whichever incident along 1,300 km of border came first. A country
// is left alone: "into Uzbekistan" rarely has rivals within a day.
func placeAgrees(inc *incident, m *Member) bool {
	switch {
	case onBorder(m.Place) && len(inc.placeWords) > 0:
		m.prepare()
		words := m.words
		for _, w := range words {
			if inc.placeWords.has(w) {
				return true
			}
		}
		return containment(words, inc.tokens) >= placeEvidence
	case specific(m.Place) && len(inc.placeWords) == 0 && onBorder(inc.Place):
		for _, w := range placeKeyWords(m.Place) {
			if inc.tokens.has(w) {
				return true
			}
		}
		m.prepare()
		return containment(m.words, inc.tokens) >= placeEvidence
	}
	return true
}
