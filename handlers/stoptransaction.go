package handlers

import (
	"context"
	"errors"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

// StopTransaction writes the transaction's meter values (transactionData),
// closes the session with its final energy and publishes "stopped" on
// charge_point_<id>_sessions. It is idempotent: a retry closes nothing
// twice. An unknown transactionId is still acknowledged and recorded (as an
// unmatched session), because a CALLERROR would make the charge point retry
// it forever.
func (d *Defaults) StopTransaction(ctx context.Context, c *Call, req ocpp16.StopTransactionRequest) (ocpp16.StopTransactionResponse, error) {
	cpID := c.ChargePoint.ID
	before, err := d.store.SessionByTransactionID(ctx, cpID, req.TransactionId)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return ocpp16.StopTransactionResponse{}, err
	}
	wasActive := before != nil && before.IsActive()

	// transactionData is written in StopSession's own transaction, and only
	// by the call that closes the session, so a retry stores it once.
	rows, err := meterRows(cpID, sessionConnector(before), nil, nil, req.TransactionData, d.now())
	if err != nil {
		return ocpp16.StopTransactionResponse{}, err
	}
	sess, err := d.store.StopSession(ctx, store.StopSession{
		ChargePointID: cpID,
		TransactionID: req.TransactionId,
		MeterStop:     req.MeterStop,
		StoppedAt:     d.timestamp(req.Timestamp),
		Reason:        string(req.Reason),
		IDTag:         req.IdTag,
		MeterValues:   rows,
	})
	if err != nil {
		return ocpp16.StopTransactionResponse{}, err
	}
	d.sessions.remove(cpID, req.TransactionId)
	if wasActive {
		d.Publish(cpID, broadcast.KindSessions, broadcast.SessionEvent{Event: "stopped", Session: SessionInfo(sess, d.now())})
	}

	var res ocpp16.StopTransactionResponse
	if req.IdTag != "" {
		info, err := d.authorize16(ctx, c, req.IdTag)
		if err != nil {
			return ocpp16.StopTransactionResponse{}, err
		}
		res.IdTagInfo = &info
	}
	return res, nil
}

func sessionConnector(s *store.ChargingSession) int {
	if s == nil {
		return 0
	}
	return s.ConnectorID
}
