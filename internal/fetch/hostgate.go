package fetch

import (
	"context"
	"sync"
	"time"
)

// hostGate lets one request at a time reach each host and spaces requests
// to one host at least gap apart, counted from the end of the previous one.
type hostGate struct {
	gap   time.Duration
	mu    sync.Mutex
	hosts map[string]*hostSlot
}

type hostSlot struct {
	turn  chan struct{} // holds a token while a request to the host is running
	users int           // callers holding or waiting for turn; guarded by hostGate.mu
	done  time.Time     // when the last request finished; guarded by turn
}

func newHostGate(gap time.Duration) *hostGate {
	return &hostGate{gap: gap, hosts: map[string]*hostSlot{}}
}

// acquire waits for host's turn and its gap; release must be called once.
func (g *hostGate) acquire(ctx context.Context, host string) (release func(), err error) {
	g.mu.Lock()
	s := g.hosts[host]
	if s == nil {
		s = &hostSlot{turn: make(chan struct{}, 1)}
		g.hosts[host] = s
	}
	s.users++
	g.mu.Unlock()

	select {
	case s.turn <- struct{}{}:
	case <-ctx.Done():
		g.leave(host, s)
		return nil, ctx.Err()
	}
	if wait := g.gap - time.Since(s.done); !s.done.IsZero() && wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			<-s.turn
			g.leave(host, s)
			return nil, ctx.Err()
		}
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			s.done = time.Now()
			<-s.turn
			g.leave(host, s)
		})
	}, nil
}

// leave forgets a host nobody is using once its gap has passed, so the map
// does not grow with every host ever fetched.
func (g *hostGate) leave(host string, s *hostSlot) {
	g.mu.Lock()
	defer g.mu.Unlock()
	s.users--
	for h, hs := range g.hosts {
		if len(g.hosts) < 256 {
			break
		}
		if hs.users == 0 && time.Since(hs.done) > g.gap {
			delete(g.hosts, h)
		}
	}
}
