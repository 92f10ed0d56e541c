package sim

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
)

// release frees connector c after its session and reports it Available
// (Unavailable when it was made inoperative meanwhile).
func (cp *chargePoint) release(ctx context.Context, c *connector, report bool) {
	cp.mu.Lock()
	c.sess = nil
	st := ocpp16.ChargePointStatusAvailable
	if c.inoperative {
		st = ocpp16.ChargePointStatusUnavailable
	}
	changed := c.status != st
	if !report {
		c.status = st
	}
	cp.notifyLocked()
	cp.mu.Unlock()
	if report && changed {
		cp.setStatus(ctx, c, st)
	}
}

// charge runs one session on c, reserved by cp.reserve: Authorize (local
// sessions), Preparing, StartTransaction, Charging with periodic
// MeterValues, StopTransaction, Finishing, Available.
func (cp *chargePoint) charge(ctx context.Context, c *connector, sess *session) {
	conn, err := cp.waitConn(ctx)
	if err != nil {
		cp.release(ctx, c, false)
		return
	}
	if !sess.remote {
		status, err := cp.authorize(ctx, conn, sess)
		if err != nil || status != "Accepted" {
			cp.log.Debug("sim: not authorized", "id_tag", sess.idTag, "status", status)
			cp.release(ctx, c, true)
			return
		}
	}
	cp.setStatus(ctx, c, ocpp16.ChargePointStatusPreparing)

	cp.mu.Lock()
	meterStart := c.energyWh
	cp.mu.Unlock()
	accepted, err := cp.startTransaction(ctx, conn, c, sess, meterStart)
	if err != nil {
		cp.release(ctx, c, ctx.Err() == nil)
		return
	}
	cp.s.sessions.Add(1)
	cp.mu.Lock()
	txID := sess.txID201
	if !cp.v201() {
		txID = strconv.Itoa(sess.txID)
	}
	cp.mu.Unlock()
	log := cp.log.With("connector", c.id, "transaction_id", txID)
	log.Debug("sim: session started", "id_tag", sess.idTag, "meter_start", meterStart)

	reason := ocpp16.ReasonDeAuthorized
	if accepted {
		cp.setStatus(ctx, c, ocpp16.ChargePointStatusCharging)
		reason = cp.meter(ctx, c, sess)
	}

	cp.stopTransaction(ctx, c, sess, reason)
	log.Debug("sim: session stopped", "reason", reason)
	if ctx.Err() != nil {
		cp.release(ctx, c, false)
		return
	}
	cp.setStatus(ctx, c, ocpp16.ChargePointStatusFinishing)
	sleep(ctx, cp.jitter(min(cp.meterInterval(), 5*time.Second)))
	cp.release(ctx, c, true)
}

// meter charges until the session is asked to stop, the battery reaches its
// target or the session has lasted 1.5 SessionLength, sending MeterValues
// every meter interval, and returns the stop reason.
//
// The power curve: a ramp up over the first 30s (a sixth of the session at
// most), then the connector's full power (7.4, 11 or 22 kW), tapering
// linearly to a tenth of it over the last 20 points of state of charge
// before the target (80–100 %). The battery is sized so the target is
// reached in about SessionLength.
func (cp *chargePoint) meter(ctx context.Context, c *connector, sess *session) ocpp16.Reason {
	socStart := cp.random(10, 50)
	target := cp.random(80, 100)
	length := cp.s.cfg.SessionLength
	capacityWh := 0.8 * c.maxPowerW * length.Hours() / ((target - socStart) / 100)
	ramp := min(30*time.Second, length/6)
	soc := socStart

	interval := cp.meterInterval()
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	last := sess.start
	for {
		select {
		case r := <-sess.stop:
			return r
		case <-ctx.Done():
			return ocpp16.ReasonLocal
		case now := <-ticker.C:
			elapsed := now.Sub(sess.start)
			p := c.maxPowerW
			if elapsed < ramp {
				p *= 0.1 + 0.9*float64(elapsed)/float64(ramp)
			}
			if taper := target - 20; soc > taper {
				p *= max(0.1, (target-soc)/20)
			}
			p *= cp.random(0.985, 1.015)
			cp.mu.Lock()
			for _, limit := range []float64{c.limitW, cp.limitW} {
				if limit > 0 {
					p = min(p, limit)
				}
			}
			cp.mu.Unlock()
			wh := p * now.Sub(last).Hours()
			last = now
			soc = min(target, soc+wh/capacityWh*100)

			cp.mu.Lock()
			c.energyWh += wh
			r := ocpptest.Reading{
				EnergyWh: c.energyWh,
				PowerW:   p,
				Voltages: []float64{cp.random(228, 232), cp.random(228, 232), cp.random(228, 232)},
				SoC:      soc,
				Time:     now,
			}
			sess.last = r
			conn := cp.conn
			cp.mu.Unlock()
			if conn != nil { // offline, the energy is counted but not reported
				cp.sendMeter(ctx, conn, c, sess, r)
			}
			switch {
			case soc >= target-0.05:
				return ocpp16.ReasonEVDisconnected
			case elapsed >= length*3/2:
				return ocpp16.ReasonLocal
			}
			if d := cp.meterInterval(); d != interval {
				interval = d
				ticker.Reset(d)
			}
		}
	}
}

// stopTransaction sends StopTransaction with the meter's register now,
// over whichever connection is up, retrying on a new connection when the
// socket drops. When ctx has ended (the simulator stops) it tries for
// stopTimeout over the connection still open.
func (cp *chargePoint) stopTransaction(ctx context.Context, c *connector, sess *session, reason ocpp16.Reason) {
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), stopTimeout)
		defer cancel()
	}
	send := cp.stopper(c, sess, reason)
	var conn *ocpptest.ChargePoint
	for range 5 {
		var err error
		if conn, err = cp.waitNewConn(ctx, conn); err != nil {
			return
		}
		if err = send(ctx, conn); err == nil || !errors.Is(err, ocpptest.ErrClosed) {
			return
		}
		// Retry over the next connection.
	}
}
