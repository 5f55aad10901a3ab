package service

import (
	"encoding/json"

	"borderwatch/internal/incident"
)

// IncidentsGeoJSON renders incidents as a GeoJSON FeatureCollection of
// points at their place; an incident without coordinates gets a null
// geometry, so none is silently dropped from a map export.
func IncidentsGeoJSON(incs []incident.Incident) ([]byte, error) {
	type geometry struct {
		Type        string     `json:"type"`
		Coordinates [2]float64 `json:"coordinates"`
	}
	type feature struct {
		Type       string         `json:"type"`
		ID         string         `json:"id"`
		Geometry   *geometry      `json:"geometry"`
		Properties map[string]any `json:"properties"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Features: make([]feature, 0, len(incs))}
	for _, inc := range incs {
		f := feature{Type: "Feature", ID: inc.ID, Properties: map[string]any{
			"event": inc.Event, "modality": inc.Modality, "start": inc.Start, "end": inc.End,
			"independent_sources": inc.Independent, "documents": inc.Documents,
			"disagreements": Disagreeing(inc), "actors": inc.Actors,
		}}
		if p := inc.Place; p != nil {
			f.Properties["place"] = p.Name
			if p.Lat != nil && p.Lon != nil {
				f.Geometry = &geometry{Type: "Point", Coordinates: [2]float64{*p.Lon, *p.Lat}}
			}
		}
		fc.Features = append(fc.Features, f)
	}
	return json.Marshal(fc)
}

// Disagreeing counts the fields of inc whose stated values cannot all be
// true.
func Disagreeing(inc incident.Incident) int {
	n := 0
	for _, d := range inc.Disagreements {
		if d.Disagree {
			n++
		}
	}
	return n
}
