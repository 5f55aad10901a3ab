package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"borderwatch"
	"borderwatch/internal/eval"
	"borderwatch/internal/pipeline"
)

// stringList is a flag that may be given more than once.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// runEval is `borderwatch eval`: it runs the extraction on the documents of
// a gold file and scores the events against it, and/or on the PLOVER
// gold-standard sentences. Exit status 0 when scoring ran, 1 when a
// document, the gold or the extraction failed, 2 on a usage error.
func runEval(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	goldPath := fs.String("gold", "", "gold events, one JSON object per line (see ../shared/eval/README.md)")
	var docs stringList
	fs.Var(&docs, "docs", "documents of the gold events: a folder, a file, or - for stdin (repeatable; arguments count too)")
	gsrPath := fs.String("gsr", "", "PLOVER gold-standard sentences (plover-gsr-dev.jsonl format) to score")
	verbose := fs.Bool("v", false, "list every pair, missed gold event, unpaired prediction and GSR miss")
	published := fs.String("published", "", "publication date (YYYY-MM-DD or RFC 3339) for documents that carry none")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: borderwatch eval --gold FILE --docs DIR|FILE... [--gsr FILE] [-v] [--published DATE]")
		fmt.Fprintln(stderr, "       borderwatch eval --gsr FILE [-v] [--published DATE]")
		fmt.Fprintln(stderr, "\nA document is scored when its id (file name without extension, or JSONL id) is a gold doc_id.")
		fs.PrintDefaults()
	}
	// Flags may come after the document arguments too.
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		docs = append(docs, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	usageErr := func(msg string) int {
		fmt.Fprintln(stderr, "borderwatch eval:", msg)
		fs.Usage()
		return 2
	}
	switch {
	case *goldPath == "" && len(docs) > 0:
		return usageErr("documents given without --gold")
	case *goldPath == "" && *gsrPath == "":
		return usageErr("give --gold with --docs, or --gsr")
	case *goldPath != "" && len(docs) == 0:
		return usageErr("--gold needs the documents (--docs DIR|FILE)")
	}
	var pub time.Time
	if *published != "" {
		var err error
		if pub, err = parseDate(*published); err != nil {
			return usageErr(fmt.Sprintf("--published: %v", err))
		}
	}
	// Read the gold before loading the dictionaries, so that a bad file
	// fails at once.
	var gold []eval.Gold
	var items []eval.GSRItem
	var err error
	if *goldPath != "" {
		if gold, err = readGoldFile(*goldPath); err != nil {
			fmt.Fprintln(stderr, "borderwatch eval:", err)
			return 1
		}
	}
	if *gsrPath != "" {
		if items, err = readGSRFile(*gsrPath); err != nil {
			fmt.Fprintln(stderr, "borderwatch eval:", err)
			return 1
		}
	}
	x, err := pipeline.New(pipeline.Options{Published: pub})
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch eval:", err)
		return 1
	}
	status := 0
	if *goldPath != "" {
		fmt.Fprintf(stdout, "# gold events %s\n", *goldPath)
		status = max(status, evalDocs(x, gold, docs, stdin, stdout, stderr, *verbose))
	}
	if *gsrPath != "" {
		if *goldPath != "" {
			fmt.Fprintln(stdout)
		}
		fmt.Fprintf(stdout, "# PLOVER gold-standard sentences %s\n", *gsrPath)
		status = max(status, evalGSR(x, items, stdout, stderr, *verbose))
	}
	return status
}

// evalDocs extracts the documents whose id is a gold doc_id and scores them.
func evalDocs(x *pipeline.Extractor, gold []eval.Gold, paths []string, stdin io.Reader, stdout, stderr io.Writer, verbose bool) int {
	wanted := map[string]bool{}
	for _, g := range gold {
		wanted[g.DocID] = true
	}
	status := 0
	fail := func(format string, a ...any) {
		fmt.Fprintf(stderr, "borderwatch eval: "+format+"\n", a...)
		status = 1
	}
	texts := map[string]string{}
	var pred []borderwatch.Event
	ignored := 0
	var unreadable []error
	for _, path := range paths {
		err := pipeline.ReadDocuments(path, stdin, func(doc borderwatch.Document, err error) error {
			if err != nil {
				if wanted[doc.ID] {
					fail("gold document %s: %v", doc.ID, err)
				} else {
					// Not a gold document as far as we can tell: a folder
					// may hold other files (the gold file itself, notes).
					unreadable = append(unreadable, err)
				}
				return nil
			}
			if !wanted[doc.ID] {
				ignored++
				return nil
			}
			if _, dup := texts[doc.ID]; dup {
				fail("document %s found twice (again in %s); the first one is scored", doc.ID, path)
				return nil
			}
			res, err := x.Extract(doc)
			if err != nil {
				fail("document %s: %v", doc.ID, err)
				return nil
			}
			texts[doc.ID] = res.Text
			for _, e := range res.Events {
				e.DocID = doc.ID // pairing is per gold doc_id, whatever the extractor named it
				pred = append(pred, e)
			}
			return nil
		})
		if err != nil {
			fail("%s: %v", path, err)
		}
	}
	var missing []string
	for id := range wanted {
		if _, ok := texts[id]; !ok {
			missing = append(missing, id)
		}
	}
	slices.Sort(missing)
	for _, id := range missing {
		fail("no document for gold doc_id %s: its gold events count as missed", id)
	}
	fmt.Fprintf(stdout, "# %d of %d gold documents extracted, %d other documents ignored", len(texts), len(wanted), ignored)
	if len(unreadable) > 0 {
		fmt.Fprintf(stdout, ", %d unreadable inputs that are not gold documents skipped", len(unreadable))
		if !verbose {
			fmt.Fprint(stdout, " (-v lists them)")
		}
	}
	fmt.Fprintln(stdout)
	if verbose {
		for _, err := range unreadable {
			fmt.Fprintf(stdout, "#   skipped: %v\n", err)
		}
	}
	eval.ScoreDocs(gold, pred, texts).Print(stdout, verbose)
	return status
}

// evalGSR extracts each scored gold-standard sentence as a document of its
// own and scores the most confident event.
func evalGSR(x *pipeline.Extractor, items []eval.GSRItem, stdout, stderr io.Writer, verbose bool) int {
	r := eval.ScoreGSR(items, func(id, text string) ([]borderwatch.Event, error) {
		res, err := x.Extract(borderwatch.Document{ID: id, Text: text})
		return res.Events, err
	})
	r.Print(stdout, verbose)
	for _, err := range r.Errors {
		fmt.Fprintln(stderr, "borderwatch eval:", err)
	}
	if len(r.Errors) > 0 {
		return 1
	}
	return 0
}

func readGSRFile(path string) ([]eval.GSRItem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	items, err := eval.ReadGSR(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return items, nil
}

func readGoldFile(path string) ([]eval.Gold, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gold, err := eval.ReadGold(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(gold) == 0 {
		return nil, fmt.Errorf("%s: no gold events", path)
	}
	return gold, nil
}

// parseDate reads --published.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.DateOnly, time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read date %q (want YYYY-MM-DD or RFC 3339)", s)
}
