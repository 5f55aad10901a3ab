package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"borderwatch"
	"borderwatch/internal/store"
)

// runFeeds is `borderwatch feeds add URL [--every 10m] | list | pause ID |
// resume ID | remove ID`. `serve` polls the feeds.
func runFeeds(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("feeds", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbFlag := dbFlagOf(fs)
	every := fs.Duration("every", 30*time.Minute, "polling interval of a new feed (at least 1m)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: borderwatch feeds add URL [--every 10m] | list | pause ID | resume ID | remove ID  [--db DB]")
		fs.PrintDefaults()
	}
	pos, status, ok := parseInterleaved(fs, args) // flags may follow the words
	if !ok {
		return status
	}
	if len(pos) == 0 || (pos[0] == "list" && len(pos) != 1) || (pos[0] != "list" && len(pos) != 2) {
		fs.Usage()
		return 2
	}
	ctx, cancel := signalContext()
	defer cancel()
	db, err := store.Open(ctx, *dbFlag, store.Options{})
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch feeds:", err)
		return 1
	}
	defer db.Close()
	ctx = store.WithUser(ctx, "cli:"+currentUser())
	fail := func(err error) int {
		fmt.Fprintln(stderr, "borderwatch feeds:", err)
		return 1
	}
	id := int64(0)
	if pos[0] != "list" && pos[0] != "add" {
		if id, err = strconv.ParseInt(pos[1], 10, 64); err != nil || id <= 0 {
			fmt.Fprintf(stderr, "borderwatch feeds: %q is not a feed id (see 'borderwatch feeds list')\n", pos[1])
			return 2
		}
	}
	switch pos[0] {
	case "add":
		f, err := db.AddFeed(ctx, borderwatch.Feed{URL: pos[1], Every: *every})
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "feed %d added: %s every %v\n", f.ID, f.URL, f.Every)
	case "list":
		feeds, err := db.Feeds(ctx)
		if err != nil {
			return fail(err)
		}
		for _, f := range feeds {
			state := "active"
			if f.Paused {
				state = "paused"
			}
			last := "never"
			if !f.LastFetch.IsZero() {
				last = f.LastFetch.Format(time.RFC3339)
			}
			fmt.Fprintf(stdout, "%4d  %-6s every %-8v last %s  %s", f.ID, state, f.Every, last, f.URL)
			if f.LastError != "" {
				fmt.Fprintf(stdout, "  (%d failures: %s)", f.Failures, f.LastError)
			}
			fmt.Fprintln(stdout)
		}
	case "pause", "resume":
		f, err := db.SetFeedPaused(ctx, id, pos[0] == "pause")
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "feed %d %sd: %s\n", f.ID, pos[0], f.URL)
	case "remove":
		if err := db.RemoveFeed(ctx, id); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "feed %d removed\n", id)
	default:
		fmt.Fprintf(stderr, "borderwatch feeds: unknown subcommand %q\n", pos[0])
		fs.Usage()
		return 2
	}
	return 0
}
