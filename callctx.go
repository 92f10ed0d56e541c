package ocppkit

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// callContext is the context of one CALL's handler: the connection's
// context with a deadline WriteTimeout away. Deadline and Err answer from
// the deadline alone; the timer and the registration with the connection's
// context that context.WithDeadline makes are made only when something
// first asks for Done (a database driver, a select, a derived context), and
// most Heartbeats never do. A timer per message is a cost that grows with
// the number of connections (every timer of a P shares one heap).
type callContext struct {
	context.Context // the connection's
	deadline        time.Time

	once sync.Once
	real atomic.Pointer[deadlineCtx] // set by the first Done
}

type deadlineCtx struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func newCallContext(parent context.Context, timeout time.Duration) *callContext {
	return &callContext{Context: parent, deadline: time.Now().Add(timeout)}
}

// Deadline returns the call's deadline, or the connection's if that is
// sooner.
func (c *callContext) Deadline() (time.Time, bool) {
	if d, ok := c.Context.Deadline(); ok && d.Before(c.deadline) {
		return d, true
	}
	return c.deadline, true
}

// Done makes the real context on first use and returns its channel.
func (c *callContext) Done() <-chan struct{} {
	c.once.Do(func() {
		ctx, cancel := context.WithDeadline(c.Context, c.deadline)
		c.real.Store(&deadlineCtx{ctx, cancel})
	})
	return c.real.Load().ctx.Done()
}

// Err is the connection's error once it has ended, else
// context.DeadlineExceeded once the deadline has passed.
func (c *callContext) Err() error {
	if r := c.real.Load(); r != nil {
		return r.ctx.Err()
	}
	if err := c.Context.Err(); err != nil {
		return err
	}
	if !time.Now().Before(c.deadline) {
		return context.DeadlineExceeded
	}
	return nil
}

// Value looks key up in the real context once there is one (so that
// context.Cause sees its deadline), else in the connection's.
func (c *callContext) Value(key any) any {
	if r := c.real.Load(); r != nil {
		return r.ctx.Value(key)
	}
	return c.Context.Value(key)
}

// release stops the real context's timer, if there is one.
func (c *callContext) release() {
	if r := c.real.Load(); r != nil {
		r.cancel()
	}
}
