package ocpp

import (
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Defaults of the handshake rate limit (ServerConfig.HandshakeRate and
// HandshakeBurst): per remote address, 10 handshakes a second on average,
// in bursts of up to 100 — room for a site of charge points behind one NAT
// reconnecting together after a power cut, not for a password guesser or a
// client in a reconnect loop.
const (
	DefaultHandshakeRate  = rate.Limit(10)
	DefaultHandshakeBurst = 100
)

// RemoteHost is the default ServerConfig.HandshakeKey: the host part of
// the request's RemoteAddr (the peer's IP address).
func RemoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// handshakeLimiter rate limits failed handshakes per key. Its table holds
// the keys that failed within the time a bucket takes to refill; older ones
// are swept.
type handshakeLimiter struct {
	limit rate.Limit
	burst int
	key   func(*http.Request) string
	idle  time.Duration // a bucket unused this long is full again

	mu        sync.Mutex
	buckets   map[string]*bucket
	nextSweep int // sweep when the table reaches this size
}

type bucket struct {
	lim  *rate.Limiter
	last time.Time
}

func newHandshakeLimiter(limit rate.Limit, burst int, key func(*http.Request) string) *handshakeLimiter {
	if limit <= 0 || limit == rate.Inf {
		return nil
	}
	if key == nil {
		key = RemoteHost
	}
	idle := time.Duration(float64(burst) / float64(limit) * float64(time.Second))
	return &handshakeLimiter{limit: limit, burst: burst, key: key, idle: idle + time.Second, buckets: make(map[string]*bucket), nextSweep: 1024}
}

// allow reports whether key may handshake now: while its bucket holds a
// token. Only failed handshakes take tokens (see fail): a fleet reconnecting
// at once behind one address (a NAT, a load balancer) is never throttled,
// a password guesser or a client failing in a loop is. When not, retry says
// when it may.
func (l *handshakeLimiter) allow(key string) (ok bool, retry time.Duration) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		return true, 0 // nothing failed lately: the bucket is full
	}
	b.last = now
	if tokens := b.lim.TokensAt(now); tokens < 1 {
		return false, time.Duration((1 - tokens) / float64(l.limit) * float64(time.Second))
	}
	return true, 0
}

// fail takes a token from key's bucket: a handshake from it was refused.
func (l *handshakeLimiter) fail(key string) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.nextSweep {
			l.sweep(now)
		}
		b = &bucket{lim: rate.NewLimiter(l.limit, l.burst)}
		l.buckets[key] = b
	}
	b.last = now
	b.lim.AllowN(now, 1)
}

// sweep drops the buckets that are full again (unused for idle), and sets
// the next sweep at twice what is left, so sweeping costs O(1) per
// handshake on average.
func (l *handshakeLimiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if now.Sub(b.last) > l.idle {
			delete(l.buckets, k)
		}
	}
	l.nextSweep = max(1024, 2*len(l.buckets))
}
