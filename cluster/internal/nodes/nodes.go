// Package nodes is the engine-neutral half of the multi-node backplanes
// (cluster/rediscluster, cluster/pgcluster): the registry of the nodes
// joined on one instance, their heartbeat and request serving, and the
// replies awaited by the instance's Sends. The adapters keep only what
// their engine does: keys, scripts and pub/sub; SQL and LISTEN/NOTIFY.
package nodes

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ocppkit/ocppkit/cluster"
)

// NameWait bounds how long Join waits for a live node of another process
// that uses the name to go away before it refuses: a process that crashed
// a moment ago is still "live" until the engine has noticed its connection
// closing (milliseconds), and a node restarted at once must not be refused
// for that.
const NameWait = time.Second

// nameRetry is how often TakeName asks again within NameWait.
const nameRetry = 25 * time.Millisecond

// TakeName makes name this process's: it calls take until take reports
// the name taken (no live node of another process uses it), and returns an
// error wrapping cluster.ErrJoined when a live node still uses it after
// NameWait. take's errors end it at once. Messages start with pkg.
func TakeName(ctx context.Context, pkg, name string, take func(ctx context.Context) (taken bool, err error)) error {
	deadline := time.Now().Add(NameWait)
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		taken, err := take(ctx)
		if err != nil {
			return fmt.Errorf("%s: take node name %q: %w", pkg, name, err)
		}
		if taken {
			return nil
		}
		if !time.Now().Before(deadline) {
			return fmt.Errorf("%w: %s: node name %q is in use by a live node of another process; give each node its own name", cluster.ErrJoined, pkg, name)
		}
		t.Reset(nameRetry)
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// ReplyTimeout bounds the sending of a reply once the handler returned,
// even when the node stops meanwhile.
const ReplyTimeout = 10 * time.Second

// Node is what every backplane keeps of a node joined on one instance.
// Adapters embed it in their own node type.
type Node struct {
	Name string
	// Inc is the incarnation: new on every Join.
	Inc     string
	Handler cluster.Handler
	// Ctx is the node's life: it ends on Leave, on a crash (the end of
	// Join's context) and on the instance's Close.
	Ctx    context.Context
	Cancel context.CancelFunc

	stopped chan struct{} // closed once the goroutine of Start has ended
}

// Base returns n; through embedding, it gives an adapter's node type to
// Registry.
func (n *Node) Base() *Node { return n }

// Stop ends n's life and waits until the goroutine Registry.Start runs for
// it has ended.
func (n *Node) Stop() {
	n.Cancel()
	<-n.stopped
}

// Heartbeat calls beat every period until n ends, each call bounded by
// period; i counts the calls from 1. A failed beat is logged at Warn
// (unless n is ending), a beat that renewed nothing (another process
// joined under n's name) once at Error. Messages start with pkg.
func (n *Node) Heartbeat(period time.Duration, log *slog.Logger, pkg string, beat func(ctx context.Context, i int) (renewed bool, err error)) {
	t := time.NewTicker(period)
	defer t.Stop()
	warned := false
	for i := 1; ; i++ {
		select {
		case <-n.Ctx.Done():
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(n.Ctx, period)
		renewed, err := beat(ctx, i)
		cancel()
		switch {
		case err != nil && n.Ctx.Err() == nil:
			log.Warn(pkg+": heartbeat failed", "node", n.Name, "err", err)
		case err == nil && !renewed && !warned:
			warned = true
			log.Error(pkg+": another process joined under this node name; its claims win", "node", n.Name)
		}
	}
}

// Serve runs n's handler for req (with cluster.Serve) and passes the
// result to reply, under a context that outlives n by at most
// ReplyTimeout. It returns reply's error.
func (n *Node) Serve(req cluster.Request, reply func(ctx context.Context, r cluster.Reply) error) error {
	r := cluster.Serve(n.Ctx, n.Handler, req)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(n.Ctx), ReplyTimeout)
	defer cancel()
	return reply(ctx, r)
}

// Member is an adapter's node type: a pointer to a struct embedding Node.
type Member interface {
	comparable
	Base() *Node
}

// Registry is the set of the nodes joined on one instance, by name. The
// zero value is empty and ready to use.
type Registry[N Member] struct {
	mu    sync.Mutex
	nodes map[string]N
}

// Add registers a new incarnation of name, living until parent ends,
// with handler h; wrap makes the adapter's node around it. It returns an
// error wrapping cluster.ErrJoined when name is already joined.
func (r *Registry[N]) Add(parent context.Context, name string, h cluster.Handler, wrap func(Node) N) (N, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.nodes[name]; ok && old.Base().Ctx.Err() == nil {
		var zero N
		return zero, fmt.Errorf("%w: %q", cluster.ErrJoined, name)
	}
	base := Node{Name: name, Inc: rand.Text()[:16], Handler: h, stopped: make(chan struct{})}
	base.Ctx, base.Cancel = context.WithCancel(parent)
	n := wrap(base)
	if r.nodes == nil {
		r.nodes = make(map[string]N)
	}
	r.nodes[name] = n
	return n, nil
}

// Get returns the live node called name, or an error wrapping
// cluster.ErrNotJoined.
func (r *Registry[N]) Get(name string) (N, error) {
	r.mu.Lock()
	n, ok := r.nodes[name]
	r.mu.Unlock()
	if !ok || n.Base().Ctx.Err() != nil {
		var zero N
		return zero, fmt.Errorf("%w: %q", cluster.ErrNotJoined, name)
	}
	return n, nil
}

// Remove ends n's life and forgets it, unless a newer incarnation has
// taken its name. Adapters call it when a Join fails.
func (r *Registry[N]) Remove(n N) {
	n.Base().Cancel()
	r.forget(n)
}

func (r *Registry[N]) forget(n N) {
	r.mu.Lock()
	if r.nodes[n.Base().Name] == n {
		delete(r.nodes, n.Base().Name)
	}
	r.mu.Unlock()
}

// Start runs n's life on wg once its Join has succeeded: the end of join
// (Join's context) ends n as a crash; run is called, and should return
// when n's context ends (after the adapter's own cleanup); then n is
// forgotten and Stop returns.
func (r *Registry[N]) Start(wg *sync.WaitGroup, join context.Context, n N, run func()) {
	b := n.Base()
	stop := context.AfterFunc(join, b.Cancel)
	wg.Go(func() {
		defer close(b.stopped)
		defer stop()
		run()
		r.forget(n)
	})
}

// Pending holds the replies awaited by the Sends of one instance, by
// request id. The zero value is empty and ready to use.
type Pending struct {
	seq atomic.Uint64

	mu      sync.Mutex
	replies map[string]chan cluster.Reply
}

// Send runs one exchange with node: it calls transmit with a new request
// id and waits for the reply delivered under that id. It returns the
// reply's result; an error of transmit as it is; the error for ctx's end
// (cluster.SendError); or cluster.ErrClosed once closed is closed.
func (p *Pending) Send(ctx context.Context, closed <-chan struct{}, node string, transmit func(id string) error) (json.RawMessage, error) {
	id := strconv.FormatUint(p.seq.Add(1), 36)
	ch := make(chan cluster.Reply, 1)
	p.mu.Lock()
	if p.replies == nil {
		p.replies = make(map[string]chan cluster.Reply)
	}
	p.replies[id] = ch
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.replies, id)
		p.mu.Unlock()
	}()
	if err := transmit(id); err != nil {
		return nil, err
	}
	select {
	case r := <-ch:
		return r.Result()
	case <-ctx.Done():
		return nil, cluster.SendError(ctx, node)
	case <-closed:
		return nil, cluster.ErrClosed
	}
}

// Deliver passes r to the Send awaiting id, if any; it never blocks.
func (p *Pending) Deliver(id string, r cluster.Reply) {
	p.mu.Lock()
	ch := p.replies[id]
	delete(p.replies, id)
	p.mu.Unlock()
	if ch != nil {
		ch <- r
	}
}
