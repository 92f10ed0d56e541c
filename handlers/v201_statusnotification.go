package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/store"
)

// StatusNotification stores the connector's status (Available, Occupied,
// Reserved, Unavailable or Faulted) in the connectors table, keyed by EVSE
// and connector, and the connector_<evse>_* metadata keys, updates the
// charge point's overall status and publishes on charge_point_<id>_status
// with evse_id, as for 1.6. A 2.0.1 status has no error code.
func (v *Defaults201) StatusNotification(ctx context.Context, c *Call, req ocpp201.StatusNotificationRequest) (ocpp201.StatusNotificationResponse, error) {
	err := v.d.updateConnectorStatus(ctx, c, store.ConnectorStatus{
		EVSEID:      req.EvseId,
		ConnectorID: req.ConnectorId,
		Status:      string(req.ConnectorStatus),
		Timestamp:   v.timestamp(req.Timestamp),
	})
	return ocpp201.StatusNotificationResponse{}, err
}

// updateConnectorStatus stores a connector status and publishes it on
// charge_point_<id>_status.
func (d *Defaults) updateConnectorStatus(ctx context.Context, c *Call, st store.ConnectorStatus) error {
	if st.Timestamp.IsZero() {
		st.Timestamp, st.ReceiveTime = d.now().UTC(), true
	}
	if _, err := d.store.UpdateConnectorStatus(ctx, c.ChargePoint.ID, st); err != nil {
		return err
	}
	evse := st.EVSEID
	if evse == 0 {
		evse = st.ConnectorID // 1.6's numbering
	}
	d.Publish(c.ChargePoint.ID, broadcast.KindStatus, broadcast.StatusEvent{
		ConnectorID: st.ConnectorID,
		EVSEID:      evse,
		Status:      st.Status,
		ErrorCode:   st.ErrorCode,
		Info:        st.Info,
		Timestamp:   st.Timestamp,
	})
	return nil
}
