package fetch

import (
	"errors"
	"fmt"
	"time"
)

// Kind says why a fetch failed, so callers can choose between backing off,
// giving up on a URL and reporting a misconfiguration.
type Kind int

// The kinds of fetch failure.
const (
	KindOther            Kind = iota // network errors and anything unclassified
	KindBadURL                       // unparsable URL or a scheme other than http/https
	KindBlocked                      // the address dialled is private, loopback, ... and AllowPrivate is off
	KindTimeout                      // connect, header or whole-request deadline passed
	KindTooLarge                     // body over MaxBodyBytes on the wire or MaxDecodedBytes after gunzip
	KindTooManyRedirects             // more than MaxRedirects hops
	KindRedirectLoop                 // a redirect came back to a URL already visited
	KindHTTPStatus                   // the server answered with a status other than 2xx or 304
	KindBadEncoding                  // a Content-Encoding we did not ask for, or a corrupt gzip stream
)

var kindNames = [...]string{
	KindOther:            "fetch failed",
	KindBadURL:           "bad URL",
	KindBlocked:          "blocked address",
	KindTimeout:          "timeout",
	KindTooLarge:         "too large",
	KindTooManyRedirects: "too many redirects",
	KindRedirectLoop:     "redirect loop",
	KindHTTPStatus:       "HTTP status",
	KindBadEncoding:      "bad content encoding",
}

func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// Error is every error Get returns (besides a cancelled parent context,
// which is returned wrapped so errors.Is(err, context.Canceled) holds).
type Error struct {
	Kind Kind
	URL  string // the URL being fetched when it failed (after redirects)
	// StatusCode is set for KindHTTPStatus.
	StatusCode int
	// RetryAfter is the server's Retry-After on 429/503, zero when absent.
	RetryAfter time.Duration
	Err        error
}

func (e *Error) Error() string {
	msg := "fetch " + e.URL + ": " + e.Kind.String()
	if e.Kind == KindHTTPStatus {
		msg = fmt.Sprintf("fetch %s: HTTP %d", e.URL, e.StatusCode)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the Kind of a fetch error, KindOther for any other error.
func KindOf(err error) Kind {
	var fe *Error
	if errors.As(err, &fe) {
		return fe.Kind
	}
	return KindOther
}

// Permanent reports whether retrying the same URL soon is pointless: the
// URL is refused, or the server said 4xx (other than 408 and 429).
func Permanent(err error) bool {
	var fe *Error
	if !errors.As(err, &fe) {
		return false
	}
	switch fe.Kind {
	case KindBadURL, KindBlocked, KindTooLarge, KindTooManyRedirects, KindRedirectLoop, KindBadEncoding:
		return true
	case KindHTTPStatus:
		return fe.StatusCode >= 400 && fe.StatusCode < 500 && fe.StatusCode != 408 && fe.StatusCode != 429
	}
	return false
}
