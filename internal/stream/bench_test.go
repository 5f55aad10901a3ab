package stream

import (
	"testing"
)

// BenchmarkPublish fans one alert-sized message out to 100 clients that
// keep up (their queues are drained by goroutines).
func BenchmarkPublish(b *testing.B) {
	h := NewHub(Options{Buffer: 4096, ClientBuffer: 1 << 16})
	defer h.Close()
	for range 100 {
		c := &client{ch: make(chan Message, 1<<16), dropped: make(chan struct{})}
		if _, _, _, err := h.subscribe(c, 0, false); err != nil {
			b.Fatal(err)
		}
		go func() {
			for {
				select {
				case <-c.ch:
				case <-h.done:
					return
				}
			}
		}()
	}
	payload := map[string]any{"key": "r:border-violence|ev:0123456789abcdef", "revision": 1,
		"summary": "border-violence: ASSAULT in 1 report(s)"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := h.Publish(KindAlert, payload); err != nil {
			b.Fatal(err)
		}
	}
}
