package handlers

import (
	"context"
	"time"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/store"
)

// TransactionEvent drives the charging session of a 2.0.1 transaction,
// the same ocpp_charging_sessions row, meter values and topics as 1.6's
// StartTransaction, MeterValues and StopTransaction:
//
//   - Started (or the first event heard of a transaction) opens the
//     session and publishes "started" on charge_point_<id>_sessions; its
//     reservationId marks the reservation Used. Ended closes it and
//     publishes "stopped". Every sampled value is stored and published on
//     charge_point_<id>_meter_values with evse_id, and the session's energy
//     follows the energy register readings.
//   - An idToken is authorized by the Authorizer and answered in
//     idTokenInfo.
//   - It is idempotent and robust to offline stations: a retried event
//     (same seqNo and timestamp) changes nothing, events arriving late or
//     out of order never roll a session back, and an Updated or Ended of a
//     transaction never Started is recorded and acknowledged, never
//     refused (see store.Store.RecordTransactionEvent).
//
// The Updated events of a known running session that only bring meter
// values (the bulk of a session's messages) are written with group commit
// (store.MeterWriter.WriteTransactionEvent), like 1.6's MeterValues; the
// others in a transaction of their own. Either way the reply follows the
// commit.
func (v *Defaults201) TransactionEvent(ctx context.Context, c *Call, req ocpp201.TransactionEventRequest) (ocpp201.TransactionEventResponse, error) {
	d := v.d
	cpID := c.ChargePoint.ID
	var res ocpp201.TransactionEventResponse
	if req.IdToken != nil {
		info, err := d.authorize201(ctx, c, *req.IdToken)
		if err != nil {
			return res, err
		}
		res.IdTokenInfo = &info
	}
	in := transactionUpdate(cpID, req, v.timestamp(req.Timestamp))
	now := d.now()
	if ref, ok := v.sessions.get(cpID, in.TransactionID); ok && quietUpdate(ref, req, in) {
		rows := meterRows201(cpID, ref.evseID, ref.connectorID, &ref.id, &ref.transactionID, req.MeterValue, now)
		if readingsFrom(rows, ref.meterStartAt) {
			dup, err := d.meter.WriteTransactionEvent(ctx, store.TransactionEvent{
				ChargePointID:     cpID,
				ChargingSessionID: ref.id,
				SeqNo:             in.SeqNo,
				EventType:         in.EventType,
				TriggerReason:     in.TriggerReason,
				Timestamp:         in.Timestamp,
				Offline:           in.Offline,
				ChargingState:     in.ChargingState,
				ReceivedAt:        now.UTC(),
			}, rows)
			if err != nil {
				return ocpp201.TransactionEventResponse{}, err
			}
			if !dup {
				d.publishMeterValues(cpID, rows)
			}
			return res, nil
		}
	}
	in.MeterValues = meterRows201(cpID, in.EVSEID, in.ConnectorID, nil, nil, req.MeterValue, now)
	out, err := d.store.RecordTransactionEvent(ctx, in)
	if err != nil {
		return ocpp201.TransactionEventResponse{}, err
	}
	sess := out.Session
	if out.Created && in.EventType == string(ocpp201.TransactionEventStarted) && sess.EVSEID > 0 {
		v.sessions.removeEVSE(cpID, sess.EVSEID, in.TransactionID) // the store closed their sessions
	}
	if sess.IsActive() {
		ref := txRef{id: sess.ID, transactionID: sess.TransactionID, evseID: sess.EVSEID, connectorID: sess.ConnectorID,
			idTag: sess.IDTag, status: sess.Status, offline: sess.Offline, meterStartAt: sess.MeterStartAt}
		if sess.SeqNo == in.SeqNo {
			ref.chargingState = in.ChargingState // the session's state is this event's
		}
		v.sessions.put(cpID, in.TransactionID, ref)
	} else {
		v.sessions.remove(cpID, in.TransactionID)
	}
	if out.Duplicate {
		return res, nil
	}
	if out.Created {
		d.Publish(cpID, broadcast.KindSessions, broadcast.SessionEvent{Event: broadcast.SessionStarted, Session: SessionInfo(sess, d.now())})
	}
	if req.ReservationId != nil {
		if err := d.useReservation(ctx, c, *req.ReservationId, sess); err != nil {
			return ocpp201.TransactionEventResponse{}, err
		}
	}
	d.publishMeterValues(cpID, out.MeterValues)
	if out.Stopped {
		d.Publish(cpID, broadcast.KindSessions, broadcast.SessionEvent{Event: broadcast.SessionStopped, Session: SessionInfo(sess, d.now())})
	}
	return res, nil
}

// transactionUpdate is the store's view of a TransactionEvent.
func transactionUpdate(cpID uint, req ocpp201.TransactionEventRequest, ts time.Time) store.TransactionUpdate {
	in := store.TransactionUpdate{
		ChargePointID: cpID,
		TransactionID: req.TransactionInfo.TransactionId,
		EventType:     string(req.EventType),
		SeqNo:         req.SeqNo,
		Timestamp:     ts,
		TriggerReason: string(req.TriggerReason),
		Offline:       req.Offline != nil && *req.Offline,
		ChargingState: string(req.TransactionInfo.ChargingState),
		StoppedReason: string(req.TransactionInfo.StoppedReason),
		RemoteStartID: req.TransactionInfo.RemoteStartId,
		ReservationID: req.ReservationId,
	}
	if req.Evse != nil {
		in.EVSEID = req.Evse.Id
		if req.Evse.ConnectorId != nil {
			in.ConnectorID = *req.Evse.ConnectorId
		}
	}
	if req.IdToken != nil {
		in.IDTag, in.IDTokenType = req.IdToken.IdToken, string(req.IdToken.Type)
	}
	return in
}

// quietUpdate reports whether a TransactionEvent of the running session ref
// is an Updated that changes nothing but the meter values: no new charging
// state, token, EVSE, reservation or offline flag.
func quietUpdate(ref txRef, req ocpp201.TransactionEventRequest, in store.TransactionUpdate) bool {
	switch {
	case req.EventType != ocpp201.TransactionEventUpdated,
		in.ChargingState != "" && in.ChargingState != ref.chargingState,
		in.IDTag != "" && in.IDTag != ref.idTag,
		in.EVSEID != 0 && in.EVSEID != ref.evseID,
		in.ConnectorID != 0 && in.ConnectorID != ref.connectorID,
		in.ReservationID != nil,
		in.Offline && !ref.offline:
		return false
	}
	return true
}

// readingsFrom reports whether the energy register readings among rows
// are all at or after the session's first reading (at start; nil: none
// yet, so none may come this way): an earlier one moves the session's
// start, which the store's transactional path does.
func readingsFrom(rows []store.MeterValue, start *time.Time) bool {
	for i := range rows {
		r := &rows[i]
		if r.Measurand != store.MeasurandEnergy || r.Phase != "" {
			continue
		}
		if start == nil || r.Timestamp.Before(*start) {
			return false
		}
	}
	return true
}
