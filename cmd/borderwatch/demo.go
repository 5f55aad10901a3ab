package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"borderwatch/internal/demo"
	"borderwatch/internal/store"
)

// runDemo is `borderwatch demo`: the bundled sample reports ingested into a
// temporary SQLite database, served on 127.0.0.1:8080 or the next free port.
// Nothing else is needed; the database is removed on exit.
func runDemo(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o serveOptions
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8080", "address to listen on (the next free port is taken if it is busy)")
	keep := fs.String("db", "", "keep the demo database in this SQLite file instead of a temporary one")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: borderwatch demo [--listen ADDR] [--db FILE]")
		fs.PrintDefaults()
	}
	if status, ok := parseNoArgs(fs, args); !ok {
		return status
	}
	o.nextFreePort, o.poll, o.maxBody = true, false, 1<<20
	ctx, cancel := signalContext()
	defer cancel()
	return demoServe(ctx, o, *keep, stdout, stderr)
}

// demoServe loads the sample into dbPath (a temporary file when empty) and
// serves it until ctx ends.
func demoServe(ctx context.Context, o serveOptions, dbPath string, stdout, stderr io.Writer) int {
	if dbPath == "" {
		dir, err := os.MkdirTemp("", "borderwatch-demo-")
		if err != nil {
			fmt.Fprintln(stderr, "borderwatch demo:", err)
			return 1
		}
		defer os.RemoveAll(dir)
		dbPath = filepath.Join(dir, "demo.db")
	}
	db, err := openStore(ctx, dbPath)
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch demo:", err)
		return 1
	}
	defer db.Close()
	x, err := db.Extractor()
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch demo:", err)
		return 1
	}
	o.places = x.Gazetteer() // one gazetteer for the whole demo
	docs, err := demo.Reports()
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch demo:", err)
		return 1
	}
	ctx = store.WithUser(ctx, "demo")
	for _, d := range docs {
		if _, err := db.Ingest(ctx, d); err != nil {
			fmt.Fprintln(stderr, "borderwatch demo:", err)
			return 1
		}
	}
	fmt.Fprintf(stdout, "borderwatch demo: %d sample reports loaded (written for the demo, modelled on July 2021 on the Tajik-Afghan border)\n", len(docs))
	if err := serveDB(ctx, db, o, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "borderwatch demo:", err)
		return 1
	}
	return 0
}
