package watch

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"borderwatch"
)

// What a rule fires on.
const (
	OnEvent        = "event"        // each matching event (or, with Threshold, a burst of them)
	OnDocument     = "document"     // each report whose title or text holds a keyword
	OnIncident     = "incident"     // a new incident with a matching event and enough sources
	OnDisagreement = "disagreement" // a new or grown disagreement in a matching incident
)

// EntityFilter selects actors or recipients; each non-empty list must match
// some entity (any of its values), and all non-empty lists must match the
// same entity.
type EntityFilter struct {
	Countries []string `json:"countries,omitempty"` // ISO3 or IGO/NGO/...
	Sectors   []string `json:"sectors,omitempty"`   // PLOVER sector codes
	Names     []string `json:"names,omitempty"`     // canonical names, compared folded
}

func (f EntityFilter) empty() bool {
	return len(f.Countries) == 0 && len(f.Sectors) == 0 && len(f.Names) == 0
}

// Duration is a time.Duration that reads and writes JSON as "24h".
type Duration time.Duration

// MarshalJSON writes the duration as Go's duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "24h" or a number of nanoseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n int64
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("watch: duration must be a string like \"24h\": %w", err)
		}
		*d = Duration(n)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	*d = Duration(v)
	return nil
}

// Threshold is "Count matching events within Window" ("5 ASSAULT in 24h").
type Threshold struct {
	Count  int      `json:"count"`
	Window Duration `json:"window"`
}

// Rule is one alert rule as stored. All non-empty filters must hold.
type Rule struct {
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	Owner  string `json:"owner"`            // the user it belongs to
	Shared bool   `json:"shared,omitempty"` // an admin shared it with every user
	Active bool   `json:"active"`

	// On is OnEvent, OnDocument, OnIncident or OnDisagreement; empty means
	// OnDocument for a keyword-only rule, OnIncident when MinSources > 1,
	// else OnEvent (see Normalize).
	On string `json:"on,omitempty"`

	Watch      string       `json:"watch,omitempty"` // an Area name
	Types      []string     `json:"types,omitempty"`
	Modes      []string     `json:"modes,omitempty"`
	Actor      EntityFilter `json:"actor,omitzero"`
	Recipient  EntityFilter `json:"recipient,omitzero"`
	Modalities []string     `json:"modalities,omitempty"` // empty means asserted only
	// MinSources is the minimum number of independent sources of an
	// incident (OnIncident and OnDisagreement).
	MinSources int        `json:"min_sources,omitempty"`
	Threshold  *Threshold `json:"threshold,omitempty"`
	// Keywords match, folded, at a word start in the evidence sentence
	// (event rules) or in the title and text (document rules), in any
	// script; one of them is enough.
	Keywords []string `json:"keywords,omitempty"`

	// Webhook and Secret are where the service delivers this rule's alerts
	// (notify signs the body with Secret). Not used by the Engine.
	Webhook string `json:"webhook,omitempty"`
	Secret  string `json:"secret,omitempty"`
}

// VisibleTo reports whether user may see the rule and its alerts.
func (r *Rule) VisibleTo(user string) bool { return r.Shared || (user != "" && r.Owner == user) }

// eventFiltered reports whether the rule has any filter that needs an event.
func (r *Rule) eventFiltered() bool {
	return r.Watch != "" || len(r.Types) > 0 || len(r.Modes) > 0 || !r.Actor.empty() ||
		!r.Recipient.empty() || len(r.Modalities) > 0 || r.Threshold != nil
}

// Normalize fills the defaults: On from the rule's shape, upper-case type,
// country and sector codes.
func (r *Rule) Normalize() {
	if r.On == "" {
		switch {
		case len(r.Keywords) > 0 && !r.eventFiltered() && r.MinSources <= 1:
			r.On = OnDocument
		case r.MinSources > 1:
			r.On = OnIncident
		default:
			r.On = OnEvent
		}
	}
	upper := func(xs []string) {
		for i, x := range xs {
			xs[i] = strings.ToUpper(strings.TrimSpace(x))
		}
	}
	upper(r.Types)
	upper(r.Actor.Countries)
	upper(r.Actor.Sectors)
	upper(r.Recipient.Countries)
	upper(r.Recipient.Sectors)
	for i, m := range r.Modalities {
		r.Modalities[i] = strings.ToLower(strings.TrimSpace(m))
	}
}

var modalities = []string{borderwatch.Asserted, borderwatch.Future, borderwatch.Conditional,
	borderwatch.Speculative, borderwatch.Negated, borderwatch.Historical}

// Validate reports everything wrong with a normalized rule at once.
func (r *Rule) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if strings.TrimSpace(r.ID) == "" {
		bad("rule has no id")
	}
	switch r.On {
	case OnEvent, OnDocument, OnIncident, OnDisagreement:
	default:
		bad("on %q is not event, document, incident or disagreement", r.On)
	}
	for _, t := range r.Types {
		if borderwatch.Quad(t) == 0 {
			bad("unknown event type %q", t)
		}
	}
	for _, m := range r.Modalities {
		if !slices.Contains(modalities, m) {
			bad("unknown modality %q", m)
		}
	}
	if r.MinSources < 0 {
		bad("min_sources %d is negative", r.MinSources)
	}
	if r.MinSources > 1 && (r.On == OnEvent || r.On == OnDocument) {
		bad("min_sources counts an incident's sources: use on incident or disagreement")
	}
	if t := r.Threshold; t != nil {
		if t.Count < 1 || t.Window <= 0 {
			bad("threshold needs count >= 1 and a positive window, got %d in %s", t.Count, time.Duration(t.Window))
		}
		if r.On != OnEvent {
			bad("a threshold counts events: use on event")
		}
	}
	if r.On == OnDocument {
		if len(r.Keywords) == 0 {
			bad("a document rule needs keywords")
		}
		if r.eventFiltered() {
			bad("a document rule takes keywords only; event filters need on event")
		}
	}
	for _, k := range r.Keywords {
		if _, ok := newKeyword(k); !ok {
			bad("keyword %q has no letters or digits", k)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("watch: rule %q: %w", r.ID, err)
	}
	return nil
}
