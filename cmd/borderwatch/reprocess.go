package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"borderwatch/internal/actor"
	"borderwatch/internal/incident"
	"borderwatch/internal/service"
	"borderwatch/internal/store"
)

// runReprocess is `borderwatch reprocess`: it re-extracts every stored
// document with the current rules and prints how many events were added,
// removed and changed. Reviewed events are left as the reviewer left them.
func runReprocess(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("reprocess", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbFlag := dbFlagOf(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: borderwatch reprocess [--db DB]")
		fs.PrintDefaults()
	}
	if status, ok := parseNoArgs(fs, args); !ok {
		return status
	}
	ctx, cancel := signalContext()
	defer cancel()
	db, err := openStore(ctx, *dbFlag)
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch reprocess:", err)
		return 1
	}
	defer db.Close()
	ctx = store.WithUser(ctx, "cli:"+currentUser())
	var progress func(int)
	if isTerminal(stderr) {
		progress = func(n int) {
			if n%50 == 0 {
				fmt.Fprintf(stderr, "\rreprocessed %d documents", n)
			}
		}
	}
	r, err := db.Reprocess(ctx, progress)
	if progress != nil {
		fmt.Fprintln(stderr)
	}
	fmt.Fprintf(stdout, "%d documents reprocessed: %d events added, %d removed, %d changed, %d unchanged, %d kept as reviewed\n",
		r.Documents, r.Added, r.Removed, r.Changed, r.Unchanged, r.Reviewed)
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch reprocess:", err)
		return 1
	}
	// A running server owns the incident and alert state: it follows the
	// change feed and evaluates the re-extracted events itself.
	if l, live, err := db.LiveLease(ctx, serverLease); err == nil && live {
		fmt.Fprintf(stdout, "a server is running on this database (%s): it evaluates the re-extracted events for alerts within a minute\n", l.Holder)
		return 0
	}
	fired, err := reevaluateAlerts(ctx, db, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch reprocess: alerts:", err)
		return 1
	}
	fmt.Fprintf(stdout, "%d alerts fired or updated by the re-extracted events (alerts fire once: what fired before does not fire again)\n", fired)
	return 0
}

// reevaluateAlerts runs every document through the watch engine as its
// state stands, so reprocessing goes through the same de-duplication as
// ingest: only events the engine never saw can fire. Their alerts are
// stored and their webhooks queued for the server to send.
func reevaluateAlerts(ctx context.Context, db *store.DB, stderr io.Writer) (int, error) {
	dict, err := actor.Load()
	if err != nil {
		return 0, err
	}
	incidents, _, err := service.Open(ctx, db, incident.Options{Dict: dict})
	if incidents == nil {
		return 0, err
	}
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch reprocess: grouping:", err)
	}
	alerts, err := service.OpenAlerts(ctx, db, service.AlertsOptions{Incidents: incidents, Offline: true})
	if err != nil {
		return 0, err
	}
	fired, err := alerts.Reevaluate(ctx)
	return len(fired), errors.Join(err, alerts.Close(ctx), incidents.Flush(ctx))
}
