package watch

import (
	"iter"

	"borderwatch/internal/geo"
)

// Replay runs one rule, switched on, over stored history from an empty
// state, so an analyst can see what it would have fired before enabling
// it. It returns the final version of every alert, in the order they
// first fired.
func Replay(g *geo.Gazetteer, areas []Area, rule Rule, history iter.Seq[Input]) ([]Alert, error) {
	rule.Active = true
	e, err := NewEngine(g, areas, []Rule{rule}, State{})
	if err != nil {
		return nil, err
	}
	var order []string
	for in := range history {
		for _, a := range e.Evaluate(in) {
			if a.New() {
				order = append(order, a.Key)
			}
		}
	}
	out := make([]Alert, 0, len(order))
	for _, k := range order {
		out = append(out, e.st.Alerts[k].clone())
	}
	return out, nil
}
