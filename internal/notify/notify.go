// Package notify owns outgoing webhooks: it POSTs JSON alerts to each
// subscriber in order, signed (see SignatureHeader) and carrying an
// idempotency key, retries with exponential backoff, parks a subscriber
// after too many consecutive failures and reports it as failing, and never
// dials private or loopback addresses unless allowed. Its queue is plain
// JSON (Pending/Restore) so the service can persist it across restarts.
package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"borderwatch"

	"borderwatch/internal/fetch"
)

// Options configures a Notifier; zero fields take the defaults.
type Options struct {
	// AllowPrivate lets webhooks reach private, loopback and other internal
	// addresses; Allow lists internal ranges reachable even without it.
	AllowPrivate bool
	Allow        []netip.Prefix

	Timeout        time.Duration // per attempt, connect to response (default 10 s)
	InitialBackoff time.Duration // wait after the first failure (default 1 s), doubled after each
	MaxBackoff     time.Duration // cap on the wait (default 5 min)
	MaxAttempts    int           // consecutive failures before a subscriber is parked (default 8)
	MaxQueue       int           // pending deliveries per subscriber (default 10,000)
	UserAgent      string
	// OnAttempt, when set, is called after each attempt with the delivery
	// as it now stands (Attempts counts the failures), the attempt's error
	// (nil: delivered, it left the queue) and whether the subscriber is now
	// parked, so a caller can keep a stored copy of the queue in step. It
	// runs on the subscriber's worker: a slow OnAttempt delays the next
	// delivery of that subscriber only.
	OnAttempt func(d Delivery, err error, parked bool)
}

func (o *Options) defaults() error {
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	if o.InitialBackoff == 0 {
		o.InitialBackoff = time.Second
	}
	if o.MaxBackoff == 0 {
		o.MaxBackoff = 5 * time.Minute
	}
	if o.MaxAttempts == 0 {
		o.MaxAttempts = 8
	}
	if o.MaxQueue == 0 {
		o.MaxQueue = 10000
	}
	if o.UserAgent == "" {
		o.UserAgent = "borderwatch/" + borderwatch.Version + " webhook"
	}
	if o.Timeout < 0 || o.InitialBackoff < 0 || o.MaxBackoff < o.InitialBackoff || o.MaxAttempts < 0 || o.MaxQueue < 0 {
		return errors.New("notify: negative or inconsistent limit in Options")
	}
	return nil
}

// Backoff is the wait after the n-th consecutive failure (n >= 1):
// InitialBackoff doubled n-1 times, capped at MaxBackoff.
func (o *Options) Backoff(n int) time.Duration {
	if n < 1 {
		return 0
	}
	d := float64(o.InitialBackoff) * math.Pow(2, float64(n-1))
	if d > float64(o.MaxBackoff) {
		return o.MaxBackoff
	}
	return time.Duration(d)
}

// Subscriber is one webhook endpoint and its shared secret.
type Subscriber struct {
	ID     string `json:"id"`
	URL    string `json:"url"`
	Secret string `json:"secret"`
}

// Delivery is one queued webhook call. ID is its idempotency key.
type Delivery struct {
	ID         string          `json:"id"`
	Subscriber string          `json:"subscriber"`
	Body       json.RawMessage `json:"body"`
	Attempts   int             `json:"attempts"`
	LastError  string          `json:"last_error,omitempty"`
}

// Status is how a subscriber's deliveries are going.
type Status struct {
	Subscriber  string    `json:"subscriber"`
	URL         string    `json:"url"`
	Pending     int       `json:"pending"`
	Delivered   int64     `json:"delivered"`
	Failures    int       `json:"failures"` // consecutive, on the delivery at the head of the queue
	Parked      bool      `json:"parked"`   // failing: no attempts until Resume
	LastError   string    `json:"last_error,omitempty"`
	LastSuccess time.Time `json:"last_success,omitzero"`
}

// Failing reports whether the subscriber needs attention.
func (s Status) Failing() bool { return s.Parked || s.Failures > 0 }

// ErrBlocked is wrapped when a webhook URL resolves to an address that is
// not allowed; such a subscriber is parked at once.
var ErrBlocked = errors.New("notify: address not allowed")

// recentKeys is how many delivered keys each subscriber remembers, so a
// caller re-sending after a crash does not queue them again.
const recentKeys = 1024

type subscriber struct {
	Subscriber
	queue  []Delivery
	recent []string // delivered keys, oldest first
	status Status
	wake   chan struct{}   // buffered 1: the queue grew
	resume chan struct{}   // buffered 1: Resume was called; cuts a backoff short
	done   chan struct{}   // closed when the worker has exited
	ctx    context.Context // cancelled by Unsubscribe and Close
	cancel context.CancelFunc
}

// Notifier delivers webhooks; one worker goroutine per subscriber keeps
// each subscriber's deliveries in order.
type Notifier struct {
	opts   Options
	client *http.Client
	now    func() time.Time

	mu     sync.Mutex
	subs   map[string]*subscriber
	closed bool
	ctx    context.Context
	cancel context.CancelFunc
}

// New builds a Notifier.
func New(opts Options) (*Notifier, error) {
	if err := opts.defaults(); err != nil {
		return nil, err
	}
	n := &Notifier{opts: opts, subs: map[string]*subscriber{}, now: time.Now}
	n.ctx, n.cancel = context.WithCancel(context.Background())
	dialer := &net.Dialer{Timeout: opts.Timeout, KeepAlive: 30 * time.Second, Control: n.control}
	n.client = &http.Client{
		Transport: &http.Transport{
			Proxy:                 nil, // a proxy would hide the real target from control
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   opts.Timeout,
			ResponseHeaderTimeout: opts.Timeout,
			MaxIdleConnsPerHost:   2,
			IdleConnTimeout:       90 * time.Second,
			ForceAttemptHTTP2:     true,
		},
		Timeout: opts.Timeout,
		// A redirect could lead anywhere; a webhook that moved is a
		// configuration to fix, so 3xx counts as a failure.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return n, nil
}

// control runs with the address actually dialled, after DNS, so a name
// resolving to 127.0.0.1 or a rebinding trick cannot get past it.
func (n *Notifier) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("notify: unexpected dial address %q: %w", address, err)
	}
	return n.checkAddr(ap.Addr())
}

func (n *Notifier) checkAddr(ip netip.Addr) error {
	if n.opts.AllowPrivate {
		return nil
	}
	ip = ip.Unmap()
	for _, p := range n.opts.Allow {
		if p.Contains(ip) {
			return nil
		}
	}
	if reason := fetch.BlockedAddr(ip); reason != "" {
		return fmt.Errorf("%w: %s is a %s (allow private addresses to reach it)", ErrBlocked, ip, reason)
	}
	return nil
}

func validURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("notify: webhook URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("notify: webhook URL %q must be absolute http or https", raw)
	}
	if u.User != nil {
		return fmt.Errorf("notify: webhook URL %q must not carry credentials; use the secret", raw)
	}
	return nil
}

// Subscribe adds a subscriber, or changes the URL and secret of an
// existing one (its queue is kept), and starts its worker.
func (n *Notifier) Subscribe(s Subscriber) error {
	if strings.TrimSpace(s.ID) == "" {
		return errors.New("notify: subscriber has no id")
	}
	if err := validURL(s.URL); err != nil {
		return err
	}
	if s.Secret == "" {
		return fmt.Errorf("notify: subscriber %q has no secret", s.ID)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return errors.New("notify: notifier closed")
	}
	if sub, ok := n.subs[s.ID]; ok {
		sub.Subscriber = s
		sub.status.URL = s.URL
		return nil
	}
	sub := &subscriber{Subscriber: s, wake: make(chan struct{}, 1), resume: make(chan struct{}, 1), done: make(chan struct{}),
		status: Status{Subscriber: s.ID, URL: s.URL}}
	sub.ctx, sub.cancel = context.WithCancel(n.ctx)
	n.subs[s.ID] = sub
	go n.work(sub)
	return nil
}

// Unsubscribe stops a subscriber's worker and returns what was still
// queued for it.
func (n *Notifier) Unsubscribe(id string) []Delivery {
	n.mu.Lock()
	sub, ok := n.subs[id]
	if ok {
		delete(n.subs, id)
	}
	n.mu.Unlock()
	if !ok {
		return nil
	}
	sub.cancel()
	<-sub.done
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(sub.queue)
}

// Send queues payload (marshalled to JSON) for the subscriber under key,
// its idempotency key. A key already queued or recently delivered to that
// subscriber is not queued again.
func (n *Notifier) Send(subscriberID, key string, payload any) error {
	if key == "" {
		return errors.New("notify: empty idempotency key")
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("notify: encoding payload: %w", err)
	}
	return n.enqueue(Delivery{ID: key, Subscriber: subscriberID, Body: body})
}

// Restore re-queues deliveries saved with Pending, after their subscribers
// are subscribed again, in the order given.
func (n *Notifier) Restore(ds []Delivery) error {
	for _, d := range ds {
		if !json.Valid(d.Body) {
			return fmt.Errorf("notify: delivery %q has a body that is not JSON", d.ID)
		}
		if err := n.enqueue(d); err != nil {
			return err
		}
	}
	return nil
}

func (n *Notifier) enqueue(d Delivery) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return errors.New("notify: notifier closed")
	}
	sub, ok := n.subs[d.Subscriber]
	if !ok {
		return fmt.Errorf("notify: unknown subscriber %q", d.Subscriber)
	}
	if slices.Contains(sub.recent, d.ID) || slices.ContainsFunc(sub.queue, func(q Delivery) bool { return q.ID == d.ID }) {
		return nil
	}
	if len(sub.queue) >= n.opts.MaxQueue {
		return fmt.Errorf("notify: queue of subscriber %q is full (%d)", d.Subscriber, n.opts.MaxQueue)
	}
	sub.queue = append(sub.queue, d)
	sub.status.Pending = len(sub.queue)
	signal(sub.wake)
	return nil
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// Pending returns every queued delivery, per subscriber in order, for
// persisting.
func (n *Notifier) Pending() []Delivery {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []Delivery
	for _, id := range n.sortedIDs() {
		out = append(out, n.subs[id].queue...)
	}
	return out
}

func (n *Notifier) sortedIDs() []string {
	ids := make([]string, 0, len(n.subs))
	for id := range n.subs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Status reports every subscriber, sorted by ID.
func (n *Notifier) Status() []Status {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]Status, 0, len(n.subs))
	for _, id := range n.sortedIDs() {
		out = append(out, n.subs[id].status)
	}
	return out
}

// Resume unparks a subscriber so its queue is tried again now.
func (n *Notifier) Resume(id string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	sub, ok := n.subs[id]
	if !ok {
		return fmt.Errorf("notify: unknown subscriber %q", id)
	}
	sub.status.Parked = false
	sub.status.Failures = 0
	signal(sub.resume)
	return nil
}

// Close stops every worker, abandoning attempts in flight (they stay
// queued: Pending still returns them), and waits for the workers or ctx.
func (n *Notifier) Close(ctx context.Context) error {
	n.mu.Lock()
	n.closed = true
	subs := make([]*subscriber, 0, len(n.subs))
	for _, s := range n.subs {
		subs = append(subs, s)
	}
	n.mu.Unlock()
	n.cancel()
	for _, s := range subs {
		select {
		case <-s.done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// work delivers one subscriber's queue head first, one at a time.
func (n *Notifier) work(sub *subscriber) {
	defer close(sub.done)
	for {
		n.mu.Lock()
		var head Delivery
		ready := len(sub.queue) > 0 && !sub.status.Parked
		if ready {
			head = sub.queue[0]
		}
		target := sub.Subscriber
		n.mu.Unlock()
		if !ready {
			select {
			case <-sub.wake:
				continue
			case <-sub.resume:
				continue
			case <-sub.ctx.Done():
				return
			}
		}
		err := n.attempt(sub.ctx, target, head)
		if sub.ctx.Err() != nil {
			return // shutting down: the delivery stays queued
		}
		var wait time.Duration
		report, parked := false, false
		n.mu.Lock()
		if len(sub.queue) > 0 && sub.queue[0].ID == head.ID {
			report = true
			if err == nil {
				sub.queue = sub.queue[1:]
				sub.recent = append(sub.recent, head.ID)
				if len(sub.recent) > recentKeys {
					sub.recent = sub.recent[len(sub.recent)-recentKeys:]
				}
				sub.status.Delivered++
				sub.status.Failures = 0
				sub.status.LastError = ""
				sub.status.LastSuccess = n.now()
			} else {
				sub.queue[0].Attempts++
				sub.queue[0].LastError = err.Error()
				sub.status.Failures++
				sub.status.LastError = err.Error()
				if errors.Is(err, ErrBlocked) || sub.status.Failures >= n.opts.MaxAttempts {
					sub.status.Parked = true
				} else {
					wait = n.opts.Backoff(sub.status.Failures)
				}
				head = sub.queue[0]
			}
			sub.status.Pending = len(sub.queue)
			parked = sub.status.Parked
		}
		n.mu.Unlock()
		if report && n.opts.OnAttempt != nil {
			n.opts.OnAttempt(head, err, parked)
		}
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-sub.resume:
				t.Stop()
			case <-sub.ctx.Done():
				t.Stop()
				return
			}
		}
	}
}

// attempt makes one signed POST; any 2xx is success.
func (n *Notifier) attempt(ctx context.Context, s Subscriber, d Delivery) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(d.Body))
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", n.opts.UserAgent)
	req.Header.Set(IdempotencyHeader, d.ID)
	req.Header.Set(SignatureHeader, Sign([]byte(s.Secret), n.now(), d.Body))
	resp, err := n.client.Do(req)
	if err != nil {
		return fmt.Errorf("notify: POST %s: %w", s.URL, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("notify: POST %s: %s", s.URL, resp.Status)
	}
	return nil
}
