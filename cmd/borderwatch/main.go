// Command borderwatch turns reports about a border region into sourced,
// geolocated PLOVER events. Each subcommand lives in a file of its own.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand: it gets its arguments and the standard streams
// and returns the process exit status.
type command struct {
	summary string
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

func commands() map[string]command {
	return map[string]command{
		"extract":   {"extract PLOVER events from files, folders or stdin", runExtract},
		"eval":      {"score extraction against gold events", runEval},
		"places":    {"look up places in the offline gazetteer", runPlaces},
		"demo":      {"serve the bundled sample reports from a temporary database", runDemo},
		"serve":     {"serve the HTTP API over a SQLite file or PostgreSQL", runServe},
		"ingest":    {"store and code documents from files, folders, URLs or stdin", runIngest},
		"reprocess": {"re-extract stored documents with the current rules and print what changed", runReprocess},
		"export":    {"export events as PLOVER JSONL, ACLED-style CSV, GeoJSON or CSV", runExport},
		"users":     {"add, list and remove users and their tokens", runUsers},
		"feeds":     {"add, list, pause and remove feeds", runFeeds},
		"sources":   {"list news sources and their reliability grades", runSources},
		"grade":     {"grade a source (A-F) or a claim (1-6) as an analyst", runGrade},
		"incidents": {"list incidents grouped across sources; merge or split them", runIncidents},
		"control":   {"who held which place of a region as of a date", runControl},
		"watch":     {"add and list watch areas (border bands, admin regions, polygons, radii)", runWatch},
		"alerts":    {"add, list, test and remove alert rules; list what fired", runAlerts},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintln(stdout, "borderwatch", versionString())
		return 0
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "borderwatch: unknown command %q\n", args[0])
		usage(stderr, cmds)
		return 2
	}
	return c.run(args[1:], stdin, stdout, stderr)
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: borderwatch COMMAND [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'borderwatch COMMAND -h' for the flags of a command.")
}
