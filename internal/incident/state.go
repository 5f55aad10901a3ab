package incident

import (
	"fmt"
	"slices"
)

// State is everything a Grouper knows, as plain JSON-serialisable values:
// the store saves it (or its parts) and Restore rebuilds the indexes.
type State struct {
	Incidents []Incident  `json:"incidents"` // in creation order, merged-away ones included
	Docs      []DocRecord `json:"docs"`
	Outlets   []Outlet    `json:"outlets"`
	Apart     [][2]string `json:"apart,omitempty"` // pairs an analyst split: never merged automatically
	Decisions []Decision  `json:"decisions,omitempty"`
}

// State returns a copy of the grouper's state.
func (g *Grouper) State() State {
	s := State{Outlets: g.reg.Outlets(), Decisions: slices.Clone(g.decisions)}
	for _, id := range g.order {
		s.Incidents = append(s.Incidents, g.incidents[id].copy())
	}
	docIDs := make([]string, 0, len(g.docs))
	for id := range g.docs {
		docIDs = append(docIDs, id)
	}
	slices.Sort(docIDs)
	for _, id := range docIDs {
		s.Docs = append(s.Docs, *g.docs[id])
	}
	for p := range g.apart {
		s.Apart = append(s.Apart, p)
	}
	slices.SortFunc(s.Apart, func(a, b [2]string) int {
		if a[0] != b[0] {
			if a[0] < b[0] {
				return -1
			}
			return 1
		}
		if a[1] < b[1] {
			return -1
		}
		if a[1] > b[1] {
			return 1
		}
		return 0
	})
	return s
}

// Restore rebuilds a Grouper from a saved State.
func Restore(s State, opts Options) (*Grouper, error) {
	g := New(opts)
	g.reg.restore(s.Outlets)
	for i := range s.Docs {
		d := s.Docs[i]
		if d.ID == "" {
			return nil, fmt.Errorf("incident: restore: document %d has no id", i)
		}
		g.docs[d.ID] = &d
	}
	for _, id := range sortedByCopy(s.Docs) {
		g.remember(g.docs[id])
	}
	for _, saved := range s.Incidents {
		if saved.ID == "" || g.incidents[saved.ID] != nil {
			return nil, fmt.Errorf("incident: restore: missing or repeated incident id %q", saved.ID)
		}
		// An incident's modality is its group (asserted, planned, negated),
		// not a member's modality: "planned" has no modalityGroup.
		if saved.Modality != groupAct && saved.Modality != groupPlan && saved.Modality != groupDenial {
			return nil, fmt.Errorf("incident: restore: incident %s: bad modality %q", saved.ID, saved.Modality)
		}
		inc := &incident{Incident: saved}
		inc.Members = slices.Clone(saved.Members)
		inc.key = saved.Modality + ":" + saved.Class
		g.incidents[inc.ID] = inc
		g.order = append(g.order, inc.ID)
		for _, m := range inc.Members {
			if prev, ok := g.eventInc[m.EventID]; ok {
				return nil, fmt.Errorf("incident: restore: event %s is in %s and %s", m.EventID, prev, inc.ID)
			}
			g.eventInc[m.EventID] = inc.ID
		}
		if inc.MergedInto == "" && len(inc.Members) > 0 {
			g.derive(inc)
		}
	}
	for _, p := range s.Apart {
		g.apart[pair(p[0], p[1])] = true
	}
	g.decisions = slices.Clone(s.Decisions)
	return g, nil
}

// sortedByCopy orders documents so that originals come before their copies.
func sortedByCopy(ds []DocRecord) []string {
	var out []string
	for _, d := range ds {
		if d.CopyOf == "" {
			out = append(out, d.ID)
		}
	}
	for _, d := range ds {
		if d.CopyOf != "" {
			out = append(out, d.ID)
		}
	}
	return out
}
