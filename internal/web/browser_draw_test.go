package web

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"borderwatch"
	"borderwatch/internal/store"
	"borderwatch/internal/watch"
)

// areasFC is the body of /map/areas.json as the tests read it.
type areasFC struct {
	Type     string `json:"type"`
	Features []struct {
		Type       string `json:"type"`
		Properties struct {
			Name  string  `json:"name"`
			Kind  string  `json:"kind"`
			Label string  `json:"label"`
			Km    float64 `json:"km"`
			Note  string  `json:"note"`
		} `json:"properties"`
		Geometry *struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

// TestMapAreasJSON: every kind of watch area comes back as a GeoJSON
// feature the alerts page's map can draw: polygons as they were given
// (a Feature around one too), a border band as the border line with its
// width in the label, a radius as its centre with its km, a country as
// its outline, and a province, which the bundled shapes cannot draw, with
// no geometry and a note saying so.
func TestMapAreasJSON(t *testing.T) {
	e := newPagesEnv(t, withAlerts())
	alice := e.as("alice")
	tri := `{"type":"Polygon","coordinates":[[[68.5,38.3],[69.1,38.3],[68.8,38.9],[68.5,38.3]]]}`
	add := []url.Values{
		{"name": {"triangle"}, "kind": {"polygon"}, "geojson": {tri}},
		{"name": {"wrapped"}, "kind": {"polygon"}, "geojson": {`{"type":"Feature","properties":{},"geometry":` + tri + `}`}},
		{"name": {"border-30"}, "kind": {"border"}, "border": {"AFG-TJK"}, "km": {"30"}},
		{"name": {"around Khorog"}, "kind": {"radius"}, "lat": {"37.49"}, "lon": {"71.55"}, "km": {"25"}},
		{"name": {"all Tajikistan"}, "kind": {"admin"}, "country": {"TJK"}},
		{"name": {"Badakhshan"}, "kind": {"admin"}, "country": {"AFG"}, "admin1": {"Badakhshan"}},
	}
	for _, f := range add {
		if st, body, _ := alice.send("/alerts", "/alerts/areas", f); st != http.StatusSeeOther {
			t.Fatalf("adding %s: %d %s", f.Get("name"), st, body)
		}
	}
	// Readers read the map: the areas are as public as the alerts page.
	st, body, h := e.client().get("/map/areas.json")
	if st != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "application/geo+json") {
		t.Fatalf("GET /map/areas.json: %d %s %s", st, h.Get("Content-Type"), body)
	}
	var fc areasFC
	if err := json.Unmarshal([]byte(body), &fc); err != nil {
		t.Fatal(err)
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) != len(add) {
		t.Fatalf("got a %s of %d features, want a FeatureCollection of %d", fc.Type, len(fc.Features), len(add))
	}
	for i, f := range fc.Features {
		if f.Properties.Name != add[i].Get("name") || f.Properties.Kind != add[i].Get("kind") {
			t.Errorf("feature %d is %q (%s), want %q (%s), in the order added", i, f.Properties.Name, f.Properties.Kind, add[i].Get("name"), add[i].Get("kind"))
		}
	}
	geom := func(i int, typ string) json.RawMessage {
		t.Helper()
		g := fc.Features[i].Geometry
		if g == nil || g.Type != typ {
			t.Fatalf("%s: geometry %+v, want a %s", fc.Features[i].Properties.Name, g, typ)
		}
		return g.Coordinates
	}
	// Both polygons: the one ring, exactly as given, as a MultiPolygon.
	for _, i := range []int{0, 1} {
		var mp [][][][2]float64
		if err := json.Unmarshal(geom(i, "MultiPolygon"), &mp); err != nil {
			t.Fatal(err)
		}
		want := [][2]float64{{68.5, 38.3}, {69.1, 38.3}, {68.8, 38.9}, {68.5, 38.3}}
		if len(mp) != 1 || len(mp[0]) != 1 || fmt.Sprint(mp[0][0]) != fmt.Sprint(want) {
			t.Errorf("%s: coordinates %v, want the ring %v", fc.Features[i].Properties.Name, mp, want)
		}
	}
	// The border band: the AFG-TJK line, hundreds of km long, labelled
	// with its width.
	var lines [][][2]float64
	if err := json.Unmarshal(geom(2, "MultiLineString"), &lines); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, l := range lines {
		n += len(l)
		for _, p := range l {
			if p[0] < 60 || p[0] > 76 || p[1] < 35 || p[1] > 40 {
				t.Fatalf("border point %v is not on the Tajik-Afghan border", p)
			}
		}
	}
	if n < 50 {
		t.Errorf("the border line has %d points; want the whole AFG-TJK line", n)
	}
	if p := fc.Features[2].Properties; p.Km != 30 || !strings.Contains(p.Label, "AFG-TJK") || !strings.Contains(p.Label, "30 km") {
		t.Errorf("border band properties %+v; want km 30 and a label naming AFG-TJK and 30 km", p)
	}
	var pt [2]float64
	if err := json.Unmarshal(geom(3, "Point"), &pt); err != nil {
		t.Fatal(err)
	}
	if pt != [2]float64{71.55, 37.49} || fc.Features[3].Properties.Km != 25 || !strings.Contains(fc.Features[3].Properties.Label, "25 km") {
		t.Errorf("radius: point %v, properties %+v; want [71.55 37.49] and 25 km", pt, fc.Features[3].Properties)
	}
	var country [][][][2]float64
	if err := json.Unmarshal(geom(4, "MultiPolygon"), &country); err != nil || len(country) == 0 || len(country[0][0]) < 50 {
		t.Errorf("all Tajikistan: want the country's outline, got %d polygons (%v)", len(country), err)
	}
	if f := fc.Features[5]; f.Geometry != nil || f.Properties.Note == "" {
		t.Errorf("province: geometry %+v, note %q; want none and a note saying it is not drawn", f.Geometry, f.Properties.Note)
	}

	// A server with no alert service has no areas to draw, and says so
	// with an empty collection, not an error: the map still works.
	plain := newPagesEnv(t, Config{})
	st, body, _ = plain.client().get("/map/areas.json")
	if st != http.StatusOK || strings.TrimSpace(body) != `{"type":"FeatureCollection","features":[]}` {
		t.Errorf("without alerts: %d %s", st, body)
	}
}

// areaMapReady is true once the alerts page's map has drawn the country
// shapes and the watch areas.
const areaMapReady = `(() => { const m = document.getElementById("area-map");
  return !!m && Number(m.dataset.shapes) > 0 && m.dataset.areasDrawn !== undefined; })()`

// clickAt presses and releases the left mouse button at page pixel (x, y),
// as a user's click: Leaflet sees real mouse events.
func clickAt(t testing.TB, b *browser, x, y float64) {
	t.Helper()
	mouse := func(typ input.DispatchMouseEventType, buttons int64) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, tg, input.DispatchMouseEvent, input.DispatchMouseEventParams{
				Type: typ, X: x, Y: y, Button: input.MouseButtonLeft, Buttons: buttons, ClickCount: 1})
			return chromedp.Void{}, err
		}
	}
	b.do(t, mouse(input.DispatchMouseEventTypeMouseMoved, 0), mouse(input.DispatchMouseEventTypeMousePressed, 1),
		mouse(input.DispatchMouseEventTypeMouseReleased, 0))
}

// clickLatLon clicks the area map where it draws (lat, lon).
func clickLatLon(t testing.TB, b *browser, lat, lon float64) {
	t.Helper()
	xy := evalJS[[]float64](t, b, fmt.Sprintf(`(() => { const el = document.getElementById("area-map");
	  const p = el.bwMap.latLngToContainerPoint([%v, %v]); const r = el.getBoundingClientRect();
	  return [r.left + p.x, r.top + p.y]; })()`, lat, lon))
	clickAt(t, b, xy[0], xy[1])
}

// TestBrowserDrawWatchArea logs in as an analyst, sees the existing watch
// areas drawn on the alerts page's map, draws a triangle around Dushanbe
// by clicking the map (with a stray fourth click undone), saves it through
// the watch-area form and checks that the service has the area with those
// vertices, that it holds Dushanbe, and that the page lists and draws it.
func TestBrowserDrawWatchArea(t *testing.T) {
	site := newDemoSite(t)
	ctx := store.WithUser(context.Background(), "test")
	km, lat, lon := 40.0, 37.49, 71.55
	for _, a := range []watch.Area{
		{Name: "border-30", Kind: watch.AreaBorder, Border: "AFG-TJK", Km: 30},
		// Names are typed by users: the label shows this as text.
		{Name: `<img src=x onerror="window.__owned=1">`, Kind: watch.AreaRadius, Lat: &lat, Lon: &lon, Km: km},
	} {
		if err := site.Alerts.AddArea(ctx, "test", a); err != nil {
			t.Fatal(err)
		}
	}
	tok := site.addUser(t, "alice", store.RoleAnalyst)
	b := newBrowser(t, 1280, 800)
	b.loginPage(t, site, "alice", tok)
	b.open(t, site.URL+"/alerts")
	b.waitJS(t, areaMapReady)

	// The existing areas: the band as the border line labelled with its
	// width, the radius as a circle; names are text.
	if got := evalJS[int](t, b, `document.querySelectorAll("#area-map path.bw-area").length`); got != 2 {
		t.Errorf("watch areas drawn: %d, want 2 (the band and the radius)", got)
	}
	labels := evalJS[string](t, b, `[...document.querySelectorAll("#area-map .bw-area-label")].map(e => e.textContent).join(" | ")`)
	if !strings.Contains(labels, "border-30") || !strings.Contains(labels, "30 km") || !strings.Contains(labels, `<img src=x`) {
		t.Errorf("area labels %q: want border-30 with 30 km, and the radius's name as text", labels)
	}
	if got := evalJS[string](t, b, `String(window.__owned)`); got != "undefined" {
		t.Fatalf("an area name ran as markup: window.__owned = %s", got)
	}

	// Draw: three corners around Dushanbe (38.56 N, 68.77 E), a stray
	// fourth click, undone, then finish.
	corners := [][2]float64{{38.95, 68.25}, {38.95, 69.35}, {38.15, 68.8}}
	b.do(t, chromedp.Evaluate[chromedp.Void](`document.getElementById("area-map").scrollIntoView({block: "center"})`))
	for _, c := range corners {
		clickLatLon(t, b, c[0], c[1])
	}
	b.waitJS(t, `document.getElementById("area-map").dataset.points === "3"`)
	if !evalJS[bool](t, b, `document.querySelectorAll("#area-map path.bw-drawing").length > 0`) {
		t.Error("no outline is drawn while drawing")
	}
	clickLatLon(t, b, 37.0, 70.0)
	b.waitJS(t, `document.getElementById("area-map").dataset.points === "4"`)
	b.do(t, chromedp.Click(chromedp.ID("draw-undo")))
	b.waitJS(t, `document.getElementById("area-map").dataset.points === "3"`)
	if got := evalJS[string](t, b, `document.getElementById("a-geojson").value`); got != "" {
		t.Errorf("the GeoJSON field is filled before the polygon is finished: %q", got)
	}
	b.do(t, chromedp.Click(chromedp.ID("draw-finish")))
	b.waitJS(t, `document.getElementById("a-geojson").value !== ""`)
	if got := evalJS[string](t, b, `document.getElementById("a-kind").value`); got != "polygon" {
		t.Errorf("after finishing, the kind is %q, want polygon", got)
	}

	// Save it through the form, as a paste would be.
	b.do(t,
		chromedp.SetValue(chromedp.ID("a-name"), "Dushanbe triangle"),
		chromedp.Click(chromedp.CSS(`#area-form button[type=submit]`)),
	)
	b.waitNav(t, `location.pathname === "/alerts" && [...document.querySelectorAll("table.areas td")].some(td => td.textContent === "Dushanbe triangle")`)

	areas, err := site.Alerts.Areas(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got *watch.Area
	for i := range areas {
		if areas[i].Name == "Dushanbe triangle" {
			got = &areas[i]
		}
	}
	if got == nil {
		t.Fatalf("the service has no area \"Dushanbe triangle\": %+v", areas)
	}
	if got.Kind != watch.AreaPolygon {
		t.Errorf("kind %q, want polygon", got.Kind)
	}
	var poly struct {
		Type        string         `json:"type"`
		Coordinates [][][2]float64 `json:"coordinates"`
	}
	if err := json.Unmarshal(got.GeoJSON, &poly); err != nil {
		t.Fatalf("stored GeoJSON %s: %v", got.GeoJSON, err)
	}
	if poly.Type != "Polygon" || len(poly.Coordinates) != 1 || len(poly.Coordinates[0]) != 4 {
		t.Fatalf("stored %s; want a Polygon of one closed ring of 3 corners", got.GeoJSON)
	}
	ring := poly.Coordinates[0]
	if ring[0] != ring[3] {
		t.Errorf("the ring is not closed: %v", ring)
	}
	// RFC 7946: an exterior ring runs counterclockwise (positive area),
	// whichever way it was clicked.
	area2 := 0.0
	for i := range 3 {
		area2 += ring[i][0]*ring[i+1][1] - ring[i+1][0]*ring[i][1]
	}
	if area2 <= 0 {
		t.Errorf("the ring %v runs clockwise", ring)
	}
	// Each clicked corner is a vertex. A click lands on a pixel; at the
	// zoom the map opens at one is a few hundredths of a degree.
	for _, c := range corners {
		found := false
		for _, v := range ring[:3] {
			found = found || math.Abs(v[1]-c[0]) <= 0.06 && math.Abs(v[0]-c[1]) <= 0.06
		}
		if !found {
			t.Errorf("no vertex of %v is near the corner clicked at lat %v, lon %v", ring, c[0], c[1])
		}
	}
	a := *got
	if err := a.Prepare(nil); err != nil {
		t.Fatal(err)
	}
	dlat, dlon := 38.56, 68.77
	if !a.Contains(&borderwatch.Location{Lat: &dlat, Lon: &dlon, Precision: "city"}) {
		t.Error("the drawn triangle does not hold Dushanbe")
	}

	// The page draws the saved area with the others.
	b.waitJS(t, areaMapReady)
	if got := evalJS[int](t, b, `document.querySelectorAll("#area-map path.bw-area").length`); got != 3 {
		t.Errorf("after saving, watch areas drawn: %d, want 3", got)
	}
	b.checkNoErrors(t)
	b.mu.Lock()
	errsBefore := len(b.errors)
	b.mu.Unlock()

	// A refused form (the name is taken) comes back with the drawn
	// polygon in the field and on the map, finished: nothing is lost.
	b.do(t, chromedp.Evaluate[chromedp.Void](`document.getElementById("area-map").scrollIntoView({block: "center"})`))
	for _, c := range [][2]float64{{37.6, 69.0}, {37.6, 69.6}, {37.2, 69.3}} {
		clickLatLon(t, b, c[0], c[1])
	}
	b.waitJS(t, `document.getElementById("area-map").dataset.points === "3"`)
	b.do(t,
		chromedp.SetValue(chromedp.ID("a-name"), "Dushanbe triangle"),
		chromedp.Click(chromedp.CSS(`#area-form button[type=submit]`)), // finishes the drawing as it sends
	)
	b.waitNav(t, `!!document.getElementById("form-error") && document.getElementById("area-map")?.dataset.closed === "true"`)
	kept := evalJS[string](t, b, `document.getElementById("a-geojson").value`)
	if !strings.Contains(kept, `"Polygon"`) || evalJS[string](t, b, `document.getElementById("area-map").dataset.points`) != "3" {
		t.Errorf("after a refused form the field holds %q and the map %s corners; want the 3-corner polygon kept",
			kept, evalJS[string](t, b, `document.getElementById("area-map").dataset.points`))
	}
	if n, _ := site.Alerts.Areas(context.Background()); len(n) != 3 {
		t.Errorf("after a refused form the service has %d areas, want 3", len(n))
	}
	// The 409 itself is the one error the browser may log.
	b.mu.Lock()
	for _, e := range b.errors[errsBefore:] {
		if !strings.Contains(e, "status of 409") {
			t.Errorf("page error: %s", e)
		}
	}
	b.mu.Unlock()
	if out := os.Getenv("BORDERWATCH_DRAW_SCREENSHOT"); out != "" {
		screenshotDraw(t, b, out)
	}
	b.checkLocalOnly(t)

	// At phone width the map and its tools fit the screen.
	phone := newBrowser(t, 390, 800)
	phone.loginPage(t, site, "alice", tok)
	phone.open(t, site.URL+"/alerts")
	phone.waitJS(t, areaMapReady)
	if got := evalJS[int](t, phone, `document.documentElement.scrollWidth - window.innerWidth`); got > 0 {
		t.Errorf("at 390 px the alerts page is %d px wider than the screen", got)
	}
	if evalJS[bool](t, phone, `document.getElementById("draw-tools").hidden`) {
		t.Error("at 390 px the drawing tools are hidden")
	}
	phone.checkNoErrors(t)
}

// screenshotDraw draws a polygon in progress on the alerts page and saves
// the area map's section as a PNG at out (never in the repository).
func screenshotDraw(t *testing.T, b *browser, out string) {
	b.do(t, chromedp.Click(chromedp.ID("draw-clear")))
	for _, c := range [][2]float64{{37.3, 66.6}, {37.9, 67.8}, {37.1, 68.3}} {
		clickLatLon(t, b, c[0], c[1])
	}
	b.do(t, chromedp.Evaluate[chromedp.Void](`document.getElementById("areas").scrollIntoView()`))
	time.Sleep(300 * time.Millisecond)
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", out, len(png))
}
