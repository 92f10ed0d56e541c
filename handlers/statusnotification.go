package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

// StatusNotification stores the connector's status (connectors table and
// the connector_<n>_* metadata keys), updates the charge point's overall
// status and publishes on charge_point_<id>_status.
func (d *Defaults) StatusNotification(ctx context.Context, c *Call, req ocpp16.StatusNotificationRequest) (ocpp16.StatusNotificationResponse, error) {
	at := d.now().UTC()
	if req.Timestamp != nil && !req.Timestamp.IsZero() {
		at = req.Timestamp.UTC()
	}
	_, err := d.store.UpdateConnectorStatus(ctx, c.ChargePoint.ID, store.ConnectorStatus{
		ConnectorID:     req.ConnectorId,
		Status:          string(req.Status),
		ErrorCode:       string(req.ErrorCode),
		Info:            req.Info,
		VendorID:        req.VendorId,
		VendorErrorCode: req.VendorErrorCode,
		Timestamp:       at,
		ReceiveTime:     req.Timestamp == nil || req.Timestamp.IsZero(),
	})
	if err != nil {
		return ocpp16.StatusNotificationResponse{}, err
	}
	d.Publish(c.ChargePoint.ID, broadcast.KindStatus, broadcast.StatusEvent{
		ConnectorID: req.ConnectorId,
		Status:      string(req.Status),
		ErrorCode:   string(req.ErrorCode),
		Info:        req.Info,
		Timestamp:   at,
		EVSEID:      req.ConnectorId, // 1.6: the outlet is the connector
	})
	return ocpp16.StatusNotificationResponse{}, nil
}
