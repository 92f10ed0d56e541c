package sim

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
)

const (
	maxBackoff       = 30 * time.Second
	defaultHeartbeat = 60 * time.Second
	stopTimeout      = 5 * time.Second
)

// chargePoint is one simulated charge point. Its state outlives
// connections: a session keeps charging while the socket is redialled.
type chargePoint struct {
	s          *Simulator
	id         string
	version    string // ocpp.OCPP16 or ocpp.OCPP201
	log        *slog.Logger
	connectors []*connector
	idTags     []string

	rngMu sync.Mutex
	rng   *rand.Rand

	mu      sync.Mutex
	conn    *ocpptest.ChargePoint // nil until booted, and while disconnected
	ready   bool                  // booted and connectors reported on conn (WaitReady)
	changed chan struct{}         // closed and replaced when conn or a connector's session changes
	config  map[string]string     // writable configuration keys (1.6 names; 2.0.1 variables map to them)
	reset   chan resetRequest     // a Reset was accepted
	// resetting refuses new sessions between an accepted Reset and the
	// next boot.
	resetting bool
	// bootReason is the next 2.0.1 BootNotification's reason.
	bootReason ocpp201.BootReason
	// password is the HTTP Basic password of the next dial; 2.0.1's
	// SetVariables of SecurityCtrlr.BasicAuthPassword changes it.
	password string
	// limitW caps the power of every connector (W; 0: none), set by a
	// 2.0.1 SetChargingProfile for EVSE 0.
	limitW float64

	sessions sync.WaitGroup // running charge goroutines
}

// connector is one connector's state, guarded by its charge point's mu.
type connector struct {
	id          int
	maxPowerW   float64
	energyWh    float64                  // the meter register, monotonic
	status      ocpp16.ChargePointStatus // the 1.6 status; 2.0.1 reports it as a ConnectorStatus
	inoperative bool                     // ChangeAvailability Inoperative (applied after a session)
	limitW      float64                  // power cap from SetChargingProfile (W; 0: none)
	sess        *session                 // the session running, nil when idle
}

// session is one charging session on a connector.
type session struct {
	idTag   string
	remote  bool
	started bool               // the Central System acknowledged its start
	txID    int                // 1.6: 0 until StartTransaction answered
	stop    chan ocpp16.Reason // asks the session to stop (1.6 reasons, mapped for 2.0.1)
	os      *ocpptest.Session  // 1.6: nil until started
	last    ocpptest.Reading   // latest reading
	start   time.Time          // when charging began

	// 2.0.1: the station's transaction id, the last seqNo sent (guarded
	// by the charge point's mu), the RequestStartTransaction's id.
	txID201       string
	seq           int
	remoteStartID *int
	token         ocpp201.IdToken
}

// resetRequest is an accepted Reset. A session stop reason (1.6 Soft and
// Hard, 2.0.1 Immediate) stops the sessions first; an empty one (2.0.1
// OnIdle) waits until they have ended.
type resetRequest struct{ stopReason ocpp16.Reason }

func newChargePoint(s *Simulator, index int) *chargePoint {
	id := fmt.Sprintf("%s%03d", s.cfg.Prefix, index+1)
	if index < len(s.cfg.Identities) {
		id = s.cfg.Identities[index]
	}
	version := s.cfg.Versions[index%len(s.cfg.Versions)]
	cp := &chargePoint{
		s:          s,
		id:         id,
		version:    version,
		log:        s.log.With("charge_point", id, "ocpp_version", version),
		rng:        rand.New(rand.NewPCG(uint64(s.cfg.Seed), uint64(index))),
		changed:    make(chan struct{}),
		reset:      make(chan resetRequest, 1),
		bootReason: ocpp201.BootReasonPowerUp,
		password:   s.cfg.Password,
		config: map[string]string{
			"HeartbeatInterval":        strconv.Itoa(int(defaultHeartbeat / time.Second)),
			"MeterValueSampleInterval": strconv.Itoa(max(1, int(s.cfg.MeterInterval/time.Second))),
			"MeterValuesSampledData":   "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage,SoC",
			"ConnectionTimeOut":        "60",
		},
	}
	n := s.cfg.MinConnectors + cp.rng.IntN(s.cfg.MaxConnectors-s.cfg.MinConnectors+1)
	powers := []float64{7_400, 11_000, 22_000}
	for i := range n {
		cp.connectors = append(cp.connectors, &connector{
			id:        i + 1,
			maxPowerW: powers[cp.rng.IntN(len(powers))],
			energyWh:  float64(cp.rng.IntN(500_000)),
			status:    ocpp16.ChargePointStatusAvailable,
		})
	}
	for range 4 {
		cp.idTags = append(cp.idTags, fmt.Sprintf("TAG%08X", cp.rng.Uint32()))
	}
	if len(s.cfg.IDTags) > 0 {
		cp.idTags = slices.Clone(s.cfg.IDTags)
	}
	return cp
}

// random returns a float64 in [lo, hi).
func (cp *chargePoint) random(lo, hi float64) float64 {
	cp.rngMu.Lock()
	defer cp.rngMu.Unlock()
	return lo + (hi-lo)*cp.rng.Float64()
}

func (cp *chargePoint) jitter(d time.Duration) time.Duration {
	cp.rngMu.Lock()
	defer cp.rngMu.Unlock()
	return jitter(cp.rng, d)
}

// v201 reports whether the charge point speaks OCPP 2.0.1.
func (cp *chargePoint) v201() bool { return cp.version == ocpp.OCPP201 }

func (cp *chargePoint) counts() (connected bool, charging int) {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	for _, c := range cp.connectors {
		if c.status == ocpp16.ChargePointStatusCharging {
			charging++
		}
	}
	return cp.conn != nil, charging
}

func (cp *chargePoint) setConn(conn *ocpptest.ChargePoint) {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	cp.conn = conn
	if conn == nil {
		cp.ready = false
	}
	cp.notifyLocked()
}

// notifyLocked wakes up everyone waiting on cp.changed; cp.mu is held.
func (cp *chargePoint) notifyLocked() {
	close(cp.changed)
	cp.changed = make(chan struct{})
}

func (cp *chargePoint) currentConn() *ocpptest.ChargePoint {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	return cp.conn
}

// waitConn returns the current connection, waiting for one until ctx ends.
func (cp *chargePoint) waitConn(ctx context.Context) (*ocpptest.ChargePoint, error) {
	return cp.waitNewConn(ctx, nil)
}

// waitNewConn returns the current connection once it is not old, waiting
// until ctx ends.
func (cp *chargePoint) waitNewConn(ctx context.Context, old *ocpptest.ChargePoint) (*ocpptest.ChargePoint, error) {
	for {
		cp.mu.Lock()
		conn, changed := cp.conn, cp.changed
		cp.mu.Unlock()
		if conn != nil && conn != old {
			return conn, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// track counts one CALL sent and its outcome.
func (cp *chargePoint) track(action string, err error) error {
	cp.s.sent.Add(1)
	if err != nil {
		cp.s.errors.Add(1)
		cp.log.Warn("sim: call failed", "action", action, "error", err)
	}
	return err
}

func (cp *chargePoint) heartbeatInterval() time.Duration {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	n, _ := strconv.Atoi(cp.config["HeartbeatInterval"])
	if n <= 0 {
		return defaultHeartbeat
	}
	return time.Duration(n) * time.Second
}

func (cp *chargePoint) meterInterval() time.Duration {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	// Below a second (tests, demos) the configured interval is kept as is.
	if cp.s.cfg.MeterInterval < time.Second {
		return cp.s.cfg.MeterInterval
	}
	n, _ := strconv.Atoi(cp.config["MeterValueSampleInterval"])
	if n <= 0 {
		return cp.s.cfg.MeterInterval
	}
	return time.Duration(n) * time.Second
}

// run connects, serves and reconnects until ctx ends.
func (cp *chargePoint) run(ctx context.Context) {
	if !cp.s.cfg.RemoteOnly {
		for _, c := range cp.connectors {
			cp.sessions.Go(func() { cp.schedule(ctx, c) })
		}
	}
	backoff := time.Second
	for attempt := 0; ctx.Err() == nil; attempt++ {
		dialCtx, cancel := context.WithTimeout(ctx, cp.s.cfg.CallTimeout)
		cp.mu.Lock()
		password := cp.password
		cp.mu.Unlock()
		handlers := cp.handlers(ctx)
		if cp.v201() {
			handlers = cp.handlers201(ctx)
		}
		conn, err := ocpptest.Dial(dialCtx, cp.s.cfg.URL, cp.id, &ocpptest.Options{
			Password:     password,
			Subprotocols: []string{cp.version},
			CallTimeout:  cp.s.cfg.CallTimeout,
			Handlers:     handlers,
			Logger:       cp.log,
		})
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			cp.s.errors.Add(1)
			wait := cp.jitter(backoff)
			cp.log.Warn("sim: dial failed", "error", err, "retry_in", wait.Round(time.Millisecond))
			backoff = min(backoff*2, maxBackoff)
			sleep(ctx, wait)
			continue
		}
		if attempt > 0 {
			cp.s.reconnects.Add(1)
		}
		go func() {
			for range conn.Calls() {
				cp.s.received.Add(1)
			}
		}()
		wasReset := cp.serve(ctx, conn)
		if ctx.Err() != nil {
			// Let the sessions send StopTransaction before closing.
			cp.sessions.Wait()
		}
		cp.setConn(nil)
		conn.Close()
		switch {
		case ctx.Err() != nil:
		case wasReset:
			backoff = time.Second
			sleep(ctx, cp.jitter(time.Second))
		default:
			wait := cp.jitter(backoff)
			cp.log.Warn("sim: connection lost", "error", conn.Err(), "retry_in", wait.Round(time.Millisecond))
			backoff = min(backoff*2, maxBackoff)
			sleep(ctx, wait)
		}
	}
	cp.sessions.Wait()
}

// serve boots over conn, reports status and heartbeats until the
// connection ends, ctx ends or a Reset was accepted (then it returns true,
// after the sessions have stopped).
func (cp *chargePoint) serve(ctx context.Context, conn *ocpptest.ChargePoint) (wasReset bool) {
	connCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-conn.Done():
			cancel()
		case <-connCtx.Done():
		}
	}()
	if err := cp.boot(connCtx, conn); err != nil {
		return false
	}
	cp.setConn(conn)
	cp.log.Debug("sim: booted", "connectors", len(cp.connectors))
	cp.statusAll(connCtx, conn, true)
	cp.mu.Lock()
	cp.ready = true
	cp.resetting = false
	cp.bootReason = ocpp201.BootReasonUnknown // a reconnection without a reboot
	cp.notifyLocked()
	cp.mu.Unlock()

	hb := cp.heartbeatInterval()
	ticker := time.NewTicker(hb)
	defer ticker.Stop()
	for {
		select {
		case <-connCtx.Done():
			return false
		case rr := <-cp.reset:
			cp.log.Debug("sim: resetting", "stop_reason", rr.stopReason)
			if rr.stopReason != "" {
				cp.stopAll(rr.stopReason)
			}
			done := make(chan struct{})
			go func() { cp.waitIdle(connCtx); close(done) }()
			select {
			case <-done:
			case <-connCtx.Done():
			}
			cp.mu.Lock()
			cp.bootReason = ocpp201.BootReasonRemoteReset
			cp.mu.Unlock()
			return true
		case <-ticker.C:
			cp.heartbeat(connCtx, conn)
			if d := cp.heartbeatInterval(); d != hb {
				hb = d
				ticker.Reset(hb)
			}
		}
	}
}

// boot sends BootNotification until it is accepted.
func (cp *chargePoint) boot(ctx context.Context, conn *ocpptest.ChargePoint) error {
	for {
		status, interval, err := cp.sendBoot(ctx, conn)
		wait := cp.s.cfg.MeterInterval
		switch {
		case err == nil && status == "Accepted":
			if interval > 0 {
				cp.mu.Lock()
				cp.config["HeartbeatInterval"] = strconv.Itoa(interval)
				cp.mu.Unlock()
			}
			return nil
		case err == nil:
			cp.log.Debug("sim: boot not accepted", "status", status, "interval", interval)
			if interval > 0 {
				wait = time.Duration(interval) * time.Second
			}
		case errors.Is(err, ocpptest.ErrClosed) || ctx.Err() != nil:
			return err
		}
		if !sleep(ctx, wait) {
			return ctx.Err()
		}
	}
}

// statusAll reports connector 0 (1.6 only) and every connector; after a
// boot, Preparing and Finishing, which do not survive a reboot, are
// reported as they are now.
func (cp *chargePoint) statusAll(ctx context.Context, conn *ocpptest.ChargePoint, withZero bool) {
	if withZero {
		cp.sendStatus(ctx, conn, 0, ocpp16.ChargePointStatusAvailable)
	}
	for _, c := range cp.connectors {
		cp.mu.Lock()
		st := c.status
		cp.mu.Unlock()
		cp.sendStatus(ctx, conn, c.id, st)
	}
}

// setStatus changes a connector's status and reports it when connected
// (2.0.1: when its ConnectorStatus changes).
func (cp *chargePoint) setStatus(ctx context.Context, c *connector, st ocpp16.ChargePointStatus) {
	cp.mu.Lock()
	old := c.status
	c.status = st
	conn := cp.conn
	cp.mu.Unlock()
	if conn == nil || (cp.v201() && connectorStatus201(old) == connectorStatus201(st)) {
		return
	}
	cp.sendStatus(ctx, conn, c.id, st)
}

// stopAll asks every running session to stop.
func (cp *chargePoint) stopAll(reason ocpp16.Reason) {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	for _, c := range cp.connectors {
		if c.sess != nil {
			select {
			case c.sess.stop <- reason:
			default:
			}
		}
	}
}

// waitIdle waits until no connector has a session, or ctx ends.
func (cp *chargePoint) waitIdle(ctx context.Context) {
	for {
		cp.mu.Lock()
		busy := false
		for _, c := range cp.connectors {
			busy = busy || c.sess != nil
		}
		changed := cp.changed
		cp.mu.Unlock()
		if !busy {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		}
	}
}

// reserve marks connector c as taken by a new session, if it is free.
func (cp *chargePoint) reserve(c *connector, idTag string, remote bool) (*session, bool) {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	if c.sess != nil || c.inoperative || c.status != ocpp16.ChargePointStatusAvailable || cp.conn == nil || cp.resetting {
		return nil, false
	}
	c.sess = &session{idTag: idTag, remote: remote, stop: make(chan ocpp16.Reason, 1),
		token: ocpp201.IdToken{IdToken: idTag, Type: ocpp201.IdTokenTypeISO14443}}
	return c.sess, true
}

// schedule starts sessions on c: the first about StartDelay after the
// charge point booted, the next ones after idle pauses of about IdleTime.
// Pauses count while connected: a charge point still booting (or
// redialling) does not spend its StartDelay waiting.
func (cp *chargePoint) schedule(ctx context.Context, c *connector) {
	pause := cp.s.cfg.StartDelay
	for {
		if _, err := cp.waitConn(ctx); err != nil {
			return
		}
		if !sleep(ctx, cp.jitter(2*pause)) {
			return
		}
		pause = cp.s.cfg.IdleTime
		tag := cp.idTags[int(cp.random(0, float64(len(cp.idTags))))]
		sess, ok := cp.reserve(c, tag, false)
		if !ok {
			continue
		}
		cp.charge(ctx, c, sess)
	}
}
