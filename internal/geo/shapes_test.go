package geo

import "testing"

func TestShapes(t *testing.T) {
	shapes, borders, err := Shapes()
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]Shape{}
	for _, s := range shapes {
		byCode[s.Code] = s
	}
	afg, ok := byCode["AFG"]
	if !ok || afg.Name != "Afghanistan" || len(afg.Polygons) == 0 || len(afg.Polygons[0][0]) < 50 {
		t.Fatalf("AFG shape: ok=%v name=%q polygons=%d", ok, afg.Name, len(afg.Polygons))
	}
	// Kabul (69.2 E, 34.5 N) lies inside the outline's bounding box.
	minLon, maxLon, minLat, maxLat := 180.0, -180.0, 90.0, -90.0
	for _, p := range afg.Polygons[0][0] {
		minLon, maxLon = min(minLon, p[0]), max(maxLon, p[0])
		minLat, maxLat = min(minLat, p[1]), max(maxLat, p[1])
	}
	if !(minLon < 69.2 && 69.2 < maxLon && minLat < 34.5 && 34.5 < maxLat) {
		t.Errorf("AFG outline box %.1f..%.1f E %.1f..%.1f N misses Kabul", minLon, maxLon, minLat, maxLat)
	}
	if ml := borders["AFG-TJK"]; len(ml) == 0 || len(ml[0]) < 10 {
		t.Errorf("AFG-TJK border: %d lines", len(ml))
	}
}
