// Package faultproxy is a TCP proxy for fault drills: tests put it between
// the library and a real server (PostgreSQL, Redis) and make the network
// misbehave on cue — reset every open connection, or freeze them (bytes
// held, nothing closed, as a hung peer or a dropped route looks).
//
// It listens on 127.0.0.1 only.
package faultproxy

import (
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
)

// Proxy forwards each connection accepted on Addr to the target address.
type Proxy struct {
	ln     net.Listener
	target string

	mu      sync.Mutex
	cond    sync.Cond // on mu: frozen changed or the proxy closed
	frozen  bool
	closed  bool
	conns   map[*pair]struct{}
	resets  atomic.Int64
	accepts atomic.Int64
	trips   atomic.Int64
	wg      sync.WaitGroup
}

// pair is one proxied connection: the client's and ours to the target.
type pair struct {
	client, server net.Conn
	once           sync.Once
	answered       atomic.Bool // the server sent bytes since the client last did
}

// Start listens on a free port of 127.0.0.1 and forwards to target
// ("host:port"). Close stops it.
func Start(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, target: target, conns: make(map[*pair]struct{})}
	p.cond.L = &p.mu
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Front starts a proxy to the host of the database URL dsn
// ("postgres://user@host:port/db?…"), closed in t.Cleanup, and returns it
// with dsn pointing at it instead. A dsn that is not such a URL skips the
// test.
func Front(t testing.TB, dsn string) (*Proxy, string) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil || u.Host == "" {
		t.Skipf("faultproxy: %q is not a URL with a host", dsn)
	}
	p, err := Start(u.Host)
	if err != nil {
		t.Fatalf("faultproxy: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	u.Host = p.Addr()
	return p, u.String()
}

// Addr returns the address the proxy listens on ("127.0.0.1:port").
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Accepted returns how many connections the proxy has accepted.
func (p *Proxy) Accepted() int64 { return p.accepts.Load() }

// RoundTrips returns how many times a client has sent bytes, on any
// connection, after the server had sent it bytes (or first on a new
// connection): the round trips of request-response protocols. Bytes a
// client sends before it has heard back — a pipeline, or one request
// split over several reads — count once.
func (p *Proxy) RoundTrips() int64 { return p.trips.Load() }

// Resets returns how many connections Reset has cut.
func (p *Proxy) Resets() int64 { return p.resets.Load() }

// Reset cuts every open connection at once with a TCP reset on both sides,
// as a crashed middlebox or a failover does. New connections are accepted
// as before. It returns how many connections it cut.
func (p *Proxy) Reset() int {
	p.mu.Lock()
	conns := make([]*pair, 0, len(p.conns))
	for c := range p.conns {
		conns = append(conns, c)
	}
	p.mu.Unlock()
	for _, c := range conns {
		c.reset()
	}
	p.resets.Add(int64(len(conns)))
	return len(conns)
}

// Freeze stops forwarding: bytes of open connections, and of connections
// accepted from now on, are held (nothing is closed) until Thaw.
func (p *Proxy) Freeze() {
	p.mu.Lock()
	p.frozen = true
	p.mu.Unlock()
}

// Thaw forwards again, held bytes first.
func (p *Proxy) Thaw() {
	p.mu.Lock()
	p.frozen = false
	p.cond.Broadcast()
	p.mu.Unlock()
}

// Close stops listening, closes every connection and waits for the
// proxy's goroutines.
func (p *Proxy) Close() error {
	err := p.ln.Close()
	p.mu.Lock()
	p.closed = true
	p.cond.Broadcast()
	conns := make([]*pair, 0, len(p.conns))
	for c := range p.conns {
		conns = append(conns, c)
	}
	p.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
	p.wg.Wait()
	return err
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.accepts.Add(1)
		p.wg.Add(1)
		go p.serve(client)
	}
}

func (p *Proxy) serve(client net.Conn) {
	defer p.wg.Done()
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		_ = client.Close()
		return
	}
	c := &pair{client: client, server: server}
	c.answered.Store(true)
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		c.close()
		return
	}
	p.conns[c] = struct{}{}
	p.mu.Unlock()
	var done sync.WaitGroup
	done.Add(2)
	go func() { defer done.Done(); p.pipe(c, server, client, true) }()
	go func() { defer done.Done(); p.pipe(c, client, server, false) }()
	done.Wait()
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}

// pipe copies src to dst, holding each chunk while the proxy is frozen.
// toServer says which way it copies (for RoundTrips). The pair closes as
// soon as either side ends.
func (p *Proxy) pipe(c *pair, dst, src net.Conn, toServer bool) {
	defer c.close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if toServer {
				if c.answered.Swap(false) {
					p.trips.Add(1)
				}
			} else {
				c.answered.Store(true)
			}
			if !p.waitThawed() {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return // EOF or a reset: the pair closes
		}
	}
}

// waitThawed blocks while the proxy is frozen; false once it is closed.
func (p *Proxy) waitThawed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.frozen && !p.closed {
		p.cond.Wait()
	}
	return !p.closed
}

func (c *pair) close() {
	c.once.Do(func() {
		_ = c.client.Close()
		_ = c.server.Close()
	})
}

// reset closes both sides with SO_LINGER 0: the peers get a TCP RST, not
// an orderly FIN.
func (c *pair) reset() {
	c.once.Do(func() {
		for _, nc := range []net.Conn{c.client, c.server} {
			if tc, ok := nc.(*net.TCPConn); ok {
				_ = tc.SetLinger(0)
			}
			_ = nc.Close()
		}
	})
}
