package main

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// throttle slows down password guessing, per key: the remote address (an
// IPv6 address by its /64, what one host can easily use), or the device
// cookie of a browser that logged in successfully before. Each key has a
// few free failures; after that every failure locks it for twice as long
// as the one before (1 s, 2 s, 4 s … at most throttleMaxLock), and while
// locked its attempts are refused before the password is even compared.
// A success clears the key.
//
// So the failures of one address never lock out another, and a browser
// that has logged in before keeps its own budget even behind the
// attacker's address (a shared NAT): the right password is not locked out
// by someone else's guesses.
type throttle struct {
	now func() time.Time

	mu   sync.Mutex
	keys map[string]*throttleEntry
}

type throttleEntry struct {
	failures int
	until    time.Time // locked until then
	last     time.Time // last failure
}

const (
	throttleFree    = 5 // failures before the lock starts
	throttleFirst   = time.Second
	throttleMaxLock = 5 * time.Minute
	throttleMaxKeys = 10_000 // memory bound: forgotten beyond, oldest lock first
)

func newThrottle() *throttle {
	return &throttle{now: time.Now, keys: make(map[string]*throttleEntry)}
}

// locked returns how long key must still wait (0: it may try now).
func (t *throttle) locked(key string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.keys[key]
	if !ok {
		return 0
	}
	return max(e.until.Sub(t.now()), 0)
}

// fail records a wrong password of key.
func (t *throttle) fail(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	e, ok := t.keys[key]
	if !ok {
		t.makeRoom(now)
		e = &throttleEntry{}
		t.keys[key] = e
	} else if now.Sub(e.last) > 2*throttleMaxLock {
		*e = throttleEntry{} // quiet long enough: start afresh
	}
	e.failures++
	e.last = now
	if n := e.failures - throttleFree; n > 0 {
		lock := throttleMaxLock
		if n <= 20 {
			lock = min(throttleFirst<<(n-1), throttleMaxLock)
		}
		e.until = now.Add(lock)
	}
}

// succeed clears key.
func (t *throttle) succeed(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.keys, key)
}

// makeRoom forgets keys quiet for long, then, when still full, the one
// whose lock ends first. Called with t.mu held.
func (t *throttle) makeRoom(now time.Time) {
	if len(t.keys) < throttleMaxKeys {
		return
	}
	var oldest string
	for k, e := range t.keys {
		if now.Sub(e.last) > 2*throttleMaxLock {
			delete(t.keys, k)
			continue
		}
		if oldest == "" || e.until.Before(t.keys[oldest].until) {
			oldest = k
		}
	}
	if len(t.keys) >= throttleMaxKeys && oldest != "" {
		delete(t.keys, oldest)
	}
}

// addrKey is the throttle key of r's remote address.
func addrKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return "addr:" + host
	}
	if ip.To4() == nil {
		ip = ip.Mask(net.CIDRMask(64, 128))
	}
	return "addr:" + ip.String()
}
