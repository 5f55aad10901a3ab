package web

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"borderwatch"
)

// Kinds of highlighted span; each has its own colour and underline style in
// app.css, and its name in the mark's title, so colour is never the only cue.
const (
	markActor     = "actor"
	markRecipient = "recipient"
	markPlace     = "place"
	markDate      = "date"
	markQuantity  = "quantity"
	markTrigger   = "trigger"
)

// span is a half-open byte range of some text with its kind.
type span struct {
	Start, End int
	Kind       string
}

// segment is a piece of text to render, highlighted when Kind is set. The
// template escapes Text: report text is hostile.
type segment struct {
	Text string
	Kind string
}

// segments cuts text at the spans. Overlapping spans keep the one starting
// first (the longer when they start together); spans outside text are
// dropped.
func segments(text string, spans []span) []segment {
	sort.SliceStable(spans, func(i, j int) bool {
		if spans[i].Start != spans[j].Start {
			return spans[i].Start < spans[j].Start
		}
		return spans[i].End > spans[j].End
	})
	var out []segment
	at := 0
	for _, sp := range spans {
		if sp.Start < at || sp.End <= sp.Start || sp.End > len(text) {
			continue
		}
		if sp.Start > at {
			out = append(out, segment{Text: text[at:sp.Start]})
		}
		out = append(out, segment{Text: text[sp.Start:sp.End], Kind: sp.Kind})
		at = sp.End
	}
	if at < len(text) {
		out = append(out, segment{Text: text[at:]})
	}
	return out
}

// find returns where needle first occurs in s as a whole word or phrase,
// exactly or else ignoring case; -1, -1 when it does not.
func find(s, needle string) (int, int) {
	if needle == "" {
		return -1, -1
	}
	re, err := regexp.Compile(`(?i)(^|\W)(` + regexp.QuoteMeta(needle) + `)($|\W)`)
	if err != nil {
		return -1, -1
	}
	m := re.FindStringSubmatchIndex(s)
	if m == nil {
		return -1, -1
	}
	return m[4], m[5]
}

var numberWords = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
	"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"}

// numberForms are the ways a report may write n: 1037, 1,037, thirty... (for
// small numbers, the word).
func numberForms(n int) []string {
	forms := []string{strconv.Itoa(n)}
	if n >= 1000 {
		s := strconv.Itoa(n)
		var b []byte
		for i := range len(s) {
			if i > 0 && (len(s)-i)%3 == 0 {
				b = append(b, ',')
			}
			b = append(b, s[i])
		}
		forms = append([]string{string(b)}, forms...)
	}
	if n >= 0 && n < len(numberWords) {
		forms = append(forms, numberWords[n])
	}
	return forms
}

// eventSpans finds, within the evidence sentence, the words an event was
// coded from: events keep what the text said (entity text, place text, date
// text, trigger, numbers) but not where, so they are looked up in the
// sentence. Offsets are relative to the sentence.
func eventSpans(ev borderwatch.Event) []span {
	sent := ev.TextInfo.Text
	var out []span
	add := func(text, kind string) {
		if s, e := find(sent, text); s >= 0 {
			out = append(out, span{s, e, kind})
		}
	}
	for _, a := range ev.Actor {
		add(firstNonEmpty(a.Text, a.Name), markActor)
	}
	for _, a := range ev.Recipient {
		add(firstNonEmpty(a.Text, a.Name), markRecipient)
	}
	if l := ev.EventLoc; l != nil {
		add(firstNonEmpty(l.Text, l.Name), markPlace)
	}
	add(ev.DateText, markDate)
	if sz := ev.Size; sz != nil {
		for _, n := range []*int{sz.Count, sz.Dead, sz.Injured, sz.Arrested} {
			if n == nil {
				continue
			}
			for _, f := range numberForms(*n) {
				if s, e := find(sent, f); s >= 0 {
					out = append(out, span{s, e, markQuantity})
					break
				}
			}
		}
	}
	add(ev.Trigger, markTrigger)
	return out
}

// sentenceStart locates an event's evidence sentence in the document's clean
// text: at its offsets when they still hold, else where the sentence occurs
// (offsets move when text cleaning changes); -1 when it is not there.
func sentenceStart(text string, ti borderwatch.TextInfo) int {
	if ti.Text == "" {
		return -1
	}
	if ti.Start >= 0 && ti.End <= len(text) && ti.Start <= ti.End && text[ti.Start:ti.End] == ti.Text {
		return ti.Start
	}
	return strings.Index(text, ti.Text)
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
