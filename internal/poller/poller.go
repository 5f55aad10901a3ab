// Package poller owns feed polling: it finds the feeds that are due, runs
// the fetch-feed, fetch-article and ingest jobs for each, backs off failing
// feeds with jitter, and hands each new document to a Sink exactly once per
// process. The jobs (FetchFeed, FetchArticle, BuildDocument) are plain
// functions of their input so they can later be spread over machines;
// the Poller only schedules them and remembers which items it delivered.
package poller

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"borderwatch"
	"borderwatch/internal/fetch"
)

// FeedStore is what the poller needs from the store (*store.DB implements
// it).
type FeedStore interface {
	// DueFeeds lists feeds that are not paused and whose NextFetch <= now.
	DueFeeds(ctx context.Context, now time.Time) ([]borderwatch.Feed, error)
	// SaveFeedState stores ETag, LastModified, LastFetch, NextFetch,
	// LastError, Failures and Title.
	SaveFeedState(ctx context.Context, f borderwatch.Feed) error
}

// Sink receives documents.
type Sink interface {
	// Ingest stores one fetched document (idempotent: same canonical URL or
	// same content hash -> no second copy) and extracts its events. Returns
	// created=false for a duplicate.
	Ingest(ctx context.Context, doc borderwatch.Document) (created bool, err error)
}

// Options configures a Poller. Store, Sink and Client are required.
type Options struct {
	Store  FeedStore
	Sink   Sink
	Client *fetch.Client
	Logger *slog.Logger     // default slog.Default()
	Now    func() time.Time // default time.Now; tests drive it
	// Tick is how often Run looks for due feeds (default 15s).
	Tick time.Duration
	// Workers is how many feeds are polled at once (default 4); requests
	// to one host are still serialised by the fetch client.
	Workers int
}

// Poller runs the polling loop. Its only state is the set of items it has
// already handed to the Sink, per feed, so unchanged items are not fetched
// and delivered again on every poll; after a restart the Sink's own
// de-duplication takes over.
type Poller struct {
	opts Options
	log  *slog.Logger

	mu        sync.Mutex
	delivered map[int64]map[string]bool // feed ID -> doc IDs of its current items already ingested
}

// New checks opts and fills defaults.
func New(opts Options) (*Poller, error) {
	if opts.Store == nil || opts.Sink == nil || opts.Client == nil {
		return nil, errors.New("poller: Store, Sink and Client are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Tick <= 0 {
		opts.Tick = 15 * time.Second
	}
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	return &Poller{opts: opts, log: opts.Logger, delivered: map[int64]map[string]bool{}}, nil
}

// Run polls due feeds every Tick until ctx is done, then returns ctx's
// error. Failures of single feeds are logged and backed off, never fatal;
// a failing store is logged and retried on the next tick.
func (p *Poller) Run(ctx context.Context) error {
	t := time.NewTicker(p.opts.Tick)
	defer t.Stop()
	for {
		if err := p.PollOnce(ctx); err != nil && ctx.Err() == nil {
			p.log.Error("poller: listing due feeds", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// PollOnce polls every feed due now and waits for them. It returns an
// error only when the due feeds cannot be listed.
func (p *Poller) PollOnce(ctx context.Context) error {
	feeds, err := p.opts.Store.DueFeeds(ctx, p.opts.Now())
	if err != nil {
		return fmt.Errorf("poller: due feeds: %w", err)
	}
	work := make(chan borderwatch.Feed)
	var wg sync.WaitGroup
	for range min(p.opts.Workers, len(feeds)) {
		wg.Go(func() {
			for f := range work {
				p.pollFeed(ctx, f)
			}
		})
	}
	for _, f := range feeds {
		if f.Paused {
			continue
		}
		select {
		case work <- f:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
	return nil
}

// pollFeed runs the jobs for one feed and saves its state.
func (p *Poller) pollFeed(ctx context.Context, f borderwatch.Feed) {
	log := p.log.With("feed_id", f.ID, "url", f.URL)
	res, err := FetchFeed(ctx, p.opts.Client, f, p.opts.Now())
	if ctx.Err() != nil {
		return // shutting down: not the feed's fault, leave its state alone
	}
	if err != nil {
		log.Warn("poller: feed failed", "kind", fetch.KindOf(err).String(), "err", err,
			"failures", res.Feed.Failures, "next_fetch", res.Feed.NextFetch)
		p.save(ctx, log, res.Feed)
		return
	}
	if res.NotModified {
		log.Debug("poller: feed not modified")
		p.save(ctx, log, res.Feed)
		return
	}

	seen := p.deliveredFor(f.ID)
	now := make(map[string]bool, len(res.Docs))
	var created, duplicates, retry int
	for _, pd := range res.Docs {
		if seen[pd.Doc.ID] || now[pd.Doc.ID] {
			now[pd.Doc.ID] = true
			continue
		}
		isNew, err := p.deliver(ctx, log, pd)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			retry++
			continue
		}
		now[pd.Doc.ID] = true
		if isNew {
			created++
		} else {
			duplicates++
		}
	}
	p.setDelivered(f.ID, now)
	state := res.Feed
	if retry > 0 {
		// Keep the old validators: a 304 next time would hide the items
		// that still have to be fetched or stored.
		state.ETag, state.LastModified = f.ETag, f.LastModified
	}
	log.Info("poller: feed polled", "items", len(res.Docs), "created", created,
		"duplicates", duplicates, "retry", retry, "skipped", res.Skipped)
	p.save(ctx, log, state)
}

// deliver fetches the article when the item is only a summary and ingests
// the document. An article that can never be fetched (404, not HTML,
// refused) is ingested with the summary the feed gave, so it is not lost;
// a transient failure is returned so the item is retried next poll.
func (p *Poller) deliver(ctx context.Context, log *slog.Logger, pd Pending) (bool, error) {
	doc := pd.Doc
	if pd.NeedsArticle {
		full, err := FetchArticle(ctx, p.opts.Client, doc)
		switch {
		case err == nil:
			doc = full
		case fetch.Permanent(err) || errors.Is(err, ErrNotArticle):
			log.Warn("poller: article unavailable, keeping the feed summary", "doc_id", doc.ID, "article", doc.URL, "err", err)
		default:
			log.Warn("poller: article fetch failed, will retry", "doc_id", doc.ID, "article", doc.URL,
				"kind", fetch.KindOf(err).String(), "err", err)
			return false, err
		}
	}
	created, err := p.opts.Sink.Ingest(ctx, doc)
	if err != nil {
		log.Error("poller: ingest failed, will retry", "doc_id", doc.ID, "url", doc.URL, "err", err)
		return false, err
	}
	return created, nil
}

func (p *Poller) save(ctx context.Context, log *slog.Logger, f borderwatch.Feed) {
	if err := p.opts.Store.SaveFeedState(ctx, f); err != nil {
		log.Error("poller: saving feed state", "err", err)
	}
}

func (p *Poller) deliveredFor(feedID int64) map[string]bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.delivered[feedID]
}

// setDelivered replaces the feed's set with the items of its latest
// document, so the set never outgrows the feed.
func (p *Poller) setDelivered(feedID int64, ids map[string]bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.delivered[feedID] = ids
}
