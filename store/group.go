package store

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"gorm.io/gorm"
)

// Group commit of the small writes every connection makes (connected,
// booted, disconnected). After a CSMS restart or a network blip thousands
// of charge points reconnect and boot at once; one transaction each would
// make them queue for SQLite's single writer (or PostgreSQL's commits) one
// by one, past their timeouts. Instead the writes waiting at a moment share
// one transaction, the way MeterWriter batches meter values.
//
// No goroutine runs while nothing waits: the first write that finds no
// leader starts one, which commits what has queued, batch after batch, and
// ends when the queue is empty.

// groupBatch bounds the writes in one shared transaction.
const groupBatch = 500

// batcher queues items for leader goroutines that take them in batches.
// The first item that finds fewer than max leaders running starts one; a
// leader ends when it finds the queue empty, so nothing runs while nothing
// waits.
type batcher[T any] struct {
	mu      sync.Mutex
	pending []T
	leaders int
}

// add queues item, starting a leader that hands batches of at most size
// items to run unless max leaders already run.
func (b *batcher[T]) add(item T, max, size int, run func([]T)) {
	b.mu.Lock()
	b.pending = append(b.pending, item)
	if b.leaders < max {
		b.leaders++
		go b.lead(size, run)
	}
	b.mu.Unlock()
}

// lead runs batches until the queue is empty.
func (b *batcher[T]) lead(size int, run func([]T)) {
	for {
		b.mu.Lock()
		n := min(len(b.pending), size)
		if n == 0 {
			b.leaders--
			b.mu.Unlock()
			return
		}
		batch := b.pending[:n:n]
		b.pending = b.pending[n:]
		if len(b.pending) == 0 {
			b.pending = nil
		}
		b.mu.Unlock()
		run(batch)
	}
}

// groupLeaders is how many shared write transactions run at once: one on
// SQLite (it has one writer anyway), a few on PostgreSQL.
func (s *Store) groupLeaders() int {
	if s.db.Dialector.Name() == DialectSQLite {
		return 1
	}
	return 4
}

type groupWrite struct {
	ctx  context.Context
	row  uint // the charge point row fn updates
	fn   func(tx *gorm.DB) error
	done chan error // buffered 1
}

// grouped runs fn in a write transaction shared with other grouped writes,
// and returns fn's error, or the commit's. A write whose ctx has ended when
// its batch starts is not run (ctx's error is returned); once started, the
// caller waits for the outcome, so that what it is told is what happened.
// If the shared transaction fails, each of its writes is run again alone,
// so that one bad write fails only its own caller.
//
// row is the id of the charge point row fn updates: a shared transaction
// runs its writes in ascending row order, as every other multi-row write
// of charge points does (TouchHeartbeats), so that two of them never wait
// for each other's rows (PostgreSQL detected such deadlocks between the
// group and the heartbeat writes in a reconnect storm).
func (s *Store) grouped(ctx context.Context, row uint, fn func(tx *gorm.DB) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w := &groupWrite{ctx: ctx, row: row, fn: fn, done: make(chan error, 1)}
	s.group.add(w, s.groupLeaders(), groupBatch, s.commitGroup)
	return <-w.done
}

func (s *Store) commitGroup(batch []*groupWrite) {
	live := batch[:0:0]
	for _, w := range batch {
		if err := w.ctx.Err(); err != nil {
			w.done <- err
			continue
		}
		live = append(live, w)
	}
	if len(live) == 0 {
		return
	}
	slices.SortStableFunc(live, func(a, b *groupWrite) int { return cmp.Compare(a.row, b.row) })
	ctx, cancel := context.WithTimeout(context.Background(), DefaultWriteTimeout)
	defer cancel()
	err := s.write(ctx, func(tx *gorm.DB) error {
		for _, w := range live {
			if err := w.fn(tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		for _, w := range live {
			w.done <- nil
		}
		return
	}
	if len(live) == 1 {
		live[0].done <- err
		return
	}
	for _, w := range live { // each alone: the failure is its own caller's
		w.done <- s.write(w.ctx, w.fn)
	}
}

// execGrouped is exec through grouped.
func (s *Store) execGrouped(ctx context.Context, row uint, stmt func(tx *gorm.DB) *gorm.DB) (rows int64, err error) {
	err = s.grouped(ctx, row, func(tx *gorm.DB) error {
		res := stmt(tx)
		rows = res.RowsAffected
		return res.Error
	})
	return rows, err
}

// Batched lookups of charge points by identity: in a reconnect storm every
// handshake looks its charge point up (the password digest); the lookups
// waiting at a moment share one query (WHERE identifier IN …), the way
// writes share a transaction. As with writes, no goroutine runs while
// nothing waits.

// loadBatch bounds the identities of one query.
const loadBatch = 500

// maxLoaders is how many lookup queries run at once.
const maxLoaders = 4

// keyLoad is one caller's lookup by charge point identity, answered by a
// query it shares with the lookups waiting at the same moment (see
// sharedLoad).
type keyLoad[R any] struct {
	ctx  context.Context
	key  string    // the charge point's identity
	at   time.Time // the caller's time, for lookups that depend on it
	res  R
	err  error
	done chan struct{}
}

// sharedLoad queues a lookup of key (at the caller's time at) on b and
// waits for run, which answers a batch of lookups (see answerLoads). A
// caller whose ctx ends first returns ctx's error.
func sharedLoad[R any](ctx context.Context, b *batcher[*keyLoad[R]], key string, at time.Time, run func([]*keyLoad[R])) (R, error) {
	var zero R
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	l := &keyLoad[R]{ctx: ctx, key: key, at: at, done: make(chan struct{})}
	b.add(l, maxLoaders, loadBatch, run)
	select {
	case <-l.done:
		return l.res, l.err
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// liveKeys returns the distinct keys of the lookups of batch whose callers
// still wait, and the earliest of their times.
func liveKeys[R any](batch []*keyLoad[R]) (keys []string, earliest time.Time) {
	seen := make(map[string]bool, len(batch))
	for _, l := range batch {
		if l.ctx.Err() != nil {
			continue
		}
		if !seen[l.key] {
			seen[l.key] = true
			keys = append(keys, l.key)
		}
		if earliest.IsZero() || l.at.Before(earliest) {
			earliest = l.at
		}
	}
	return keys, earliest
}

// answerLoads answers every lookup of batch: its ctx's error if its caller
// has gone, else the shared query's err, else what result returns for it.
func answerLoads[R any](batch []*keyLoad[R], err error, result func(l *keyLoad[R]) (R, error)) {
	for _, l := range batch {
		switch {
		case l.ctx.Err() != nil:
			l.err = l.ctx.Err()
		case err != nil:
			l.err = err
		default:
			l.res, l.err = result(l)
		}
		close(l.done)
	}
}

// loadChargePoint looks identifier up in a query shared with other
// lookups.
func (s *Store) loadChargePoint(ctx context.Context, identifier string) (*ChargePoint, error) {
	return sharedLoad(ctx, &s.loads, identifier, time.Time{}, s.loadGroup)
}

func (s *Store) loadGroup(batch []*keyLoad[*ChargePoint]) {
	ids, _ := liveKeys(batch)
	var found []ChargePoint
	var err error
	if len(ids) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), DefaultWriteTimeout)
		err = s.ctx(ctx).Where("identifier IN ?", ids).Find(&found).Error
		cancel()
	}
	byID := make(map[string]*ChargePoint, len(found))
	for i := range found {
		byID[found[i].Identifier] = &found[i]
	}
	answerLoads(batch, err, func(l *keyLoad[*ChargePoint]) (*ChargePoint, error) {
		cp := byID[l.key]
		if cp == nil {
			return nil, gorm.ErrRecordNotFound
		}
		c := *cp // each caller its own copy: callers change theirs
		return &c, nil
	})
}
