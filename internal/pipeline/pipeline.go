// Package pipeline is the one place where the extraction stages are
// composed: text ③ → sentence ④ → mentions ⑤ (actors, places, dates,
// quantities) → events ⑥, with places resolved by the gazetteer ⑦. Every
// other package owns one stage and imports none of the others.
package pipeline

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"borderwatch"
	"borderwatch/internal/actor"
	"borderwatch/internal/date"
	"borderwatch/internal/event"
	"borderwatch/internal/geo"
	"borderwatch/internal/quantity"
	"borderwatch/internal/sentence"
	"borderwatch/internal/text"
)

// Options configures an Extractor.
type Options struct {
	// Published is the publication date used when a document carries none.
	Published time.Time
	// ActorFiles are user dictionaries added to the embedded actor data.
	ActorFiles []string
	// NoGeo skips the gazetteer: events get no event_loc. For tools that
	// need only types and actors and cannot spare the gazetteer's memory.
	NoGeo bool
	// Gazetteer, when set, is used instead of loading one (a server shares
	// its gazetteer with the watch areas and the pages).
	Gazetteer *geo.Gazetteer
}

// Result is what extraction makes of one document.
type Result struct {
	DocID     string
	Text      string // clean text; event offsets point into it
	Title     string
	Lang      string
	NotCoded  string // why no events were coded ("language fa"), "" when coded
	Published time.Time
	Events    []borderwatch.Event
}

// Extractor runs the whole extraction; it is safe for concurrent use.
type Extractor struct {
	opts   Options
	actors *actor.Dictionary
	coder  *event.Coder
	gaz    *geo.Gazetteer
	name   string
}

// New loads the dictionaries, the rules and the gazetteer once.
func New(opts Options) (*Extractor, error) {
	var extra []io.Reader
	for _, f := range opts.ActorFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("actor file: %w", err)
		}
		extra = append(extra, bytes.NewReader(b))
	}
	dict, err := actor.Load(extra...)
	if err != nil {
		return nil, err
	}
	coder, err := event.NewCoder()
	if err != nil {
		return nil, err
	}
	x := &Extractor{opts: opts, actors: dict, coder: coder}
	if !opts.NoGeo {
		x.gaz = opts.Gazetteer
	}
	if !opts.NoGeo && x.gaz == nil {
		if x.gaz, err = geo.Load(); err != nil {
			return nil, fmt.Errorf("gazetteer: %w", err)
		}
	}
	h := sha256.Sum256([]byte(coder.Hash() + dict.Hash()))
	x.name = "borderwatch " + borderwatch.Version + " rules " + hex.EncodeToString(h[:])[:4]
	return x, nil
}

// Coder names the program version and the rules that produce events.
func (x *Extractor) Coder() string { return x.name }

// Gazetteer is the extractor's gazetteer, nil with NoGeo.
func (x *Extractor) Gazetteer() *geo.Gazetteer { return x.gaz }

// ErrNotText is returned for input that is no text at all.
var ErrNotText = errors.New("not a text document")

// Extract codes one document. A document that is not in English is
// returned with NotCoded set and no events, never mis-coded.
func (x *Extractor) Extract(doc borderwatch.Document) (Result, error) {
	res := Result{DocID: doc.ID, Published: doc.Published}
	var art text.Article
	var err error
	raw := doc.HTML
	isHTML := raw != ""
	if !isHTML {
		raw = doc.Text
		isHTML = text.SniffString(raw) == text.HTML
	}
	if isHTML {
		art, err = text.FromHTML([]byte(raw), doc.URL)
	} else {
		art, err = text.FromPlainString(raw)
	}
	if err != nil {
		return res, err
	}
	res.Text, res.Title, res.Lang = art.Text, art.Title, art.Lang
	if res.Title == "" {
		res.Title = doc.Title
	}
	if doc.Lang != "" {
		res.Lang = doc.Lang
	}
	if res.Published.IsZero() {
		res.Published = art.Published
	}
	if res.Lang != "" && res.Lang != "en" {
		res.NotCoded = "language " + res.Lang
		return res, nil
	}
	ref := date.Ref{Published: res.Published}
	if ref.Published.IsZero() {
		ref.Published = x.opts.Published
	}
	if ref.Published.IsZero() {
		if t, ok := date.Dateline(art.Text); ok {
			ref.Published = t
		}
	}
	if ref.Published.IsZero() {
		ref.Year = date.InferYear(art.Text)
		// "MOSCOW, July 8. /TASS/": a dateline without its year takes the text's year
		if m, d, ok := date.DatelineMonthDay(art.Text); ok && ref.Year > 0 {
			ref.Published = time.Date(ref.Year, m, d, 0, 0, 0, 0, time.UTC)
		}
	}
	res.Events = x.code(doc.ID, art.Text, ref)
	return res, nil
}

// docScratch is one document's working memory, pooled across documents:
// the events copy what they keep, so nothing made from it outlives code.
type docScratch struct {
	sents  []borderwatch.Sentence
	in     []event.Sentence
	actors []event.Actor
	places []event.Place
	dates  []event.Date
	qtys   []event.Quantity
	pms    []geo.PlaceMention
	ams    []actor.Mention
	ds     []date.Mention
	qs     []quantity.Quantity
}

var docPool = sync.Pool{New: func() any { return new(docScratch) }}

// release drops what the buffers point to (the document's strings) and
// returns them to the pool.
func (sc *docScratch) release() {
	clear(sc.sents)
	clear(sc.in)
	clear(sc.actors)
	clear(sc.places)
	clear(sc.dates)
	clear(sc.qtys)
	clear(sc.pms[:cap(sc.pms)])
	clear(sc.ams[:cap(sc.ams)])
	clear(sc.ds[:cap(sc.ds)])
	clear(sc.qs[:cap(sc.qs)])
	sc.sents, sc.in, sc.actors, sc.places, sc.dates, sc.qtys = sc.sents[:0], sc.in[:0], sc.actors[:0], sc.places[:0], sc.dates[:0], sc.qtys[:0]
	docPool.Put(sc)
}

func (x *Extractor) code(docID, clean string, ref date.Ref) []borderwatch.Event {
	var dc *geo.DocContext
	if x.gaz != nil {
		dc = x.gaz.NewDocContext(clean)
	}
	sc := docPool.Get().(*docScratch)
	defer sc.release()
	sc.sents = sentence.AppendSplit(sc.sents[:0], clean)
	sents := sc.sents
	if cap(sc.in) < len(sents) {
		sc.in = make([]event.Sentence, len(sents))
	}
	sc.in = sc.in[:len(sents)]
	in := sc.in
	// Mentions are carved from one slice per kind for the whole document,
	// each sentence's capped so that no sentence can append into the next.
	// A slice that grows leaves the sentences before on its old array.
	var (
		actorBuf = sc.actors[:0]
		placeBuf = sc.places[:0]
		dateBuf  = sc.dates[:0]
		qtyBuf   = sc.qtys[:0]
		// scratch, reused by every sentence
		pms = sc.pms[:0]
		ams = sc.ams[:0]
		ds  = sc.ds[:0]
		qs  = sc.qs[:0]
	)
	for i, s := range sents {
		es := &in[i] // filled in place: a Sentence is large
		es.Sentence = s
		hasEvent := x.coder.Prepare(es)
		ds = ds[:0]
		if hasEvent {
			ds = date.FindAppend(ds, s.Text, ref)
		}
		on := ref.Published
		n0 := len(dateBuf)
		for _, d := range ds {
			dateBuf = append(dateBuf, event.Date{Start: d.Start, End: d.End, Text: d.Text, From: d.From, To: d.To,
				Precision: d.Precision, Explicit: d.Explicit, Relative: d.Relative})
			if !d.From.IsZero() && on.IsZero() {
				on = d.From
			}
		}
		if len(dateBuf) > n0 {
			es.Dates = dateBuf[n0:len(dateBuf):len(dateBuf)]
		}
		if on.IsZero() && ref.Year > 0 {
			on = time.Date(ref.Year, 7, 1, 0, 0, 0, 0, time.UTC)
		}
		if !hasEvent && !mayNamePerson(s.Text) {
			continue
		}
		ams = x.actors.FindAppend(ams[:0], s.Text, on)
		n0 = len(actorBuf)
		for _, m := range ams {
			actorBuf = append(actorBuf, event.Actor{Start: m.Start, End: m.End, Text: m.Text, Name: m.Name,
				Country: m.Country, Sector: m.Sector, Kind: string(m.Kind), Plural: m.Plural})
		}
		if len(actorBuf) > n0 {
			es.Actors = actorBuf[n0:len(actorBuf):len(actorBuf)]
		}
		if !hasEvent {
			continue
		}
		if x.gaz != nil {
			pms = x.gaz.FindIn(pms[:0], dc, s.Start, s.End)
			n0 = len(placeBuf)
			for k := range pms {
				p := &pms[k] // a PlaceMention is large: no copy
				placeBuf = append(placeBuf, event.Place{Start: p.Start, End: p.End, Text: p.Text, Prep: p.Prep,
					Loc: p.Loc, Ambiguous: p.Ambiguous})
			}
			if len(placeBuf) > n0 {
				es.Places = placeBuf[n0:len(placeBuf):len(placeBuf)]
			}
			es.Actors = dropPeopleNamedAsPlaces(es.Actors, es.Places)
		}
		qs = quantity.FindAppend(qs[:0], s.Text)
		n0 = len(qtyBuf)
		for _, q := range qs {
			qtyBuf = append(qtyBuf, event.Quantity{Start: q.Start, End: q.End, Text: q.Text, Value: q.Value,
				Qualifier: q.Qualifier, Unit: q.Unit, Kind: q.Kind, Vague: q.Vague})
		}
		if len(qtyBuf) > n0 {
			es.Quantities = qtyBuf[n0:len(qtyBuf):len(qtyBuf)]
		}
	}
	sc.actors, sc.places, sc.dates, sc.qtys = actorBuf, placeBuf, dateBuf, qtyBuf
	sc.pms, sc.ams, sc.ds, sc.qs = pms, ams, ds, qs
	doc := event.Doc{ID: docID, Ref: ref.Published, RefYear: ref.Year, Coder: x.name, IsDemonym: x.isDemonym,
		Home: x.datelineCountry(clean)}
	events := x.coder.Code(doc, in)
	x.coder.Release(in)
	dc.Release()
	return events
}

func (x *Extractor) isDemonym(w string) bool {
	m, ok := x.actors.Lookup(w)
	return ok && m.Kind == actor.KindDemonym
}

// datelineCountry is the country of the city that opens a dateline
// ("TASHKENT, Aug. 16 (Wire) -", "DUSHANBE, July 7"), or "".
func (x *Extractor) datelineCountry(text string) string {
	head, _, ok := strings.Cut(text[:min(len(text), 40)], ",")
	if !ok || head == "" || strings.ToUpper(head) != head || strings.ContainsAny(head, ".\n") {
		return ""
	}
	words := strings.Fields(strings.ToLower(head))
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	m, ok := x.actors.Lookup(strings.Join(words, " "))
	if !ok || m.Kind != actor.KindCapital && m.Kind != actor.KindCountry {
		return ""
	}
	return m.Country
}

// mayNamePerson: a sentence without an event still matters to the coder when
// it introduces someone by full name ("..., Khasan Sultonov said") whose
// surname a later sentence uses alone; such sentences carry a reporting verb.
func mayNamePerson(s string) bool {
	return strings.Contains(s, " said") || strings.Contains(s, " says") || strings.Contains(s, " told") ||
		strings.Contains(s, "according to")
}

// dropPeopleNamedAsPlaces removes the person the actor finder read in a
// title and a name ("Imam Sahib") where the gazetteer found a place of
// exactly those words after "in", "at", "near" and the like: nobody is
// attacked "in" a person.
func dropPeopleNamedAsPlaces(actors []event.Actor, places []event.Place) []event.Actor {
	return slices.DeleteFunc(actors, func(a event.Actor) bool {
		if a.Kind != string(actor.KindPerson) {
			return false
		}
		for i := range places {
			p := &places[i]
			if p.Start == a.Start && p.End == a.End && locativePreps[p.Prep] {
				return true
			}
		}
		return false
	})
}

var locativePreps = map[string]bool{"in": true, "at": true, "near": true, "into": true, "across": true, "along": true, "inside": true, "outside": true, "around": true, "through": true}
