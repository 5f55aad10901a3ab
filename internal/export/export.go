// Package export writes stored events in the formats analysts exchange:
// PLOVER JSONL (asserted events only, PLOVER's field names), an ACLED-style
// CSV with ACLED's columns filled per docs/ontology.md section 6, GeoJSON and
// a flat CSV of our own fields. Writers stream, one record at a time.
package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"borderwatch"
)

// Formats lists the export formats.
var Formats = []string{"plover", "acled", "geojson", "csv"}

// Record is one event with what the exports need from its document.
type Record struct {
	Event     borderwatch.Event
	Source    string    // the outlet of the document
	URL       string    // the document's URL
	UpdatedAt time.Time // when the stored version was written
}

// Writer writes records in one format; call Close to finish the document.
type Writer struct {
	format  string
	bw      *bufio.Writer
	csv     *csv.Writer
	n       int
	skipped int
}

// ContentType is the media type of a format.
func ContentType(format string) string {
	switch format {
	case "plover":
		return "application/x-ndjson"
	case "geojson":
		return "application/geo+json"
	default:
		return "text/csv; charset=utf-8"
	}
}

// Extension is the file extension of a format.
func Extension(format string) string {
	switch format {
	case "plover":
		return ".jsonl"
	case "geojson":
		return ".geojson"
	default:
		return ".csv"
	}
}

// NewWriter starts an export in format to w.
func NewWriter(format string, w io.Writer) (*Writer, error) {
	x := &Writer{format: format, bw: bufio.NewWriterSize(w, 64<<10)}
	switch format {
	case "plover":
	case "geojson":
		x.bw.WriteString(`{"type":"FeatureCollection","features":[`)
	case "acled":
		x.csv = csv.NewWriter(x.bw)
		x.csv.Write(ACLEDColumns)
	case "csv":
		x.csv = csv.NewWriter(x.bw)
		x.csv.Write(csvColumns)
	default:
		return nil, fmt.Errorf("export: unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
	}
	return x, nil
}

// Write adds one record. The PLOVER export skips events that are not
// asserted; Skipped counts them.
func (x *Writer) Write(r Record) error {
	switch x.format {
	case "plover":
		if r.Event.Modality != borderwatch.Asserted {
			x.skipped++
			return nil
		}
		b, err := json.Marshal(r.Event)
		if err != nil {
			return fmt.Errorf("export: event %s: %w", r.Event.ID, err)
		}
		x.bw.Write(b)
		x.bw.WriteByte('\n')
	case "geojson":
		b, err := json.Marshal(Feature(r.Event))
		if err != nil {
			return fmt.Errorf("export: event %s: %w", r.Event.ID, err)
		}
		if x.n > 0 {
			x.bw.WriteByte(',')
		}
		x.bw.WriteByte('\n')
		x.bw.Write(b)
	case "acled":
		x.csv.Write(ACLEDRow(r))
	case "csv":
		x.csv.Write(csvRow(r))
	}
	x.n++
	if x.csv != nil {
		if err := x.csv.Error(); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	return nil
}

// Written is the number of records written; Skipped those left out.
func (x *Writer) Written() int { return x.n }

// Skipped is the number of records the format left out.
func (x *Writer) Skipped() int { return x.skipped }

// Close finishes the document and flushes it.
func (x *Writer) Close() error {
	if x.format == "geojson" {
		x.bw.WriteString("\n]}\n")
	}
	if x.csv != nil {
		x.csv.Flush()
		if err := x.csv.Error(); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	if err := x.bw.Flush(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// GeoJSON feature of one event: a point where the event has coordinates,
// a null geometry otherwise, and the record's fields as properties.
type geoFeature struct {
	Type       string         `json:"type"`
	ID         string         `json:"id"`
	Geometry   *geoPoint      `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

type geoPoint struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"`
}

// Feature is the GeoJSON Feature of an event; the API's map layer uses it too.
func Feature(ev borderwatch.Event) any {
	f := geoFeature{Type: "Feature", ID: ev.ID, Properties: map[string]any{
		"id": ev.ID, "doc_id": ev.DocID, "event": ev.Event, "mode": ev.Mode, "quad": borderwatch.Quad(ev.Event),
		"date": ev.Date, "enddate": ev.EndDate, "date_precision": ev.DatePrecision, "modality": ev.Modality,
		"actor": names(ev.Actor), "recipient": names(ev.Recipient), "confidence": ev.Confidence,
		"evidence": ev.TextInfo.Text,
	}}
	if l := ev.EventLoc; l != nil {
		f.Properties["place"] = l.Name
		f.Properties["precision"] = l.Precision
		f.Properties["border"] = l.Border
		f.Properties["border_km"] = l.BorderKm
		if l.Lat != nil && l.Lon != nil {
			f.Geometry = &geoPoint{Type: "Point", Coordinates: [2]float64{*l.Lon, *l.Lat}}
		}
	}
	if s := ev.Size; s != nil {
		f.Properties["dead"] = s.Dead
		f.Properties["count"] = s.Count
	}
	return f
}

func names(es []borderwatch.Entity) string {
	var out []string
	for _, e := range es {
		n := e.Name
		if e.Country != "" || e.Sector != "" {
			n += " (" + strings.TrimSpace(e.Country+" "+e.Sector) + ")"
		}
		out = append(out, n)
	}
	return strings.Join(out, "; ")
}

var csvColumns = []string{"id", "doc_id", "event", "mode", "context", "quad", "date", "enddate", "date_precision",
	"actor", "actor_country", "recipient", "recipient_country", "place", "country", "lat", "lon", "precision", "border", "border_km",
	"dead", "injured", "arrested", "count", "unit", "qualifier", "modality", "attribution", "trigger", "evidence", "evidence_start",
	"evidence_end", "confidence", "coder", "source", "url"}

func csvRow(r Record) []string {
	ev := r.Event
	row := []string{ev.ID, ev.DocID, ev.Event, strings.Join(ev.Mode, ";"), strings.Join(ev.Context, ";"),
		strconv.Itoa(borderwatch.Quad(ev.Event)), str(ev.Date), str(ev.EndDate), ev.DatePrecision,
		names(ev.Actor), countries(ev.Actor), names(ev.Recipient), countries(ev.Recipient)}
	if l := ev.EventLoc; l != nil {
		row = append(row, l.Name, l.Country, num(l.Lat), num(l.Lon), l.Precision, str(l.Border), num(l.BorderKm))
	} else {
		row = append(row, "", "", "", "", "", "", "")
	}
	if s := ev.Size; s != nil {
		row = append(row, integer(s.Dead), integer(s.Injured), integer(s.Arrested), integer(s.Count), str(s.Unit), str(s.Qualifier))
	} else {
		row = append(row, "", "", "", "", "", "")
	}
	var attr []string
	for _, a := range ev.Attribution {
		attr = append(attr, strings.Join(append([]string{a.Name}, a.Via...), " < "))
	}
	return append(row, ev.Modality, strings.Join(attr, "; "), ev.Trigger, ev.TextInfo.Text,
		strconv.Itoa(ev.TextInfo.Start), strconv.Itoa(ev.TextInfo.End), strconv.FormatFloat(ev.Confidence, 'f', -1, 64), ev.Coder, r.Source, r.URL)
}

func countries(es []borderwatch.Entity) string {
	var out []string
	for _, e := range es {
		if e.Country != "" {
			out = append(out, e.Country)
		}
	}
	return strings.Join(out, ";")
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func num(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

func integer(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}
