// Package event is stage ⑥ of the flow: it codes the mentions found in each
// sentence (actors, places, dates, quantities) into PLOVER events with their
// modality, attribution and evidence. The trigger lexicon is data
// (data/triggers.tsv), versioned by its hash in every event's coder field.
package event

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
	"time"

	"borderwatch"
)

// Actor is an actor mention, offsets relative to its sentence.
type Actor struct {
	Start, End                  int
	Text, Name, Country, Sector string
	Kind                        string // country, capital, demonym, igo, group, body, person, role, media
	Plural                      bool
}

// Place is a place mention resolved by the gazetteer.
type Place struct {
	Start, End int
	Text, Prep string
	Loc        borderwatch.Location
	Ambiguous  bool
}

// Date is a date mention, resolved against the document's reference date.
type Date struct {
	Start, End int
	Text       string
	From, To   time.Time // zero when unresolved
	Precision  string
	Explicit   bool // carries its own year
	Relative   bool
}

// Quantity is a number with what it counts.
type Quantity struct {
	Start, End            int
	Text                  string
	Value                 int
	Qualifier, Unit, Kind string // Kind: count, dead, injured, arrested, length, percent, money, ...
	Vague                 bool
}

// Sentence is one sentence with the mentions found in it.
type Sentence struct {
	borderwatch.Sentence
	Actors     []Actor
	Places     []Place
	Dates      []Date
	Quantities []Quantity

	prep *prepared
}

// Prepare reads a sentence's words and triggers once, and says whether it
// can hold an event at all: the caller need not look for places, dates and
// numbers in a sentence that cannot.
func (c *Coder) Prepare(s *Sentence) bool {
	s.prep = prepare(c.lx, s.Text)
	return s.prep.events
}

// Doc is what the coder knows about the whole document.
type Doc struct {
	ID      string
	Ref     time.Time // publication or dateline date; zero when unknown
	RefYear int       // the year alone, when only that is known
	Coder   string
	// Home is the country the report is filed from (its dateline's city),
	// the country of unnamed state bodies ("border guards", "the ministry").
	Home string
	// IsDemonym tells whether a word names a nationality ("American"), so
	// that units read "troops", not "American troops".
	IsDemonym func(word string) bool
}

// Coder codes sentences into events. It is safe for concurrent use.
type Coder struct {
	lx *lexicon
}

// NewCoder loads the embedded trigger lexicon.
func NewCoder() (*Coder, error) {
	lx, err := loadLexicon(triggersTSV)
	if err != nil {
		return nil, err
	}
	return &Coder{lx: lx}, nil
}

// Release returns the sentences' working memory for reuse; the sentences
// must not be coded again afterwards.
func (c *Coder) Release(sents []Sentence) {
	for i := range sents {
		if p := sents[i].prep; p != nil {
			clear(p.toks) // drop the strings they point to
			toks := p.toks[:0]
			tokenPool.Put(&toks)
			sents[i].prep = nil
		}
	}
}

// Hash identifies the rules, for the coder field.
func (c *Coder) Hash() string { return c.lx.hash }

// docState carries what one sentence tells the next: who was last the
// subject, who is speaking, which people were named in full.
type docState struct {
	lastSubject []borderwatch.Entity
	speaker     *Actor // the speaker of an open quotation
	fullNames   map[string]string
	seen        map[string]bool // actor countries|type|place already coded, to fold restatements
	home        string          // the country of the dateline's city, if any
}

// Code turns a document's sentences into events.
func (c *Coder) Code(doc Doc, sents []Sentence) []borderwatch.Event {
	st := &docState{fullNames: map[string]string{}, seen: map[string]bool{}}
	var out []borderwatch.Event
	st.home = doc.Home
	for i := range sents {
		out = append(out, c.codeSentence(doc, &sents[i], st)...)
	}
	return out
}

func (c *Coder) codeSentence(doc Doc, s *Sentence, st *docState) []borderwatch.Event {
	if s.prep == nil {
		s.prep = prepare(c.lx, s.Text)
	}
	if !s.prep.events {
		// no trigger: only the people named and the quotation state carry on
		for _, m := range s.Actors {
			if m.Kind == "person" && strings.Contains(m.Name, " ") {
				parts := strings.Fields(m.Name)
				st.fullNames[parts[len(parts)-1]] = m.Name
			}
		}
		if st.speaker != nil || strings.ContainsAny(s.Text, "\"“”") {
			newAnalysis(c.lx, s, st).updateQuote(st)
		}
		return nil
	}
	a := newAnalysis(c.lx, s, st)
	var events []borderwatch.Event
	clauseDone := map[int]bool{}
	for _, cand := range a.candidates() {
		cl := a.clause[cand.head.start]
		if clauseDone[cl] || backgroundClauses[a.opener[cl]] {
			continue
		}
		ev := a.build(doc, cand, st)
		if ev == nil {
			continue
		}
		clauseDone[cl] = true
		// one event, and one id, per type and actors in a sentence: "attacked the
		// post, killing five"; "12 were killed when a bomb exploded"
		if j := repeats(events, ev); j >= 0 {
			if ev.Confidence > events[j].Confidence {
				events[j] = *ev
			}
			continue
		}
		// a later sentence restating an event of the same actors, type and place is folded
		if len(ev.Actor) > 0 && ev.EventLoc != nil && st.seen[foldKey(ev)] && ev.Size == nil && ev.Date == nil {
			continue
		}
		events = append(events, *ev)
	}
	if len(events) == 0 {
		// "China must drop barriers", said by X: a demand even without a trigger verb
		for _, m := range a.matches {
			if m.e.kind == kindModal && m.e.typ == "must" && !backgroundClauses[a.opener[a.clause[m.start]]] {
				if ev := a.buildMust(doc, m, "", st); ev != nil {
					events = append(events, *ev)
				}
				break
			}
		}
	}
	for i := range events {
		st.seen[foldKey(&events[i])] = true
	}
	if subj := a.mainSubject(); len(subj) > 0 {
		st.lastSubject = subj
	}
	a.updateQuote(st)
	sort.SliceStable(events, func(i, j int) bool { return events[i].Confidence > events[j].Confidence })
	return events
}

func unidentified(es []borderwatch.Entity) bool {
	return len(es) == 1 && (es[0].Sector == "UAF" || es[0].Sector == "UNK") && es[0].Name == "unidentified"
}

// repeats returns the index of an event of the same type with the same
// actors (or an unidentified one on either side), or -1.
func repeats(evs []borderwatch.Event, ev *borderwatch.Event) int {
	k := entityKey(ev.Actor)
	for i, e := range evs {
		if e.Event == ev.Event && (entityKey(e.Actor) == k || unidentified(ev.Actor) || unidentified(e.Actor)) {
			return i
		}
	}
	return -1
}

// foldKey identifies an event for folding restatements across sentences.
func foldKey(ev *borderwatch.Event) string {
	return ev.Event + "|" + entityKey(ev.Actor) + "|" + locKey(ev.EventLoc) + "|" + ev.Modality
}

func entityKey(es []borderwatch.Entity) string {
	ks := make([]string, len(es))
	for i, e := range es {
		ks[i] = e.Country + "/" + e.Sector + "/" + e.Name
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

func locKey(l *borderwatch.Location) string {
	if l == nil {
		return ""
	}
	return l.Name
}

// eventID is stable across reprocessing: doc id, the evidence text, type and
// actor codes (event-format.md), not offsets.
func eventID(docID, sentence, typ string, actors []borderwatch.Entity) string {
	codes := make([]string, len(actors))
	for i, a := range actors {
		codes[i] = a.Country + a.Sector
	}
	sort.Strings(codes)
	sh := sha256.Sum256([]byte(sentence))
	h := sha256.Sum256([]byte(docID + "\x00" + hex.EncodeToString(sh[:8]) + "\x00" + typ + "\x00" + strings.Join(codes, ",")))
	return "e-" + hex.EncodeToString(h[:6])
}
