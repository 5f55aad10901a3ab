package incident

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"borderwatch/internal/geo"
)

// Get returns one incident by id; a merged-away incident comes back with
// MergedInto set so that callers can follow it.
func (g *Grouper) Get(id string) (Incident, bool) {
	inc, ok := g.incidents[id]
	if !ok {
		return Incident{}, false
	}
	return inc.copy(), true
}

// IncidentOf returns the id of the incident an event belongs to.
func (g *Grouper) IncidentOf(eventID string) (string, bool) {
	id, ok := g.eventInc[eventID]
	return id, ok
}

func (inc *incident) copy() Incident {
	c := inc.Incident
	c.Members = slices.Clone(c.Members)
	c.Sources = slices.Clone(c.Sources)
	c.Disagreements = slices.Clone(c.Disagreements)
	c.Related = slices.Clone(c.Related)
	c.DisputedBy = slices.Clone(c.DisputedBy)
	c.Denies = slices.Clone(c.Denies)
	c.Decisions = slices.Clone(c.Decisions)
	return c
}

// Filter selects incidents; zero fields select everything.
type Filter struct {
	Since, Until time.Time
	// Lat, Lon and Km select incidents whose place lies within Km of the
	// point (incidents without coordinates are left out when Km > 0).
	Lat, Lon, Km float64
	Event        string // PLOVER type
	Modality     string // asserted, planned, negated
	MinSources   int
}

// Incidents lists live incidents (not merged away) that pass the filter, in
// the order they were created.
func (g *Grouper) Incidents(f Filter) []Incident {
	var out []Incident
	for _, id := range g.order {
		inc := g.incidents[id]
		if !f.live(inc) {
			continue
		}
		out = append(out, inc.copy())
	}
	return out
}

// live reports whether inc is listed (not merged away, not emptied by
// rejections) and passes the filter.
func (f Filter) live(inc *incident) bool {
	return inc != nil && inc.MergedInto == "" && len(inc.Members) > 0 && f.match(inc)
}

func (f Filter) match(inc *incident) bool {
	if f.Event != "" && !strings.EqualFold(f.Event, inc.Event) {
		return false
	}
	if f.Modality != "" && f.Modality != inc.Modality {
		return false
	}
	if inc.Independent < f.MinSources {
		return false
	}
	if !f.Since.IsZero() && inc.End != "" && inc.End < f.Since.UTC().Format("2006-01-02") {
		return false
	}
	if !f.Until.IsZero() && inc.Start != "" && inc.Start > f.Until.UTC().Format("2006-01-02") {
		return false
	}
	if f.Km > 0 {
		p := inc.Place
		if p == nil || p.Lat == nil || p.Lon == nil {
			return false
		}
		r := radiusKm(p.Precision)
		if math.IsInf(r, 1) {
			r = 0
		}
		if geo.DistanceKm(f.Lat, f.Lon, *p.Lat, *p.Lon)-r > f.Km {
			return false
		}
	}
	return true
}

// WriteIncidentsJSON exports incidents, with their members, sources and
// disagreements, as one indented JSON array.
func WriteIncidentsJSON(w io.Writer, incs []Incident) error {
	if incs == nil {
		incs = []Incident{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(incs); err != nil {
		return fmt.Errorf("incident: export: %w", err)
	}
	return nil
}
