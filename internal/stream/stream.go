// Package stream owns the live stream (/api/v1/stream): a hub that numbers
// every published event, incident change and alert with a monotonically
// increasing id, keeps the latest ones in a bounded replay buffer, and
// serves them as server-sent events. A client reconnecting with
// Last-Event-ID resumes exactly after what it saw; one that fell out of the
// buffer is sent a "resync" event telling it to reload through the API.
// Comment heartbeats keep proxies from closing idle streams, and Close ends
// every stream cleanly.
package stream

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The kinds of message on the stream; each is the SSE "event:" field.
const (
	KindEvent    = "event"
	KindIncident = "incident"
	KindAlert    = "alert"
	// KindResync is sent, with the current last id, to a client whose
	// Last-Event-ID is no longer in the buffer (or from another numbering):
	// it must reload state through the API and then carry on.
	KindResync = "resync"
)

// Message is one numbered message.
type Message struct {
	ID   uint64          `json:"id"`
	Kind string          `json:"kind"`
	Data json.RawMessage `json:"data"`
	// Audience is the only user who may see the message (an alert of a
	// private rule); empty means everyone.
	Audience string `json:"-"`
}

// Options configures a Hub; zero fields take the defaults.
type Options struct {
	Buffer       int           // messages kept for resuming (default 4096)
	ClientBuffer int           // messages queued for one slow client before it is cut off (default 1024)
	Heartbeat    time.Duration // interval of ": heartbeat" comments (default 15 s)
	Retry        time.Duration // reconnection delay suggested to clients (default 2 s)
	WriteTimeout time.Duration // a write to a stuck client fails after this (default 10 s)
	// FirstID continues the numbering after a restart: the first message
	// gets FirstID+1, so ids never repeat across runs.
	FirstID uint64
}

// Hub fans messages out to every connected client. It is an http.Handler.
type Hub struct {
	opts Options

	mu      sync.Mutex
	ring    []Message // the last opts.Buffer messages, oldest first
	lastID  uint64
	clients map[*client]struct{}
	closed  bool
	done    chan struct{}
}

type client struct {
	kinds   map[string]bool // nil: every kind
	may     func(audience string) bool
	ch      chan Message
	dropped chan struct{} // closed when the client fell behind ClientBuffer
}

// NewHub builds a Hub.
func NewHub(opts Options) *Hub {
	if opts.Buffer <= 0 {
		opts.Buffer = 4096
	}
	if opts.ClientBuffer <= 0 {
		opts.ClientBuffer = 1024
	}
	if opts.Heartbeat <= 0 {
		opts.Heartbeat = 15 * time.Second
	}
	if opts.Retry <= 0 {
		opts.Retry = 2 * time.Second
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = 10 * time.Second
	}
	return &Hub{opts: opts, lastID: opts.FirstID, clients: map[*client]struct{}{}, done: make(chan struct{})}
}

// ErrClosed is returned by Publish after Close.
var ErrClosed = errors.New("stream: hub closed")

// Publish numbers v (marshalled to JSON) and sends it to every client
// that wants its kind. It never blocks on a client: one that cannot keep
// up is disconnected and resumes from the buffer when it reconnects.
func (h *Hub) Publish(kind string, v any) (uint64, error) {
	return h.PublishFor(kind, "", v)
}

// PublishFor is Publish for a message only audience may see; "" is
// everyone.
func (h *Hub) PublishFor(kind, audience string, v any) (uint64, error) {
	switch kind {
	case KindEvent, KindIncident, KindAlert:
	default:
		return 0, fmt.Errorf("stream: unknown kind %q", kind)
	}
	data, err := json.Marshal(v)
	if err != nil {
		return 0, fmt.Errorf("stream: encoding %s: %w", kind, err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return 0, ErrClosed
	}
	h.lastID++
	m := Message{ID: h.lastID, Kind: kind, Data: data, Audience: audience}
	if len(h.ring) == h.opts.Buffer {
		// Dropping from the front by reslicing is amortised O(1): append
		// moves the live part to a fresh array when capacity runs out.
		h.ring[0] = Message{}
		h.ring = h.ring[1:]
	}
	h.ring = append(h.ring, m)
	for c := range h.clients {
		if !c.wants(m) {
			continue
		}
		select {
		case c.ch <- m:
		default:
			delete(h.clients, c)
			close(c.dropped)
		}
	}
	return m.ID, nil
}

// LastID is the id of the latest message, to save for Options.FirstID.
func (h *Hub) LastID() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.lastID
}

// Close ends every stream and refuses new ones and new messages.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	close(h.done)
	h.clients = map[*client]struct{}{}
}

// subscribe registers a client and returns what it missed, atomically, so
// nothing falls between the replay and the live messages. resync is set
// when the client's position cannot be resumed from the buffer.
func (h *Hub) subscribe(c *client, after uint64, resuming bool) (replay []Message, resync bool, last uint64, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, false, 0, ErrClosed
	}
	h.clients[c] = struct{}{}
	last = h.lastID
	if !resuming {
		return nil, false, last, nil
	}
	oldest := h.lastID + 1 // the id the buffer would start at if it were empty
	if len(h.ring) > 0 {
		oldest = h.ring[0].ID
	}
	if after > h.lastID || after+1 < oldest {
		return nil, true, last, nil
	}
	i, _ := slices.BinarySearchFunc(h.ring, after+1, func(m Message, id uint64) int {
		switch {
		case m.ID < id:
			return -1
		case m.ID > id:
			return 1
		}
		return 0
	})
	for _, m := range h.ring[i:] {
		if c.wants(m) {
			replay = append(replay, m)
		}
	}
	return replay, false, last, nil
}

// wants reports whether the client asked for the message's kind and may
// see it.
func (c *client) wants(m Message) bool {
	if c.kinds != nil && !c.kinds[m.Kind] {
		return false
	}
	return m.Audience == "" || c.may != nil && c.may(m.Audience)
}

func (h *Hub) unsubscribe(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.clients, c)
}

// ServeHTTP streams the messages meant for everyone; see Serve.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.Serve(w, r, nil) }

// Serve streams messages as text/event-stream to one viewer: messages
// meant for everyone, and those whose audience may accepts. It resumes
// after the Last-Event-ID header (or the last_event_id query parameter, for
// clients that cannot set headers) and takes ?kinds=event,alert to filter.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, may func(audience string) bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "stream: GET only", http.StatusMethodNotAllowed)
		return
	}
	c := &client{may: may, ch: make(chan Message, h.opts.ClientBuffer), dropped: make(chan struct{})}
	if ks := r.URL.Query().Get("kinds"); ks != "" {
		c.kinds = map[string]bool{}
		for k := range strings.SplitSeq(ks, ",") {
			switch k = strings.TrimSpace(k); k {
			case KindEvent, KindIncident, KindAlert:
				c.kinds[k] = true
			default:
				http.Error(w, fmt.Sprintf("stream: unknown kind %q (want event, incident, alert)", k), http.StatusBadRequest)
				return
			}
		}
	}
	raw := r.Header.Get("Last-Event-ID")
	if raw == "" {
		raw = r.URL.Query().Get("last_event_id")
	}
	var after uint64
	if raw != "" {
		v, err := strconv.ParseUint(strings.TrimSpace(raw), 10, 64)
		if err != nil {
			http.Error(w, fmt.Sprintf("stream: Last-Event-ID %q is not an event id", raw), http.StatusBadRequest)
			return
		}
		after = v
	}
	replay, resync, last, err := h.subscribe(c, after, raw != "")
	if err != nil {
		http.Error(w, "stream: shutting down", http.StatusServiceUnavailable)
		return
	}
	defer h.unsubscribe(c)

	rc := http.NewResponseController(w)
	// A server's ReadTimeout would end the stream: the request is read, and
	// a stream lives far longer.
	_ = rc.SetReadDeadline(time.Time{})
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream; charset=utf-8")
	hd.Set("Cache-Control", "no-cache")
	hd.Set("X-Accel-Buffering", "no") // nginx would otherwise hold messages back
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	write := func(s string) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(h.opts.WriteTimeout))
		if _, err := w.Write([]byte(s)); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !write(fmt.Sprintf("retry: %d\n\n", h.opts.Retry.Milliseconds())) {
		return
	}
	if resync {
		if !write(format(Message{ID: last, Kind: KindResync, Data: json.RawMessage(fmt.Sprintf(`{"last_id":%d}`, last))})) {
			return
		}
	}
	for _, m := range replay {
		if !write(format(m)) {
			return
		}
	}
	beat := time.NewTicker(h.opts.Heartbeat)
	defer beat.Stop()
	for {
		select {
		case m := <-c.ch:
			if !write(format(m)) {
				return
			}
		case <-beat.C:
			if !write(": heartbeat\n\n") {
				return
			}
		case <-c.dropped:
			return
		case <-h.done:
			return
		case <-r.Context().Done():
			return
		}
	}
}

// format renders one SSE message; JSON has no raw newlines, so the data
// is one line.
func format(m Message) string {
	return "id: " + strconv.FormatUint(m.ID, 10) + "\nevent: " + m.Kind + "\ndata: " + string(m.Data) + "\n\n"
}
