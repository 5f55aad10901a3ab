package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"borderwatch/internal/geo"
)

// runPlaces looks names up in the offline gazetteer, or lists what it knows
// around a point:
//
//	borderwatch places "Sher Khan Bandar"
//	borderwatch places --near 37.2,68.9 --km 30
func runPlaces(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("places", flag.ContinueOnError)
	fs.SetOutput(stderr)
	near := fs.String("near", "", "list places around `LAT,LON` instead of looking a name up")
	km := fs.Float64("km", 25, "radius in km for --near")
	limit := fs.Int("limit", 10, "show at most `N` candidates or places")
	context := fs.String("context", "", "document `TEXT` whose countries and provinces steer the choice")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: borderwatch places [--context TEXT] [--limit N] NAME...")
		fmt.Fprintln(stderr, "       borderwatch places --near LAT,LON [--km KM] [--limit N]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	name := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if (name == "") == (*near == "") {
		fs.Usage()
		return 2
	}
	if *limit < 1 || math.IsNaN(*km) || *km <= 0 || *km > 2000 {
		fmt.Fprintln(stderr, "borderwatch places: --limit must be >= 1 and --km in (0, 2000]")
		return 2
	}
	var lat, lon float64
	if *near != "" {
		var err error
		if lat, lon, err = parseLatLon(*near); err != nil {
			fmt.Fprintf(stderr, "borderwatch places: --near %q: %v\n", *near, err)
			return 2
		}
	}
	g, err := geo.Load()
	if err != nil {
		fmt.Fprintf(stderr, "borderwatch places: %v\n", err)
		return 1
	}
	if *near != "" {
		return placesNear(g, lat, lon, *km, *limit, stdout)
	}
	var dc *geo.DocContext
	if *context != "" {
		dc = g.NewDocContext(*context)
	}
	cands := g.Lookup(name, dc)
	if len(cands) == 0 {
		fmt.Fprintf(stdout, "no place named %q in the gazetteer\n", name)
		if s := g.Suggest(name, 5); len(s) > 0 {
			fmt.Fprintf(stdout, "closest names: %s\n", strings.Join(s, ", "))
		}
		return 1
	}
	for i, c := range cands {
		if i == *limit {
			fmt.Fprintf(stdout, "... %d more\n", len(cands)-i)
			break
		}
		printPlace(stdout, g, i+1, &c.Place)
		fmt.Fprintf(stdout, "   score %.1f: %s\n", c.Score, c.Why)
	}
	return 0
}

func placesNear(g *geo.Gazetteer, lat, lon, km float64, limit int, stdout io.Writer) int {
	country := g.CountryAt(lat, lon)
	if country == "" {
		country = "no country (sea)"
	}
	border, bkm := g.NearestBorder(lat, lon)
	fmt.Fprintf(stdout, "%.4f, %.4f: %s; nearest border %s at %.1f km\n", lat, lon, country, border, bkm)
	places := g.Near(lat, lon, km)
	if len(places) == 0 {
		fmt.Fprintf(stdout, "no places within %g km\n", km)
		return 0
	}
	for i := range places {
		if i == limit {
			fmt.Fprintf(stdout, "... %d more within %g km\n", len(places)-i, km)
			break
		}
		p := &places[i]
		fmt.Fprintf(stdout, "%6.1f km  ", geo.DistanceKm(lat, lon, p.Lat, p.Lon))
		printPlace(stdout, g, 0, p)
	}
	return 0
}

func printPlace(w io.Writer, g *geo.Gazetteer, n int, p *geo.Place) {
	if n > 0 {
		fmt.Fprintf(w, "%d. ", n)
	}
	where := []string{p.Country}
	for _, a := range []string{p.Admin1, p.Admin2} {
		if a != "" {
			where = append(where, a)
		}
	}
	fmt.Fprintf(w, "%s  [%s, %s]  %s  %.4f, %.4f", p.Name, p.Precision(), p.Feature, strings.Join(where, " / "), p.Lat, p.Lon)
	if p.Population > 0 {
		fmt.Fprintf(w, "  pop %d", p.Population)
	}
	if p.ID != 0 {
		fmt.Fprintf(w, "  geonameid %d", p.ID)
	}
	if p.Feature != geo.FeatureCountry {
		if b, km := g.NearestBorder(p.Lat, p.Lon); b != "" {
			fmt.Fprintf(w, "  border %s %.1f km", b, km)
		}
	}
	src := p.Source
	if src == "geonames" && p.ID != 0 {
		src = "geonames:" + strconv.FormatInt(p.ID, 10)
	}
	fmt.Fprintf(w, "\n   source: %s\n", src)
}

// parseLatLon reads "37.2,68.9".
func parseLatLon(s string) (lat, lon float64, err error) {
	a, b, ok := strings.Cut(s, ",")
	if !ok {
		return 0, 0, fmt.Errorf("want LAT,LON")
	}
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	lon, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	if err1 != nil || err2 != nil || math.IsNaN(lat) || math.IsNaN(lon) || math.Abs(lat) > 90 || math.Abs(lon) > 180 {
		return 0, 0, fmt.Errorf("want LAT,LON in degrees (-90..90, -180..180)")
	}
	return lat, lon, nil
}
