// Package feed turns the bytes of an RSS 2.0, RSS 1.0 (RDF), Atom or JSON
// Feed document into items (stage ① of the flow), keeping each item's
// publication date as the source wrote it, and decides when an item holds
// only a summary so the poller fetches the article itself.
//
// Parsing is done by github.com/mmcdole/gofeed (see docs/deps.md): it copes
// with the quirks real feeds have (HTML entities in XML, legacy charsets
// such as windows-1251, a dozen date spellings, RDF, JSON Feed 1.0 and 1.1)
// that a hand-written encoding/xml parser would have to relearn. Its
// parsed dates are converted to UTC, so this package restores the offset
// from the raw string.
package feed

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	gofeedjson "github.com/mmcdole/gofeed/json"
)

// ErrNotFeed is returned (wrapped) for input that is none of the formats,
// typically an HTML page at a feed URL.
var ErrNotFeed = errors.New("not an RSS, Atom or JSON feed")

// Feed is one parsed feed document.
type Feed struct {
	Format string // "rss", "atom" or "json"
	Title  string
	Link   string // the site's home page, if given
	Lang   string
	Items  []Item
}

// Item is one entry of a feed. Summary and Content are HTML (JSON Feed's
// plain-text fields are escaped into paragraphs), either may be empty.
type Item struct {
	Title string
	Link  string
	GUID  string
	// Published is the date exactly as the feed wrote it (the updated date
	// when no published date is given); PublishedTime is the same instant
	// in the offset written there, zero when absent or unreadable.
	Published     string
	PublishedTime time.Time
	Summary       string
	Content       string
	Author        string
}

// maxItems bounds how many items one document may yield; the fetch size
// cap bounds bytes, this bounds the work done per poll.
const maxItems = 5000

// Parse reads one feed document. Malformed input gives an error naming the
// format and the problem; it never panics.
func Parse(data []byte) (f *Feed, err error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("feed: empty document: %w", ErrNotFeed)
	}
	// gofeed is third-party code fed hostile input: a panic in it must
	// become an error for this one feed, not take the poller down.
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("feed: parser failed on malformed input: %v", r)
		}
	}()
	p := gofeed.NewParser()
	p.KeepOriginalFeed = true
	gf, err := p.Parse(bytes.NewReader(data))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			if looksHTML(data) {
				return nil, fmt.Errorf("feed: got an HTML page: %w", ErrNotFeed)
			}
			return nil, fmt.Errorf("feed: %w", ErrNotFeed)
		}
		return nil, fmt.Errorf("feed: malformed %s: %w", formatName(gofeed.DetectFeedType(bytes.NewReader(data))), err)
	}
	return convert(gf), nil
}

func formatName(t gofeed.FeedType) string {
	switch t {
	case gofeed.FeedTypeAtom:
		return "Atom feed"
	case gofeed.FeedTypeRSS:
		return "RSS feed"
	case gofeed.FeedTypeJSON:
		return "JSON Feed"
	}
	return "feed"
}

func looksHTML(b []byte) bool {
	head := bytes.ToLower(b[:min(len(b), 1024)])
	return bytes.Contains(head, []byte("<html")) || bytes.Contains(head, []byte("<!doctype html"))
}

func convert(gf *gofeed.Feed) *Feed {
	f := &Feed{
		Format: gf.FeedType,
		Title:  clean(gf.Title),
		Link:   strings.TrimSpace(gf.Link),
		Lang:   strings.TrimSpace(gf.Language),
	}
	var jsonItems []*gofeedjson.Item
	if jf, ok := gf.OriginalFeed().(*gofeedjson.Feed); ok && len(jf.Items) == len(gf.Items) {
		jsonItems = jf.Items
	}
	for i, gi := range gf.Items {
		if gi == nil {
			continue
		}
		if len(f.Items) == maxItems {
			break
		}
		it := Item{
			Title:   clean(gi.Title),
			Link:    strings.TrimSpace(gi.Link),
			GUID:    strings.TrimSpace(gi.GUID),
			Summary: strings.TrimSpace(gi.Description),
			Content: strings.TrimSpace(gi.Content),
		}
		if it.Link == "" {
			for _, l := range gi.Links {
				if l = strings.TrimSpace(l); l != "" {
					it.Link = l
					break
				}
			}
		}
		if it.Link == "" && (strings.HasPrefix(it.GUID, "https://") || strings.HasPrefix(it.GUID, "http://")) {
			// RSS guids are permalinks by default and JSON Feed ids are
			// often the URL; a link-less item is otherwise unfetchable.
			it.Link = it.GUID
		}
		if jsonItems != nil {
			// JSON Feed says summary and content_text are plain text; the
			// rest of borderwatch reads HTML here, so escape them.
			ji := jsonItems[i]
			it.Summary = textToHTML(ji.Summary)
			it.Content = strings.TrimSpace(ji.ContentHTML)
			if it.Content == "" {
				it.Content = textToHTML(ji.ContentText)
			}
		}
		for _, a := range gi.Authors {
			if a != nil && strings.TrimSpace(a.Name) != "" {
				it.Author = clean(a.Name)
				break
			}
		}
		if it.Author == "" && gi.DublinCoreExt != nil && len(gi.DublinCoreExt.Creator) > 0 {
			it.Author = clean(gi.DublinCoreExt.Creator[0])
		}
		raw, parsed := gi.Published, gi.PublishedParsed
		if strings.TrimSpace(raw) == "" {
			raw, parsed = gi.Updated, gi.UpdatedParsed
		}
		it.Published = strings.TrimSpace(raw)
		it.PublishedTime = withOffset(it.Published, parsed)
		f.Items = append(f.Items, it)
	}
	return f
}

// clean collapses whitespace in one-line fields (titles, names).
func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

var blankLine = regexp.MustCompile(`\n\s*\n`)

// textToHTML escapes plain text, one paragraph per blank-line block.
func textToHTML(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	var b strings.Builder
	for _, para := range blankLine.Split(s, -1) {
		if para = strings.TrimSpace(para); para != "" {
			b.WriteString("<p>")
			b.WriteString(html.EscapeString(para))
			b.WriteString("</p>")
		}
	}
	return b.String()
}

// trailingOffset finds the numeric offset or UTC marker a date ends with
// ("+0500", "+05:00", "Z", "GMT").
var trailingOffset = regexp.MustCompile(`(?i)(?:([+-])(\d{2}):?(\d{2})|(Z|GMT|UTC|UT))\s*$`)

// withOffset returns the instant gofeed parsed (it knows many layouts and
// zone names) moved into the offset the raw string states. Without a
// numeric offset the instant stays in UTC, which is what gofeed assumed.
func withOffset(raw string, parsed *time.Time) time.Time {
	if parsed == nil || parsed.IsZero() {
		return time.Time{}
	}
	m := trailingOffset.FindStringSubmatch(raw)
	if m == nil || m[1] == "" {
		return parsed.UTC()
	}
	h, _ := strconv.Atoi(m[2])
	mi, _ := strconv.Atoi(m[3])
	secs := h*3600 + mi*60
	if m[1] == "-" {
		secs = -secs
	}
	if secs == 0 || h > 14 || mi > 59 {
		return parsed.UTC()
	}
	return parsed.In(time.FixedZone(m[1]+m[2]+":"+m[3], secs))
}
