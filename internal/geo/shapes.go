package geo

// Shape is one country's outline for drawing: polygons of rings of
// [lon, lat], the first ring of each the outline and the rest holes.
type Shape struct {
	Code     string
	Name     string
	Polygons [][][][2]float64
}

// Shapes reads the country outlines and the shared land borders straight
// from the embedded data, without loading the gazetteer's places: a map
// needs only these, and Load costs a few hundred milliseconds and far more
// memory. The results are fresh on every call; callers cache them.
func Shapes() ([]Shape, map[string]MultiLine, error) {
	countries, err := readCountries("data/countries.json.gz")
	if err != nil {
		return nil, nil, err
	}
	borders, err := readBorders("data/borders.json.gz")
	if err != nil {
		return nil, nil, err
	}
	out := make([]Shape, len(countries))
	for i, c := range countries {
		s := Shape{Code: c.Code, Name: c.Name, Polygons: make([][][][2]float64, len(c.Polygons))}
		for j, p := range c.Polygons {
			s.Polygons[j] = p.Rings
		}
		out[i] = s
	}
	return out, borders, nil
}
