package ocppkit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/ocppkit/ocppkit/handlers"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/store"
)

// Health, readiness and the message log: what an operator's load balancer,
// orchestrator and on-call engineer read.

// DefaultCheckTimeout bounds each check of Ready and Healthy when their
// context has no deadline.
const DefaultCheckTimeout = 2 * time.Second

// Checker is an optional capability of a Config.Cluster or a
// Config.Broadcaster: Check reports whether it is connected to its engine
// (cluster/rediscluster and cluster/pgcluster implement it). Ready calls it.
type Checker interface {
	Check(ctx context.Context) error
}

// health is the state behind Ready.
type health struct {
	draining atomic.Bool // Shutdown has started
}

// drain makes Ready fail and waits Config.DrainDelay (once), or until ctx
// ends.
func (c *CSMS) drain(ctx context.Context) {
	if c.health.draining.Swap(true) || c.cfg.DrainDelay <= 0 {
		return
	}
	c.logger.Info("draining: readiness fails; closing the charge points' sockets after the drain delay", "drain_delay", c.cfg.DrainDelay)
	t := time.NewTimer(c.cfg.DrainDelay)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// HealthReport is what Healthy and Ready found: each check's name and
// "ok" or what failed.
type HealthReport struct {
	Status string            `json:"status"` // "ok" or "unavailable"
	Checks map[string]string `json:"checks"`
}

// Err returns the failed checks as one error, or nil.
func (r HealthReport) Err() error {
	if r.Status == "ok" {
		return nil
	}
	var errs []error
	for _, name := range []string{"writers", "accepting", "database", "backplane", "broadcaster"} {
		if v, ok := r.Checks[name]; ok && v != "ok" {
			errs = append(errs, fmt.Errorf("%s: %s", name, v))
		}
	}
	return fmt.Errorf("ocppkit: unavailable: %w", errors.Join(errs...))
}

// Healthy reports whether this node's own machinery runs: the background
// writers (meter values, heartbeats, events, the message log) that every
// reply depends on. It fails only once Shutdown has stopped them, never
// because a dependency is down: mount it as a liveness probe (/healthz),
// which restarts a process that cannot recover by itself, and not one
// whose database blinked.
func (c *CSMS) Healthy(ctx context.Context) HealthReport {
	r := HealthReport{Status: "ok", Checks: map[string]string{"writers": "ok"}}
	if !c.meter.Running() || !c.Defaults.Running() || (c.msglog != nil && !c.msglog.Running()) {
		r.Checks["writers"] = "stopped"
		r.Status = "unavailable"
	}
	return r
}

// Ready reports whether this node should receive charge points: Healthy,
// not shutting down (Shutdown fails it first, see Config.DrainDelay), the
// database answers, and the backplane and broadcaster, where they
// implement Checker, are connected. Mount it as the readiness probe of
// the load balancer (/readyz). Each check is bounded by ctx, or by
// DefaultCheckTimeout.
func (c *CSMS) Ready(ctx context.Context) HealthReport {
	r := c.Healthy(ctx)
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultCheckTimeout)
		defer cancel()
	}
	check := func(name string, err error) {
		r.Checks[name] = "ok"
		if err != nil {
			r.Checks[name] = err.Error()
			r.Status = "unavailable"
		}
	}
	if c.health.draining.Load() {
		check("accepting", errors.New("shutting down"))
	} else {
		check("accepting", nil)
	}
	check("database", c.pingDB(ctx))
	if ch, ok := c.cfg.Cluster.(Checker); ok {
		check("backplane", ch.Check(ctx))
	}
	if ch, ok := c.cfg.Broadcaster.(Checker); ok {
		check("broadcaster", ch.Check(ctx))
	}
	return r
}

func (c *CSMS) pingDB(ctx context.Context) error {
	sqlDB, err := c.cfg.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// HealthHandler serves Healthy: 200 with the HealthReport as JSON, or 503.
// Mount it unauthenticated where the orchestrator probes, e.g.
// mux.Handle("GET /healthz", csms.HealthHandler()).
func (c *CSMS) HealthHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeReport(w, c.Healthy(r.Context()))
	})
}

// ReadyHandler serves Ready: 200 with the HealthReport as JSON, or 503,
// e.g. mux.Handle("GET /readyz", csms.ReadyHandler()).
func (c *CSMS) ReadyHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeReport(w, c.Ready(r.Context()))
	})
}

func writeReport(w http.ResponseWriter, r HealthReport) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if r.Status != "ok" {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(r)
}

// startMessageLog starts the message log writer with Config.MessageLog.
func (c *CSMS) startMessageLog() {
	if !c.cfg.MessageLog {
		return
	}
	c.msglog = store.NewMessageLog(c.cfg.DB, store.MessageLogConfig{
		Queue:        c.cfg.MessageLogQueue,
		Retention:    c.cfg.MessageLogRetention,
		WriteTimeout: c.cfg.WriteTimeout,
		OnWrite:      c.obs.MessageLog,
		Logger:       c.logger,
	})
}

func (c *CSMS) closeMessageLog(ctx context.Context) error {
	if c.msglog == nil {
		return nil
	}
	return c.msglog.Close(ctx)
}

// MessageLogDropped returns how many frames the message log dropped
// because its writer fell behind (or failed): 0 without Config.MessageLog.
func (c *CSMS) MessageLogDropped() uint64 {
	if c.msglog == nil {
		return 0
	}
	return c.msglog.Dropped()
}

// ObserveFrame queues every frame for the message log (ocpp.FrameObserver).
func (h connHandler) ObserveFrame(conn *ocpp.Conn, out bool, frame []byte) {
	l := h.c.msglog
	if l == nil {
		return
	}
	var id uint
	if cp := handlers.ChargePointOf(conn); cp != nil {
		id = cp.ID
	}
	dir := store.DirectionIn
	if out {
		dir = store.DirectionOut
	}
	l.Add(id, conn.Identity(), dir, frame, time.Now())
}
