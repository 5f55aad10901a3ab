// Package event is stage ⑥ of the flow: it codes the mentions found in each
// sentence (actors, places, dates, quantities) into PLOVER events with their
// modality, attribution and evidence. The trigger lexicon is data
// (data/triggers.tsv), versioned by its hash in every event's coder field.
package event

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
	"strings"
	"sync"
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
			p.toks, p.matches = p.toks[:0], p.matches[:0]
			preparedPool.Put(p)
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
	seen        keySet // actor countries|type|place already coded, to fold restatements
	home        string // the country of the dateline's city, if any
}

// Code turns a document's sentences into events.
func (c *Coder) Code(doc Doc, sents []Sentence) []borderwatch.Event {
	st := statePool.Get().(*docState)
	defer st.release()
	// Events gather in a pooled buffer and are copied out once, at their
	// final number: an Event is large and growing a slice of them copies.
	bp := eventPool.Get().(*[]borderwatch.Event)
	out := (*bp)[:0]
	st.home = doc.Home
	for i := range sents {
		out = c.codeSentence(doc, &sents[i], st, out)
	}
	var events []borderwatch.Event
	if len(out) > 0 {
		events = make([]borderwatch.Event, len(out))
		copy(events, out)
	}
	clear(out) // drop what the events point to before pooling
	*bp = out[:0]
	eventPool.Put(bp)
	return events
}

var statePool = sync.Pool{New: func() any { return &docState{fullNames: map[string]string{}} }}

// release empties st, keeping its memory, and returns it to the pool.
func (st *docState) release() {
	clear(st.fullNames)
	st.seen.reset()
	st.lastSubject, st.speaker, st.home = nil, nil, ""
	statePool.Put(st)
}

var eventPool = sync.Pool{New: func() any { return new([]borderwatch.Event) }}

// codeSentence appends the events of one sentence to out.
func (c *Coder) codeSentence(doc Doc, s *Sentence, st *docState, out []borderwatch.Event) []borderwatch.Event {
	if s.prep == nil {
		s.prep = prepare(c.lx, s.Text)
	}
	if !s.prep.events {
		// no trigger: only the people named and the quotation state carry on
		notePeople(s.Actors, st)
		if st.speaker != nil || strings.ContainsAny(s.Text, "\"“”") {
			a := newAnalysis(c.lx, s, st)
			a.updateQuote(st)
			a.release()
		}
		return out
	}
	a := newAnalysis(c.lx, s, st)
	defer a.release()
	base := len(out) // this sentence's events are out[base:]
	var doneBuf [8]int
	clauseDone := doneBuf[:0]
	var keyBuf [128]byte
	key := keyBuf[:0] // scratch for foldKey
	for _, cand := range a.candidates() {
		cl := a.clause[cand.head.start]
		if slices.Contains(clauseDone, cl) || backgroundClauses[a.openerOf(cl)] {
			continue
		}
		ev := a.build(doc, cand, st)
		if ev == nil {
			continue
		}
		clauseDone = append(clauseDone, cl)
		// one event, and one id, per type and actors in a sentence: "attacked the
		// post, killing five"; "12 were killed when a bomb exploded"
		if j := repeats(out[base:], ev); j >= 0 {
			if ev.Confidence > out[base+j].Confidence {
				out[base+j] = *ev
			}
			continue
		}
		// a later sentence restating an event of the same actors, type and place is folded
		if len(ev.Actor) > 0 && ev.EventLoc != nil && ev.Size == nil && ev.Date == nil {
			key = appendFoldKey(key[:0], ev)
			if st.seen.has(key) {
				continue
			}
		}
		out = append(out, *ev)
	}
	if len(out) == base {
		// "China must drop barriers", said by X: a demand even without a trigger verb
		for _, m := range a.matches {
			if m.e.kind == kindModal && m.e.typ == "must" && !backgroundClauses[a.openerOf(a.clause[m.start])] {
				if ev := a.buildMust(doc, m, "", st); ev != nil {
					out = append(out, *ev)
				}
				break
			}
		}
	}
	for i := base; i < len(out); i++ {
		key = appendFoldKey(key[:0], &out[i])
		st.seen.add(key)
	}
	if subj := a.mainSubject(); len(subj) > 0 {
		st.lastSubject = subj
	}
	a.updateQuote(st)
	slices.SortStableFunc(out[base:], func(x, y borderwatch.Event) int { return cmp.Compare(y.Confidence, x.Confidence) })
	return out
}

// keySet is a set of byte keys kept in one buffer: most documents code a
// few dozen events, fewer than make a map worth its allocations. Past
// keySetLinear keys (a long document) it moves them to a map.
type keySet struct {
	b     []byte
	spans [][2]int32
	m     map[string]bool
}

const keySetLinear = 64

func (ks *keySet) has(k []byte) bool {
	if ks.m != nil {
		return ks.m[string(k)]
	}
	for _, sp := range ks.spans {
		if string(ks.b[sp[0]:sp[1]]) == string(k) {
			return true
		}
	}
	return false
}

func (ks *keySet) add(k []byte) {
	if ks.has(k) {
		return
	}
	if ks.m == nil && len(ks.spans) >= keySetLinear {
		ks.m = make(map[string]bool, 2*keySetLinear)
		for _, sp := range ks.spans {
			ks.m[string(ks.b[sp[0]:sp[1]])] = true
		}
	}
	if ks.m != nil {
		ks.m[string(k)] = true
		return
	}
	from := len(ks.b)
	ks.b = append(ks.b, k...)
	ks.spans = append(ks.spans, [2]int32{int32(from), int32(len(ks.b))})
}

// reset empties the set, keeping its buffers.
func (ks *keySet) reset() {
	ks.b, ks.spans, ks.m = ks.b[:0], ks.spans[:0], nil
}

func unidentified(es []borderwatch.Entity) bool {
	return len(es) == 1 && (es[0].Sector == "UAF" || es[0].Sector == "UNK") && es[0].Name == "unidentified"
}

// repeats returns the index of an event of the same type with the same
// actors (or an unidentified one on either side), or -1.
func repeats(evs []borderwatch.Event, ev *borderwatch.Event) int {
	var kb, eb [128]byte
	k := appendEntityKey(kb[:0], ev.Actor)
	for i := range evs {
		e := &evs[i]
		if e.Event == ev.Event && (string(appendEntityKey(eb[:0], e.Actor)) == string(k) || unidentified(ev.Actor) || unidentified(e.Actor)) {
			return i
		}
	}
	return -1
}

// appendFoldKey appends what identifies an event for folding restatements
// across sentences: type, actors, place and modality.
func appendFoldKey(b []byte, ev *borderwatch.Event) []byte {
	b = append(b, ev.Event...)
	b = append(b, '|')
	b = appendEntityKey(b, ev.Actor)
	b = append(b, '|')
	b = append(b, locKey(ev.EventLoc)...)
	b = append(b, '|')
	return append(b, ev.Modality...)
}

// appendEntityKey appends the sorted "country/sector/name" keys of es,
// joined by commas; the keys are compared as the strings they spell.
func appendEntityKey(b []byte, es []borderwatch.Entity) []byte {
	switch len(es) {
	case 0:
		return b
	case 1:
		return appendEntity(b, &es[0])
	}
	var spanBuf [8][2]int
	var keyBuf [256]byte
	keys, spans := keyBuf[:0], spanBuf[:0]
	for i := range es {
		from := len(keys)
		keys = appendEntity(keys, &es[i])
		spans = append(spans, [2]int{from, len(keys)})
	}
	slices.SortFunc(spans, func(x, y [2]int) int { return bytes.Compare(keys[x[0]:x[1]], keys[y[0]:y[1]]) })
	for i, sp := range spans {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, keys[sp[0]:sp[1]]...)
	}
	return b
}

func appendEntity(b []byte, e *borderwatch.Entity) []byte {
	b = append(b, e.Country...)
	b = append(b, '/')
	b = append(b, e.Sector...)
	b = append(b, '/')
	return append(b, e.Name...)
}

func locKey(l *borderwatch.Location) string {
	if l == nil {
		return ""
	}
	return l.Name
}

// eventID is stable across reprocessing: doc id, the evidence text, type and
// actor codes (event-format.md), not offsets.
// The sentence's hash is computed once for all the events of a sentence;
// the hashed text is built in a stack buffer.
func eventID(docID string, sentenceHash *[32]byte, typ string, actors []borderwatch.Entity) string {
	var codeBuf [8]string
	codes := codeBuf[:0]
	for _, a := range actors {
		codes = append(codes, a.Country+a.Sector)
	}
	sort.Strings(codes)
	var buf [256]byte
	b := append(buf[:0], docID...)
	b = append(b, 0)
	b = hex.AppendEncode(b, sentenceHash[:8])
	b = append(b, 0)
	b = append(b, typ...)
	b = append(b, 0)
	for i, c := range codes {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, c...)
	}
	h := sha256.Sum256(b)
	var out [2 + 12]byte
	copy(out[:], "e-")
	hex.Encode(out[2:], h[:6])
	return string(out[:])
}
