package eval

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"borderwatch"
)

// Print writes the summary, the per-type table and the per-field accuracy;
// verbose adds every pair, every missed gold event and every unpaired
// prediction.
func (r Report) Print(w io.Writer, verbose bool) {
	fmt.Fprintf(w, "documents %d  predicted %d  gold %d (+%d optional)\n", r.Docs, r.Predicted, r.Gold, r.OptionalGold)
	fmt.Fprintf(w, "pairs %d  unpaired predictions %d  pairs with optional gold %d (neither rewarded nor punished)\n",
		r.Pairs, r.Unpaired, r.OptionalPairs)
	fmt.Fprintf(w, "precision %.3f  recall %.3f  F1 %.3f\n\n", r.Precision, r.Recall, r.F1)

	fmt.Fprintf(w, "%-10s %5s %5s %5s %5s %9s %7s %6s\n", "type", "gold", "tp", "fp", "fn", "precision", "recall", "F1")
	for _, t := range typeOrder(r.PerType) {
		c := r.PerType[t]
		fmt.Fprintf(w, "%-10s %5d %5d %5d %5d %9.3f %7.3f %6.3f\n", typeLabel(t), c.Support, c.TP, c.FP, c.FN,
			c.Precision(), c.Recall(), c.F1())
	}

	fmt.Fprintf(w, "\nfields on the %d pairs with non-optional gold (right/counted; counted where the gold gives the field);\n", r.Pairs)
	fmt.Fprintf(w, "the last column adds the %d pairs with optional gold\n", r.OptionalPairs)
	fmt.Fprintf(w, "%-18s %15s %15s\n", "field", "required pairs", "all pairs")
	for _, name := range FieldNames {
		req, all := r.Fields[name], r.FieldsWithOptional[name]
		if req == nil && all == nil {
			continue
		}
		fmt.Fprintf(w, "%-18s %15s %15s\n", name, fieldCell(req), fieldCell(all))
	}
	fmt.Fprintf(w, "pairs with every counted field right (strict figures): %d/%d\n", r.PairsAllRight, r.Pairs)

	if !verbose {
		return
	}
	fmt.Fprintf(w, "\npairs:\n")
	for _, p := range r.PairsDetail {
		var marks []string
		if p.Gold.Optional {
			marks = append(marks, "optional")
		}
		if p.AltType {
			marks = append(marks, "alt type")
		}
		if p.ByText {
			marks = append(marks, "compared by text")
		}
		var wrong []string
		for _, name := range FieldNames {
			if right, counted := p.Fields[name]; counted && !right {
				wrong = append(wrong, name)
			}
		}
		fmt.Fprintf(w, "  %s gold#%d %s <- pred#%d %s  coverage %.2f", p.Gold.DocID, p.GoldIndex+1, p.Gold.Event,
			p.PredIndex+1, typeLabel(normType(p.Pred.Event)), p.Coverage)
		if len(marks) > 0 {
			fmt.Fprintf(w, "  [%s]", strings.Join(marks, ", "))
		}
		if len(wrong) > 0 {
			fmt.Fprintf(w, "  wrong: %s", strings.Join(wrong, " "))
		}
		fmt.Fprintf(w, "\n    %q\n", clip(p.Gold.Sentence))
	}
	fmt.Fprintf(w, "\nmissed gold (%d):\n", len(r.Missed))
	for _, g := range r.Missed {
		fmt.Fprintf(w, "  %s %s  %q\n", g.DocID, g.Event, clip(g.Sentence))
	}
	fmt.Fprintf(w, "\nunpaired predictions (%d):\n", len(r.Spurious))
	for _, p := range r.Spurious {
		fmt.Fprintf(w, "  %s %s  %q\n", p.DocID, typeLabel(normType(p.Event)), clip(p.TextInfo.Text))
	}
}

// Print writes the summary and the table of the 16 types with their
// support; verbose adds every miss with its id, gold and predicted types
// and its text.
func (r GSRReport) Print(w io.Writer, verbose bool) {
	fmt.Fprintf(w, "scored %d sentences (%d without a v2 type skipped)", r.Scored, r.Skipped)
	if len(r.Errors) > 0 {
		fmt.Fprintf(w, "; %d failed and count as no prediction", len(r.Errors))
	}
	fmt.Fprintf(w, "\ntype accuracy %.3f (%d/%d)  macro F1 %.3f (over the %d types with gold or predictions)\n",
		r.TypeAccuracy, r.Correct, r.Scored, r.MacroF1, r.MacroTypes)
	fmt.Fprintf(w, "actor country accuracy %.3f (%d/%d records whose gold source actor has a code)\n\n",
		r.ActorCountryAccuracy, r.ActorRight, r.ActorCounted)
	fmt.Fprintf(w, "%-10s %7s %5s %5s %5s %9s %7s %6s\n", "type", "support", "tp", "fp", "fn", "precision", "recall", "F1")
	types := slices.Clone(borderwatch.Types)
	for _, t := range typeOrder(r.PerType) {
		if !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	for _, t := range types {
		c := r.PerType[t]
		if c == nil {
			c = &TypeCounts{}
		}
		fmt.Fprintf(w, "%-10s %7d %5d %5d %5d %9.3f %7.3f %6.3f\n", typeLabel(t), c.Support, c.TP, c.FP, c.FN,
			c.Precision(), c.Recall(), c.F1())
	}
	if !verbose {
		return
	}
	type cell struct {
		gold, pred string
		n          int
	}
	var confusions []cell
	for k, n := range r.Confusion {
		if k[0] != k[1] {
			confusions = append(confusions, cell{k[0], k[1], n})
		}
	}
	slices.SortFunc(confusions, func(a, b cell) int {
		return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.gold, b.gold), cmp.Compare(a.pred, b.pred))
	})
	fmt.Fprintf(w, "\nconfusions (gold -> predicted):\n")
	for _, c := range confusions {
		fmt.Fprintf(w, "  %-10s -> %-10s %d\n", c.gold, c.pred, c.n)
	}
	fmt.Fprintf(w, "\nmisses (%d):\n", len(r.Misses))
	for _, m := range r.Misses {
		fmt.Fprintf(w, "  %s  gold %s  predicted %s\n    %q\n", m.ID, m.Gold, m.Predicted, clip(m.Text))
	}
	for _, err := range r.Errors {
		fmt.Fprintf(w, "  error: %v\n", err)
	}
}

// typeOrder lists the types of a table in PLOVER quad order, then any
// others (a misspelt predicted type) sorted.
func typeOrder(m map[string]*TypeCounts) []string {
	var out, other []string
	for _, t := range borderwatch.Types {
		if _, ok := m[t]; ok {
			out = append(out, t)
		}
	}
	for t := range m {
		if !slices.Contains(borderwatch.Types, t) {
			other = append(other, t)
		}
	}
	slices.Sort(other)
	return append(out, other...)
}

func typeLabel(t string) string {
	if t == "" {
		return "(empty)"
	}
	return t
}

func fieldCell(c *FieldCounts) string {
	if c == nil {
		return "-"
	}
	return fmt.Sprintf("%d/%d %5.1f%%", c.Right, c.Counted, 100*c.Accuracy())
}

// clip shortens a text for one line of the verbose listing.
func clip(s string) string {
	const limit = 200
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > limit {
		return string(r[:limit]) + "…"
	}
	return s
}
