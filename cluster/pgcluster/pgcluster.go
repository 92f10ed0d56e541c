package pgcluster

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocppkit/ocppkit/cluster"
	"github.com/ocppkit/ocppkit/cluster/internal/nodes"
)

// Defaults of Config.
const (
	DefaultPrefix = "ocppkit_cluster"
	// MaxPrefixLength keeps channel names under PostgreSQL's 63 bytes.
	MaxPrefixLength = 36
	// MaxPayloadSize is the largest NOTIFY payload sent as is; larger
	// messages go through ocpp_cluster_messages.
	MaxPayloadSize = 7999
)

// Config configures New. The zero value works.
type Config struct {
	// Prefix starts every notification channel name (at most
	// MaxPrefixLength bytes). Nodes of one deployment use the same
	// Prefix. By default DefaultPrefix.
	Prefix string
	// TTL is how long the claims of a node that stopped heartbeating stay
	// valid. By default cluster.DefaultTTL (15s).
	TTL time.Duration
	// Heartbeat is how often a node renews its row. By default TTL/3.
	Heartbeat time.Duration
	// Logger. By default slog.Default().
	Logger *slog.Logger
}

// migrateLockKey is the first key of the advisory lock Migrate holds; the
// second is the hash of the schema (store.Migrate uses another first key).
const migrateLockKey = 0x6f637063 // "ocpc"

// Migrate creates the tables of the backplane (if missing) in the pool's
// search_path. Call it at every start, like store.Migrate: any number of
// nodes may run it at the same moment, as it holds an advisory lock per
// schema (concurrent CREATE TABLE IF NOT EXISTS of one table otherwise fail
// on pg_type's unique index).
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))`, migrateLockKey); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, migration)
		return err
	})
	if err != nil {
		return fmt.Errorf("pgcluster: migrate: %w", err)
	}
	return nil
}

// migration is the backplane's schema; every statement is idempotent.
const migration = `
CREATE TABLE IF NOT EXISTS ocpp_cluster_nodes (
	node text PRIMARY KEY,
	incarnation text NOT NULL,
	expires_at timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS ocpp_cluster_presence (
	identity text PRIMARY KEY,
	node text NOT NULL,
	incarnation text NOT NULL,
	claimed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS ocpp_cluster_presence_node ON ocpp_cluster_presence (node, incarnation);
CREATE TABLE IF NOT EXISTS ocpp_cluster_messages (
	id bigserial PRIMARY KEY,
	body text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);`

// Backplane is a cluster.Backplane over PostgreSQL.
type Backplane struct {
	pool     *pgxpool.Pool
	cfg      Config
	cfgErr   error
	instance string
	inbox    string

	ctx    context.Context // the instance's life, ended by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup

	nodes   nodes.Registry[*node] // by name
	pending nodes.Pending

	mu       sync.Mutex
	channels map[string]*node // by channel; the inbox maps to nil
	// inboxReady is closed once the reply channel is listened on.
	inboxReady chan struct{}
	// The listener: ops wait for it to run them on its connection; wake
	// interrupts its wait for notifications so it takes them.
	listening bool
	ops       []op
	wake      context.CancelFunc
	// held is the node names whose advisory lock the listener's current
	// connection holds. Listener goroutine only.
	held map[string]bool
	// connected is whether the listener's connection is up and listens.
	connected atomic.Bool
}

// op is work for the listener's connection: LISTEN on the inbox, or a
// node's join (its name's advisory lock, then LISTEN on its channel) or
// leave (UNLISTEN, unlock).
type op struct {
	kind    opKind
	channel string
	node    *node // opJoin, opLeave
	done    chan error
}

type opKind uint8

const (
	opListen opKind = iota
	opJoin
	opLeave
)

// errNameTaken is an opJoin's result when a live node of another process
// holds the name's lock.
var errNameTaken = errors.New("pgcluster: node name in use")

type node struct {
	nodes.Node
	channel string
}

var _ cluster.Backplane = (*Backplane)(nil)

// New returns a Backplane on pool. It starts nothing until Join or Send.
func New(pool *pgxpool.Pool, cfg Config) *Backplane {
	cfg.Prefix = cmp.Or(cfg.Prefix, DefaultPrefix)
	cfg.TTL = cmp.Or(max(cfg.TTL, 0), cluster.DefaultTTL)
	cfg.Heartbeat = cmp.Or(max(cfg.Heartbeat, 0), cfg.TTL/3)
	cfg.Logger = cmp.Or(cfg.Logger, slog.Default())
	b := &Backplane{
		pool:     pool,
		cfg:      cfg,
		instance: strings.ToLower(rand.Text()[:12]),
		channels: make(map[string]*node),
	}
	if len(cfg.Prefix) > MaxPrefixLength {
		b.cfgErr = fmt.Errorf("pgcluster: prefix %q is longer than %d bytes", cfg.Prefix, MaxPrefixLength)
	}
	b.inbox = cfg.Prefix + "_i_" + b.instance
	b.ctx, b.cancel = context.WithCancel(context.Background())
	return b
}

func (b *Backplane) channel(node string) string {
	h := sha256.Sum256([]byte(node))
	return b.cfg.Prefix + "_n_" + hex.EncodeToString(h[:12])
}

func (b *Backplane) ttlMillis() int64 { return b.cfg.TTL.Milliseconds() }

// envelope is what travels in a notification; Ref alone names a row of
// ocpp_cluster_messages holding the envelope.
type envelope struct {
	ID      string           `json:"id,omitempty"`
	ReplyTo string           `json:"reply_to,omitempty"`
	Request *cluster.Request `json:"req,omitempty"`
	Reply   *cluster.Reply   `json:"res,omitempty"`
	Ref     int64            `json:"ref,omitempty"`
}

// Join implements cluster.Backplane.
func (b *Backplane) Join(ctx context.Context, name string, h cluster.Handler) error {
	if b.cfgErr != nil {
		return b.cfgErr
	}
	if b.ctx.Err() != nil {
		return cluster.ErrClosed
	}
	n, err := b.nodes.Add(b.ctx, name, h, func(base nodes.Node) *node {
		return &node{Node: base, channel: b.channel(name)}
	})
	if err != nil {
		return err
	}
	fail := func(err error) error {
		b.nodes.Remove(n)
		b.leave(context.WithoutCancel(ctx), n) // also after an opJoin whose wait ended early
		if errors.Is(err, cluster.ErrJoined) {
			return err
		}
		return fmt.Errorf("pgcluster: join %q: %w", name, err)
	}
	// The name is ours while the listener's connection holds its advisory
	// lock: a live node's connection does, and a dead process's lock goes
	// with its connection.
	err = nodes.TakeName(ctx, "pgcluster", name, func(ctx context.Context) (bool, error) {
		err := b.do(ctx, op{kind: opJoin, channel: n.channel, node: n})
		if errors.Is(err, errNameTaken) {
			return false, nil
		}
		return err == nil, err
	})
	if err != nil {
		return fail(err)
	}
	// A new incarnation: the previous one's claims become void at once.
	_, err = b.pool.Exec(ctx, `INSERT INTO ocpp_cluster_nodes (node, incarnation, expires_at)
VALUES ($1, $2, now() + $3 * interval '1 millisecond')
ON CONFLICT (node) DO UPDATE SET incarnation = EXCLUDED.incarnation, expires_at = EXCLUDED.expires_at`,
		name, n.Inc, b.ttlMillis())
	if err != nil {
		return fail(err)
	}
	b.nodes.Start(&b.wg, ctx, n, func() { // the Join context ending is a crash
		n.Heartbeat(b.cfg.Heartbeat, b.cfg.Logger, "pgcluster", func(ctx context.Context, i int) (bool, error) {
			return b.heartbeat(ctx, n, i)
		})
		b.leave(b.ctx, n)
	})
	return nil
}

// leave stops n receiving requests and frees its name (opLeave).
func (b *Backplane) leave(ctx context.Context, n *node) {
	if err := b.do(ctx, op{kind: opLeave, channel: n.channel, node: n}); err != nil && b.ctx.Err() == nil {
		b.cfg.Logger.Warn("pgcluster: unlisten", "node", n.Name, "err", err)
	}
}

// heartbeat renews n's row (i counts the beats), and every thirtieth
// beat removes what dead nodes left behind.
func (b *Backplane) heartbeat(ctx context.Context, n *node, i int) (renewed bool, err error) {
	tag, err := b.pool.Exec(ctx, `INSERT INTO ocpp_cluster_nodes (node, incarnation, expires_at)
VALUES ($1, $2, now() + $3 * interval '1 millisecond')
ON CONFLICT (node) DO UPDATE SET expires_at = EXCLUDED.expires_at
WHERE ocpp_cluster_nodes.incarnation = EXCLUDED.incarnation`, n.Name, n.Inc, b.ttlMillis())
	if err != nil {
		return false, err
	}
	if i%30 == 0 {
		b.housekeep(ctx)
	}
	return tag.RowsAffected() > 0, nil
}

// housekeep deletes unread large messages and the rows of nodes dead for
// an hour (a node whose row expired but comes back within the hour keeps
// its claims).
func (b *Backplane) housekeep(ctx context.Context) {
	batch := &pgx.Batch{}
	batch.Queue(`DELETE FROM ocpp_cluster_messages WHERE created_at < now() - interval '10 minutes'`)
	batch.Queue(`DELETE FROM ocpp_cluster_presence p WHERE NOT EXISTS (
SELECT 1 FROM ocpp_cluster_nodes n WHERE n.node = p.node AND n.incarnation = p.incarnation AND n.expires_at > now() - interval '1 hour')
AND p.claimed_at < now() - interval '1 hour'`)
	batch.Queue(`DELETE FROM ocpp_cluster_nodes WHERE expires_at < now() - interval '1 hour'`)
	if err := b.pool.SendBatch(ctx, batch).Close(); err != nil && ctx.Err() == nil {
		b.cfg.Logger.Warn("pgcluster: housekeeping", "err", err)
	}
}

// Leave implements cluster.Backplane.
func (b *Backplane) Leave(ctx context.Context, name string) error {
	n, err := b.nodes.Get(name)
	if err != nil {
		return err
	}
	batch := &pgx.Batch{}
	batch.Queue(`DELETE FROM ocpp_cluster_presence WHERE node = $1 AND incarnation = $2`, name, n.Inc)
	batch.Queue(`DELETE FROM ocpp_cluster_nodes WHERE node = $1 AND incarnation = $2`, name, n.Inc)
	err = b.pool.SendBatch(ctx, batch).Close()
	n.Stop()
	if err != nil {
		return fmt.Errorf("pgcluster: leave %q: %w", name, err)
	}
	return nil
}

// Claim implements cluster.Backplane. Under a transaction-scoped advisory
// lock on the identity (one round trip: a batch is one implicit
// transaction), it reads the live previous owner and writes the new claim.
func (b *Backplane) Claim(ctx context.Context, identity, name string) (string, error) {
	n, err := b.nodes.Get(name)
	if err != nil {
		return "", err
	}
	batch := &pgx.Batch{}
	batch.Queue(`SELECT pg_advisory_xact_lock(hashtextextended('ocpp_cluster:' || $1::text, 0))`, identity)
	batch.Queue(`SELECT p.node FROM ocpp_cluster_presence p
JOIN ocpp_cluster_nodes n ON n.node = p.node AND n.incarnation = p.incarnation AND n.expires_at > now()
WHERE p.identity = $1 AND p.node <> $2`, identity, name)
	batch.Queue(`INSERT INTO ocpp_cluster_presence (identity, node, incarnation, claimed_at) VALUES ($1, $2, $3, now())
ON CONFLICT (identity) DO UPDATE SET node = EXCLUDED.node, incarnation = EXCLUDED.incarnation, claimed_at = EXCLUDED.claimed_at`,
		identity, name, n.Inc)
	br := b.pool.SendBatch(ctx, batch)
	_, err = br.Exec()
	var prev string
	if err == nil {
		err = br.QueryRow().Scan(&prev)
		if errors.Is(err, pgx.ErrNoRows) {
			err = nil
		}
	}
	if err == nil {
		_, err = br.Exec()
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("pgcluster: claim %q: %w", identity, err)
	}
	return prev, nil
}

// Release implements cluster.Backplane.
func (b *Backplane) Release(ctx context.Context, identity, name string) error {
	n, err := b.nodes.Get(name)
	if err != nil {
		return err
	}
	_, err = b.pool.Exec(ctx, `DELETE FROM ocpp_cluster_presence WHERE identity = $1 AND node = $2 AND incarnation = $3`, identity, name, n.Inc)
	if err != nil {
		return fmt.Errorf("pgcluster: release %q: %w", identity, err)
	}
	return nil
}

// Owner implements cluster.Backplane.
func (b *Backplane) Owner(ctx context.Context, identity string) (string, error) {
	var o string
	err := b.pool.QueryRow(ctx, `SELECT p.node FROM ocpp_cluster_presence p
JOIN ocpp_cluster_nodes n ON n.node = p.node AND n.incarnation = p.incarnation AND n.expires_at > now()
WHERE p.identity = $1`, identity).Scan(&o)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("%w: %q", cluster.ErrNoOwner, identity)
	}
	if err != nil {
		return "", fmt.Errorf("pgcluster: owner of %q: %w", identity, err)
	}
	return o, nil
}

// Send implements cluster.Backplane.
func (b *Backplane) Send(ctx context.Context, name string, req cluster.Request) (json.RawMessage, error) {
	if b.cfgErr != nil {
		return nil, b.cfgErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := b.listenInbox(ctx); err != nil {
		if ctx.Err() != nil {
			return nil, cluster.SendError(ctx, name)
		}
		return nil, err
	}
	req.Timeout = cluster.TimeoutOf(ctx)
	return b.pending.Send(ctx, b.ctx.Done(), name, func(id string) error {
		err := b.notify(ctx, b.channel(name), envelope{ID: id, ReplyTo: b.inbox, Request: &req})
		switch {
		case err != nil && ctx.Err() != nil:
			return cluster.SendError(ctx, name)
		case err != nil:
			return fmt.Errorf("pgcluster: send to %q: %w", name, err)
		}
		return nil
	})
}

// notify sends env on channel: in the notification when it fits,
// otherwise through a row whose id is notified.
func (b *Backplane) notify(ctx context.Context, channel string, env envelope) error {
	body, err := json.Marshal(env)
	if err != nil {
		return err
	}
	if len(body) <= MaxPayloadSize {
		_, err = b.pool.Exec(ctx, `SELECT pg_notify($1, $2)`, channel, string(body))
		return err
	}
	_, err = b.pool.Exec(ctx, `WITH m AS (INSERT INTO ocpp_cluster_messages (body) VALUES ($2) RETURNING id)
SELECT pg_notify($1, json_build_object('ref', id)::text) FROM m`, channel, string(body))
	return err
}

// listenInbox LISTENs on this instance's reply channel, once; concurrent
// first Sends all wait for that LISTEN (a reply notified before it would be
// lost).
func (b *Backplane) listenInbox(ctx context.Context) error {
	for {
		b.mu.Lock()
		ready := b.inboxReady
		first := ready == nil
		if first {
			ready = make(chan struct{})
			b.inboxReady = ready
		}
		b.mu.Unlock()
		if first {
			err := b.listenInboxOnce(ctx)
			if err != nil {
				b.mu.Lock()
				b.inboxReady = nil // the next Send tries again
				b.mu.Unlock()
			}
			close(ready)
			return err
		}
		select {
		case <-ready:
			b.mu.Lock()
			ok := b.inboxReady == ready
			b.mu.Unlock()
			if ok {
				return nil
			}
		case <-ctx.Done():
			return ctx.Err()
		case <-b.ctx.Done():
			return cluster.ErrClosed
		}
	}
}

// listenInboxOnce has the listener connection LISTEN on the inbox and
// waits until it has.
func (b *Backplane) listenInboxOnce(ctx context.Context) error {
	b.mu.Lock()
	if _, ok := b.channels[b.inbox]; !ok && b.ctx.Err() == nil {
		b.channels[b.inbox] = nil
	}
	b.mu.Unlock()
	return b.do(ctx, op{kind: opListen, channel: b.inbox})
}

// do has the listener run o on its connection and waits until it has.
func (b *Backplane) do(ctx context.Context, o op) error {
	b.mu.Lock()
	if b.ctx.Err() != nil {
		b.mu.Unlock()
		return cluster.ErrClosed
	}
	o.done = make(chan error, 1)
	b.enqueueLocked(o)
	b.mu.Unlock()
	return b.await(ctx, o.done)
}

// enqueueLocked queues o for the listener, starting or waking it. Caller
// holds b.mu.
func (b *Backplane) enqueueLocked(o op) {
	b.ops = append(b.ops, o)
	if !b.listening {
		b.listening = true
		b.wg.Go(b.listenLoop)
	} else if b.wake != nil {
		b.wake()
	}
}

func (b *Backplane) await(ctx context.Context, done chan error) error {
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-b.ctx.Done():
		return cluster.ErrClosed
	}
}

// listenLoop keeps the listener connection up until Close.
func (b *Backplane) listenLoop() {
	const minBackoff, maxBackoff = 50 * time.Millisecond, 5 * time.Second
	backoff := minBackoff
	for {
		listened, err := b.listenOnce()
		if b.ctx.Err() != nil {
			return
		}
		if listened {
			backoff = minBackoff
		}
		b.cfg.Logger.Warn("pgcluster: listener connection lost; reconnecting", "retry_in", backoff, "err", err)
		t := time.NewTimer(backoff)
		select {
		case <-t.C:
		case <-b.ctx.Done():
			t.Stop()
			return
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// listenOnce takes a connection, LISTENs on every channel in use and
// delivers notifications until the connection fails.
func (b *Backplane) listenOnce() (listened bool, err error) {
	pc, err := b.pool.Acquire(b.ctx)
	if err != nil {
		return false, err
	}
	conn := pc.Hijack() // ours for good: the pool neither reuses nor recycles it
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		conn.Close(ctx)
	}()
	// Every channel in use (the nodes' names locked again), then the ops
	// waiting.
	b.held = make(map[string]bool)
	b.mu.Lock()
	channels := make(map[string]*node, len(b.channels))
	maps.Copy(channels, b.channels)
	b.mu.Unlock()
	defer b.connected.Store(false)
	for ch, n := range channels {
		if n != nil {
			if err := b.lockName(conn, n.Name); errors.Is(err, errNameTaken) {
				b.cfg.Logger.Error("pgcluster: another process took this node's name while the listener connection was down; this node no longer receives requests", "node", n.Name)
				b.mu.Lock()
				if b.channels[ch] == n {
					delete(b.channels, ch)
				}
				b.mu.Unlock()
				continue
			} else if err != nil {
				return false, err
			}
		}
		if _, err := conn.Exec(b.ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
			return false, err
		}
	}
	b.connected.Store(true)
	for {
		if err := b.applyOps(conn); err != nil {
			return true, err
		}
		wctx, cancel := context.WithCancel(b.ctx)
		b.mu.Lock()
		b.wake = cancel
		if len(b.ops) > 0 {
			cancel()
		}
		b.mu.Unlock()
		n, err := conn.WaitForNotification(wctx)
		cancel()
		b.mu.Lock()
		b.wake = nil
		b.mu.Unlock()
		switch {
		case err == nil:
			b.dispatch(n)
		case b.ctx.Err() != nil:
			return true, err
		case wctx.Err() != nil && !conn.IsClosed():
			// Woken for ops: take them at the top of the loop.
		default:
			return true, err
		}
	}
}

// applyOps runs the waiting ops.
func (b *Backplane) applyOps(conn *pgx.Conn) error {
	b.mu.Lock()
	ops := b.ops
	b.ops = nil
	b.mu.Unlock()
	for i, o := range ops {
		err := b.apply(conn, o)
		if err == nil || errors.Is(err, errNameTaken) {
			o.done <- err
			continue
		}
		// The connection failed: the next one listens on every channel in
		// use and locks their nodes' names; joins and LISTENs are done
		// again there, leaves need it no more.
		for _, o := range ops[i:] {
			if o.kind == opLeave {
				b.forget(o.node)
				o.done <- nil
				continue
			}
			b.mu.Lock()
			b.ops = append(b.ops, o)
			b.mu.Unlock()
		}
		return err
	}
	return nil
}

// apply runs one op on the listener's connection. An error other than
// errNameTaken means the connection failed.
func (b *Backplane) apply(conn *pgx.Conn, o op) error {
	switch o.kind {
	case opJoin:
		if err := b.lockName(conn, o.node.Name); err != nil {
			return err
		}
		if _, err := conn.Exec(b.ctx, "LISTEN "+pgx.Identifier{o.channel}.Sanitize()); err != nil {
			return err
		}
		b.mu.Lock()
		b.channels[o.channel] = o.node
		b.mu.Unlock()
	case opLeave:
		if !b.forget(o.node) {
			return nil // a newer node of this instance took the channel over
		}
		if _, err := conn.Exec(b.ctx, "UNLISTEN "+pgx.Identifier{o.channel}.Sanitize()); err != nil {
			return err
		}
		if b.held[o.node.Name] {
			if _, err := conn.Exec(b.ctx, "SELECT pg_advisory_unlock(hashtextextended($1, 0))", b.nameKey(o.node.Name)); err != nil {
				return err
			}
			delete(b.held, o.node.Name)
		}
	default:
		_, err := conn.Exec(b.ctx, "LISTEN "+pgx.Identifier{o.channel}.Sanitize())
		return err
	}
	return nil
}

// forget stops routing requests to n. It reports whether no other node of
// this instance uses n's channel (then its LISTEN and lock can go).
func (b *Backplane) forget(n *node) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	cur, ok := b.channels[n.channel]
	if cur == n {
		delete(b.channels, n.channel)
		return true
	}
	return !ok
}

// lockName takes the session advisory lock of a node name on the
// listener's connection, once per connection (the lock is re-entrant, and
// counted). It returns errNameTaken when another session holds it.
func (b *Backplane) lockName(conn *pgx.Conn, name string) error {
	if b.held[name] {
		return nil
	}
	var ok bool
	if err := conn.QueryRow(b.ctx, "SELECT pg_try_advisory_lock(hashtextextended($1, 0))", b.nameKey(name)).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return errNameTaken
	}
	b.held[name] = true
	return nil
}

// nameKey is the text whose hash is the advisory lock of a node name,
// distinct per Prefix (deployment).
func (b *Backplane) nameKey(name string) string {
	return "ocppkit_cluster_node:" + b.cfg.Prefix + ":" + name
}

// dispatch routes one notification: a request to its node's handler, a
// reply to the Send awaiting it.
func (b *Backplane) dispatch(n *pgconn.Notification) {
	var env envelope
	if err := json.Unmarshal([]byte(n.Payload), &env); err != nil {
		b.cfg.Logger.Warn("pgcluster: undecodable notification", "channel", n.Channel, "err", err)
		return
	}
	if env.Ref != 0 {
		// Fetch the row off the listener's goroutine.
		b.wg.Go(func() {
			ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
			defer cancel()
			var body string
			err := b.pool.QueryRow(ctx, `DELETE FROM ocpp_cluster_messages WHERE id = $1 RETURNING body`, env.Ref).Scan(&body)
			if err != nil {
				if b.ctx.Err() == nil {
					b.cfg.Logger.Warn("pgcluster: read large message", "id", env.Ref, "err", err)
				}
				return
			}
			var full envelope
			if err := json.Unmarshal([]byte(body), &full); err != nil || full.Ref != 0 {
				b.cfg.Logger.Warn("pgcluster: undecodable large message", "id", env.Ref, "err", err)
				return
			}
			b.route(n.Channel, full)
		})
		return
	}
	b.route(n.Channel, env)
}

func (b *Backplane) route(channel string, env envelope) {
	switch {
	case env.Reply != nil:
		b.pending.Deliver(env.ID, *env.Reply)
	case env.Request != nil && env.ReplyTo != "":
		b.mu.Lock()
		n := b.channels[channel]
		b.mu.Unlock()
		if n == nil || n.Ctx.Err() != nil {
			return
		}
		b.wg.Go(func() {
			err := n.Serve(*env.Request, func(ctx context.Context, r cluster.Reply) error {
				return b.notify(ctx, env.ReplyTo, envelope{ID: env.ID, Reply: &r})
			})
			if err != nil {
				b.cfg.Logger.Warn("pgcluster: send reply", "node", n.Name, "err", err)
			}
		})
	}
}

// Check reports whether the instance can reach PostgreSQL and, once it
// listens (a node joined or a request was sent), whether its listener
// connection is up: what a readiness probe asks (see ocppkit.Checker).
func (b *Backplane) Check(ctx context.Context) error {
	if err := b.pool.Ping(ctx); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	b.mu.Lock()
	listening := b.listening
	b.mu.Unlock()
	if listening && !b.connected.Load() {
		return errors.New("pgcluster: the listener connection is down (reconnecting)")
	}
	return nil
}

// Close stops every node of this instance as a crash would (no claim is
// removed: they expire with the TTL; use Leave for a graceful stop), closes
// the listener connection and waits for its goroutines. It does not close
// the pool.
func (b *Backplane) Close() error {
	b.cancel()
	b.wg.Wait()
	return nil
}
