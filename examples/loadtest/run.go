package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ocppkit/ocppkit/store"
	"github.com/ocppkit/ocppkit/store/anydb"
	"github.com/ocppkit/ocppkit/store/pgdb"
	"gorm.io/gorm"
)

// result is one target's figures.
type result struct {
	Round           int               `json:"round"` // 1, 2, … with -rounds
	Scenario        string            `json:"scenario"`
	Target          string            `json:"target"` // ocppkit | baseline | external
	DB              string            `json:"db,omitempty"`
	Conns           int               `json:"conns"`
	Connected       int               `json:"connected"` // connections that booted
	DurationSec     float64           `json:"duration_sec"`
	Messages        uint64            `json:"messages"` // replies inside the measurement window
	MsgsPerSec      float64           `json:"msgs_per_sec"`
	P50Ms           float64           `json:"p50_ms"`
	P99Ms           float64           `json:"p99_ms"`
	Errors          uint64            `json:"errors"`
	ErrorsByKind    map[string]uint64 `json:"errors_by_kind,omitempty"`
	FirstError      string            `json:"first_error,omitempty"`
	ServerCalls     uint64            `json:"server_calls,omitempty"`
	RSSBefore       int64             `json:"rss_before_bytes,omitempty"`
	RSSAfter        int64             `json:"rss_after_bytes,omitempty"`
	RSSPerConn      float64           `json:"rss_per_conn_bytes,omitempty"`
	HeapPerConn     float64           `json:"heap_per_conn_bytes,omitempty"`
	StackPerConn    float64           `json:"stack_per_conn_bytes,omitempty"`
	Goroutines      int               `json:"server_goroutines,omitempty"`
	BootedInSec     float64           `json:"booted_in_sec,omitempty"`         // connect: until the last BootNotification reply
	ServerCPUUs     float64           `json:"server_cpu_us_per_msg,omitempty"` // server CPU time per reply in the window
	GenCPUUs        float64           `json:"generator_cpu_us_per_msg,omitempty"`
	MeterAcked      uint64            `json:"meter_values_acked,omitempty"`
	MeterAfter      uint64            `json:"meter_values_acked_after_window,omitempty"` // of MeterAcked, acknowledged after the window closed
	PersistedRows   *int64            `json:"persisted_rows,omitempty"`
	FramesOut       uint64            `json:"frames_written,omitempty"` // by the generator
	FramesIn        uint64            `json:"frames_read,omitempty"`
	LogRowsIn       *int64            `json:"message_log_rows_in,omitempty"` // -messagelog: frames the server logged as received
	LogRowsOut      *int64            `json:"message_log_rows_out,omitempty"`
	LogDropped      uint64            `json:"message_log_dropped,omitempty"`
	ExpectedRows    int64             `json:"expected_rows,omitempty"`
	Ratio           *float64          `json:"ratio,omitempty"` // to the baseline, see RatioOf
	RatioOf         string            `json:"ratio_of,omitempty"`
	RowsPerSec      float64           `json:"meter_rows_per_sec,omitempty"`            // meter: msgs/s × 4
	CeilingRows     float64           `json:"ceiling_rows_per_sec,omitempty"`          // meter: the database's batched-insert ceiling for the fleet's rows, measured in this run
	OneCPRows       float64           `json:"one_charge_point_rows_per_sec,omitempty"` // meter: the same loop with one charge point's rows (context)
	CeilingFromRows int               `json:"ceiling_from_rows,omitempty"`             // meter: table rows when the window opened: the ceiling's timed part starts there…
	CeilingToRows   int               `json:"ceiling_to_rows,omitempty"`               // …and ends here, where the run's window did
	Subscribers     int               `json:"subscribers,omitempty"`                   // live: SSE clients
	EventsPerSub    float64           `json:"events_per_subscriber_per_sec,omitempty"` // live: mean over subscribers, in the window
	EventsPerSubMin float64           `json:"events_per_subscriber_per_sec_min,omitempty"`
	EventsPerSubMax float64           `json:"events_per_subscriber_per_sec_max,omitempty"`
	EventsDropped   uint64            `json:"events_dropped,omitempty"` // live: by the broadcaster (full subscriber buffers)
	ServerCores     float64           `json:"server_cores,omitempty"`   // live: server CPU seconds per second in the window
	VsPeer          *float64          `json:"ratio_to_peer,omitempty"`  // ocppkit's figure over the -peer's (same measure as Ratio)
}

// runTarget starts the target's server (unless -url), runs the scenario
// against it and collects the figures.
func runTarget(ctx context.Context, o *options, target string) (res *result, err error) {
	res = &result{Scenario: o.scenario, Target: target, Conns: o.n, DurationSec: o.duration.Seconds()}
	base := o.url
	var ch *child
	var dbh *dbHandle
	if o.url == "" {
		scfg := serveConfig{target: target, n: o.n, auth: o.auth, rateLimit: o.rateLimit, dbPool: o.dbPool, verbose: o.verbose, coalesce: o.coalesce}
		if target == targetWithLog {
			scfg.target, scfg.messageLog = "ocppkit", true
		}
		if target == target201 {
			scfg.target = "ocppkit" // the same server; the clients speak 2.0.1
		}
		if scfg.target == "ocppkit" {
			dbh, err = prepareDB(ctx, o)
			if err != nil {
				return nil, err
			}
			defer func() { err = errors.Join(err, dbh.cleanup()) }()
			scfg.dbKind, scfg.dsn = dbh.kind, dbh.dsn
			res.DB = dbh.kind
		}
		ch, err = startChild(ctx, scfg)
		if err != nil {
			return nil, err
		}
		defer func() {
			if ch != nil {
				err = errors.Join(err, ch.stop())
			}
		}()
		base = ch.url()
	}

	identity := identityOf
	password := passwordOf
	if o.url != "" {
		identity = func(i int) string { return fmt.Sprintf("%s%05d", o.prefix, i) }
		password = func(string) string { return o.password }
	}
	stats := &genStats{}
	win := &window{}
	clients := make([]*client, o.n)
	for i := range clients {
		clients[i] = &client{idx: i, identity: identity(i), stats: stats, win: win, energy: 1000,
			wbuf: make([]byte, 0, 1024), rbuf: make([]byte, 0, 512), v201: speaks201(o, target)}
	}
	d := newDialer(base, o.auth, password)
	if speaks201(o, target) {
		d.subprotocol = "ocpp2.0.1"
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go watchdog(runCtx, clients, o.timeout)

	var before serverStats
	if ch != nil {
		if before, err = ch.stats(); err != nil {
			return nil, err
		}
	}

	// Connect and boot (the connect scenario measures this phase).
	up := make([]bool, o.n)
	if o.scenario == "connect" {
		cpuFile := suffixed(o.cpuProfile, profileSuffix(target))
		if ch != nil && cpuFile != "" {
			if _, err := ch.get("cpu/start?file=" + url.QueryEscape(absPath(cpuFile))); err != nil {
				return nil, err
			}
		}
		var srvCPU0 time.Duration
		if ch != nil {
			srvCPU0, _ = ch.cpu()
		}
		res.BootedInSec = connectStorm(runCtx, o, d, clients, up)
		if ch != nil {
			srvCPU1, _ := ch.cpu()
			res.ServerCPUUs = float64((srvCPU1 - srvCPU0).Microseconds()) // divided by the count below
			if cpuFile != "" {
				if _, err := ch.get("cpu/stop"); err != nil {
					return nil, err
				}
			}
		}
	} else {
		forEach(o.n, o.dialPar, func(i int) {
			c := clients[i]
			dctx, dcancel := context.WithTimeout(runCtx, o.timeout)
			ws, err := d.dial(dctx, c.identity)
			dcancel()
			if err != nil {
				stats.fail(errDial, err)
				return
			}
			c.ws = ws
			if !c.boot(runCtx) {
				ws.CloseNow()
				return
			}
			if (o.scenario == "meter" || o.scenario == "live") && !c.start(runCtx) {
				ws.CloseNow()
				return
			}
			up[i] = true
		})
	}
	live := make([]*client, 0, o.n)
	for i, c := range clients {
		if up[i] {
			live = append(live, c)
		}
	}
	res.Connected = len(live)
	if ctx.Err() != nil {
		return res, ctx.Err()
	}

	// Live events: the SSE subscribers, reading until runCtx ends.
	var subs *subscribers
	if o.scenario == "live" && ch != nil {
		if subs, err = subscribe(runCtx, ch.addr, o.subscribers, win); err != nil {
			return res, err
		}
	}

	// Load.
	if o.scenario != "connect" {
		if err := runLoad(runCtx, o, ch, live, win, res); err != nil {
			return res, err
		}
	}

	if ch != nil && len(live) > 0 {
		after, err := ch.stats()
		if err != nil {
			return res, err
		}
		n := float64(len(live))
		res.RSSBefore, res.RSSAfter = before.RSS, after.RSS
		res.RSSPerConn = float64(after.RSS-before.RSS) / n
		res.HeapPerConn = float64(after.HeapInuse-before.HeapInuse) / n
		res.StackPerConn = float64(after.StackInuse-before.StackInuse) / n
		res.Goroutines = after.Goroutines
		res.LogDropped = after.LogDropped
		res.EventsDropped = after.EventsDropped
	}
	cancel() // before closing: idle readers see ctx.Err() and count no disconnect
	forEach(len(live), 64, func(i int) { live[i].ws.CloseNow() })

	// Figures.
	count, qs := stats.hist.quantiles(0.5, 0.99)
	res.P50Ms = float64(qs[0].Microseconds()) / 1000
	res.P99Ms = float64(qs[1].Microseconds()) / 1000
	switch o.scenario {
	case "connect":
		res.Messages = count
		if res.BootedInSec > 0 {
			res.MsgsPerSec = float64(count) / res.BootedInSec
		}
		if count > 0 {
			res.ServerCPUUs /= float64(count) // per charge point: handshake, authentication, Connected, BootNotification
		}
	case "idle":
		res.ServerCPUUs, res.GenCPUUs = 0, 0
	case "live":
		res.ServerCores = res.ServerCPUUs / 1e6 / o.duration.Seconds()
		res.Messages = stats.inWindow.Load()
		res.MsgsPerSec = float64(res.Messages) / o.duration.Seconds()
		if res.Messages > 0 {
			res.ServerCPUUs /= float64(res.Messages)
			res.GenCPUUs /= float64(res.Messages)
		}
		if subs != nil {
			res.Subscribers = len(subs.counts)
			res.EventsPerSub, res.EventsPerSubMin, res.EventsPerSubMax = subs.rates(o.duration)
		}
	default:
		res.Messages = stats.inWindow.Load()
		res.MsgsPerSec = float64(res.Messages) / o.duration.Seconds()
		if res.Messages > 0 {
			res.ServerCPUUs /= float64(res.Messages)
			res.GenCPUUs /= float64(res.Messages)
		}
	}
	res.Errors = stats.errors()
	if res.Errors > 0 {
		res.ErrorsByKind = make(map[string]uint64)
		for k := range stats.errs {
			if v := stats.errs[k].Load(); v > 0 {
				res.ErrorsByKind[errKindNames[k]] = v
			}
		}
		if p := stats.firstErr.Load(); p != nil {
			res.FirstError = *p
		}
	}
	res.ServerCalls = stats.calls.Load()
	res.MeterAcked = stats.meterAcks.Load()
	res.MeterAfter = stats.meterAfter.Load()
	res.FramesOut, res.FramesIn = stats.framesOut.Load(), stats.framesIn.Load()

	// Stop the server, then count what it committed.
	if ch != nil {
		err := ch.stop()
		ch = nil
		if err != nil {
			return res, err
		}
	}
	if dbh != nil && (o.scenario == "meter" || o.scenario == "session" || o.scenario == "live") {
		rows, err := dbh.countMeterValues()
		if err != nil {
			return res, err
		}
		res.PersistedRows = &rows
		res.ExpectedRows = int64(res.MeterAcked) * 4
	}
	if dbh != nil && o.scenario == "meter" && target == "ocppkit" {
		res.RowsPerSec = res.MsgsPerSec * 4
		// The ceiling covers the table sizes the run's window did.
		run := ceilingRun{skip: 4 * int(stats.meterBefore.Load()), rows: 4 * int(res.Messages), maxDur: 2*o.duration + 10*time.Second}
		res.CeilingFromRows, res.CeilingToRows = run.skip, run.skip+run.rows
		if res.CeilingRows, err = measureCeiling(ctx, o, o.n, run); err != nil {
			return res, err
		}
		if res.OneCPRows, err = measureCeiling(ctx, o, 1, run); err != nil {
			return res, err
		}
	}
	if dbh != nil && target == targetWithLog {
		in, out, err := dbh.countLoggedFrames()
		if err != nil {
			return res, err
		}
		res.LogRowsIn, res.LogRowsOut = &in, &out
	}
	return res, nil
}

// runLoad runs the workers through warmup and the measurement window, then
// lets each finish its outstanding request.
// It leaves the CPU time the server and the generator used during the
// window in res.ServerCPUUs and res.GenCPUUs (µs, divided by the count later).
func runLoad(ctx context.Context, o *options, ch *child, live []*client, win *window, res *result) error {
	var stop atomic.Bool
	var wg sync.WaitGroup
	for _, c := range live {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch o.scenario {
			case "heartbeat":
				for !stop.Load() && !c.dead {
					c.call(ctx, c.heartbeatFrame, false)
				}
			case "meter":
				for !stop.Load() && !c.dead {
					c.call(ctx, c.meterFrame, true)
				}
			case "session":
				for !stop.Load() && !c.dead {
					if !c.start(ctx) {
						continue
					}
					for k := 0; k < o.sessionMeters && !stop.Load() && !c.dead; k++ {
						c.call(ctx, c.meterFrame, true)
					}
					if !c.dead {
						c.call(ctx, c.stopFrame, false)
					}
				}
			case "idle":
				c.idle(ctx) // until runTarget has measured memory and cancels ctx
			case "live":
				// Open loop, the charge points' sending times spread evenly
				// over one period.
				next := time.Now().Add(time.Duration(c.idx) * o.meterEvery / time.Duration(len(live)))
				for !stop.Load() && !c.dead && sleepUntil(ctx, next) {
					c.call(ctx, c.meterFrame, true)
					next = next.Add(o.meterEvery)
				}
			}
		}()
	}
	t0 := time.Now().Add(o.warmup)
	t1 := t0.Add(o.duration)
	win.start.Store(t0.UnixNano())
	win.end.Store(t1.UnixNano())
	// Profiles are of the server: ocppkit's to the named files, the
	// baseline's to the same names + ".baseline", ocppkit+log's + ".messagelog", ocpp-go's + ".ocpp-go".
	cpuFile := suffixed(o.cpuProfile, profileSuffix(res.Target))
	memFile := suffixed(o.memProfile, profileSuffix(res.Target))
	profiling := ch != nil && cpuFile != ""
	traceFile := suffixed(o.traceFile, profileSuffix(res.Target))
	tracing := ch != nil && traceFile != ""
	if !sleepUntil(ctx, t0) {
		return ctx.Err()
	}
	if profiling {
		if _, err := ch.get("cpu/start?file=" + url.QueryEscape(absPath(cpuFile))); err != nil {
			return err
		}
	}
	if tracing {
		if _, err := ch.get("trace/start?file=" + url.QueryEscape(absPath(traceFile))); err != nil {
			return err
		}
	}
	var srvCPU0 time.Duration
	if ch != nil {
		srvCPU0, _ = ch.cpu()
	}
	genCPU0 := cpuTime()
	if !sleepUntil(ctx, t1) {
		return ctx.Err()
	}
	res.GenCPUUs = float64((cpuTime() - genCPU0).Microseconds())
	if ch != nil {
		srvCPU1, _ := ch.cpu()
		res.ServerCPUUs = float64((srvCPU1 - srvCPU0).Microseconds())
	}
	if profiling {
		if _, err := ch.get("cpu/stop"); err != nil {
			return err
		}
	}
	if tracing {
		if _, err := ch.get("trace/stop"); err != nil {
			return err
		}
	}
	if ch != nil && memFile != "" {
		if _, err := ch.get("heap?file=" + url.QueryEscape(absPath(memFile))); err != nil {
			return err
		}
	}
	stop.Store(true)
	if o.scenario == "idle" {
		return nil // the readers stay until runTarget has measured memory
	}
	wg.Wait()
	return nil
}

func sleepUntil(ctx context.Context, t time.Time) bool {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// profileSuffix is what the profiles of target add to the file names given:
// nothing for ocppkit.
func profileSuffix(target string) string {
	switch target {
	case "ocppkit", "external":
		return ""
	case targetWithLog:
		return ".messagelog"
	}
	return "." + target
}

func suffixed(p, suffix string) string {
	if p == "" {
		return ""
	}
	return p + suffix
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// connectStorm releases every charge point at once: each dials
// (authenticated) and sends BootNotification; a failed handshake is retried
// every 100ms until -timeout. It returns the seconds from the release until
// the last BootNotification reply; the histogram holds each charge point's
// time to booted.
func connectStorm(ctx context.Context, o *options, d *dialer, clients []*client, up []bool) float64 {
	release := make(chan struct{})
	var wg sync.WaitGroup
	var last atomic.Int64
	var start time.Time
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-release
			deadline := start.Add(o.timeout)
			for {
				dctx, cancel := context.WithDeadline(ctx, deadline)
				ws, err := d.dial(dctx, c.identity)
				cancel()
				if err != nil {
					c.stats.fail(errDial, err)
					if ctx.Err() != nil || time.Now().Add(100*time.Millisecond).After(deadline) {
						return
					}
					time.Sleep(100 * time.Millisecond)
					continue
				}
				c.ws = ws
				break
			}
			if !c.boot(ctx) {
				c.ws.CloseNow()
				return
			}
			now := time.Now()
			c.stats.hist.record(i, now.Sub(start))
			for {
				l := last.Load()
				if now.UnixNano() <= l || last.CompareAndSwap(l, now.UnixNano()) {
					break
				}
			}
			up[i] = true
		}()
	}
	start = time.Now()
	close(release)
	wg.Wait()
	if last.Load() == 0 {
		return 0
	}
	return time.Duration(last.Load() - start.UnixNano()).Seconds()
}

// boot sends BootNotification and checks it was accepted.
func (c *client) boot(ctx context.Context) bool {
	p, err := c.call(ctx, c.bootFrame, false)
	if err != nil {
		return false
	}
	if !bytes.Contains(p, []byte(`"status":"Accepted"`)) {
		c.stats.fail(errCallError, fmt.Errorf("%s: BootNotification not accepted: %s", c.identity, truncate(p, 200)))
		return false
	}
	return true
}

// start sends StartTransaction and keeps the transactionId (2.0.1:
// TransactionEvent Started of a new transaction).
func (c *client) start(ctx context.Context) bool {
	if c.v201 {
		return c.start201(ctx)
	}
	p, err := c.call(ctx, c.startFrame, false)
	if err != nil {
		return false
	}
	id, ok := jsonInt(p, "transactionId")
	if !ok || !bytes.Contains(p, []byte(`"status":"Accepted"`)) {
		c.stats.fail(errCallError, fmt.Errorf("%s: StartTransaction: %s", c.identity, truncate(p, 200)))
		return false
	}
	c.txID = id
	return true
}

// dbHandle is the in-process server's database: a temporary SQLite file or
// a fresh PostgreSQL schema.
type dbHandle struct {
	kind    string
	dsn     string // what the server opens
	cleanup func() error
}

func prepareDB(ctx context.Context, o *options) (*dbHandle, error) {
	switch o.db {
	case "sqlite":
		dir, err := os.MkdirTemp("", "ocppkit-loadtest-*")
		if err != nil {
			return nil, err
		}
		h := &dbHandle{kind: "sqlite", dsn: filepath.Join(dir, "ocpp.db")}
		if o.sqliteParams != "" {
			h.dsn += "?" + o.sqliteParams
		}
		h.cleanup = func() error {
			if o.keep {
				fmt.Fprintln(os.Stderr, "loadtest: kept", h.dsn)
				return nil
			}
			return os.RemoveAll(dir)
		}
		return h, nil
	case "postgres":
		schema := fmt.Sprintf("loadtest_%d_%d", os.Getpid(), time.Now().UnixNano()%1_000_000_000)
		admin, err := pgdb.Open(o.dsn)
		if err != nil {
			return nil, err
		}
		sqlDB, err := admin.DB()
		if err != nil {
			return nil, err
		}
		if err := admin.WithContext(ctx).Exec("CREATE SCHEMA " + schema).Error; err != nil {
			sqlDB.Close()
			return nil, fmt.Errorf("create schema: %w", err)
		}
		u, err := url.Parse(o.dsn)
		if err != nil {
			sqlDB.Close()
			return nil, err
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		h := &dbHandle{kind: "postgres", dsn: u.String()}
		h.cleanup = func() error {
			defer sqlDB.Close()
			if o.keep {
				fmt.Fprintln(os.Stderr, "loadtest: kept schema", schema)
				return nil
			}
			return admin.Exec("DROP SCHEMA " + schema + " CASCADE").Error
		}
		return h, nil
	}
	return nil, fmt.Errorf("unknown -db %q", o.db)
}

// countMeterValues counts the meter value rows the server committed.
func (h *dbHandle) countMeterValues() (n int64, err error) {
	err = h.query(func(db *gorm.DB) error { return db.Model(&store.MeterValue{}).Count(&n).Error })
	return n, err
}

// countLoggedFrames counts the frames in the message log by direction (a
// row holds a CALL in its direction and, with reply_type set, its reply in
// the other).
func (h *dbHandle) countLoggedFrames() (in, out int64, err error) {
	err = h.query(func(db *gorm.DB) error {
		var c struct{ In, Out int64 }
		err := db.Model(&store.Message{}).Select(`
			COALESCE(SUM(CASE WHEN direction = 'in' THEN 1 ELSE 0 END + CASE WHEN direction = 'out' AND reply_type <> 0 THEN 1 ELSE 0 END), 0) AS "in",
			COALESCE(SUM(CASE WHEN direction = 'out' THEN 1 ELSE 0 END + CASE WHEN direction = 'in' AND reply_type <> 0 THEN 1 ELSE 0 END), 0) AS "out"`).Scan(&c).Error
		in, out = c.In, c.Out
		return err
	})
	return in, out, err
}

// query runs fn on the server's database, opened for it.
func (h *dbHandle) query(fn func(db *gorm.DB) error) error {
	db, err := anydb.Open(h.dsn)
	if err != nil {
		return err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	defer sqlDB.Close()
	return fn(db)
}
