package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"borderwatch"
	"borderwatch/internal/store/storetest"
)

// The million-event benchmarks build their database once (a SQLite file
// cached in the temporary directory, a PostgreSQL schema dropped after the
// run). They run only under -bench, never in go test ./...:
//
//	go test -run '^$' -bench 'Million' -benchtime 1000x ./internal/store/

const (
	millionEvents = 1_000_000
	benchSeed     = 20210705
)

// tajikAfghanBorder is a rough polyline of the border, west to east.
var tajikAfghanBorder = [][2]float64{ // lat, lon
	{37.23, 67.78}, {37.10, 68.30}, {37.18, 68.90}, {37.24, 69.10}, {37.55, 69.40}, {37.95, 70.20},
	{38.35, 70.75}, {37.90, 71.30}, {37.50, 71.55}, {36.95, 71.60}, {36.70, 71.80}, {37.00, 72.60},
	{37.05, 73.50}, {37.25, 74.30}, {37.10, 74.90},
}

const earthKm = 6371.0

// destination moves from (lat, lon) by km along bearing (radians).
func destination(lat, lon, km, bearing float64) (float64, float64) {
	φ1, λ1, δ := lat*math.Pi/180, lon*math.Pi/180, km/earthKm
	φ2 := math.Asin(math.Sin(φ1)*math.Cos(δ) + math.Cos(φ1)*math.Sin(δ)*math.Cos(bearing))
	λ2 := λ1 + math.Atan2(math.Sin(bearing)*math.Sin(δ)*math.Cos(φ1), math.Cos(δ)-math.Sin(φ1)*math.Sin(φ2))
	return φ2 * 180 / math.Pi, λ2 * 180 / math.Pi
}

func haversine(lat1, lon1, lat2, lon2 float64) float64 {
	φ1, φ2 := lat1*math.Pi/180, lat2*math.Pi/180
	dφ, dλ := φ2-φ1, (lon2-lon1)*math.Pi/180
	a := math.Sin(dφ/2)*math.Sin(dφ/2) + math.Cos(φ1)*math.Cos(φ2)*math.Sin(dλ/2)*math.Sin(dλ/2)
	return 2 * earthKm * math.Asin(math.Sqrt(a))
}

func borderKm(lat, lon float64) float64 {
	best := math.MaxFloat64
	for _, p := range tajikAfghanBorder {
		best = min(best, haversine(lat, lon, p[0], p[1]))
	}
	return best
}

// benchTail is the size of the rare-word vocabulary.
const benchTail = 20000

var benchZipf *rand.Zipf

// tailWord is the rank-th word of the rare vocabulary ("qa", "qb", ...).
func tailWord(rank uint64) string {
	b := []byte{'q'}
	for {
		b = append(b, byte('a'+rank%26))
		rank /= 26
		if rank == 0 {
			return string(b)
		}
	}
}

var (
	benchCountries = []string{"AFG", "TJK", "UZB", "RUS", "USA", "TUR", "CHN", "PAK", "IRN", "KGZ"}
	benchSectors   = []string{"MIL", "GOV", "REB", "CVL", "COP", "REF"}
	benchWords     = []string{"soldiers", "crossed", "river", "border", "guards", "fighters", "district", "captured",
		"reservists", "troops", "refugees", "shelling", "talks", "minister", "convoy", "checkpoint", "bridge", "village"}
	benchStart = time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC)
)

// generateEvent is the i-th event of the seeded benchmark set: 60% within
// 500 km of the Tajik-Afghan border, the rest anywhere in a wide box around
// it, over 120 days, all 16 types.
func generateEvent(r *rand.Rand, i int) borderwatch.Event {
	if benchZipf == nil || i == 0 {
		benchZipf = rand.NewZipf(rand.New(rand.NewPCG(benchSeed, 2)), 1.1, 1, benchTail-1)
	}
	var lat, lon float64
	if r.Float64() < 0.6 {
		p := tajikAfghanBorder[r.IntN(len(tajikAfghanBorder))]
		lat, lon = destination(p[0], p[1], 500*math.Sqrt(r.Float64()), r.Float64()*2*math.Pi)
	} else {
		lat, lon = 20+r.Float64()*40, 30+r.Float64()*80
	}
	date := benchStart.AddDate(0, 0, r.IntN(120)).Format("2006-01-02")
	bkm := math.Round(borderKm(lat, lon)*10) / 10
	// Half the words from a small set of very common ones, half from a
	// long Zipf-distributed tail, as in real text.
	words := make([]string, 8)
	for j := range words {
		if j%2 == 0 {
			words[j] = benchWords[r.IntN(len(benchWords))]
		} else {
			words[j] = tailWord(benchZipf.Uint64())
		}
	}
	ac := benchCountries[r.IntN(len(benchCountries))]
	rc := benchCountries[r.IntN(len(benchCountries))]
	modality := borderwatch.Asserted
	if r.IntN(10) == 0 {
		modality = borderwatch.Future
	}
	sentence := strings.Join(words, " ") + "."
	return borderwatch.Event{
		ID: fmt.Sprintf("e-%012x", i), DocID: fmt.Sprintf("bench-%06d", i/10), Event: borderwatch.Types[i%16],
		Mode: []string{}, Context: []string{"military"},
		Actor:     []borderwatch.Entity{{Name: ac, Country: ac, Sector: benchSectors[r.IntN(len(benchSectors))]}},
		Recipient: []borderwatch.Entity{{Name: rc, Country: rc, Sector: benchSectors[r.IntN(len(benchSectors))]}},
		Date:      &date, DatePrecision: "day",
		EventLoc: &borderwatch.Location{Name: "generated", Lat: &lat, Lon: &lon, Country: ac, Precision: "city",
			Border: ptr("AFG-TJK"), BorderKm: &bkm},
		Modality: modality, Attribution: []borderwatch.Attribution{}, Trigger: words[1],
		TextInfo:   borderwatch.TextInfo{Start: 0, End: len(sentence), Text: sentence},
		Confidence: 0.5 + r.Float64()/2, Coder: "bench",
	}
}

// bulkLoadEvents writes n generated events straight into the events table,
// many rows per statement; versions and changes are not needed to measure
// queries.
func (db *DB) bulkLoadEvents(ctx context.Context, n int) error {
	r := rand.New(rand.NewPCG(benchSeed, 1))
	const perStmt = 500
	const cols = 19
	row := "(" + placeholders(cols) + ")"
	for start := 0; start < n; {
		err := db.inTx(ctx, func(t *tx) error {
			for batchEnd := min(start+50_000, n); start < batchEnd; {
				k := min(perStmt, batchEnd-start)
				args := make([]any, 0, k*cols)
				for i := start; i < start+k; i++ {
					ev := generateEvent(r, i)
					rec, _ := json.Marshal(ev)
					l := ev.EventLoc
					args = append(args, ev.ID, ev.DocID, ev.Event, ev.Date, ev.EndDate, l.Lat, l.Lon, l.Border, l.BorderKm, ev.Modality,
						countryList(ev.Actor), countryList(ev.Recipient), ev.Confidence, searchText(ev), string(rec), 1, ReasonExtract, t.now, "bench")
				}
				q := `INSERT INTO events(id, doc_id, event, date, enddate, lat, lon, border, border_km, modality,
					actor_countries, recipient_countries, confidence, search_text, record, version, reason, updated_at, updated_by) VALUES ` +
					strings.TrimSuffix(strings.Repeat(row+",", k), ",")
				if _, err := t.exec(q, args...); err != nil {
					return err
				}
				start += k
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	// PostgreSQL answers from an index alone only for pages the visibility
	// map marks all-visible, which VACUUM does.
	q := "ANALYZE"
	if db.d.name == "postgres" {
		q = "VACUUM ANALYZE"
	}
	_, err := db.exec(ctx, q)
	return err
}

var (
	millionMu  sync.Mutex
	millionDBs = map[string]*DB{}
)

// millionDB opens (building on first use) the million-event database of a
// backend, shared by the benchmarks of one run.
func millionDB(b *testing.B, backend string) *DB {
	millionMu.Lock()
	defer millionMu.Unlock()
	if db := millionDBs[backend]; db != nil {
		return db
	}
	ctx := context.Background()
	var dsn string
	switch backend {
	case "sqlite":
		dsn = filepath.Join(os.TempDir(), fmt.Sprintf("borderwatch-bench-%d-%d-v2.db", millionEvents, benchSeed))
	case "postgres":
		dsn = benchPGSchema(b)
	}
	db, err := Open(ctx, dsn, Options{Extractor: storetest.Extractor(b)})
	if err != nil {
		b.Fatal(err)
	}
	var n int
	db.queryRow(ctx, `SELECT COUNT(*) FROM events`).Scan(&n)
	if n != millionEvents {
		if n != 0 {
			b.Fatalf("%s holds %d events; remove it", dsn, n)
		}
		start := time.Now()
		if err := db.bulkLoadEvents(ctx, millionEvents); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: generated %d events in %v", backend, millionEvents, time.Since(start).Round(time.Second))
	}
	millionDBs[backend] = db
	return db
}

// benchSchema holds the PostgreSQL million events for one run of the
// benchmarks; TestMain drops it at the end.
const benchSchema = "bw_bench_million"

var benchSchemaUsed bool

func benchPGSchema(b *testing.B) string {
	admin, err := sql.Open("pgx", storetest.PGDSN())
	if err != nil {
		b.Skip(err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		b.Skipf("PostgreSQL not reachable: %v", err)
	}
	if _, err := admin.Exec("CREATE SCHEMA IF NOT EXISTS " + benchSchema); err != nil {
		b.Fatal(err)
	}
	benchSchemaUsed = true
	dsn := storetest.PGDSN()
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + benchSchema
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchSchemaUsed {
		for _, db := range millionDBs {
			db.Close()
		}
		if admin, err := sql.Open("pgx", storetest.PGDSN()); err == nil {
			if _, err := admin.Exec("DROP SCHEMA " + benchSchema + " CASCADE"); err != nil {
				fmt.Fprintln(os.Stderr, "drop benchmark schema:", err)
			}
			admin.Close()
		}
	}
	os.Exit(code)
}

// regionBox is "this region": the Tajik-Afghan border and 200 km around it.
var regionBox = [4]float64{65.5, 35.0, 76.5, 40.5}

// benchLatencies runs query b.N times and reports the 50th and 99th
// percentile latency.
func benchLatencies(b *testing.B, query func(r *rand.Rand) (int, error)) {
	r := rand.New(rand.NewPCG(7, 7))
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if _, err := query(r); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

func randomWeek(r *rand.Rand) (string, string) {
	d := benchStart.AddDate(0, 0, r.IntN(114))
	return d.Format("2006-01-02"), d.AddDate(0, 0, 6).Format("2006-01-02")
}

// BenchmarkMillionRegionWeek is the acceptance query: this region, these 7
// days, these two types, newest 100, with the total count.
func BenchmarkMillionRegionWeek(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			db := millionDB(b, backend)
			benchLatencies(b, func(r *rand.Rand) (int, error) {
				since, until := randomWeek(r)
				i := r.IntN(16)
				page, err := db.Events(context.Background(), EventFilter{Since: since, Until: until, BBox: &regionBox,
					Types: []string{borderwatch.Types[i], borderwatch.Types[(i+5)%16]}, Limit: 100})
				if err == nil && (len(page.Events) == 0 || page.Total < len(page.Events)) {
					err = fmt.Errorf("query found %d events of %d", len(page.Events), page.Total)
				}
				return page.Total, err
			})
		})
	}
}

// BenchmarkMillionFullText: a two-word text query over a week, newest 100
// with the total.
func BenchmarkMillionFullText(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			db := millionDB(b, backend)
			benchLatencies(b, func(r *rand.Rand) (int, error) {
				since, until := randomWeek(r)
				// One common and one middling word: a term analysts would type.
				q := benchWords[r.IntN(len(benchWords))] + " " + tailWord(uint64(20+r.IntN(200)))
				page, err := db.Events(context.Background(), EventFilter{Since: since, Until: until, Query: q, Limit: 100})
				return page.Total, err
			})
		})
	}
}

// BenchmarkMillionMapLayer: the 10,000 newest located events of a month in
// the region, as the map layer asks for them.
func BenchmarkMillionMapLayer(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			db := millionDB(b, backend)
			benchLatencies(b, func(r *rand.Rand) (int, error) {
				d := benchStart.AddDate(0, 0, r.IntN(90))
				points, _, err := db.MapPoints(context.Background(), EventFilter{Since: d.Format("2006-01-02"), Until: d.AddDate(0, 0, 29).Format("2006-01-02"),
					BBox: &regionBox, Limit: MaxLimit, NoCount: true})
				if err == nil && len(points) != MaxLimit {
					err = fmt.Errorf("map layer got %d points", len(points))
				}
				return len(points), err
			})
		})
	}
}

// BenchmarkMillionOpen is what `serve` does before it listens: open the
// database (migrations checked) and read the counts it prints.
func BenchmarkMillionOpen(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			dsn := ""
			if backend == "sqlite" {
				millionDB(b, backend)
				dsn = filepath.Join(os.TempDir(), fmt.Sprintf("borderwatch-bench-%d-%d-v2.db", millionEvents, benchSeed))
			} else {
				b.Skip("measured on SQLite; PostgreSQL opens a pool, no file")
			}
			benchLatencies(b, func(r *rand.Rand) (int, error) {
				db, err := Open(context.Background(), dsn, Options{})
				if err != nil {
					return 0, err
				}
				defer db.Close()
				s, err := db.Stats(context.Background())
				return s.Events, err
			})
		})
	}
}

// TestGeneratorShape checks the seeded generator on a sample: about 60%
// within 500 km of the border, 120 days, all 16 types.
func TestGeneratorShape(t *testing.T) {
	r := rand.New(rand.NewPCG(benchSeed, 1))
	near, types, days := 0, map[string]bool{}, map[string]bool{}
	const n = 20000
	for i := range n {
		ev := generateEvent(r, i)
		if *ev.EventLoc.BorderKm <= 500 {
			near++
		}
		types[ev.Event] = true
		days[*ev.Date] = true
	}
	if f := float64(near) / n; f < 0.6 || f > 0.7 {
		t.Errorf("%.2f within 500 km, want about 0.6 (a few of the rest fall near too)", f)
	}
	if len(types) != 16 || len(days) != 120 {
		t.Errorf("%d types, %d days", len(types), len(days))
	}
}
