// Package borderwatch holds the vocabulary every stage speaks: documents,
// sentences, spans and the event record of docs/event-format.md. It imports
// the standard library only and has no behaviour beyond methods on values.
package borderwatch

import "time"

// Version is the program version written into every event's coder field.
const Version = "0.1.0"

// Document is one report as it enters the pipeline.
type Document struct {
	ID        string    `json:"id"`
	URL       string    `json:"url,omitempty"`
	Title     string    `json:"title,omitempty"`
	Source    string    `json:"source,omitempty"`
	Published time.Time `json:"-"` // zero when unknown
	// PublishedRaw keeps the publication date as the source wrote it, with
	// its offset, so local dates resolve in the source's time zone.
	PublishedRaw string `json:"published,omitempty"`
	Text         string `json:"text,omitempty"`
	HTML         string `json:"html,omitempty"`
	Lang         string `json:"lang,omitempty"`
}

// Span is a half-open range of byte offsets into a document's clean text.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Sentence is one sentence of the clean text with its offsets.
type Sentence struct {
	Span
	Text string `json:"text"`
}

// Entity is an actor or recipient of an event.
type Entity struct {
	Text    string `json:"text,omitempty"`
	Name    string `json:"name"`
	Country string `json:"country"`
	Sector  string `json:"sector"`
}

// Location is where an event happened, resolved against the gazetteer.
type Location struct {
	Text      string   `json:"text"`
	Name      string   `json:"name"`
	GeonameID *int64   `json:"geonameid"`
	Lat       *float64 `json:"lat"`
	Lon       *float64 `json:"lon"`
	Country   string   `json:"country"`
	Admin1    *string  `json:"admin1"`
	Admin2    *string  `json:"admin2"`
	Precision string   `json:"precision"`
	Border    *string  `json:"border"`
	BorderKm  *float64 `json:"border_km"`
}

// Size holds casualties, arrests and counted participants or objects.
type Size struct {
	Dead      *int    `json:"dead"`
	Injured   *int    `json:"injured"`
	Arrested  *int    `json:"arrested"`
	Count     *int    `json:"count"`
	Unit      *string `json:"unit"`
	Qualifier *string `json:"qualifier"`
}

// Attribution is who the text says a claim comes from; Via lists the
// sources it cites in turn.
type Attribution struct {
	Text string   `json:"text"`
	Name string   `json:"name"`
	Via  []string `json:"via"`
}

// TextInfo is the evidence: UTF-8 byte offsets into the clean text and the
// sentence itself.
type TextInfo struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// Modality values (docs/ontology.md section 0).
const (
	Asserted    = "asserted"
	Future      = "future"
	Conditional = "conditional"
	Speculative = "speculative"
	Negated     = "negated"
	Historical  = "historical"
)

// Event is the record of docs/event-format.md.
type Event struct {
	ID            string        `json:"id"`
	DocID         string        `json:"doc_id"`
	Event         string        `json:"event"`
	Mode          []string      `json:"mode"`
	Context       []string      `json:"context"`
	Actor         []Entity      `json:"actor"`
	Recipient     []Entity      `json:"recipient"`
	Date          *string       `json:"date"`
	EndDate       *string       `json:"enddate"`
	DatePrecision string        `json:"date_precision"`
	DateText      string        `json:"date_text,omitempty"`
	EventLoc      *Location     `json:"event_loc"`
	Size          *Size         `json:"size"`
	Modality      string        `json:"modality"`
	Attribution   []Attribution `json:"attribution"`
	Trigger       string        `json:"trigger"`
	TextInfo      TextInfo      `json:"text_info"`
	Confidence    float64       `json:"confidence"`
	Coder         string        `json:"coder"`
}

// Types lists the 16 PLOVER v2 event types in quad order.
var Types = []string{
	"AGREE", "CONSULT", "SUPPORT", "CONCEDE",
	"COOPERATE", "AID", "RETREAT",
	"REQUEST", "ACCUSE", "REJECT", "THREATEN",
	"PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
}

// Quad returns the PLOVER quad class (1 verbal cooperation .. 4 material
// conflict) of an event type; SANCTION is 4 (ontology.md section 0).
func Quad(eventType string) int {
	switch eventType {
	case "AGREE", "CONSULT", "SUPPORT", "CONCEDE":
		return 1
	case "COOPERATE", "AID", "RETREAT":
		return 2
	case "REQUEST", "ACCUSE", "REJECT", "THREATEN":
		return 3
	case "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT":
		return 4
	}
	return 0
}

// Feed is a subscribed RSS, Atom or JSON Feed source and its polling state.
type Feed struct {
	ID           int64         `json:"id"`
	URL          string        `json:"url"`
	Title        string        `json:"title,omitempty"`
	Every        time.Duration `json:"every"`
	Paused       bool          `json:"paused"`
	ETag         string        `json:"etag,omitempty"`
	LastModified string        `json:"last_modified,omitempty"`
	LastFetch    time.Time     `json:"last_fetch,omitzero"`
	NextFetch    time.Time     `json:"next_fetch,omitzero"`
	LastError    string        `json:"last_error,omitempty"`
	Failures     int           `json:"failures"`
}
