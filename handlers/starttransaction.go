package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

// StartTransaction authorizes the id tag, opens a charging session and
// answers with its transactionId. It is idempotent: a retry of the same
// StartTransaction (same connector, id tag, timestamp and meterStart) gets
// the same transactionId and opens nothing new. The session is opened even
// when the id tag is refused, as OCPP 1.6 requires (the charge point then
// stops it); publishing "started" on charge_point_<id>_sessions. A
// reservationId consumes that reservation (status Used, published on
// charge_point_<id>_reservations).
func (d *Defaults) StartTransaction(ctx context.Context, c *Call, req ocpp16.StartTransactionRequest) (ocpp16.StartTransactionResponse, error) {
	info, err := d.authorize16(ctx, c, req.IdTag)
	if err != nil {
		return ocpp16.StartTransactionResponse{}, err
	}
	sess, created, err := d.store.StartSession(ctx, store.StartSession{
		ChargePointID: c.ChargePoint.ID,
		ConnectorID:   req.ConnectorId,
		IDTag:         req.IdTag,
		MeterStart:    req.MeterStart,
		StartedAt:     d.timestamp(req.Timestamp),
		ReservationID: req.ReservationId,
	})
	if err != nil {
		return ocpp16.StartTransactionResponse{}, err
	}
	d.sessions.put(c.ChargePoint.ID, refOf(sess))
	if req.ReservationId != nil {
		if err := d.useReservation(ctx, c, *req.ReservationId, sess); err != nil {
			return ocpp16.StartTransactionResponse{}, err
		}
	}
	if created {
		d.Publish(c.ChargePoint.ID, broadcast.KindSessions, broadcast.SessionEvent{Event: "started", Session: SessionInfo(sess, d.now())})
	}
	return ocpp16.StartTransactionResponse{IdTagInfo: info, TransactionId: sess.TransactionID}, nil
}

func refOf(s *store.ChargingSession) sessionRef {
	return sessionRef{id: s.ID, transactionID: s.TransactionID, connectorID: s.ConnectorID, meterStart: s.MeterStart}
}
