package incident

import (
	"time"

	"borderwatch"
)

// Doc is one report as the grouper sees it: who published it, when, its
// clean text (for copy detection) and the events extracted from it.
type Doc struct {
	ID        string              `json:"id"`
	Source    string              `json:"source"` // outlet name as the feed or file gives it
	URL       string              `json:"url,omitempty"`
	Published time.Time           `json:"published"` // zero when unknown
	Text      string              `json:"text"`
	Events    []borderwatch.Event `json:"events"`
}

// Member is one event inside an incident, with what grouping, source
// counting and disagreement reporting need from it.
type Member struct {
	EventID       string                    `json:"event_id"`
	DocID         string                    `json:"doc_id"`
	Outlet        string                    `json:"outlet"`            // canonical outlet of the document (of the original for a copy)
	CopyOf        string                    `json:"copy_of,omitempty"` // earlier document this one copies
	Published     string                    `json:"published,omitempty"`
	Event         string                    `json:"event"`
	Modality      string                    `json:"modality"`
	Mode          []string                  `json:"mode,omitempty"`
	Context       []string                  `json:"context,omitempty"`
	Actor         []borderwatch.Entity      `json:"actor,omitempty"`
	Recipient     []borderwatch.Entity      `json:"recipient,omitempty"`
	Date          string                    `json:"date,omitempty"`
	EndDate       string                    `json:"enddate,omitempty"`
	DatePrecision string                    `json:"date_precision,omitempty"`
	Place         *borderwatch.Location     `json:"place,omitempty"`
	Size          *borderwatch.Size         `json:"size,omitempty"`
	Attribution   []borderwatch.Attribution `json:"attribution,omitempty"`
	Trigger       string                    `json:"trigger,omitempty"`
	Evidence      string                    `json:"evidence"`
	// CitedOrigin is the innermost source the report names (or its outlet);
	// Origin is that resolved within the incident: an outlet cited by
	// another stands for whatever it cites itself.
	CitedOrigin string `json:"cited_origin"`
	Origin      string `json:"origin"`
	// Credibility is the analyst's grade of this claim, 1 (confirmed) to 6
	// (cannot be judged) as in the Admiralty code; 0 = not graded.
	Credibility int `json:"credibility,omitempty"`

	// Derived once and kept: the date window and the evidence words.
	ready  bool
	win    window
	hasWin bool
	words  []string
}

// Source is one independent origin of an incident and the documents that
// carry it.
type Source struct {
	Origin  string   `json:"origin"`
	Kind    string   `json:"kind"`
	Outlets []string `json:"outlets"`
	Docs    []string `json:"docs"`
}

// Value is one value of a field as some sources state it.
type Value struct {
	Value     string   `json:"value"` // as it reads: "more than 1000", "2021-07-04"
	Number    *int     `json:"number,omitempty"`
	Qualifier string   `json:"qualifier,omitempty"`
	Docs      []string `json:"docs"`
	Outlets   []string `json:"outlets"`
	Origins   []string `json:"origins"`
}

// Disagreement reports one field of an incident that sources state
// differently (or, for counts, every stated value with best/low/high).
type Disagreement struct {
	Field    string  `json:"field"` // count, dead, injured, arrested, date, place, actor
	Unit     string  `json:"unit,omitempty"`
	Values   []Value `json:"values"`
	Best     string  `json:"best"`
	Low      string  `json:"low,omitempty"`
	High     string  `json:"high,omitempty"`
	Disagree bool    `json:"disagree"` // some stated values cannot both be true
	Spread   string  `json:"spread,omitempty"`
}

// Decision is an analyst's merge, split or grade, kept with who and when.
type Decision struct {
	Kind      string    `json:"kind"` // merge, split, credibility, reliability
	Incidents []string  `json:"incidents,omitempty"`
	Events    []string  `json:"events,omitempty"`
	Value     string    `json:"value,omitempty"`
	User      string    `json:"user"`
	At        time.Time `json:"at"`
}

// Incident is one real-world event as reported by one or more documents.
type Incident struct {
	ID       string `json:"id"`
	Event    string `json:"event"`    // PLOVER type of most of its members
	Class    string `json:"class"`    // grouping family: the type, or TAKE for seizing a place however coded
	Modality string `json:"modality"` // asserted, planned (future, conditional, speculative) or negated
	Start    string `json:"start,omitempty"`
	End      string `json:"end,omitempty"`
	// Undated is true when no member gives a date: Start..End is then the
	// window of publication minus report lag.
	Undated     bool                  `json:"undated,omitempty"`
	Place       *borderwatch.Location `json:"place,omitempty"`
	Actors      []string              `json:"actors,omitempty"`
	Members     []Member              `json:"members"`
	Sources     []Source              `json:"sources"`
	Independent int                   `json:"independent_sources"`
	Documents   int                   `json:"documents"`
	// Disagreements holds every field with more than one stated value, and
	// every count (so best/low/high are always there for a count).
	Disagreements []Disagreement `json:"disagreements,omitempty"`
	Related       []string       `json:"related,omitempty"`     // incidents linked, not merged (a retreat and the shelter given)
	DisputedBy    []string       `json:"disputed_by,omitempty"` // negated incidents that deny this one
	Denies        []string       `json:"denies,omitempty"`      // for a negated incident: what it denies
	MergedInto    string         `json:"merged_into,omitempty"` // set when an incident was folded into another
	Decisions     []Decision     `json:"decisions,omitempty"`
	Created       time.Time      `json:"created"`
	Updated       time.Time      `json:"updated"`
}

// Skip says why an event of a document joined no incident.
type Skip struct {
	EventID string `json:"event_id"`
	Reason  string `json:"reason"`
}

// Merge records an automatic merge: From was folded into Into.
type Merge struct {
	Into string   `json:"into"`
	From []string `json:"from"`
}

// Change is what one Add did.
type Change struct {
	DocID   string   `json:"doc_id"`
	CopyOf  string   `json:"copy_of,omitempty"` // the earlier document this one copies, if any
	Created []string `json:"created,omitempty"`
	Updated []string `json:"updated,omitempty"`
	Merged  []Merge  `json:"merged,omitempty"`
	Skipped []Skip   `json:"skipped,omitempty"`
}
