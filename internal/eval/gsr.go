package eval

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"borderwatch"
)

// NoPrediction stands for "no event predicted" in GSRReport.Confusion and
// GSRMiss.Predicted.
const NoPrediction = "(none)"

// GSRActor is an actor of a PLOVER gold-standard record; Code is a country
// or international-body code, empty when the record gives none.
type GSRActor struct {
	Text string `json:"text"`
	Code string `json:"code"`
}

// GSRItem is one record of the PLOVER gold-standard sentences: one sentence,
// one gold event. EventTypeV2 is nil where a v2 rule changed the answer;
// such records are not scored.
type GSRItem struct {
	ID          string     `json:"id"`
	Text        string     `json:"text"`
	EventTypeV2 *string    `json:"event_type_v2"`
	SourceActor []GSRActor `json:"source_actor"`
	TargetActor []GSRActor `json:"target_actor"`
	ModeV2      []string   `json:"mode_v2"`
}

// ReadGSR reads gold-standard records, one JSON object per line; keys other
// than those of GSRItem are ignored. An error names the line.
func ReadGSR(r io.Reader) ([]GSRItem, error) {
	var out []GSRItem
	seen := map[string]int{}
	err := eachLine(r, func(n int, b []byte) error {
		dec := json.NewDecoder(bytes.NewReader(b))
		var it GSRItem
		if err := dec.Decode(&it); err != nil {
			return fmt.Errorf("GSR line %d: %w", n, err)
		}
		if dec.More() {
			return fmt.Errorf("GSR line %d: more than one JSON value on the line", n)
		}
		switch {
		case strings.TrimSpace(it.ID) == "":
			return fmt.Errorf("GSR line %d: id is missing", n)
		case strings.TrimSpace(it.Text) == "":
			return fmt.Errorf("GSR line %d (%s): text is missing", n, it.ID)
		case it.EventTypeV2 != nil && borderwatch.Quad(*it.EventTypeV2) == 0:
			return fmt.Errorf("GSR line %d (%s): event_type_v2 %q is not one of the 16 PLOVER types", n, it.ID, *it.EventTypeV2)
		}
		if first, dup := seen[it.ID]; dup {
			return fmt.Errorf("GSR line %d: id %s already used on line %d", n, it.ID, first)
		}
		seen[it.ID] = n
		out = append(out, it)
		return nil
	})
	return out, err
}

// GSRMiss is a scored record whose top prediction has the wrong type.
type GSRMiss struct {
	ID        string
	Gold      string
	Predicted string // NoPrediction when nothing was predicted
	Text      string
}

// GSRReport is the sentence-level score over the gold-standard records.
type GSRReport struct {
	Scored       int // records with a v2 type
	Skipped      int // records without one
	Correct      int // records whose top prediction has the gold type
	TypeAccuracy float64
	// MacroF1 averages the per-type F1 over the types that have gold
	// support or predictions (MacroTypes of them): a type that is absent on
	// both sides has no defined F1 and would only dilute the average.
	MacroF1    float64
	MacroTypes int
	// ActorCountryAccuracy = ActorRight/ActorCounted over the records whose
	// gold source actors name a code: right when the top prediction's actor
	// countries include one of those codes.
	ActorCountryAccuracy     float64
	ActorCounted, ActorRight int
	PerType                  map[string]*TypeCounts // Support = gold records of the type
	Confusion                map[[2]string]int      // {gold, predicted} -> records
	Misses                   []GSRMiss
	Errors                   []error // predict failures; their records count as predicting nothing
}

// ScoreGSR predicts each scored record as a document of one sentence and
// scores the most confident predicted event (the first of equals): its type
// against the gold type (no prediction is wrong) and its actor countries
// against the gold source actor codes.
func ScoreGSR(items []GSRItem, predict func(id, text string) ([]borderwatch.Event, error)) GSRReport {
	r := GSRReport{PerType: map[string]*TypeCounts{}, Confusion: map[[2]string]int{}}
	for _, it := range items {
		if it.EventTypeV2 == nil {
			r.Skipped++
			continue
		}
		r.Scored++
		gold := *it.EventTypeV2
		events, err := predict(it.ID, it.Text)
		if err != nil {
			r.Errors = append(r.Errors, fmt.Errorf("%s: %w", it.ID, err))
			events = nil
		}
		top, ok := mostConfident(events)
		got := NoPrediction
		if ok {
			got = normType(top.Event)
		}
		typeCounts(r.PerType, gold).Support++
		r.Confusion[[2]string{gold, got}]++
		if got == gold {
			r.Correct++
			typeCounts(r.PerType, gold).TP++
		} else {
			typeCounts(r.PerType, gold).FN++
			if ok {
				typeCounts(r.PerType, got).FP++
			}
			r.Misses = append(r.Misses, GSRMiss{ID: it.ID, Gold: gold, Predicted: got, Text: it.Text})
		}
		codes := map[string]bool{}
		for _, a := range it.SourceActor {
			if c := strings.ToUpper(strings.TrimSpace(a.Code)); c != "" {
				codes[c] = true
			}
		}
		if len(codes) > 0 {
			r.ActorCounted++
			if ok && intersects(gsrCodes(codes), gsrCodes(countries(top.Actor))) {
				r.ActorRight++
			}
		}
	}
	r.TypeAccuracy = ratio(r.Correct, r.Scored)
	r.ActorCountryAccuracy = ratio(r.ActorRight, r.ActorCounted)
	var sum float64
	for _, t := range borderwatch.Types {
		c := r.PerType[t]
		if c == nil || c.Support+c.FP == 0 {
			continue
		}
		r.MacroTypes++
		sum += c.F1()
	}
	if r.MacroTypes > 0 {
		r.MacroF1 = sum / float64(r.MacroTypes)
	}
	return r
}

func mostConfident(events []borderwatch.Event) (borderwatch.Event, bool) {
	if len(events) == 0 {
		return borderwatch.Event{}, false
	}
	best := 0
	for i := 1; i < len(events); i++ {
		if events[i].Confidence > events[best].Confidence {
			best = i
		}
	}
	return events[best], true
}

// gsrCodes maps our international codes to the gold's: the gold-standard
// file was coded with PLOVER draft 0.5b1, which has one code, IGO, for every
// international body, where our codebook (ontology.md section 7) says UNO,
// EUR or NGO when it knows which.
func gsrCodes(cs map[string]bool) map[string]bool {
	out := make(map[string]bool, len(cs))
	for c := range cs {
		switch c {
		case "UNO", "EUR", "NGO":
			c = "IGO"
		}
		out[c] = true
	}
	return out
}
