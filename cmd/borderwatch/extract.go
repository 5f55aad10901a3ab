package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"borderwatch"
	"borderwatch/internal/pipeline"
)

func versionString() string { return borderwatch.Version }

func runExtract(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "jsonl", "output format: jsonl or table")
	published := fs.String("published", "", "publication date (YYYY-MM-DD) for documents that carry none")
	noGeo := fs.Bool("no-geo", false, "skip the gazetteer (no event_loc)")
	var actorFiles stringList
	fs.Var(&actorFiles, "actors", "an extra actor dictionary (TSV, same columns as the embedded ones); repeatable")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: borderwatch extract [flags] FILE|DIR|- ...")
		fmt.Fprintln(stderr, "Reads plain text, HTML or JSONL documents and prints one PLOVER event per line.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *format != "jsonl" && *format != "table" {
		fmt.Fprintf(stderr, "extract: unknown --format %q (want jsonl or table)\n", *format)
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	opts := pipeline.Options{ActorFiles: actorFiles, NoGeo: *noGeo}
	if *published != "" {
		t, err := pipeline.ParseTime(*published)
		if err != nil {
			fmt.Fprintf(stderr, "extract: --published: %v\n", err)
			return 2
		}
		opts.Published = t
	}
	x, err := pipeline.New(opts)
	if err != nil {
		fmt.Fprintf(stderr, "extract: %v\n", err)
		return 1
	}
	out := bufio.NewWriterSize(stdout, 64<<10)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	var tw *tabwriter.Writer
	if *format == "table" {
		tw = tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "DOC\tEVENT\tACTOR\tRECIPIENT\tDATE\tPLACE\tSIZE\tMODALITY\tSOURCE\tTRIGGER")
	}
	failed, docs, events := 0, 0, 0
	for _, path := range fs.Args() {
		err := pipeline.ReadDocuments(path, stdin, func(doc borderwatch.Document, err error) error {
			docs++
			if err != nil {
				failed++
				fmt.Fprintf(stderr, "extract: %v\n", err)
				return nil
			}
			res, err := x.Extract(doc)
			if err != nil {
				failed++
				fmt.Fprintf(stderr, "extract: %s: %v\n", describe(doc), err)
				return nil
			}
			if res.NotCoded != "" {
				failed++
				fmt.Fprintf(stderr, "extract: %s: not coded (%s)\n", describe(doc), res.NotCoded)
				return nil
			}
			for _, ev := range res.Events {
				events++
				if tw != nil {
					writeRow(tw, ev)
					continue
				}
				if err := enc.Encode(ev); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			fmt.Fprintf(stderr, "extract: %v\n", err)
			return 1
		}
	}
	if tw != nil {
		tw.Flush()
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "extract: %d of %d documents failed or were not coded; %d events from the rest\n", failed, docs, events)
		return 1
	}
	return 0
}

func describe(doc borderwatch.Document) string {
	if doc.URL != "" && doc.URL != doc.ID {
		return doc.URL
	}
	return doc.ID
}

func writeRow(w io.Writer, ev borderwatch.Event) {
	date := "-"
	if ev.Date != nil {
		date = *ev.Date
		if ev.EndDate != nil && *ev.EndDate != *ev.Date {
			date += ".." + *ev.EndDate
		}
	}
	place := "-"
	if ev.EventLoc != nil {
		place = ev.EventLoc.Name + " (" + ev.EventLoc.Precision + ")"
	}
	size := "-"
	if s := ev.Size; s != nil {
		var parts []string
		for _, kv := range []struct {
			k string
			v *int
		}{{"dead", s.Dead}, {"injured", s.Injured}, {"arrested", s.Arrested}} {
			if kv.v != nil {
				parts = append(parts, fmt.Sprintf("%s %d", kv.k, *kv.v))
			}
		}
		if s.Count != nil {
			c := fmt.Sprint(*s.Count)
			if s.Qualifier != nil {
				c = *s.Qualifier + " " + c
			}
			if s.Unit != nil {
				c += " " + *s.Unit
			}
			parts = append(parts, c)
		}
		size = strings.Join(parts, ", ")
	}
	source := "-"
	if len(ev.Attribution) > 0 {
		source = ev.Attribution[0].Name
	}
	typ := ev.Event
	if len(ev.Mode) > 0 {
		typ += "-" + strings.Join(ev.Mode, "+")
	}
	fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", ev.DocID, typ, entities(ev.Actor), entities(ev.Recipient),
		date, place, size, ev.Modality, source, ev.Trigger)
}

func entities(es []borderwatch.Entity) string {
	if len(es) == 0 {
		return "-"
	}
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Name + " " + e.Country + "/" + e.Sector
	}
	return strings.Join(parts, "; ")
}
