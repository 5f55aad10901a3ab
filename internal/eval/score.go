package eval

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"borderwatch"
)

// The fields scored on each pair, in the order they are printed. A field is
// counted on a pair only where the gold gives it (see ScoreDocs).
const (
	FieldActorEqual       = "actor.equal"       // predicted actor countries are the gold set
	FieldActorOverlap     = "actor.overlap"     // they share at least one country
	FieldRecipientEqual   = "recipient.equal"   // the same for recipients
	FieldRecipientOverlap = "recipient.overlap" //
	FieldLocation         = "location"          // 50 km, same country, same border or same name
	FieldDateExact        = "date.exact"        // date and enddate equal (a missing enddate is the date)
	FieldDateOverlap      = "date.overlap"      // the date ranges share a day
	FieldSizeDead         = "size.dead"
	FieldSizeInjured      = "size.injured"
	FieldSizeArrested     = "size.arrested"
	FieldSizeCount        = "size.count"
	FieldSizeUnit         = "size.unit"      // case-insensitive
	FieldSizeQualifier    = "size.qualifier" // case-insensitive
	FieldModality         = "modality"       // a missing modality reads as asserted
	FieldAttribution      = "attribution"    // outermost gold source found in the predicted attribution
)

// FieldNames lists the scored fields in print order.
var FieldNames = []string{
	FieldActorEqual, FieldActorOverlap, FieldRecipientEqual, FieldRecipientOverlap,
	FieldLocation, FieldDateExact, FieldDateOverlap,
	FieldSizeDead, FieldSizeInjured, FieldSizeArrested, FieldSizeCount, FieldSizeUnit, FieldSizeQualifier,
	FieldModality, FieldAttribution,
}

// strictFields are the fields that must all be right for a pair to count in
// Report.PairsAllRight; the lenient overlap figures are left out because
// their strict twin is in.
var strictFields = map[string]bool{
	FieldActorEqual: true, FieldRecipientEqual: true, FieldLocation: true, FieldDateExact: true,
	FieldSizeDead: true, FieldSizeInjured: true, FieldSizeArrested: true, FieldSizeCount: true,
	FieldSizeUnit: true, FieldSizeQualifier: true, FieldModality: true, FieldAttribution: true,
}

// locationRadiusKm is how far a predicted point may lie from the gold point
// and still be the same place.
const locationRadiusKm = 50

// TypeCounts are the counts of one event type.
type TypeCounts struct {
	Support int // gold events of the type (non-optional ones for documents)
	TP      int // pairs, counted under the gold type
	FP      int // predictions of the type that paired with nothing
	FN      int // gold events of the type left unpaired
}

// Precision is TP/(TP+FP), 0 when nothing was predicted.
func (c TypeCounts) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP/(TP+FN), 0 when there is no gold.
func (c TypeCounts) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// F1 is the harmonic mean of precision and recall, 0 when both are 0.
func (c TypeCounts) F1() float64 { return f1(c.Precision(), c.Recall()) }

// FieldCounts is how often one field was right where it was counted.
type FieldCounts struct {
	Right   int
	Counted int
}

// Accuracy is Right/Counted, 0 when nothing was counted.
func (c FieldCounts) Accuracy() float64 { return ratio(c.Right, c.Counted) }

// Pair is a gold event and the prediction paired with it.
type Pair struct {
	Gold      Gold
	GoldIndex int // index into the gold slice given to ScoreDocs
	Pred      borderwatch.Event
	PredIndex int  // index into the predictions given to ScoreDocs
	AltType   bool // paired through alt_events, not the gold event type
	// Coverage is the share of the gold sentence the evidence covers (0.5..1).
	Coverage float64
	// ByText is true when the sentence or the evidence could not be placed
	// in the document and the two texts were compared directly.
	ByText bool
	Fields map[string]bool // the fields counted on this pair: right or not
}

// Report is the score of predictions against gold events over documents.
type Report struct {
	Docs          int // documents with gold or predictions
	Predicted     int // all predictions
	Gold          int // non-optional gold events
	OptionalGold  int
	Pairs         int // pairs with non-optional gold: the true positives
	OptionalPairs int // pairs with optional gold: neither rewarded nor punished
	Unpaired      int // predictions that paired with no gold: the false positives
	// Precision = Pairs/(Pairs+Unpaired); Recall = Pairs/Gold; 0 on 0/0.
	Precision, Recall, F1 float64
	PerType               map[string]*TypeCounts
	// Fields is counted on the pairs with non-optional gold only, in line
	// with optional events being neither rewarded nor punished;
	// FieldsWithOptional adds the optional pairs, for a larger sample.
	Fields             map[string]*FieldCounts
	FieldsWithOptional map[string]*FieldCounts
	// PairsAllRight counts the non-optional pairs on which every counted
	// strict field (not the lenient overlap figures) is right.
	PairsAllRight int
	PairsDetail   []Pair              // every pair, optional ones included, in document order
	Missed        []Gold              // non-optional gold left unpaired
	Spurious      []borderwatch.Event // predictions that paired with no gold
}

// candidate is a possible pairing of gold g with prediction p.
type candidate struct {
	g, p     int
	alt      bool
	optional bool
	coverage float64
	excess   int // |evidence length - sentence length|, runes: the tighter evidence wins a tie
	byText   bool
}

// ScoreDocs pairs predictions with gold events and scores them, following
// the evaluation README. texts maps a doc_id to the clean text the
// predictions' offsets point into; a missing text makes every comparison in
// that document fall back to comparing the sentence and the evidence text.
//
// Pairing is per document, greedy and one to one. A prediction can pair
// with a gold event when its type is the gold event or one of alt_events,
// its evidence covers at least half of the gold sentence, and the evidence
// is at most 2×len(sentence)+40 characters long. The gold sentence is
// placed in the text exactly, else after folding white space, quotes,
// dashes and case; where it occurs more than once the best occurrence
// counts. The evidence is placed by its text (the occurrence nearest its
// offsets), else by its offsets. When either cannot be placed, the two texts
// are compared directly after folding: coverage is the longest common run
// of characters over the sentence length. Candidates are taken in the order
// exact type before alternative type, non-optional gold before optional,
// larger coverage first, then the tighter evidence, then gold and
// prediction order.
//
// Fields are scored on each pair where the gold gives them: actor and
// recipient countries when the gold lists a country, location when the gold
// has one, each non-null size key when the gold has a size, attribution
// when the gold has one; date and modality on every pair (no gold date is
// right only when the prediction has none either; no modality is asserted).
func ScoreDocs(gold []Gold, pred []borderwatch.Event, texts map[string]string) Report {
	r := Report{
		Predicted:          len(pred),
		PerType:            map[string]*TypeCounts{},
		Fields:             map[string]*FieldCounts{},
		FieldsWithOptional: map[string]*FieldCounts{},
	}
	var docOrder []string
	goldBy := map[string][]int{}
	predBy := map[string][]int{}
	for i, g := range gold {
		if _, ok := goldBy[g.DocID]; !ok {
			docOrder = append(docOrder, g.DocID)
		}
		goldBy[g.DocID] = append(goldBy[g.DocID], i)
		if g.Optional {
			r.OptionalGold++
		} else {
			r.Gold++
			typeCounts(r.PerType, g.Event).Support++
		}
	}
	for i, p := range pred {
		_, seenG := goldBy[p.DocID]
		if _, seenP := predBy[p.DocID]; !seenG && !seenP {
			docOrder = append(docOrder, p.DocID)
		}
		predBy[p.DocID] = append(predBy[p.DocID], i)
	}
	r.Docs = len(docOrder)

	for _, doc := range docOrder {
		gi, pi := goldBy[doc], predBy[doc]
		cands := candidates(gold, gi, pred, pi, newDocIndex(texts[doc]))
		goldUsed := map[int]bool{}
		predUsed := map[int]bool{}
		var pairs []Pair
		for _, c := range cands {
			if goldUsed[c.g] || predUsed[c.p] {
				continue
			}
			goldUsed[c.g], predUsed[c.p] = true, true
			pairs = append(pairs, Pair{Gold: gold[c.g], GoldIndex: c.g, Pred: pred[c.p], PredIndex: c.p,
				AltType: c.alt, Coverage: c.coverage, ByText: c.byText})
		}
		slices.SortFunc(pairs, func(a, b Pair) int { return cmp.Compare(a.GoldIndex, b.GoldIndex) })
		for i := range pairs {
			p := &pairs[i]
			p.Fields = scoreFields(p.Gold, p.Pred)
			addFields(r.FieldsWithOptional, p.Fields)
			if p.Gold.Optional {
				r.OptionalPairs++
				continue
			}
			r.Pairs++
			typeCounts(r.PerType, p.Gold.Event).TP++
			addFields(r.Fields, p.Fields)
			if allStrictRight(p.Fields) {
				r.PairsAllRight++
			}
		}
		r.PairsDetail = append(r.PairsDetail, pairs...)
		for _, g := range gi {
			if !goldUsed[g] && !gold[g].Optional {
				r.Missed = append(r.Missed, gold[g])
				typeCounts(r.PerType, gold[g].Event).FN++
			}
		}
		for _, p := range pi {
			if !predUsed[p] {
				r.Spurious = append(r.Spurious, pred[p])
				typeCounts(r.PerType, normType(pred[p].Event)).FP++
			}
		}
	}
	r.Unpaired = len(r.Spurious)
	r.Precision = ratio(r.Pairs, r.Pairs+r.Unpaired)
	r.Recall = ratio(r.Pairs, r.Gold)
	r.F1 = f1(r.Precision, r.Recall)
	return r
}

// candidates lists the admissible pairings of one document, best first.
func candidates(gold []Gold, gi []int, pred []borderwatch.Event, pi []int, doc *docIndex) []candidate {
	if len(gi) == 0 || len(pi) == 0 {
		return nil
	}
	type evidence struct {
		sp     span
		placed bool
		text   string
	}
	evs := make([]evidence, len(pi))
	for k, p := range pi {
		sp, ok := doc.locateEvidence(pred[p].TextInfo)
		e := evidence{sp: sp, placed: ok, text: pred[p].TextInfo.Text}
		if ok {
			e.text = doc.text[sp.start:sp.end]
		}
		evs[k] = e
	}
	var out []candidate
	for _, g := range gi {
		sentSpans := doc.findAll(gold[g].Sentence)
		for k, p := range pi {
			alt, typeOK := typeMatch(gold[g], pred[p].Event)
			if !typeOK {
				continue
			}
			var cov float64
			var excess int
			var ok bool
			byText := len(sentSpans) == 0 || !evs[k].placed
			if byText {
				cov, excess, ok = coverByText(gold[g].Sentence, evs[k].text)
			} else {
				cov, excess, ok = coverInDoc(doc.text, sentSpans, evs[k].sp)
			}
			if ok {
				out = append(out, candidate{g: g, p: p, alt: alt, optional: gold[g].Optional,
					coverage: cov, excess: excess, byText: byText})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b candidate) int {
		if a.alt != b.alt {
			return boolOrder(a.alt)
		}
		if a.optional != b.optional {
			return boolOrder(a.optional)
		}
		if a.coverage != b.coverage {
			return cmp.Compare(b.coverage, a.coverage)
		}
		if a.excess != b.excess {
			return cmp.Compare(a.excess, b.excess)
		}
		if a.g != b.g {
			return cmp.Compare(a.g, b.g)
		}
		return cmp.Compare(a.p, b.p)
	})
	return out
}

// boolOrder sorts false before true.
func boolOrder(isTrue bool) int {
	if isTrue {
		return 1
	}
	return -1
}

// coverInDoc measures placed evidence against the best-placed occurrence of
// the gold sentence.
func coverInDoc(text string, sentSpans []span, ev span) (coverage float64, excess int, ok bool) {
	evLen := runes(text[ev.start:ev.end])
	for _, s := range sentSpans {
		sentLen := runes(text[s.start:s.end])
		if sentLen == 0 || evLen > 2*sentLen+40 {
			continue
		}
		lo, hi := max(s.start, ev.start), min(s.end, ev.end)
		if hi <= lo {
			continue
		}
		overlap := runes(text[lo:hi])
		if 2*overlap < sentLen {
			continue
		}
		c := float64(overlap) / float64(sentLen)
		if !ok || c > coverage {
			coverage, excess, ok = c, absInt(evLen-sentLen), true
		}
	}
	return coverage, excess, ok
}

// coverByText compares a sentence and an evidence text that could not both
// be placed in the document.
func coverByText(sentence, evidence string) (coverage float64, excess int, ok bool) {
	fs, fe := strings.TrimSpace(fold(sentence)), strings.TrimSpace(fold(evidence))
	sentLen, evLen := runes(fs), runes(fe)
	if sentLen == 0 || evLen == 0 || evLen > 2*sentLen+40 {
		return 0, 0, false
	}
	var overlap int
	switch {
	case strings.Contains(fe, fs):
		overlap = sentLen
	case strings.Contains(fs, fe):
		overlap = evLen
	default:
		overlap = longestCommonRun(fs, fe)
	}
	if 2*overlap < sentLen {
		return 0, 0, false
	}
	return float64(overlap) / float64(sentLen), absInt(evLen - sentLen), true
}

// typeMatch tells whether a predicted type may pair with a gold event, and
// whether only through alt_events.
func typeMatch(g Gold, predType string) (alt, ok bool) {
	t := normType(predType)
	if t == g.Event {
		return false, true
	}
	if slices.Contains(g.AltEvents, t) {
		return true, true
	}
	return false, false
}

func normType(t string) string { return strings.ToUpper(strings.TrimSpace(t)) }

// scoreFields scores every field the gold gives on one pair.
func scoreFields(g Gold, p borderwatch.Event) map[string]bool {
	f := map[string]bool{}
	if gs := countries(g.Actor); len(gs) > 0 {
		ps := countries(p.Actor)
		f[FieldActorEqual] = sameSet(gs, ps)
		f[FieldActorOverlap] = intersects(gs, ps)
	}
	if gs := countries(g.Recipient); len(gs) > 0 {
		ps := countries(p.Recipient)
		f[FieldRecipientEqual] = sameSet(gs, ps)
		f[FieldRecipientOverlap] = intersects(gs, ps)
	}
	if g.EventLoc != nil {
		f[FieldLocation] = locationRight(*g.EventLoc, p.EventLoc)
	}
	f[FieldDateExact], f[FieldDateOverlap] = dateRight(g.Date, g.EndDate, p.Date, p.EndDate)
	if gs := g.Size; gs != nil {
		ps := p.Size
		if ps == nil {
			ps = &borderwatch.Size{}
		}
		intKey := func(name string, gv, pv *int) {
			if gv != nil {
				f[name] = pv != nil && *pv == *gv
			}
		}
		strKey := func(name string, gv, pv *string) {
			if gv != nil {
				f[name] = pv != nil && strings.EqualFold(strings.TrimSpace(*pv), strings.TrimSpace(*gv))
			}
		}
		intKey(FieldSizeDead, gs.Dead, ps.Dead)
		intKey(FieldSizeInjured, gs.Injured, ps.Injured)
		intKey(FieldSizeArrested, gs.Arrested, ps.Arrested)
		intKey(FieldSizeCount, gs.Count, ps.Count)
		strKey(FieldSizeUnit, gs.Unit, ps.Unit)
		strKey(FieldSizeQualifier, gs.Qualifier, ps.Qualifier)
	}
	f[FieldModality] = modality(g.Modality) == modality(p.Modality)
	if src := outermostSource(g.Attribution); src != "" {
		f[FieldAttribution] = attributionFound(src, p.Attribution)
	}
	return f
}

func addFields(into map[string]*FieldCounts, fields map[string]bool) {
	for name, right := range fields {
		c := into[name]
		if c == nil {
			c = &FieldCounts{}
			into[name] = c
		}
		c.Counted++
		if right {
			c.Right++
		}
	}
}

func allStrictRight(fields map[string]bool) bool {
	for name, right := range fields {
		if strictFields[name] && !right {
			return false
		}
	}
	return true
}

// countries is the set of country codes of entities, upper case.
func countries(es []borderwatch.Entity) map[string]bool {
	out := map[string]bool{}
	for _, e := range es {
		if c := strings.ToUpper(strings.TrimSpace(e.Country)); c != "" {
			out[c] = true
		}
	}
	return out
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func intersects(a, b map[string]bool) bool {
	for k := range a {
		if b[k] {
			return true
		}
	}
	return false
}

// locationRight: within 50 km of the gold point, or the same country where
// the gold precision is country, or the same border where the gold names
// one, or the same name.
func locationRight(g GoldLoc, p *borderwatch.Location) bool {
	if p == nil {
		return false
	}
	if g.Lat != nil && g.Lon != nil && p.Lat != nil && p.Lon != nil &&
		haversineKm(*g.Lat, *g.Lon, *p.Lat, *p.Lon) <= locationRadiusKm {
		return true
	}
	if g.Precision == "country" && g.Country != "" && strings.EqualFold(strings.TrimSpace(p.Country), g.Country) {
		return true
	}
	if g.Border != nil && p.Border != nil && *g.Border != "" && borderKey(*g.Border) == borderKey(*p.Border) {
		return true
	}
	name := strings.TrimSpace(g.Name)
	return name != "" && strings.EqualFold(name, strings.TrimSpace(p.Name))
}

// borderKey makes "TJK-AFG" and "afg-tjk" the same border.
func borderKey(b string) string {
	parts := strings.Split(strings.ToUpper(b), "-")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	slices.Sort(parts)
	return strings.Join(parts, "-")
}

func haversineKm(lat1, lon1, lat2, lon2 float64) float64 {
	const earthKm = 6371.0088
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthKm * math.Asin(math.Sqrt(min(1, a)))
}

// dateRight scores the date of a pair. Without a gold date, both figures
// are right only when the prediction has no date either (none invented). A
// missing enddate is the date itself; an enddate without a date is a range
// open at the start ("by September 11"). An unreadable predicted date is
// wrong.
func dateRight(gDate, gEnd, pDate, pEnd *string) (exact, overlap bool) {
	if gDate == nil && gEnd == nil {
		none := pDate == nil && pEnd == nil
		return none, none
	}
	gFrom, gTo, ok := dateRange(gDate, gEnd)
	if !ok {
		return false, false
	}
	pFrom, pTo, ok := dateRange(pDate, pEnd)
	if !ok {
		return false, false
	}
	exact = gFrom.Equal(pFrom) && gTo.Equal(pTo)
	overlap = (pFrom.IsZero() || !pFrom.After(gTo)) && (gFrom.IsZero() || !gFrom.After(pTo))
	return exact, overlap
}

// dateRange reads a date range; from is the zero time when the range is
// open at the start. ok is false when there is no date or it is unreadable.
func dateRange(date, end *string) (from, to time.Time, ok bool) {
	var err error
	if date != nil {
		if from, err = time.Parse(time.DateOnly, strings.TrimSpace(*date)); err != nil {
			return from, to, false
		}
		to = from
	}
	if end != nil {
		if to, err = time.Parse(time.DateOnly, strings.TrimSpace(*end)); err != nil || to.Before(from) {
			return from, to, false
		}
	}
	return from, to, date != nil || end != nil
}

func modality(m string) string {
	if m = strings.ToLower(strings.TrimSpace(m)); m == "" {
		return borderwatch.Asserted
	}
	return m
}

// outermostSource is the name of the first gold attribution (its text when
// it has no name).
func outermostSource(as []borderwatch.Attribution) string {
	if len(as) == 0 {
		return ""
	}
	if n := strings.TrimSpace(as[0].Name); n != "" {
		return n
	}
	return strings.TrimSpace(as[0].Text)
}

// attributionFound: the source's name occurs, case-insensitively, in the
// name or the text of any predicted attribution.
func attributionFound(source string, pred []borderwatch.Attribution) bool {
	s := strings.ToLower(source)
	for _, a := range pred {
		if strings.Contains(strings.ToLower(a.Name), s) || strings.Contains(strings.ToLower(a.Text), s) {
			return true
		}
	}
	return false
}

func typeCounts(m map[string]*TypeCounts, t string) *TypeCounts {
	c := m[t]
	if c == nil {
		c = &TypeCounts{}
		m[t] = c
	}
	return c
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}
