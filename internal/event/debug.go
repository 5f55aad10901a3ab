package event

import (
	"fmt"
	"io"
	"strings"
)

// Explain writes how a sentence was read: tokens with their clause, the
// excluded attribution, the matched lexicon entries. For rule authors.
func (c *Coder) Explain(w io.Writer, s *Sentence) {
	st := &docState{fullNames: map[string]string{}}
	a := newAnalysis(c.lx, s, st)
	var b strings.Builder
	for i, t := range a.toks {
		mark := ""
		if a.excluded[i] {
			mark = "~"
		}
		if a.actorAt[i] >= 0 {
			mark += "@"
		}
		fmt.Fprintf(&b, "%s%s/%d ", mark, s.Text[t.start:t.end], a.clause[i])
	}
	fmt.Fprintln(w, b.String())
	for _, m := range a.matches {
		fmt.Fprintf(w, "  match %c %s %s %q (line %d)\n", m.e.kind, m.e.typ, m.e.mode, a.textOf(m.start, m.end), m.e.line)
	}
	for _, at := range a.attrib {
		fmt.Fprintf(w, "  attribution %q name=%q via=%v\n", at.Text, at.Name, at.Via)
	}
}
