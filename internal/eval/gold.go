// Package eval scores extracted events against hand-coded gold events, the
// way /work/shared/eval/README.md (the project's evaluation data) defines
// it: per-document pairing of predictions with gold sentences, precision,
// recall and F1 per event type, the accuracy of each field on the pairs,
// and the sentence-level scores of the PLOVER gold-standard records. It
// takes events, not documents: running the extraction is the caller's job.
package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"borderwatch"
)

// maxLine caps one JSONL line of gold or GSR data; a longer line is an
// error naming it rather than a silent truncation.
const maxLine = 4 << 20

// Gold is one hand-coded event: the event record of event-format.md without
// id, text_info, confidence and coder, plus the sentence that states it.
type Gold struct {
	DocID       string                    `json:"doc_id"`
	Sentence    string                    `json:"sentence"`
	Event       string                    `json:"event"`
	AltEvents   []string                  `json:"alt_events"`
	Mode        []string                  `json:"mode"`
	Context     []string                  `json:"context"`
	Actor       []borderwatch.Entity      `json:"actor"`
	Recipient   []borderwatch.Entity      `json:"recipient"`
	EventLoc    *GoldLoc                  `json:"event_loc"`
	Date        *string                   `json:"date"`
	EndDate     *string                   `json:"enddate"`
	Size        *borderwatch.Size         `json:"size"`
	Modality    string                    `json:"modality"`
	Attribution []borderwatch.Attribution `json:"attribution"`
	// Optional marks a restatement, background or borderline event: pairing
	// with it is neither rewarded nor punished, missing it is not punished.
	Optional bool   `json:"optional"`
	Note     string `json:"note"`
}

// GoldLoc is a gold event location. Lat and Lon are nil for a border or a
// region drawn as a line or an area.
type GoldLoc struct {
	Name      string   `json:"name"`
	Country   string   `json:"country"`
	Admin1    *string  `json:"admin1"`
	Lat       *float64 `json:"lat"`
	Lon       *float64 `json:"lon"`
	Precision string   `json:"precision"`
	Border    *string  `json:"border"`
}

// goldLine is what a gold line may hold. Unknown keys are refused, so a
// misspelt key ("alt_event") is an error instead of a silently empty field;
// the event-record fields that gold leaves out are accepted and ignored.
type goldLine struct {
	Gold
	ID            json.RawMessage `json:"id"`
	TextInfo      json.RawMessage `json:"text_info"`
	Confidence    json.RawMessage `json:"confidence"`
	Coder         json.RawMessage `json:"coder"`
	DatePrecision json.RawMessage `json:"date_precision"`
	DateText      json.RawMessage `json:"date_text"`
	Trigger       json.RawMessage `json:"trigger"`
}

// ReadGold reads gold events, one JSON object per line; blank lines are
// skipped. An error names the line it is about.
func ReadGold(r io.Reader) ([]Gold, error) {
	var out []Gold
	err := eachLine(r, func(n int, b []byte) error {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		var gl goldLine
		if err := dec.Decode(&gl); err != nil {
			return fmt.Errorf("gold line %d: %w", n, err)
		}
		if dec.More() {
			return fmt.Errorf("gold line %d: more than one JSON value on the line", n)
		}
		if err := gl.Gold.validate(); err != nil {
			return fmt.Errorf("gold line %d: %w", n, err)
		}
		out = append(out, gl.Gold)
		return nil
	})
	return out, err
}

// eachLine calls fn with the 1-based number and the trimmed bytes of every
// non-blank line.
func eachLine(r io.Reader, fn func(n int, line []byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	n := 0
	for sc.Scan() {
		n++
		b := bytes.TrimSpace(sc.Bytes())
		if n == 1 {
			b = bytes.TrimPrefix(b, []byte("\ufeff"))
		}
		if len(b) == 0 {
			continue
		}
		if err := fn(n, b); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("line %d: longer than the %d-byte limit", n+1, maxLine)
		}
		return fmt.Errorf("line %d: %w", n+1, err)
	}
	return nil
}

func (g Gold) validate() error {
	if strings.TrimSpace(g.DocID) == "" {
		return errors.New("doc_id is missing")
	}
	if strings.TrimSpace(g.Sentence) == "" {
		return errors.New("sentence is missing")
	}
	if borderwatch.Quad(g.Event) == 0 {
		return fmt.Errorf("event %q is not one of the 16 PLOVER types", g.Event)
	}
	for _, t := range g.AltEvents {
		if borderwatch.Quad(t) == 0 {
			return fmt.Errorf("alt_events: %q is not one of the 16 PLOVER types", t)
		}
	}
	switch g.Modality {
	case "", borderwatch.Asserted, borderwatch.Future, borderwatch.Conditional,
		borderwatch.Speculative, borderwatch.Negated, borderwatch.Historical:
	default:
		return fmt.Errorf("modality %q is not one of asserted, future, conditional, speculative, negated, historical", g.Modality)
	}
	// An enddate without a date is a deadline ("by September 11").
	var start time.Time
	if g.Date != nil {
		var err error
		if start, err = time.Parse(time.DateOnly, *g.Date); err != nil {
			return fmt.Errorf("date %q is not YYYY-MM-DD", *g.Date)
		}
	}
	if g.EndDate != nil {
		end, err := time.Parse(time.DateOnly, *g.EndDate)
		if err != nil {
			return fmt.Errorf("enddate %q is not YYYY-MM-DD", *g.EndDate)
		}
		if g.Date != nil && end.Before(start) {
			return fmt.Errorf("enddate %s is before date %s", *g.EndDate, *g.Date)
		}
	}
	if l := g.EventLoc; l != nil {
		if (l.Lat == nil) != (l.Lon == nil) {
			return errors.New("event_loc has only one of lat and lon")
		}
		if l.Lat != nil && (*l.Lat < -90 || *l.Lat > 90 || *l.Lon < -180 || *l.Lon > 180) {
			return fmt.Errorf("event_loc lat/lon %g,%g out of range", *l.Lat, *l.Lon)
		}
	}
	if s := g.Size; s != nil {
		for name, v := range map[string]*int{"dead": s.Dead, "injured": s.Injured, "arrested": s.Arrested, "count": s.Count} {
			if v != nil && *v < 0 {
				return fmt.Errorf("size.%s is negative (%d)", name, *v)
			}
		}
	}
	return nil
}
