// Package sim runs self-driving simulated OCPP 1.6J and 2.0.1 charge
// points against a Central System: for a host's tests, for demos (the dashboard example runs
// them in-process) and for examples/simulator. Where package ocpptest
// scripts a charge point message by message, a sim charge point lives on
// its own and answers every command, as a real one does.
//
// Each charge point boots (retrying while the Central System answers
// Pending or Rejected), reports the status of connector 0 and of each of
// its connectors, heartbeats at the interval it was given and, unless
// Config.RemoteOnly is set, runs charging sessions with idle pauses in
// between: Authorize, Preparing, StartTransaction, Charging, periodic
// MeterValues along a realistic power curve, StopTransaction, Finishing,
// Available. It answers every command: RemoteStartTransaction and
// RemoteStopTransaction start and stop sessions, Reset stops them and
// reconnects, ChangeAvailability switches connectors to Unavailable and
// back, TriggerMessage sends the message asked for, a ChangeConfiguration
// of AuthorizationKey is the password of its next connection. A dropped
// socket is redialled with exponential backoff and jitter, at most 30s
// apart.
//
// # OCPP 2.0.1
//
// Config.Versions says which version each charge point speaks ([Mixed]: a
// fleet of both). A 2.0.1 charging station has one EVSE with one
// connector where a 1.6 charge point has a connector, and lives the same
// life in 2.0.1 messages: BootNotification (reason PowerUp, RemoteReset
// after a Reset), StatusNotification per EVSE connector (Available,
// Occupied while a vehicle is plugged in, Unavailable), Authorize with an
// ISO14443 idToken, and TransactionEvent Started, Updated with the meter
// values, Ended, numbered by seqNo across reconnections and flagged
// offline when they happened while disconnected. It answers
// RequestStartTransaction and RequestStopTransaction, Reset (Immediate
// and OnIdle), UnlockConnector, ChangeAvailability, GetVariables and
// SetVariables on its device model (OCPPCommCtrlr.HeartbeatInterval,
// SampledDataCtrlr.TxUpdatedInterval, SecurityCtrlr.BasicAuthPassword,
// which it uses from its next connection on, …), GetBaseReport and
// GetReport with NotifyReport, TriggerMessage, SetChargingProfile and
// ClearChargingProfile (a limit in W or A caps the power drawn); other
// commands get the obliging replies of package ocpptest.
//
// The random choices (connectors, their power, batteries, pauses) come from
// Config.Seed, so two runs with the same seed simulate the same fleet.
//
// # In a host's tests
//
// One charge point, SIM001, that charges only when the test asks
// (RemoteOnly), with fast meter values; Start runs it until the test ends
// and WaitReady returns once it has booted and reported its connectors:
//
//	fleet := sim.New(sim.Config{URL: wsURL, Password: pw, RemoteOnly: true,
//		MinConnectors: 1, MaxConnectors: 1, MeterInterval: 100 * time.Millisecond, StatsInterval: -1})
//	stop := fleet.Start(context.Background())
//	t.Cleanup(func() { _ = stop() }) // stops its sessions, closes its socket
//	if err := fleet.WaitReady(ctx); err != nil { … }
//	res, err := csms.Remote.RemoteStartTransaction(ctx, "SIM001", 1, "RFID1") // it starts charging
//
// With Versions: sim.Mixed, SIM001 is a 2.0.1 station and SIM002 a 1.6
// charge point; the version-neutral verbs drive both alike:
//
//	res, err := csms.Remote.StartSession(ctx, id, remote.StartOptions{EVSEID: 1, IDTag: "RFID1"})
package sim

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ocppkit/ocppkit/ocpp"
)

// Config configures a [Simulator]. Only URL is required.
type Config struct {
	// URL is the Central System's base URL; each charge point dials
	// URL + "/" + its identity.
	URL string
	// Password, when set, is every charge point's HTTP Basic password.
	Password string
	// Versions are the OCPP versions the charge points speak (ocpp.OCPP16,
	// ocpp.OCPP201): charge point i speaks Versions[i % len(Versions)] and
	// offers only that subprotocol. By default [ocpp.OCPP16]; [Mixed] is a
	// fleet of both, [ParseVersions] reads a command-line flag.
	Versions []string
	// Count of charge points. By default 1.
	Count int
	// Prefix of the identities, numbered from 001: SIM001, SIM002, …
	// By default "SIM".
	Prefix string
	// Identities, when set, are the charge points' identities instead:
	// Count and Prefix are then ignored.
	Identities []string
	// MinConnectors and MaxConnectors bound each charge point's number of
	// connectors, drawn from the seed. By default 1 and 3.
	MinConnectors, MaxConnectors int
	// MeterInterval between MeterValues while charging; also the boot
	// retry interval when the Central System gives none. By default 10s.
	MeterInterval time.Duration
	// SessionLength is the typical length of a charging session: batteries
	// are sized so the state of charge reaches its target in about this
	// time. By default 2m.
	SessionLength time.Duration
	// IdleTime is the mean pause between two sessions on a connector.
	// By default SessionLength / 2.
	IdleTime time.Duration
	// StartDelay is the mean pause, once booted, before a connector's first session. By
	// default IdleTime.
	StartDelay time.Duration
	// RemoteOnly makes connectors charge only on RemoteStartTransaction
	// (2.0.1: RequestStartTransaction).
	RemoteOnly bool
	// IDTags are the id tags the charge points present (Authorize, then
	// StartTransaction) for the sessions they start on their own, one drawn
	// at random per session. By default four random tags per charge point,
	// which a Central System knows only if it accepts unknown tags.
	IDTags []string
	// Seed of the random choices. By default 1.
	Seed int64
	// StatsInterval between summary log lines. By default 10s; negative
	// disables them.
	StatsInterval time.Duration
	// CallTimeout bounds the wait for each reply. By default 10s.
	CallTimeout time.Duration
	// Vendor and Model sent in BootNotification. By default "ocppkit" and
	// "Simulator".
	Vendor, Model string
	// Logger receives the summary at Info, protocol events at Debug and
	// failures at Warn. By default slog.Default().
	Logger *slog.Logger
}

// Stats is a snapshot of a simulator's counters.
type Stats struct {
	ChargePoints  int   // simulated charge points
	Connected     int   // charge points booted and connected now
	Charging      int   // connectors charging now
	Sessions      int64 // sessions started
	MessagesSent  int64 // CALLs sent to the Central System
	CallsReceived int64 // CALLs received from the Central System
	Errors        int64 // failed dials and calls
	Reconnects    int64 // connections after the first one of each charge point
}

// Simulator runs a fleet of simulated charge points.
type Simulator struct {
	cfg Config
	log *slog.Logger
	cps []*chargePoint

	sent, received, errors, sessions, reconnects atomic.Int64
}

// New returns a simulator for cfg; nothing runs until [Simulator.Run].
func New(cfg Config) *Simulator {
	if len(cfg.Identities) > 0 {
		cfg.Count = len(cfg.Identities)
	}
	cfg.Count = max(cfg.Count, 1)
	cfg.Prefix = cmp.Or(cfg.Prefix, "SIM")
	if len(cfg.Versions) == 0 {
		cfg.Versions = []string{ocpp.OCPP16}
	}
	cfg.MinConnectors = max(cmp.Or(cfg.MinConnectors, 1), 1)
	cfg.MaxConnectors = max(cmp.Or(cfg.MaxConnectors, 3), cfg.MinConnectors)
	cfg.MeterInterval = cmp.Or(cfg.MeterInterval, 10*time.Second)
	cfg.SessionLength = cmp.Or(cfg.SessionLength, 2*time.Minute)
	cfg.IdleTime = cmp.Or(cfg.IdleTime, cfg.SessionLength/2)
	cfg.StartDelay = cmp.Or(cfg.StartDelay, cfg.IdleTime)
	cfg.Seed = cmp.Or(cfg.Seed, 1)
	cfg.StatsInterval = cmp.Or(cfg.StatsInterval, 10*time.Second)
	cfg.CallTimeout = cmp.Or(cfg.CallTimeout, 10*time.Second)
	cfg.Vendor = cmp.Or(cfg.Vendor, "ocppkit")
	cfg.Model = cmp.Or(cfg.Model, "Simulator")
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Simulator{cfg: cfg, log: cfg.Logger}
	for i := range cfg.Count {
		s.cps = append(s.cps, newChargePoint(s, i))
	}
	return s
}

// Run is New(cfg).Run(ctx).
func Run(ctx context.Context, cfg Config) error { return New(cfg).Run(ctx) }

// Run runs the charge points until ctx ends, then stops their sessions
// (StopTransaction, reason Local, a few seconds at most) and closes their
// connections. It returns nil when ctx ended, an error only when the
// configuration is unusable.
func (s *Simulator) Run(ctx context.Context) error {
	if s.cfg.URL == "" {
		return fmt.Errorf("sim: no URL")
	}
	for _, v := range s.cfg.Versions {
		if v != ocpp.OCPP16 && v != ocpp.OCPP201 {
			return fmt.Errorf("sim: unknown OCPP version %q", v)
		}
	}
	var wg sync.WaitGroup
	for _, cp := range s.cps {
		wg.Go(func() { cp.run(ctx) })
	}
	if s.cfg.StatsInterval > 0 {
		wg.Go(func() {
			t := time.NewTicker(s.cfg.StatsInterval)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					st := s.Stats()
					s.log.Info("simulator",
						"charge_points", st.ChargePoints, "connected", st.Connected, "charging", st.Charging,
						"sessions", st.Sessions, "messages_sent", st.MessagesSent,
						"calls_received", st.CallsReceived, "errors", st.Errors, "reconnects", st.Reconnects)
				}
			}
		})
	}
	wg.Wait()
	return nil
}

// Start runs the simulator in the background until ctx ends or stop is
// called. stop ends it, waits until the charge points have stopped (their
// sessions closed with StopTransaction, their sockets closed) and returns
// Run's error; calling it again returns the same.
func (s *Simulator) Start(ctx context.Context) (stop func() error) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	var once sync.Once
	var err error
	return func() error {
		once.Do(func() {
			cancel()
			err = <-done
		})
		return err
	}
}

// WaitReady waits until every charge point is connected, has booted and
// has reported the status of its connectors, or until ctx ends. A charge
// point that reconnects is ready again once it has done so anew.
func (s *Simulator) WaitReady(ctx context.Context) error {
	for _, cp := range s.cps {
		for {
			cp.mu.Lock()
			ready, changed := cp.ready, cp.changed
			cp.mu.Unlock()
			if ready {
				break
			}
			select {
			case <-changed:
			case <-ctx.Done():
				return fmt.Errorf("sim: %s not ready: %w", cp.id, ctx.Err())
			}
		}
	}
	return nil
}

// Stats returns the simulator's counters now.
func (s *Simulator) Stats() Stats {
	st := Stats{
		ChargePoints:  len(s.cps),
		Sessions:      s.sessions.Load(),
		MessagesSent:  s.sent.Load(),
		CallsReceived: s.received.Load(),
		Errors:        s.errors.Load(),
		Reconnects:    s.reconnects.Load(),
	}
	for _, cp := range s.cps {
		connected, charging := cp.counts()
		if connected {
			st.Connected++
		}
		st.Charging += charging
	}
	return st
}

// Identities returns the identities of the simulated charge points.
func (s *Simulator) Identities() []string {
	ids := make([]string, len(s.cps))
	for i, cp := range s.cps {
		ids[i] = cp.id
	}
	return ids
}

// Version returns the OCPP version (ocpp.OCPP16 or ocpp.OCPP201) the
// charge point identity speaks, "" when it is not one of the simulator's.
func (s *Simulator) Version(identity string) string {
	for _, cp := range s.cps {
		if cp.id == identity {
			return cp.version
		}
	}
	return ""
}

// Mixed is a fleet of both versions for [Config.Versions]: the odd charge
// points (SIM001, SIM003, …) speak 2.0.1, the even ones 1.6.
var Mixed = []string{ocpp.OCPP201, ocpp.OCPP16}

// ParseVersions reads a command-line choice of versions: "1.6", "2.0.1"
// (or their subprotocol names "ocpp1.6", "ocpp2.0.1") or "mixed".
func ParseVersions(s string) ([]string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1.6", "16", ocpp.OCPP16:
		return []string{ocpp.OCPP16}, nil
	case "2.0.1", "201", ocpp.OCPP201:
		return []string{ocpp.OCPP201}, nil
	case "mixed", "both":
		return slices.Clone(Mixed), nil
	}
	return nil, fmt.Errorf("sim: unknown OCPP version %q (want 1.6, 2.0.1 or mixed)", s)
}

// jitter returns a duration uniformly drawn from [d/2, d].
func jitter(rng *rand.Rand, d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	return d/2 + time.Duration(rng.Int64N(int64(d/2)+1))
}

// sleep waits for d or until ctx ends, and reports whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
