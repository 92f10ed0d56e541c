package rediscluster

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ocppkit/ocppkit/cluster"
	"github.com/ocppkit/ocppkit/cluster/internal/nodes"
)

// DefaultPrefix is Config.Prefix's default.
const DefaultPrefix = "ocppkit:cluster:"

// Config configures New. The zero value works.
type Config struct {
	// Prefix starts every key and channel name. Nodes of one deployment
	// use the same Prefix. By default DefaultPrefix.
	Prefix string
	// TTL is how long the claims of a node that stopped heartbeating stay
	// valid. By default cluster.DefaultTTL (15s).
	TTL time.Duration
	// Heartbeat is how often a node renews its key. By default TTL/3.
	Heartbeat time.Duration
	// Logger. By default slog.Default().
	Logger *slog.Logger
}

// Backplane is a cluster.Backplane over Redis.
type Backplane struct {
	client   redis.UniversalClient
	cfg      Config
	instance string
	inbox    string

	ctx    context.Context // the instance's life, ended by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup

	nodes   nodes.Registry[*node]
	pending nodes.Pending

	mu      sync.Mutex
	inboxPS *redis.PubSub
}

type node struct {
	nodes.Node
	ps *redis.PubSub

	mu     sync.Mutex
	claims map[string]struct{}
}

var _ cluster.Backplane = (*Backplane)(nil)

// New returns a Backplane on client. It starts nothing until Join or Send.
func New(client redis.UniversalClient, cfg Config) *Backplane {
	cfg.Prefix = cmp.Or(cfg.Prefix, DefaultPrefix)
	cfg.TTL = cmp.Or(max(cfg.TTL, 0), cluster.DefaultTTL)
	cfg.Heartbeat = cmp.Or(max(cfg.Heartbeat, 0), cfg.TTL/3)
	cfg.Logger = cmp.Or(cfg.Logger, slog.Default())
	b := &Backplane{
		client:   client,
		cfg:      cfg,
		instance: rand.Text()[:12],
	}
	b.inbox = cfg.Prefix + "inbox:" + b.instance
	b.ctx, b.cancel = context.WithCancel(context.Background())
	return b
}

func (b *Backplane) nodeKey(node string) string { return b.cfg.Prefix + "node:" + node }
func (b *Backplane) cpKey(identity string) string {
	return b.cfg.Prefix + "cp:" + identity
}
func (b *Backplane) channel(node string) string { return b.cfg.Prefix + "ch:" + node }

// envelope is what travels on the channels.
type envelope struct {
	ID      string           `json:"id"`
	ReplyTo string           `json:"reply_to,omitempty"`
	Request *cluster.Request `json:"req,omitempty"`
	Reply   *cluster.Reply   `json:"res,omitempty"`
	// Probe asks nothing: it is published to count a channel's
	// subscribers (see takeName).
	Probe bool `json:"probe,omitempty"`
}

// probe is the envelope takeName publishes.
var probe, _ = json.Marshal(envelope{Probe: true})

// The claim value is "<incarnation> <node>"; a claim counts while the node
// key holds its incarnation.
var (
	// KEYS[1] claim key; ARGV[1] value, ARGV[2] node key prefix, ARGV[3] node.
	claimScript = redis.NewScript(`
local old = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1])
if not old then return false end
local sp = string.find(old, ' ', 1, true)
if not sp then return false end
local inc, n = string.sub(old, 1, sp - 1), string.sub(old, sp + 1)
if n == ARGV[3] then return false end
if redis.call('GET', ARGV[2] .. n) == inc then return n end
return false
`)
	// KEYS[1] claim key; ARGV[1] node key prefix.
	ownerScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if not v then return false end
local sp = string.find(v, ' ', 1, true)
if not sp then return false end
local inc, n = string.sub(v, 1, sp - 1), string.sub(v, sp + 1)
if redis.call('GET', ARGV[1] .. n) == inc then return n end
return false
`)
	// KEYS[1] key; ARGV[1] value: delete when it still holds value.
	delIfScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)
	// KEYS[1] node key; ARGV[1] incarnation, ARGV[2] TTL in ms. Renews the
	// key unless another incarnation holds it; returns 0 then.
	heartbeatScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v and v ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`)
)

// Join implements cluster.Backplane.
func (b *Backplane) Join(ctx context.Context, name string, h cluster.Handler) error {
	if b.ctx.Err() != nil {
		return cluster.ErrClosed
	}
	n, err := b.nodes.Add(b.ctx, name, h, func(base nodes.Node) *node {
		return &node{Node: base, claims: make(map[string]struct{})}
	})
	if err != nil {
		return err
	}
	fail := func(err error) error {
		b.nodes.Remove(n)
		return fmt.Errorf("rediscluster: join %q: %w", name, err)
	}
	unlock, err := b.takeName(ctx, n)
	if err != nil {
		return fail(err)
	}
	defer unlock()
	// A new incarnation: the previous one's claims become void at once.
	if err := b.client.Set(ctx, b.nodeKey(name), n.Inc, b.cfg.TTL).Err(); err != nil {
		return fail(err)
	}
	n.ps = b.client.Subscribe(ctx, b.channel(name))
	if _, err := n.ps.Receive(ctx); err != nil {
		_ = n.ps.Close()
		return fail(err)
	}
	msgs := n.ps.Channel(redis.WithChannelSize(1024))
	b.nodes.Start(&b.wg, ctx, n, func() { // the Join context ending is a crash
		n.Heartbeat(b.cfg.Heartbeat, b.cfg.Logger, "rediscluster", func(ctx context.Context, _ int) (bool, error) {
			ok, err := heartbeatScript.Run(ctx, b.client, []string{b.nodeKey(n.Name)}, n.Inc, b.cfg.TTL.Milliseconds()).Int()
			return ok != 0, err
		})
		_ = n.ps.Close()
	})
	b.wg.Go(func() {
		for {
			select {
			case <-n.Ctx.Done():
				return
			case m, ok := <-msgs:
				if !ok {
					return
				}
				b.serve(n, m.Payload)
			}
		}
	})
	return nil
}

// joinLockTTL bounds the life of the lock takeName holds while a node
// joins, should its process die meanwhile.
const joinLockTTL = 10 * time.Second

// takeName makes sure no live node of another process uses n's name. A live
// node is subscribed to its channel, and the subscription of a process that
// died ends with its connection, so the name is free when a probe published
// on the channel reaches no subscriber (the receiver count Send relies on
// too). A lock key held from the check until n has subscribed (unlock
// releases it) keeps two processes joining under one name at the same
// moment from both finding it free.
func (b *Backplane) takeName(ctx context.Context, n *node) (unlock func(), err error) {
	lock, ch := b.cfg.Prefix+"join:"+n.Name, b.channel(n.Name)
	release := func(ctx context.Context) {
		_ = delIfScript.Run(context.WithoutCancel(ctx), b.client, []string{lock}, n.Inc).Err()
	}
	err = nodes.TakeName(ctx, "rediscluster", n.Name, func(ctx context.Context) (bool, error) {
		locked, err := b.client.SetNX(ctx, lock, n.Inc, joinLockTTL).Result()
		if err != nil || !locked {
			return false, err // another process is joining under the name
		}
		receivers, err := b.client.Publish(ctx, ch, probe).Result()
		if err == nil && receivers == 0 {
			return true, nil
		}
		release(ctx)
		return false, err
	})
	if err != nil {
		return nil, err
	}
	return func() { release(ctx) }, nil
}

// serve handles one request received on n's channel.
func (b *Backplane) serve(n *node, payload string) {
	var env envelope
	err := json.Unmarshal([]byte(payload), &env)
	if err == nil && env.Probe {
		return // another process checked that this node's name is in use
	}
	if err != nil || env.Request == nil || env.ReplyTo == "" {
		b.cfg.Logger.Warn("rediscluster: undecodable request", "node", n.Name, "err", err)
		return
	}
	b.wg.Go(func() {
		err := n.Serve(*env.Request, func(ctx context.Context, r cluster.Reply) error {
			out, err := json.Marshal(envelope{ID: env.ID, Reply: &r})
			if err != nil {
				b.cfg.Logger.Error("rediscluster: encode reply", "err", err)
				return nil
			}
			return b.client.Publish(ctx, env.ReplyTo, out).Err()
		})
		if err != nil {
			b.cfg.Logger.Warn("rediscluster: publish reply", "node", n.Name, "err", err)
		}
	})
}

// Leave implements cluster.Backplane.
func (b *Backplane) Leave(ctx context.Context, name string) error {
	n, err := b.nodes.Get(name)
	if err != nil {
		return err
	}
	n.mu.Lock()
	ids := make([]string, 0, len(n.claims))
	for id := range n.claims {
		ids = append(ids, id)
	}
	n.claims = make(map[string]struct{})
	n.mu.Unlock()
	value := n.Inc + " " + name
	// Pipelined, a thousand at a time.
	for len(ids) > 0 {
		batch := ids[:min(len(ids), 1000)]
		ids = ids[len(batch):]
		pipe := b.client.Pipeline()
		for _, id := range batch {
			delIfScript.Run(ctx, pipe, []string{b.cpKey(id)}, value)
		}
		if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
			n.Cancel()
			return fmt.Errorf("rediscluster: leave %q: %w", name, err)
		}
	}
	err = delIfScript.Run(ctx, b.client, []string{b.nodeKey(name)}, n.Inc).Err()
	n.Stop()
	if err != nil {
		return fmt.Errorf("rediscluster: leave %q: %w", name, err)
	}
	return nil
}

// Claim implements cluster.Backplane.
func (b *Backplane) Claim(ctx context.Context, identity, name string) (string, error) {
	n, err := b.nodes.Get(name)
	if err != nil {
		return "", err
	}
	prev, err := claimScript.Run(ctx, b.client, []string{b.cpKey(identity)}, n.Inc+" "+name, b.nodeKey(""), name).Text()
	if errors.Is(err, redis.Nil) {
		prev, err = "", nil
	}
	if err != nil {
		return "", fmt.Errorf("rediscluster: claim %q: %w", identity, err)
	}
	n.mu.Lock()
	n.claims[identity] = struct{}{}
	n.mu.Unlock()
	return prev, nil
}

// Release implements cluster.Backplane.
func (b *Backplane) Release(ctx context.Context, identity, name string) error {
	n, err := b.nodes.Get(name)
	if err != nil {
		return err
	}
	n.mu.Lock()
	delete(n.claims, identity)
	n.mu.Unlock()
	if err := delIfScript.Run(ctx, b.client, []string{b.cpKey(identity)}, n.Inc+" "+name).Err(); err != nil {
		return fmt.Errorf("rediscluster: release %q: %w", identity, err)
	}
	return nil
}

// Owner implements cluster.Backplane.
func (b *Backplane) Owner(ctx context.Context, identity string) (string, error) {
	o, err := ownerScript.Run(ctx, b.client, []string{b.cpKey(identity)}, b.nodeKey("")).Text()
	if errors.Is(err, redis.Nil) {
		return "", fmt.Errorf("%w: %q", cluster.ErrNoOwner, identity)
	}
	if err != nil {
		return "", fmt.Errorf("rediscluster: owner of %q: %w", identity, err)
	}
	return o, nil
}

// Send implements cluster.Backplane.
func (b *Backplane) Send(ctx context.Context, name string, req cluster.Request) (json.RawMessage, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := b.listenInbox(ctx); err != nil {
		return nil, err
	}
	req.Timeout = cluster.TimeoutOf(ctx)
	return b.pending.Send(ctx, b.ctx.Done(), name, func(id string) error {
		out, err := json.Marshal(envelope{ID: id, ReplyTo: b.inbox, Request: &req})
		if err != nil {
			return fmt.Errorf("rediscluster: send to %q: %w", name, err)
		}
		receivers, err := b.client.Publish(ctx, b.channel(name), out).Result()
		switch {
		case err != nil && ctx.Err() != nil:
			return cluster.SendError(ctx, name)
		case err != nil:
			return fmt.Errorf("rediscluster: send to %q: %w", name, err)
		case receivers == 0:
			return fmt.Errorf("%w: %q", cluster.ErrNodeUnavailable, name)
		}
		return nil
	})
}

// listenInbox subscribes to this instance's reply channel, once.
func (b *Backplane) listenInbox(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.inboxPS != nil {
		return nil
	}
	if b.ctx.Err() != nil {
		return cluster.ErrClosed
	}
	ps := b.client.Subscribe(ctx, b.inbox)
	if _, err := ps.Receive(ctx); err != nil {
		_ = ps.Close()
		return fmt.Errorf("rediscluster: subscribe to replies: %w", err)
	}
	b.inboxPS = ps
	msgs := ps.Channel(redis.WithChannelSize(1024))
	b.wg.Go(func() {
		for {
			select {
			case <-b.ctx.Done():
				return
			case m, ok := <-msgs:
				if !ok {
					return
				}
				var env envelope
				if err := json.Unmarshal([]byte(m.Payload), &env); err != nil || env.Reply == nil {
					b.cfg.Logger.Warn("rediscluster: undecodable reply", "err", err)
					continue
				}
				b.pending.Deliver(env.ID, *env.Reply)
			}
		}
	})
	return nil
}

// Check reports whether Redis answers: what a readiness probe asks (see
// ocppkit.Checker). The subscriptions reconnect by themselves.
func (b *Backplane) Check(ctx context.Context) error {
	if err := b.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("rediscluster: %w", err)
	}
	return nil
}

// Close stops every node of this instance as a crash would (no claim is
// removed: they expire with the TTL; use Leave for a graceful stop) and
// waits for its goroutines. It does not close the client.
func (b *Backplane) Close() error {
	b.cancel()
	b.mu.Lock()
	ps := b.inboxPS
	b.mu.Unlock()
	if ps != nil {
		_ = ps.Close()
	}
	b.wg.Wait()
	return nil
}
