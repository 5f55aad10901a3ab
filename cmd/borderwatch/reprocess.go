package main

import (
	"flag"
	"fmt"
	"io"

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
	return 0
}
