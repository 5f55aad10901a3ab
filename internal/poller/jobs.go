package poller

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html/charset"

	"borderwatch"
	"borderwatch/internal/feed"
	"borderwatch/internal/fetch"
)

// The jobs in this file take their whole input as arguments and return
// their whole output: no state is kept between calls, so a later step can
// run them on other machines (NATS JetStream) with the same results.

// DefaultEvery is the polling interval of a feed that has none.
const DefaultEvery = 30 * time.Minute

// MaxBackoff caps the wait after repeated failures: a feed that is down for
// a day is still retried a few times a day, never dropped.
const MaxBackoff = 6 * time.Hour

// FeedResult is the output of FetchFeed.
type FeedResult struct {
	// Feed is the state to save: validators, times, failures, title. On a
	// failure it keeps everything the feed had and only records the error
	// and the backed-off NextFetch.
	Feed        borderwatch.Feed
	NotModified bool
	Docs        []Pending // one per usable item, in feed order
	Skipped     int       // items with neither link, guid nor title to identify them
}

// Pending is a document built from a feed item, before the article fetch.
type Pending struct {
	Doc borderwatch.Document
	// NeedsArticle is set when the item holds only a summary (see
	// feed.Item.SummaryOnly) and Doc.URL is set: FetchArticle then gets
	// the full text.
	NeedsArticle bool
}

// FetchFeed is the job "fetch one feed": a conditional GET of f.URL, the
// parse, and the documents the items make. The error, if any, is also
// recorded in the returned state, which is always the one to save.
func FetchFeed(ctx context.Context, c *fetch.Client, f borderwatch.Feed, now time.Time) (FeedResult, error) {
	resp, err := c.Get(ctx, fetch.Request{
		URL:          f.URL,
		ETag:         f.ETag,
		LastModified: f.LastModified,
		Accept:       "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
	})
	if err != nil {
		return FeedResult{Feed: failed(f, now, err)}, err
	}
	if resp.NotModified {
		return FeedResult{Feed: succeeded(f, now, resp), NotModified: true}, nil
	}
	parsed, err := feed.Parse(resp.Body)
	if err != nil {
		err = fmt.Errorf("%s: %w", f.URL, err)
		return FeedResult{Feed: failed(f, now, err)}, err
	}
	state := succeeded(f, now, resp)
	if parsed.Title != "" {
		state.Title = parsed.Title
	}
	res := FeedResult{Feed: state}
	source := sourceName(state.Title, f.URL)
	for _, it := range parsed.Items {
		p, err := BuildDocument(f.URL, source, parsed.Lang, it)
		if err != nil {
			res.Skipped++
			continue
		}
		res.Docs = append(res.Docs, p)
	}
	return res, nil
}

func succeeded(f borderwatch.Feed, now time.Time, resp *fetch.Response) borderwatch.Feed {
	f.ETag, f.LastModified = resp.ETag, resp.LastModified
	f.LastFetch = now
	f.NextFetch = now.Add(interval(f))
	f.LastError, f.Failures = "", 0
	return f
}

// failed keeps the validators and title so the next success can still be
// a cheap 304, and backs off.
func failed(f borderwatch.Feed, now time.Time, err error) borderwatch.Feed {
	f.LastFetch = now
	f.Failures++
	f.LastError = err.Error()
	wait := Backoff(interval(f), f.Failures, f.URL)
	var fe *fetch.Error
	if errors.As(err, &fe) && fe.RetryAfter > wait {
		wait = min(fe.RetryAfter, MaxBackoff)
	}
	f.NextFetch = now.Add(wait)
	return f
}

func interval(f borderwatch.Feed) time.Duration {
	if f.Every <= 0 {
		return DefaultEvery
	}
	return f.Every
}

// Backoff is the wait after the failures-th failure in a row: every·2^n,
// capped at MaxBackoff, with "equal jitter" (a fraction in [1/2, 1) of
// that) so feeds that failed together do not retry together. The jitter is
// a hash of key and failures rather than a random draw, so the job gives
// the same answer wherever and however often it runs.
func Backoff(every time.Duration, failures int, key string) time.Duration {
	if every <= 0 {
		every = DefaultEvery
	}
	d := MaxBackoff
	if failures < 1 {
		failures = 1
	}
	if failures < 40 && every < MaxBackoff>>failures {
		d = every << failures
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%s#%d", key, failures)
	frac := float64(h.Sum64()>>11) / float64(1<<53) // [0, 1)
	return d/2 + time.Duration(frac*float64(d/2))
}

// BuildDocument makes the document for one feed item. Its ID is DocID of
// the canonical link, or of the feed URL and guid when the item has no
// usable link; an item with neither link, guid nor title is refused.
func BuildDocument(feedURL, source, lang string, it feed.Item) (Pending, error) {
	doc := borderwatch.Document{
		Title:        it.Title,
		Source:       source,
		Published:    it.PublishedTime,
		PublishedRaw: it.Published,
		Lang:         lang,
		HTML:         it.Content,
	}
	if strings.TrimSpace(feed.PlainText(doc.HTML)) == "" {
		doc.HTML = it.Summary
	}
	if it.Link != "" {
		if link, err := resolve(feedURL, it.Link); err == nil {
			doc.URL = link
		}
	}
	switch {
	case doc.URL != "":
		doc.ID = DocID(doc.URL)
	case it.GUID != "":
		doc.ID = DocID(feedURL + "#guid:" + it.GUID)
	case it.Title != "":
		doc.ID = DocID(feedURL + "#title:" + it.Title + "|" + it.Published)
	default:
		return Pending{}, errors.New("poller: feed item has no link, guid or title")
	}
	return Pending{Doc: doc, NeedsArticle: doc.URL != "" && it.SummaryOnly()}, nil
}

// resolve makes a relative item link absolute against the feed URL and
// canonicalises it.
func resolve(feedURL, link string) (string, error) {
	base, err := url.Parse(feedURL)
	if err != nil {
		return fetch.Canonical(link)
	}
	ref, err := url.Parse(strings.TrimSpace(link))
	if err != nil {
		return "", err
	}
	return fetch.Canonical(base.ResolveReference(ref).String())
}

// DocID is the stable document id for a key (a canonical URL, or feed URL
// plus guid): 16 hex digits of its SHA-256.
func DocID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:8])
}

func sourceName(title, feedURL string) string {
	if title != "" {
		return title
	}
	if u, err := url.Parse(feedURL); err == nil && u.Hostname() != "" {
		return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	}
	return feedURL
}

// ErrNotArticle is returned (wrapped) by FetchArticle for a response that
// is neither HTML nor plain text, such as a PDF or an image.
var ErrNotArticle = errors.New("not an HTML or text page")

// FetchArticle is the job "fetch one article": it GETs doc.URL and returns
// doc with HTML (or Text, for text/plain) replaced by the page, converted
// to UTF-8. The ID and URL stay those of the feed item, so the result is
// the same document whoever fetches it.
func FetchArticle(ctx context.Context, c *fetch.Client, doc borderwatch.Document) (borderwatch.Document, error) {
	if doc.URL == "" {
		return doc, errors.New("poller: article has no URL")
	}
	resp, err := c.Get(ctx, fetch.Request{URL: doc.URL, Accept: "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.8"})
	if err != nil {
		return doc, err
	}
	ct := resp.ContentType
	isHTML := ct == "text/html" || ct == "application/xhtml+xml" || (ct == "" && looksHTML(resp.Body))
	if !isHTML && ct != "text/plain" {
		return doc, fmt.Errorf("poller: %s is %q: %w", doc.URL, ct, ErrNotArticle)
	}
	body, err := toUTF8(resp.Body, ct, resp.Charset)
	if err != nil {
		return doc, fmt.Errorf("poller: %s: %w", doc.URL, err)
	}
	if isHTML {
		doc.HTML, doc.Text = body, ""
	} else {
		doc.Text, doc.HTML = body, ""
	}
	return doc, nil
}

func looksHTML(b []byte) bool {
	head := bytes.ToLower(b[:min(len(b), 1024)])
	return bytes.Contains(head, []byte("<html")) || bytes.Contains(head, []byte("<!doctype html"))
}

// toUTF8 decodes a page using the Content-Type charset, a BOM or a <meta>
// charset, since pages in this region are often windows-1251 or KOI8-R.
func toUTF8(body []byte, contentType, cs string) (string, error) {
	if cs == "" && utf8.Valid(body) && !bytes.Contains(bytes.ToLower(body[:min(len(body), 2048)]), []byte("charset")) {
		return string(body), nil
	}
	ctHeader := contentType
	if cs != "" {
		ctHeader += "; charset=" + cs
	}
	r, err := charset.NewReader(bytes.NewReader(body), ctHeader)
	if err != nil {
		return "", fmt.Errorf("charset %q: %w", cs, err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return "", fmt.Errorf("charset %q: %w", cs, err)
	}
	return strings.ToValidUTF8(string(out), "\uFFFD"), nil
}
