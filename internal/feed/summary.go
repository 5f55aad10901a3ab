package feed

import (
	"html"
	"strings"
)

// MinFullWords is the length below which an item's text is taken to be a
// summary: a news report worth coding runs to a few paragraphs, while feed
// teasers are one or two sentences (30-80 words).
const MinFullWords = 150

// teaserMarks are phrases feeds append to cut text ("Read more", the
// WordPress "The post ... appeared first on ..."), lowercased.
var teaserMarks = []string{
	"read more", "continue reading", "read the full", "read the rest", "read the whole",
	"full story", "full article", "appeared first on", "click here to read",
}

func hasTeaserMark(text string) bool {
	tail := strings.ToLower(text[max(0, len(text)-markTail):])
	for _, m := range teaserMarks {
		for from := 0; ; {
			i := strings.Index(tail[from:], m)
			if i < 0 {
				break
			}
			i += from
			// A whole-word match only: "spread more" is not "read more".
			if i == 0 || !isLetter(tail[i-1]) {
				return true
			}
			from = i + 1
		}
	}
	return false
}

// markTail is how much of the end of a text is searched for teaser marks:
// feeds append them, and scanning whole articles would dominate a poll.
const markTail = 400

// truncated reports text that ends mid-thought: an ellipsis, "[…]", "[...]".
func truncated(text string) bool {
	text = strings.TrimRight(text, " ]")
	return strings.HasSuffix(text, "...") || strings.HasSuffix(text, "…")
}

// SummaryOnly reports whether the item's own text is not the article: it
// is empty, shorter than MinFullWords, ends in an ellipsis or carries a
// "read more" style link. The caller then fetches Link for the full text.
func (it Item) SummaryOnly() bool {
	text := PlainText(it.Content)
	if text == "" {
		text = PlainText(it.Summary)
	}
	if text == "" {
		return true
	}
	if hasTeaserMark(text) || truncated(text) {
		return true
	}
	return len(strings.Fields(text)) < MinFullWords
}

// PlainText strips tags (and script and style bodies) and entities from a
// feed's HTML fragment and collapses whitespace; it is for measuring and
// logging, not for coding (the text stage extracts article text properly).
func PlainText(fragment string) string {
	if fragment == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len(fragment))
	for i := 0; i < len(fragment); {
		if fragment[i] != '<' {
			next := strings.IndexByte(fragment[i:], '<')
			if next < 0 {
				next = len(fragment) - i
			}
			b.WriteString(fragment[i : i+next])
			i += next
			continue
		}
		end := strings.IndexByte(fragment[i:], '>')
		if end < 0 { // a lone "<" is text
			b.WriteString(fragment[i:])
			break
		}
		name := tagName(fragment[i+1 : i+end])
		i += end + 1
		b.WriteByte(' ')
		if name == "script" || name == "style" {
			closing := strings.Index(strings.ToLower(fragment[i:]), "</"+name)
			if closing < 0 {
				break
			}
			i += closing
		}
	}
	return strings.Join(strings.Fields(html.UnescapeString(b.String())), " ")
}

// tagName is the lowercased element name of a tag's inside ("p class=x").
func tagName(inside string) string {
	end := strings.IndexAny(inside, " \t\r\n/>")
	if end == 0 {
		return ""
	}
	if end > 0 {
		inside = inside[:end]
	}
	return strings.ToLower(inside)
}

func isLetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }
