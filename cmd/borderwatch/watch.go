package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"borderwatch/internal/service"
	"borderwatch/internal/store"
	"borderwatch/internal/watch"
)

// openAlerts opens the store and the alert service over it without
// sending anything (the server sends), and without incidents unless asked
// (only replays need them).
func openAlerts(ctx context.Context, dsn string, withIncidents bool, stderr io.Writer) (*store.DB, *service.Alerts, error) {
	var db *store.DB
	var inc *service.Incidents
	var err error
	if withIncidents {
		db, inc, err = openIncidents(ctx, dsn, stderr, false)
	} else {
		db, err = store.Open(ctx, dsn, store.Options{})
	}
	if err != nil {
		return nil, nil, err
	}
	a, err := service.OpenAlerts(ctx, db, service.AlertsOptions{Incidents: inc, Offline: true})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, a, nil
}

// runWatch is `borderwatch watch add NAME (--border AFG-TJK --km 30 |
// --admin1 X --country AFG | --geojson FILE | --near PLACE --km N) | list`.
func runWatch(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("watch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbFlag := dbFlagOf(fs)
	border := fs.String("border", "", "a band either side of this border (ISO3 pair, e.g. AFG-TJK); needs --km")
	km := fs.Float64("km", 0, "half-width of a border band, or radius around --near")
	country := fs.String("country", "", "an admin area: this country (ISO3), alone or with --admin1")
	admin1 := fs.String("admin1", "", "an admin area: this province of --country")
	admin2 := fs.String("admin2", "", "an admin area: this district of --admin1")
	geojson := fs.String("geojson", "", "a polygon area from this GeoJSON file (Polygon, MultiPolygon, Feature or FeatureCollection)")
	near := fs.String("near", "", "a radius of --km around this place (gazetteer name) or LAT,LON")
	user := fs.String("user", "local", "who adds the area")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: borderwatch watch add NAME (--border AFG-TJK --km 30 | --admin1 NAME --country AFG | --geojson FILE | --near PLACE --km N) | list  [--db DB]")
		fs.PrintDefaults()
	}
	pos, status, ok := parseInterleaved(fs, args)
	if !ok {
		return status
	}
	if len(pos) == 0 || (pos[0] == "list" && len(pos) != 1) || (pos[0] == "add" && len(pos) != 2) {
		fs.Usage()
		return 2
	}
	var area watch.Area
	if pos[0] == "add" {
		var err error
		if area, err = areaFromFlags(pos[1], *border, *km, *country, *admin1, *admin2, *geojson, *near); err != nil {
			fmt.Fprintln(stderr, "borderwatch watch:", err)
			return 2
		}
	} else if pos[0] != "list" {
		fmt.Fprintf(stderr, "borderwatch watch: unknown subcommand %q\n", pos[0])
		fs.Usage()
		return 2
	}
	ctx, cancel := signalContext()
	defer cancel()
	db, alerts, err := openAlerts(ctx, *dbFlag, false, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch watch:", err)
		return 1
	}
	defer db.Close()
	defer alerts.Close(ctx)
	switch pos[0] {
	case "add":
		if err := alerts.AddArea(ctx, *user, area); err != nil {
			fmt.Fprintln(stderr, "borderwatch watch:", err)
			return 1
		}
		fmt.Fprintf(stdout, "watch area %s added: %s\n", area.Name, describeArea(area))
	case "list":
		areas, err := alerts.Areas(ctx)
		if err != nil {
			fmt.Fprintln(stderr, "borderwatch watch:", err)
			return 1
		}
		for _, a := range areas {
			fmt.Fprintf(stdout, "%-20s %s\n", a.Name, describeArea(a))
		}
	}
	return 0
}

// areaFromFlags builds the one kind of area the flags describe.
func areaFromFlags(name, border string, km float64, country, admin1, admin2, geojsonFile, near string) (watch.Area, error) {
	a := watch.Area{Name: name}
	kinds := 0
	for _, set := range []bool{border != "", country != "" || admin1 != "" || admin2 != "", geojsonFile != "", near != ""} {
		if set {
			kinds++
		}
	}
	if kinds != 1 {
		return a, fmt.Errorf("give exactly one of --border, --country/--admin1, --geojson, --near")
	}
	switch {
	case border != "":
		a.Kind, a.Border, a.Km = watch.AreaBorder, border, km
	case geojsonFile != "":
		b, err := os.ReadFile(geojsonFile)
		if err != nil {
			return a, err
		}
		if !json.Valid(b) {
			return a, fmt.Errorf("%s is not JSON", geojsonFile)
		}
		a.Kind, a.GeoJSON = watch.AreaPolygon, b
	case near != "":
		a.Kind, a.Km = watch.AreaRadius, km
		var lat, lon float64
		if _, err := fmt.Sscanf(near, "%g,%g", &lat, &lon); err == nil && strings.Count(near, ",") == 1 {
			a.Lat, a.Lon = &lat, &lon
		} else {
			a.Place = near
		}
	default:
		if country == "" {
			return a, fmt.Errorf("--admin1 needs --country")
		}
		a.Kind, a.Country, a.Admin1, a.Admin2 = watch.AreaAdmin, country, admin1, admin2
	}
	return a, nil
}

func describeArea(a watch.Area) string {
	switch a.Kind {
	case watch.AreaBorder:
		return fmt.Sprintf("%g km either side of the %s border", a.Km, strings.ToUpper(a.Border))
	case watch.AreaAdmin:
		parts := []string{a.Country}
		for _, p := range []string{a.Admin1, a.Admin2} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		return "admin region " + strings.Join(parts, " / ")
	case watch.AreaRadius:
		where := a.Place
		if a.Lat != nil && a.Lon != nil {
			where = strings.TrimSpace(fmt.Sprintf("%s (%.4f,%.4f)", a.Place, *a.Lat, *a.Lon))
		}
		return fmt.Sprintf("%g km around %s", a.Km, where)
	case watch.AreaPolygon:
		return fmt.Sprintf("polygon (%d bytes of GeoJSON)", len(a.GeoJSON))
	}
	return string(a.Kind)
}
