package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"borderwatch/internal/export"
	"borderwatch/internal/store"
)

// runExport is `borderwatch export --format plover|acled|geojson|csv`: the
// stored events matching the filters, to stdout.
func runExport(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbFlag := dbFlagOf(fs)
	format := fs.String("format", "plover", "plover (asserted events, JSONL), acled (CSV), geojson or csv")
	var f store.EventFilter
	fs.StringVar(&f.Since, "since", "", "events on or after this date (YYYY-MM-DD)")
	fs.StringVar(&f.Until, "until", "", "events on or before this date (YYYY-MM-DD)")
	types := fs.String("types", "", "comma-separated PLOVER types")
	fs.StringVar(&f.ActorCountry, "actor-country", "", "ISO3 code of an actor")
	fs.StringVar(&f.Query, "q", "", "full-text query")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: borderwatch export [--db DB] --format plover|acled|geojson|csv [--since DATE] [--until DATE] [--types A,B] > out")
		fs.PrintDefaults()
	}
	if status, ok := parseNoArgs(fs, args); !ok {
		return status
	}
	if *types != "" {
		for _, t := range strings.Split(*types, ",") {
			f.Types = append(f.Types, strings.ToUpper(strings.TrimSpace(t)))
		}
	}
	f.ActorCountry = strings.ToUpper(f.ActorCountry)
	if err := f.Validate(); err != nil {
		fmt.Fprintln(stderr, "borderwatch export:", err)
		return 2
	}
	w, err := export.NewWriter(*format, stdout)
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch export:", err)
		return 2
	}
	ctx, cancel := signalContext()
	defer cancel()
	db, err := store.Open(ctx, *dbFlag, store.Options{})
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch export:", err)
		return 1
	}
	defer db.Close()
	err = db.EachEvent(ctx, f, func(e store.StoredEvent) error {
		return w.Write(export.Record{Event: e.Event, Source: e.Source, URL: e.URL, UpdatedAt: e.UpdatedAt})
	})
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch export:", err)
		return 1
	}
	fmt.Fprintf(stderr, "%d events exported", w.Written())
	if w.Skipped() > 0 {
		fmt.Fprintf(stderr, " (%d not asserted, left out of the PLOVER export)", w.Skipped())
	}
	fmt.Fprintln(stderr)
	return 0
}
