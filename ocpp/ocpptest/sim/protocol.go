package sim

import (
	"context"
	"crypto/rand"
	"math"
	"time"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
)

// The messages a charge point sends, in the version it speaks. The life of
// a charge point (sim.go, chargepoint.go, session.go) is told once, in 1.6
// terms (connector statuses, stop reasons); here it becomes 1.6 or 2.0.1
// messages. A 1.6 connector n is EVSE n, connector 1 of a 2.0.1 station.

// sendBoot sends one BootNotification and returns the registration status
// and the interval the Central System gave.
func (cp *chargePoint) sendBoot(ctx context.Context, conn *ocpptest.ChargePoint) (status string, interval int, err error) {
	if !cp.v201() {
		res, err := conn.BootNotification(ctx, ocpp16.BootNotificationRequest{
			ChargePointVendor:       cp.s.cfg.Vendor,
			ChargePointModel:        cp.s.cfg.Model,
			ChargePointSerialNumber: cp.id,
			FirmwareVersion:         "1.0.0",
			MeterType:               "SimMeter",
		})
		cp.track(ocpp16.ActionBootNotification, err)
		return string(res.Status), res.Interval, err
	}
	cp.mu.Lock()
	reason := cp.bootReason
	cp.mu.Unlock()
	res, err := conn.V201().BootNotification(ctx, ocpp201.BootNotificationRequest{
		ChargingStation: ocpp201.ChargingStation{
			VendorName: cp.s.cfg.Vendor, Model: cp.s.cfg.Model,
			SerialNumber: truncate(cp.id, 25), FirmwareVersion: "1.0.0",
		},
		Reason: reason,
	})
	cp.track(ocpp201.ActionBootNotification, err)
	return string(res.Status), res.Interval, err
}

func (cp *chargePoint) heartbeat(ctx context.Context, conn *ocpptest.ChargePoint) {
	if cp.v201() {
		_, err := conn.V201().Heartbeat(ctx)
		cp.track(ocpp201.ActionHeartbeat, err)
		return
	}
	_, err := conn.Heartbeat(ctx)
	cp.track(ocpp16.ActionHeartbeat, err)
}

// connectorStatus201 is the 2.0.1 connector status of a 1.6 status:
// Preparing, Charging, Suspended… and Finishing are Occupied.
func connectorStatus201(st ocpp16.ChargePointStatus) ocpp201.ConnectorStatus {
	switch st {
	case ocpp16.ChargePointStatusAvailable:
		return ocpp201.ConnectorStatusAvailable
	case ocpp16.ChargePointStatusUnavailable:
		return ocpp201.ConnectorStatusUnavailable
	case ocpp16.ChargePointStatusFaulted:
		return ocpp201.ConnectorStatusFaulted
	case ocpp16.ChargePointStatusReserved:
		return ocpp201.ConnectorStatusReserved
	}
	return ocpp201.ConnectorStatusOccupied
}

// sendStatus reports connector id's status (0: the charge point, which a
// 2.0.1 station does not report with StatusNotification).
func (cp *chargePoint) sendStatus(ctx context.Context, conn *ocpptest.ChargePoint, id int, st ocpp16.ChargePointStatus) {
	if !cp.v201() {
		_, err := conn.StatusNotification(ctx, id, st, ocpp16.ChargePointErrorCodeNoError)
		cp.track(ocpp16.ActionStatusNotification, err)
		return
	}
	if id == 0 {
		return
	}
	_, err := conn.V201().StatusNotification(ctx, id, 1, connectorStatus201(st))
	cp.track(ocpp201.ActionStatusNotification, err)
}

// authorize asks whether the session's id tag (2.0.1: its idToken) may
// charge and returns the authorization status.
func (cp *chargePoint) authorize(ctx context.Context, conn *ocpptest.ChargePoint, sess *session) (string, error) {
	if !cp.v201() {
		res, err := conn.Authorize(ctx, sess.idTag)
		return string(res.IdTagInfo.Status), cp.track(ocpp16.ActionAuthorize, err)
	}
	res, err := conn.V201().Authorize(ctx, sess.token)
	return string(res.IdTokenInfo.Status), cp.track(ocpp201.ActionAuthorize, err)
}

// startTransaction starts sess on c: StartTransaction (1.6) or
// TransactionEvent Started (2.0.1), and reports whether its id tag was
// accepted. On success the session has started (its transaction id set).
func (cp *chargePoint) startTransaction(ctx context.Context, conn *ocpptest.ChargePoint, c *connector, sess *session, meterStartWh float64) (bool, error) {
	if !cp.v201() {
		os, err := conn.StartSession(ctx, c.id, sess.idTag, int(math.Round(meterStartWh)))
		if cp.track(ocpp16.ActionStartTransaction, err) != nil {
			return false, err
		}
		cp.mu.Lock()
		sess.os, sess.txID, sess.start, sess.started = os, os.TransactionID, time.Now(), true
		cp.mu.Unlock()
		return os.IDTagInfo.Status == ocpp16.AuthorizationStatusAccepted, nil
	}
	// A transaction id unique across runs: the Central System recognises
	// a retried event by it.
	txID := "SIM-" + rand.Text()
	now := time.Now()
	trigger := ocpp201.TriggerReasonAuthorized
	if sess.remoteStartID != nil {
		trigger = ocpp201.TriggerReasonRemoteStart
	}
	connectorID := 1
	tok := sess.token
	res, err := conn.V201().TransactionEvent(ctx, ocpp201.TransactionEventRequest{
		EventType:     ocpp201.TransactionEventStarted,
		Timestamp:     ocpp201.NewDateTime(now),
		TriggerReason: trigger,
		SeqNo:         0,
		TransactionInfo: ocpp201.Transaction{
			TransactionId: txID, ChargingState: ocpp201.ChargingStateCharging, RemoteStartId: sess.remoteStartID,
		},
		Evse:       &ocpp201.EVSE{Id: c.id, ConnectorId: &connectorID},
		IdToken:    &tok,
		MeterValue: []ocpp201.MeterValue{energy201(now, meterStartWh, ocpp201.ReadingContextTransactionBegin)},
	})
	if cp.track(ocpp201.ActionTransactionEvent, err) != nil {
		return false, err
	}
	cp.mu.Lock()
	sess.txID201, sess.seq, sess.start, sess.started = txID, 0, now, true
	cp.mu.Unlock()
	return res.IdTokenInfo == nil || res.IdTokenInfo.Status == ocpp201.AuthorizationStatusAccepted, nil
}

// energy201 is one meter value with the energy register alone.
func energy201(at time.Time, wh float64, context ocpp201.ReadingContext) ocpp201.MeterValue {
	return ocpp201.MeterValue{Timestamp: ocpp201.NewDateTime(at), SampledValue: []ocpp201.SampledValue{{
		Value: math.Round(wh*1000) / 1000, Context: context, Measurand: ocpp201.MeasurandEnergyActiveImportRegister,
		Location: ocpp201.LocationOutlet, UnitOfMeasure: &ocpp201.UnitOfMeasure{Unit: "Wh"},
	}}}
}

// sendMeter reports reading r of a running session: MeterValues (1.6) or
// TransactionEvent Updated (2.0.1).
func (cp *chargePoint) sendMeter(ctx context.Context, conn *ocpptest.ChargePoint, c *connector, sess *session, r ocpptest.Reading) {
	if !cp.v201() {
		sess.os.SetChargePoint(conn)
		cp.track(ocpp16.ActionMeterValues, sess.os.Meter(ctx, r))
		return
	}
	cp.track(ocpp201.ActionTransactionEvent, cp.sendUpdated(ctx, conn, sess, ocpp201.TriggerReasonMeterValuePeriodic, r))
}

// sendUpdated sends a 2.0.1 TransactionEvent Updated of sess with reading r.
func (cp *chargePoint) sendUpdated(ctx context.Context, conn *ocpptest.ChargePoint, sess *session, trigger ocpp201.TriggerReason, r ocpptest.Reading) error {
	cp.mu.Lock()
	sess.seq++
	seq, txID := sess.seq, sess.txID201
	cp.mu.Unlock()
	if r.Time.IsZero() {
		r.Time = time.Now()
	}
	_, err := conn.V201().TransactionEvent(ctx, ocpp201.TransactionEventRequest{
		EventType:       ocpp201.TransactionEventUpdated,
		Timestamp:       ocpp201.NewDateTime(r.Time),
		TriggerReason:   trigger,
		SeqNo:           seq,
		TransactionInfo: ocpp201.Transaction{TransactionId: txID, ChargingState: ocpp201.ChargingStateCharging},
		MeterValue:      []ocpp201.MeterValue{r.MeterValue201()},
	})
	return err
}

// stopper returns what ends sess, sent over a connection (again over the
// next one when the socket dropped): StopTransaction (1.6) or
// TransactionEvent Ended (2.0.1), with the meter register when it is
// sent (1.6) or when the session ended (2.0.1, whose retries repeat the
// same event, flagged offline when the station was disconnected).
func (cp *chargePoint) stopper(c *connector, sess *session, reason ocpp16.Reason) func(context.Context, *ocpptest.ChargePoint) error {
	if !cp.v201() {
		return func(ctx context.Context, conn *ocpptest.ChargePoint) error {
			cp.mu.Lock()
			meterStop := int(math.Round(c.energyWh))
			cp.mu.Unlock()
			_, err := conn.StopTransaction(ctx, ocpp16.StopTransactionRequest{
				IdTag:         sess.idTag,
				MeterStop:     meterStop,
				Timestamp:     ocpp16.Now(),
				TransactionId: sess.txID,
				Reason:        reason,
			})
			return cp.track(ocpp16.ActionStopTransaction, err)
		}
	}
	cp.mu.Lock()
	sess.seq++
	now := time.Now()
	req := ocpp201.TransactionEventRequest{
		EventType:     ocpp201.TransactionEventEnded,
		Timestamp:     ocpp201.NewDateTime(now),
		TriggerReason: stopTrigger201(reason),
		SeqNo:         sess.seq,
		TransactionInfo: ocpp201.Transaction{
			TransactionId: sess.txID201, ChargingState: ocpp201.ChargingStateEVConnected, StoppedReason: stopReason201(reason),
		},
		MeterValue: []ocpp201.MeterValue{energy201(now, c.energyWh, ocpp201.ReadingContextTransactionEnd)},
	}
	if cp.conn == nil {
		offline := true
		req.Offline = &offline
	}
	cp.mu.Unlock()
	return func(ctx context.Context, conn *ocpptest.ChargePoint) error {
		_, err := conn.V201().TransactionEvent(ctx, req)
		return cp.track(ocpp201.ActionTransactionEvent, err)
	}
}

// stopReason201 is the 2.0.1 stoppedReason of a 1.6 stop reason.
func stopReason201(r ocpp16.Reason) ocpp201.Reason {
	switch r {
	case ocpp16.ReasonHardReset, ocpp16.ReasonSoftReset:
		return ocpp201.ReasonImmediateReset
	case ocpp16.ReasonUnlockCommand:
		return ocpp201.ReasonOther
	case "":
		return ocpp201.ReasonLocal
	}
	return ocpp201.Reason(r) // the other 1.6 reasons have the same 2.0.1 name
}

// stopTrigger201 is the triggerReason of a 2.0.1 Ended event.
func stopTrigger201(r ocpp16.Reason) ocpp201.TriggerReason {
	switch r {
	case ocpp16.ReasonRemote:
		return ocpp201.TriggerReasonRemoteStop
	case ocpp16.ReasonEVDisconnected:
		return ocpp201.TriggerReasonEVCommunicationLost
	case ocpp16.ReasonDeAuthorized:
		return ocpp201.TriggerReasonDeauthorized
	case ocpp16.ReasonHardReset, ocpp16.ReasonSoftReset:
		return ocpp201.TriggerReasonResetCommand
	case ocpp16.ReasonUnlockCommand:
		return ocpp201.TriggerReasonUnlockCommand
	case ocpp16.ReasonLocal:
		return ocpp201.TriggerReasonStopAuthorized
	}
	return ocpp201.TriggerReasonAbnormalCondition
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
