package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"borderwatch"
	"borderwatch/internal/fetch"
	"borderwatch/internal/pipeline"
	"borderwatch/internal/poller"
	"borderwatch/internal/store"
)

// defaultDB is the database the store commands use without --db.
func defaultDB() string {
	if s := os.Getenv("BORDERWATCH_DB"); s != "" {
		return s
	}
	return "borderwatch.db"
}

var (
	extractorOnce sync.Once
	extractor     *pipeline.Extractor
	extractorErr  error
)

// loadExtractor loads the dictionaries once per process: it takes seconds.
func loadExtractor() (*pipeline.Extractor, error) {
	extractorOnce.Do(func() { extractor, extractorErr = pipeline.New(pipeline.Options{}) })
	return extractor, extractorErr
}

// openStore opens the database the --db flag names.
func openStore(ctx context.Context, dsn string) (*store.DB, error) {
	x, err := loadExtractor()
	if err != nil {
		return nil, err
	}
	return store.Open(ctx, dsn, store.Options{Extractor: x})
}

// isTerminal reports whether w is a terminal, where a progress line helps;
// elsewhere (pipes, CI logs) it would be noise.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// signalContext is cancelled on SIGINT or SIGTERM so a command stops between
// documents and reports what it stored.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// diskFull recognises the errors of a full disk on either database.
func diskFull(err error) bool {
	s := err.Error()
	return errors.Is(err, syscall.ENOSPC) || strings.Contains(s, "disk is full") || strings.Contains(s, "SQLSTATE 53100") ||
		strings.Contains(s, "no space left")
}

// batchSize is how many documents one ingest transaction stores at most.
const batchSize = 64

// ingestCounts is what an ingest did.
type ingestCounts struct {
	mu                          sync.Mutex
	read, created, dups, failed int
}

// runIngest is `borderwatch ingest`: it stores files, folders, stdin and web
// pages with the events extracted from them. Exit status 0 when every
// document was stored or was a duplicate, 1 when some failed or the store
// stopped, 2 on a usage error.
func runIngest(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbFlag := dbFlagOf(fs)
	workers := fs.Int("workers", runtime.NumCPU(), "documents extracted at once")
	allowPrivate := fs.Bool("allow-private", false, "let URL arguments reach private and loopback addresses")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: borderwatch ingest [--db DB] [--workers N] PATH|URL|- ...")
		fmt.Fprintln(stderr, "\nPATH is a file or folder of .txt, .html or .jsonl documents; - reads stdin; a URL is fetched.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() == 0 || *workers < 1 {
		fs.Usage()
		return 2
	}
	ctx, cancel := signalContext()
	defer cancel()
	db, err := openStore(ctx, *dbFlag)
	if err != nil {
		fmt.Fprintln(stderr, "borderwatch ingest:", err)
		return 1
	}
	defer db.Close()
	ctx = store.WithUser(ctx, "cli:"+currentUser())

	var c ingestCounts
	progress := isTerminal(stderr)
	start := time.Now()
	docs := make(chan borderwatch.Document)
	var fatal error
	var fatalOnce sync.Once
	stop := func(err error) { fatalOnce.Do(func() { fatal = err; cancel() }) }
	// Workers extract; one writer stores what they prepared in batches, so a
	// transaction's cost is shared by many documents. A batch is atomic: a
	// kill loses at most the batch in flight, which the next run redoes.
	prepared := make(chan *store.Prepared, 2*batchSize)
	report := func(n int) {
		if progress && n%50 < batchSize {
			fmt.Fprintf(stderr, "\ringested %d documents (%.0f/s)", n, float64(n)/time.Since(start).Seconds())
		}
	}
	var wg sync.WaitGroup
	for range *workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for doc := range docs {
				p, err := db.Prepare(doc)
				if err != nil {
					c.mu.Lock()
					c.failed++
					c.mu.Unlock()
					fmt.Fprintln(stderr, "borderwatch ingest:", err)
					continue
				}
				prepared <- p
			}
		}()
	}
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		batch := make([]*store.Prepared, 0, batchSize)
		for p := range prepared {
			batch = append(batch[:0], p)
		fill:
			for len(batch) < batchSize {
				select {
				case q, ok := <-prepared:
					if !ok {
						break fill
					}
					batch = append(batch, q)
				default:
					break fill
				}
			}
			if ctx.Err() != nil {
				continue // drain: stopped or the store failed; nothing more is written
			}
			created, err := db.InsertPrepared(ctx, batch)
			c.mu.Lock()
			if err != nil {
				c.failed += len(batch)
			} else {
				for _, ok := range created {
					if ok {
						c.created++
					} else {
						c.dups++
					}
				}
			}
			n := c.created + c.dups + c.failed
			c.mu.Unlock()
			if err != nil && ctx.Err() == nil {
				stop(err) // the store itself failed: stop rather than fail every document
			}
			report(n)
		}
	}()
	feed := func(doc borderwatch.Document, err error) error {
		if err != nil {
			c.mu.Lock()
			c.read++
			c.failed++
			c.mu.Unlock()
			fmt.Fprintln(stderr, "borderwatch ingest:", err)
			return nil
		}
		c.mu.Lock()
		c.read++
		c.mu.Unlock()
		select {
		case docs <- doc:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	var client *fetch.Client
	for _, arg := range fs.Args() {
		if ctx.Err() != nil {
			break
		}
		if strings.HasPrefix(arg, "http://") || strings.HasPrefix(arg, "https://") {
			if client == nil {
				if client, err = fetch.New(fetch.Options{AllowPrivate: *allowPrivate}); err != nil {
					stop(err)
					break
				}
			}
			doc, err := fetchPage(ctx, client, arg)
			feed(doc, err)
			continue
		}
		if err := pipeline.ReadDocuments(arg, stdin, feed); err != nil && ctx.Err() == nil {
			fmt.Fprintln(stderr, "borderwatch ingest:", err)
		}
	}
	close(docs)
	wg.Wait()
	close(prepared)
	<-writerDone
	if progress {
		fmt.Fprintln(stderr)
	}
	elapsed := time.Since(start)
	fmt.Fprintf(stdout, "%d documents read: %d stored, %d already stored, %d failed (%.1fs, %.0f documents/s)\n",
		c.read, c.created, c.dups, c.failed, elapsed.Seconds(), float64(c.created+c.dups)/elapsed.Seconds())
	if fatal != nil {
		if diskFull(fatal) {
			fmt.Fprintf(stderr, "borderwatch ingest: stopped: the disk holding the database is full; the %d documents stored before are kept (%v)\n", c.created, fatal)
		} else {
			fmt.Fprintf(stderr, "borderwatch ingest: stopped: %v; the %d documents stored before are kept\n", fatal, c.created)
		}
		return 1
	}
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "borderwatch ingest: interrupted; the documents stored so far are kept")
		return 1
	}
	if c.failed > 0 {
		return 1
	}
	return 0
}

// fetchPage fetches one web page as a document whose id is derived from its
// canonical URL, so fetching it again finds the stored copy.
func fetchPage(ctx context.Context, c *fetch.Client, raw string) (borderwatch.Document, error) {
	canon, err := fetch.Canonical(raw)
	if err != nil {
		return borderwatch.Document{}, fmt.Errorf("%s: %w", raw, err)
	}
	doc, err := poller.FetchArticle(ctx, c, borderwatch.Document{ID: poller.DocID(canon), URL: raw})
	if err != nil {
		return borderwatch.Document{}, fmt.Errorf("%s: %w", raw, err)
	}
	return doc, nil
}

func currentUser() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}
