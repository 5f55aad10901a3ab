// Package fetch owns every outgoing HTTP request borderwatch makes for feeds
// and articles (stage ② of the flow): a polite client with conditional GET,
// timeouts, caps on body and decompressed size and on redirects, one request
// at a time per host with a minimum gap, a User-Agent naming borderwatch,
// URL canonicalisation, and refusal of private, loopback and other internal
// addresses checked on the address actually dialled, on every hop.
package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"borderwatch"
)

// Options configures a Client. Zero fields take the defaults: the
// borderwatch User-Agent, 10 s connect, 20 s to headers, 60 s in all,
// 10 MB on the wire, 20 MB decompressed, 5 redirects, 1 s between requests
// to one host (host:port).
type Options struct {
	// AllowPrivate lets requests reach private, loopback, link-local,
	// CGNAT, ULA and other internal addresses (--allow-private). Off, a
	// feed URL cannot become a way into the operator's network.
	AllowPrivate bool
	// Allow lists internal ranges reachable even with AllowPrivate off,
	// for an operator's own feed server.
	Allow []netip.Prefix

	UserAgent       string
	ConnectTimeout  time.Duration // TCP connect and TLS handshake, each
	HeaderTimeout   time.Duration // from request written to response headers read
	Timeout         time.Duration // the whole Get: every hop and the body
	MaxBodyBytes    int64         // bytes read from the wire
	MaxDecodedBytes int64         // bytes after gzip decompression
	MaxRedirects    int
	HostGap         time.Duration // minimum time between two requests to one host
}

// defaults are the limits used for fields left zero.
var defaults = Options{
	UserAgent:       "borderwatch/" + borderwatch.Version + " (border event monitor; feed and article fetcher)",
	ConnectTimeout:  10 * time.Second,
	HeaderTimeout:   20 * time.Second,
	Timeout:         60 * time.Second,
	MaxBodyBytes:    10 << 20,
	MaxDecodedBytes: 20 << 20,
	MaxRedirects:    5,
	HostGap:         time.Second,
}

// Request is one conditional GET.
type Request struct {
	URL          string
	ETag         string // sent as If-None-Match
	LastModified string // sent as If-Modified-Since
	Accept       string // defaults to anything
}

// Response is a completed fetch. When NotModified is true Body is empty and
// ETag and LastModified echo the request's unless the server sent new ones.
type Response struct {
	URL          string // final URL after redirects
	StatusCode   int
	NotModified  bool
	ETag         string
	LastModified string
	ContentType  string // media type without parameters, lowercased
	Charset      string // charset parameter of Content-Type, if any
	Body         []byte // decompressed
}

// Client is safe for concurrent use; its per-host gate is shared by all
// callers.
type Client struct {
	opts  Options
	http  *http.Client
	hosts *hostGate
}

// New builds a Client, filling zero Options with the defaults.
func New(opts Options) (*Client, error) {
	d := defaults
	if opts.UserAgent == "" {
		opts.UserAgent = d.UserAgent
	}
	if opts.ConnectTimeout == 0 {
		opts.ConnectTimeout = d.ConnectTimeout
	}
	if opts.HeaderTimeout == 0 {
		opts.HeaderTimeout = d.HeaderTimeout
	}
	if opts.Timeout == 0 {
		opts.Timeout = d.Timeout
	}
	if opts.MaxBodyBytes == 0 {
		opts.MaxBodyBytes = d.MaxBodyBytes
	}
	if opts.MaxDecodedBytes == 0 {
		opts.MaxDecodedBytes = d.MaxDecodedBytes
	}
	if opts.MaxRedirects == 0 {
		opts.MaxRedirects = d.MaxRedirects
	}
	if opts.HostGap == 0 {
		opts.HostGap = d.HostGap
	}
	if opts.ConnectTimeout < 0 || opts.HeaderTimeout < 0 || opts.Timeout < 0 || opts.HostGap < 0 ||
		opts.MaxBodyBytes < 0 || opts.MaxDecodedBytes < 0 || opts.MaxRedirects < 0 {
		return nil, errors.New("fetch: negative limit in Options")
	}
	c := &Client{opts: opts, hosts: newHostGate(opts.HostGap)}
	dialer := &net.Dialer{Timeout: opts.ConnectTimeout, KeepAlive: 30 * time.Second, Control: c.control}
	transport := &http.Transport{
		Proxy:                  nil, // a proxy would be the address dialled and hide the real target from control
		DialContext:            dialer.DialContext,
		TLSHandshakeTimeout:    opts.ConnectTimeout,
		ResponseHeaderTimeout:  opts.HeaderTimeout,
		MaxIdleConns:           64,
		MaxIdleConnsPerHost:    2,
		IdleConnTimeout:        90 * time.Second,
		DisableCompression:     true, // we ask for gzip ourselves so decompressed bytes can be counted
		MaxResponseHeaderBytes: 64 << 10,
		ForceAttemptHTTP2:      true,
	}
	c.http = &http.Client{
		Transport: transport,
		// Redirects are followed by Get itself so each hop passes the URL
		// checks, the loop detector and its host's gate.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return c, nil
}

// Get fetches req.URL, following redirects, and returns the decompressed
// body. A 304 is a success with NotModified set. Every failure is an *Error
// whose Kind says why.
func (c *Client) Get(ctx context.Context, req Request) (*Response, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, c.opts.Timeout, errWholeTimeout)
	defer cancel()

	target, err := c.checkURL(req.URL)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for hop := 0; ; hop++ {
		key := target.String()
		if seen[key] {
			return nil, &Error{Kind: KindRedirectLoop, URL: key, Err: fmt.Errorf("came back after %d redirects", hop)}
		}
		seen[key] = true
		resp, next, err := c.getOnce(ctx, target, req)
		if err != nil || next == nil {
			return resp, err
		}
		if hop+1 > c.opts.MaxRedirects {
			return nil, &Error{Kind: KindTooManyRedirects, URL: key, Err: fmt.Errorf("more than %d", c.opts.MaxRedirects)}
		}
		target = next
	}
}

var errWholeTimeout = errors.New("whole-request deadline passed")

// checkURL parses a URL and refuses schemes other than http/https and
// literal addresses that control would refuse anyway (a clearer error,
// before any DNS).
func (c *Client) checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, &Error{Kind: KindBadURL, URL: raw, Err: err}
	}
	return u, c.checkParsed(u)
}

func (c *Client) checkParsed(u *url.URL) error {
	s := u.String()
	if u.Scheme != "http" && u.Scheme != "https" {
		return &Error{Kind: KindBadURL, URL: s, Err: fmt.Errorf("scheme %q not allowed, only http and https", u.Scheme)}
	}
	if u.Hostname() == "" {
		return &Error{Kind: KindBadURL, URL: s, Err: errors.New("no host")}
	}
	if ip, err := netip.ParseAddr(u.Hostname()); err == nil {
		if err := c.checkAddr(ip); err != nil {
			return &Error{Kind: KindBlocked, URL: s, Err: err}
		}
	}
	return nil
}

// getOnce makes one request under its host's gate. It returns either a
// final response, the next URL to follow, or an error.
func (c *Client) getOnce(ctx context.Context, u *url.URL, req Request) (*Response, *url.URL, error) {
	us := u.String()
	release, err := c.hosts.acquire(ctx, hostKey(u))
	if err != nil {
		return nil, nil, c.classify(ctx, us, err)
	}
	defer release()

	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, us, nil)
	if err != nil {
		return nil, nil, &Error{Kind: KindBadURL, URL: us, Err: err}
	}
	hreq.Header.Set("User-Agent", c.opts.UserAgent)
	hreq.Header.Set("Accept-Encoding", "gzip")
	accept := req.Accept
	if accept == "" {
		accept = "*/*"
	}
	hreq.Header.Set("Accept", accept)
	if req.ETag != "" {
		hreq.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hreq.Header.Set("If-Modified-Since", req.LastModified)
	}

	resp, err := c.http.Do(hreq)
	if err != nil {
		return nil, nil, c.classify(ctx, us, err)
	}
	defer resp.Body.Close()

	switch {
	case isRedirect(resp.StatusCode):
		loc := resp.Header.Get("Location")
		if loc == "" {
			return nil, nil, &Error{Kind: KindHTTPStatus, URL: us, StatusCode: resp.StatusCode, Err: errors.New("redirect without Location")}
		}
		next, err := u.Parse(loc)
		if err != nil {
			return nil, nil, &Error{Kind: KindBadURL, URL: us, Err: fmt.Errorf("redirect to %q: %w", loc, err)}
		}
		next.Fragment, next.RawFragment = "", ""
		if err := c.checkParsed(next); err != nil {
			return nil, nil, err
		}
		return nil, next, nil
	case resp.StatusCode == http.StatusNotModified:
		return &Response{
			URL: us, StatusCode: resp.StatusCode, NotModified: true,
			ETag:         firstNonEmpty(resp.Header.Get("ETag"), req.ETag),
			LastModified: firstNonEmpty(resp.Header.Get("Last-Modified"), req.LastModified),
		}, nil, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return nil, nil, &Error{Kind: KindHTTPStatus, URL: us, StatusCode: resp.StatusCode,
			RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now())}
	}

	body, err := c.readBody(resp)
	if err != nil {
		if fe, ok := err.(*Error); ok {
			fe.URL = us
			return nil, nil, fe
		}
		return nil, nil, c.classify(ctx, us, err)
	}
	mediaType, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	return &Response{
		URL:          us,
		StatusCode:   resp.StatusCode,
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		ContentType:  strings.ToLower(mediaType),
		Charset:      strings.ToLower(params["charset"]),
		Body:         body,
	}, nil, nil
}

// hostKey names the server a URL reaches, so "example.org" and
// "example.org:443" share one gate.
func hostKey(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// readBody reads at most MaxBodyBytes from the wire and, for gzip, at most
// MaxDecodedBytes after decompression. Content-Length is only trusted to
// refuse early, never to size a buffer.
func (c *Client) readBody(resp *http.Response) ([]byte, error) {
	if resp.ContentLength > c.opts.MaxBodyBytes {
		return nil, &Error{Kind: KindTooLarge, Err: fmt.Errorf("Content-Length %d over the %d-byte cap", resp.ContentLength, c.opts.MaxBodyBytes)}
	}
	wire := &countingLimit{r: resp.Body, limit: c.opts.MaxBodyBytes}
	var r io.Reader = wire
	limit, what := c.opts.MaxBodyBytes, "body"
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(wire)
		if err != nil {
			if wire.over {
				return nil, wire.tooLarge()
			}
			return nil, &Error{Kind: KindBadEncoding, Err: fmt.Errorf("gzip: %w", err)}
		}
		defer zr.Close()
		r, limit, what = zr, c.opts.MaxDecodedBytes, "decompressed body"
	default:
		return nil, &Error{Kind: KindBadEncoding, Err: fmt.Errorf("Content-Encoding %q was not asked for", enc)}
	}
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, limit+1))
	if wire.over {
		return nil, wire.tooLarge()
	}
	if n > limit {
		return nil, &Error{Kind: KindTooLarge, Err: fmt.Errorf("%s over the %d-byte cap", what, limit)}
	}
	if err != nil {
		if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, &Error{Kind: KindBadEncoding, Err: fmt.Errorf("gzip: %w", err)}
		}
		return nil, err
	}
	return buf.Bytes(), nil
}

// countingLimit stops reading the wire after limit bytes and remembers that
// it did, so a gzip bomb and a plain oversized body get the same answer.
type countingLimit struct {
	r     io.Reader
	limit int64
	n     int64
	over  bool
}

func (l *countingLimit) Read(p []byte) (int, error) {
	if l.n > l.limit {
		l.over = true
		return 0, io.EOF
	}
	if rem := l.limit + 1 - l.n; int64(len(p)) > rem {
		p = p[:rem]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.limit {
		l.over = true
		return n, io.EOF
	}
	return n, err
}

func (l *countingLimit) tooLarge() *Error {
	return &Error{Kind: KindTooLarge, Err: fmt.Errorf("body over the %d-byte cap", l.limit)}
}

// classify maps transport errors to Kinds. A parent context cancelled by
// the caller stays a plain context error so shutdown is not logged as a
// feed failure.
func (c *Client) classify(ctx context.Context, u string, err error) error {
	var be *blockedError
	if errors.As(err, &be) {
		return &Error{Kind: KindBlocked, URL: u, Err: be}
	}
	if context.Cause(ctx) == errWholeTimeout {
		return &Error{Kind: KindTimeout, URL: u, Err: fmt.Errorf("no complete answer within %s", c.opts.Timeout)}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		if ctx.Err() != nil {
			return fmt.Errorf("fetch %s: %w", u, ctx.Err())
		}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &Error{Kind: KindTimeout, URL: u, Err: err}
	}
	return &Error{Kind: KindOther, URL: u, Err: err}
}

// retryAfter parses Retry-After as seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
