package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"borderwatch/internal/incident"
)

// runControl is `borderwatch control --region NAME --at DATE`: who held
// which place of a region as of a date, on whose word.
func runControl(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("control", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbFlag := dbFlagOf(fs)
	region := fs.String("region", "", "place, province, district, country code or border code; empty for all")
	at := fs.String("at", "", "the date (YYYY-MM-DD); default today")
	format := fs.String("format", "table", "table, csv or geojson")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: borderwatch control [--db DB] --region NAME --at DATE [--format table|csv|geojson]")
		fs.PrintDefaults()
	}
	if status, ok := parseNoArgs(fs, args); !ok {
		return status
	}
	day, err := parseDay("at", *at)
	if err == nil && *format != "table" && *format != "csv" && *format != "geojson" {
		err = fmt.Errorf("--format: %q is not table, csv or geojson", *format)
	}
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch control:", err)
		return 2
	}
	if day.IsZero() {
		day = time.Now().UTC().Truncate(24 * time.Hour)
	}
	ctx, cancel := signalContext()
	defer cancel()
	db, svc, err := openIncidents(ctx, *dbFlag, stderr, false)
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch control:", err)
		return 1
	}
	defer db.Close()
	cs := svc.ControlAsOf(*region, day)
	switch *format {
	case "csv":
		err = incident.WriteControlCSV(stdout, cs)
	case "geojson":
		var b []byte
		if b, err = incident.ControlGeoJSON(cs); err == nil {
			_, err = fmt.Fprintf(stdout, "%s\n", b)
		}
	default:
		err = writeControlTable(stdout, cs, day)
	}
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch control:", err)
		return 1
	}
	return 0
}

func writeControlTable(w io.Writer, cs []incident.Control, day time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PLACE\tCONTROLLER\tHOW\tSINCE\tDISPUTED\tSOURCES\tINCIDENT")
	for _, c := range cs {
		controller := c.Controller
		if controller == "" && c.LostBy != "" {
			controller = "(left by " + c.LostBy + ")"
		}
		disputed := ""
		if c.Disputed {
			disputed = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Place, controller, c.How, c.Since, disputed, strings.Join(c.Sources, "; "), c.Incident)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d places as of %s\n", len(cs), day.Format("2006-01-02"))
	return err
}
