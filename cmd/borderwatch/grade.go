package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// runSources is `borderwatch sources`: the outlet registry with the
// analysts' reliability grades.
func runSources(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sources", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbFlag := dbFlagOf(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	ctx, cancel := signalContext()
	defer cancel()
	db, svc, err := openIncidents(ctx, *dbFlag, stderr, false)
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch sources:", err)
		return 1
	}
	defer db.Close()
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tCOUNTRY\tKIND\tGRADE")
	for _, o := range svc.Sources() {
		grade := o.Grade
		if grade == "" {
			grade = "-" // never guessed
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", strings.ReplaceAll(o.Name, " ", "_"), dash(o.Country), dash(o.Kind), grade)
	}
	tw.Flush()
	return 0
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// runGrade is `borderwatch grade source OUTLET A-F` and `borderwatch grade
// claim EVENTID 1-6`: an analyst's Admiralty grades, recorded with the user.
func runGrade(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("grade", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbFlag := dbFlagOf(fs)
	user := fs.String("user", "", "the analyst who grades (recorded)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: borderwatch grade source OUTLET A..F --user NAME [--db DB]")
		fmt.Fprintln(stderr, "       borderwatch grade claim EVENTID 1..6 --user NAME [--db DB]   (0 clears it)")
		fs.PrintDefaults()
	}
	words, status, ok := parseInterleaved(fs, args) // flags may follow the words
	if !ok {
		return status
	}
	if len(words) != 3 || strings.TrimSpace(*user) == "" {
		fs.Usage()
		return 2
	}
	kind, target, value := words[0], strings.ReplaceAll(words[1], "_", " "), strings.ToUpper(words[2])
	var cred int
	switch kind {
	case "source":
		if len(value) != 1 || !strings.Contains("ABCDEF", value) {
			fmt.Fprintf(stderr, "borderwatch grade: reliability %q: want A (reliable) to F (cannot be judged)\n", words[2])
			return 2
		}
	case "claim":
		n, err := strconv.Atoi(value)
		if err != nil || n < 0 || n > 6 {
			fmt.Fprintf(stderr, "borderwatch grade: credibility %q: want 1 (confirmed) to 6 (cannot be judged), or 0\n", words[2])
			return 2
		}
		cred = n
	default:
		fs.Usage()
		return 2
	}
	ctx, cancel := signalContext()
	defer cancel()
	db, svc, err := openIncidents(ctx, *dbFlag, stderr, true)
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch grade:", err)
		return 1
	}
	defer db.Close()
	if kind == "source" {
		o, err := svc.GradeSource(ctx, target, value, *user)
		if err != nil {
			fmt.Fprintln(stderr, "borderwatch grade:", err)
			return 1
		}
		fmt.Fprintf(stdout, "%s graded %s by %s\n", o.Name, o.Grade, *user)
		return 0
	}
	if err := svc.GradeClaim(ctx, target, cred, *user); err != nil {
		fmt.Fprintln(stderr, "borderwatch grade:", err)
		return 1
	}
	fmt.Fprintf(stdout, "claim %s graded %d by %s\n", target, cred, *user)
	return 0
}
