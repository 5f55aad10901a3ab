package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"borderwatch/internal/actor"
	"borderwatch/internal/incident"
	"borderwatch/internal/service"
	"borderwatch/internal/store"
)

// openIncidents opens the store and the incident service over it, catching
// up on documents stored since the incidents were last saved. Grouping needs
// no extractor, so none is loaded. To decide (merge, split, grade) it
// refuses while a server owns the database: the server's next save would
// overwrite the decision.
func openIncidents(ctx context.Context, dsn string, stderr io.Writer, decide bool) (*store.DB, *service.Incidents, error) {
	db, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		return nil, nil, err
	}
	if decide {
		l, live, err := db.LiveLease(ctx, serverLease)
		if err == nil && live {
			err = fmt.Errorf("a server is running on this database (%s): make this decision in its pages or through its API "+
				"(POST /api/v1/incidents/{id}/merge or /split, /api/v1/sources/grade, /api/v1/events/{id}/credibility), or stop it first", l.Holder)
		}
		if err != nil {
			db.Close()
			return nil, nil, err
		}
	}
	dict, err := actor.Load()
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	svc, rep, err := service.Open(ctx, db, incident.Options{Dict: dict})
	if svc == nil {
		db.Close()
		return nil, nil, err
	}
	if err != nil {
		// Refused documents are reported, not fatal: the rest are grouped.
		fmt.Fprintln(stderr, "borderwatch: grouping:", err)
	}
	if rep.Added > 0 {
		fmt.Fprintf(stderr, "grouped %d new documents (%d new incidents)\n", rep.Added, rep.Created)
	}
	return db, svc, nil
}

// parseDay reads a YYYY-MM-DD flag value; "" is the zero time.
func parseDay(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--%s: %q is not a YYYY-MM-DD date", name, s)
	}
	return t, nil
}

// runIncidents is `borderwatch incidents`: the incidents grouped from the
// stored reports, or, with merge or split, an analyst's decision.
func runIncidents(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "merge" || args[0] == "split") {
		return runIncidentDecision(args[0], args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("incidents", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbFlag := dbFlagOf(fs)
	since := fs.String("since", "", "incidents ending on or after this date (YYYY-MM-DD)")
	until := fs.String("until", "", "incidents starting on or before this date (YYYY-MM-DD)")
	near := fs.String("near", "", `a border ("Tajik-Afghan border") or a point LAT,LON`)
	km := fs.Float64("km", 50, "with --near: the largest distance in km")
	typ := fs.String("type", "", "PLOVER event type")
	minSources := fs.Int("min-sources", 0, "least number of independent sources")
	format := fs.String("format", "table", "table, json or geojson")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: borderwatch incidents [--db DB] [--since DATE] [--near "Tajik-Afghan border"|LAT,LON] [--km N] [--format table|json|geojson]`)
		fmt.Fprintln(stderr, "       borderwatch incidents merge INTO FROM... --user NAME")
		fmt.Fprintln(stderr, "       borderwatch incidents split ID EVENTID... --user NAME")
		fs.PrintDefaults()
	}
	if status, ok := parseNoArgs(fs, args); !ok {
		return status
	}
	q, err := incidentQuery(*since, *until, *near, *km, *typ, *minSources)
	if err == nil && *format != "table" && *format != "json" && *format != "geojson" {
		err = fmt.Errorf("--format: %q is not table, json or geojson", *format)
	}
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch incidents:", err)
		return 2
	}
	ctx, cancel := signalContext()
	defer cancel()
	db, svc, err := openIncidents(ctx, *dbFlag, stderr, false)
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch incidents:", err)
		return 1
	}
	defer db.Close()
	incs := svc.List(q)
	switch *format {
	case "json":
		err = incident.WriteIncidentsJSON(stdout, incs)
	case "geojson":
		var b []byte
		if b, err = service.IncidentsGeoJSON(incs); err == nil {
			_, err = fmt.Fprintf(stdout, "%s\n", b)
		}
	default:
		err = writeIncidentTable(stdout, incs)
	}
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch incidents:", err)
		return 1
	}
	return 0
}

// incidentQuery checks and combines the incident filters the CLI takes.
func incidentQuery(since, until, near string, km float64, typ string, minSources int) (service.Query, error) {
	q, err := service.ParseNear(near)
	if err != nil {
		return q, err
	}
	if near != "" {
		if km <= 0 {
			return q, fmt.Errorf("--km: must be positive with --near")
		}
		q.Km = km
	}
	if q.Since, err = parseDay("since", since); err != nil {
		return q, err
	}
	if q.Until, err = parseDay("until", until); err != nil {
		return q, err
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && q.Since.After(q.Until) {
		return q, fmt.Errorf("--since %s is after --until %s", since, until)
	}
	if minSources < 0 {
		return q, fmt.Errorf("--min-sources: must not be negative")
	}
	q.Event, q.MinSources = strings.ToUpper(typ), minSources
	return q, nil
}

func writeIncidentTable(w io.Writer, incs []incident.Incident) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEVENT\tMODALITY\tDATES\tPLACE\tSOURCES\tDOCS\tDISAGREE\tACTORS")
	for _, inc := range incs {
		dates := inc.Start
		if inc.End != "" && inc.End != inc.Start {
			dates += ".." + inc.End
		}
		place := ""
		if inc.Place != nil {
			place = inc.Place.Name
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\n", inc.ID, inc.Event, inc.Modality, dates, place,
			inc.Independent, inc.Documents, service.Disagreeing(inc), strings.Join(inc.Actors, ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d incidents\n", len(incs))
	return err
}

// runIncidentDecision is `borderwatch incidents merge|split`.
func runIncidentDecision(kind string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("incidents "+kind, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbFlag := dbFlagOf(fs)
	user := fs.String("user", "", "the analyst who decides (recorded with the decision)")
	fs.Usage = func() {
		if kind == "merge" {
			fmt.Fprintln(stderr, "usage: borderwatch incidents merge INTO FROM... --user NAME [--db DB]")
		} else {
			fmt.Fprintln(stderr, "usage: borderwatch incidents split ID EVENTID... --user NAME [--db DB]")
		}
		fs.PrintDefaults()
	}
	ids, status, ok := parseInterleaved(fs, args) // flags may follow the words
	if !ok {
		return status
	}
	if len(ids) < 2 || strings.TrimSpace(*user) == "" {
		fs.Usage()
		return 2
	}
	ctx, cancel := signalContext()
	defer cancel()
	db, svc, err := openIncidents(ctx, *dbFlag, stderr, true)
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch incidents "+kind+":", err)
		return 1
	}
	defer db.Close()
	var inc incident.Incident
	if kind == "merge" {
		inc, err = svc.Merge(ctx, ids[0], ids[1:], *user)
	} else {
		inc, err = svc.Split(ctx, ids[0], ids[1:], *user)
	}
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch incidents "+kind+":", err)
		return 1
	}
	if kind == "merge" {
		fmt.Fprintf(stdout, "merged %s into %s (%d events) as %s\n", strings.Join(ids[1:], ", "), inc.ID, len(inc.Members), *user)
	} else {
		fmt.Fprintf(stdout, "split %d events of %s into %s as %s\n", len(inc.Members), ids[0], inc.ID, *user)
	}
	return 0
}
