package ocpptest

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/v16"
)

// BootNotification sends a BootNotification and returns the Central
// System's registration status, clock and heartbeat interval.
func (cp *ChargePoint) BootNotification(ctx context.Context, req v16.BootNotificationRequest) (v16.BootNotificationResponse, error) {
	return Call[v16.BootNotificationResponse](ctx, cp, req)
}

// Heartbeat sends a Heartbeat.
func (cp *ChargePoint) Heartbeat(ctx context.Context) (v16.HeartbeatResponse, error) {
	return Call[v16.HeartbeatResponse](ctx, cp, v16.HeartbeatRequest{})
}

// StatusNotification reports the status of a connector (0: the charge
// point as a whole), timestamped now.
func (cp *ChargePoint) StatusNotification(ctx context.Context, connectorID int, status v16.ChargePointStatus, errorCode v16.ChargePointErrorCode) (v16.StatusNotificationResponse, error) {
	now := v16.Now()
	return cp.SendStatusNotification(ctx, v16.StatusNotificationRequest{
		ConnectorId: connectorID,
		Status:      status,
		ErrorCode:   errorCode,
		Timestamp:   &now,
	})
}

// SendStatusNotification sends a StatusNotification with every field under
// the caller's control.
func (cp *ChargePoint) SendStatusNotification(ctx context.Context, req v16.StatusNotificationRequest) (v16.StatusNotificationResponse, error) {
	return Call[v16.StatusNotificationResponse](ctx, cp, req)
}

// Authorize asks the Central System whether idTag may charge.
func (cp *ChargePoint) Authorize(ctx context.Context, idTag string) (v16.AuthorizeResponse, error) {
	return Call[v16.AuthorizeResponse](ctx, cp, v16.AuthorizeRequest{IdTag: idTag})
}

// StartTransaction sends a StartTransaction. A zero Timestamp is set to now.
func (cp *ChargePoint) StartTransaction(ctx context.Context, req v16.StartTransactionRequest) (v16.StartTransactionResponse, error) {
	if req.Timestamp.IsZero() {
		req.Timestamp = v16.Now()
	}
	return Call[v16.StartTransactionResponse](ctx, cp, req)
}

// MeterValues sends a MeterValues.
func (cp *ChargePoint) MeterValues(ctx context.Context, req v16.MeterValuesRequest) (v16.MeterValuesResponse, error) {
	return Call[v16.MeterValuesResponse](ctx, cp, req)
}

// StopTransaction sends a StopTransaction. A zero Timestamp is set to now.
func (cp *ChargePoint) StopTransaction(ctx context.Context, req v16.StopTransactionRequest) (v16.StopTransactionResponse, error) {
	if req.Timestamp.IsZero() {
		req.Timestamp = v16.Now()
	}
	return Call[v16.StopTransactionResponse](ctx, cp, req)
}

// DataTransfer sends a vendor-specific DataTransfer.
func (cp *ChargePoint) DataTransfer(ctx context.Context, req v16.DataTransferRequest) (v16.DataTransferResponse, error) {
	return Call[v16.DataTransferResponse](ctx, cp, req)
}

// DiagnosticsStatusNotification reports the status of a diagnostics upload.
func (cp *ChargePoint) DiagnosticsStatusNotification(ctx context.Context, status v16.DiagnosticsStatus) (v16.DiagnosticsStatusNotificationResponse, error) {
	return Call[v16.DiagnosticsStatusNotificationResponse](ctx, cp, v16.DiagnosticsStatusNotificationRequest{Status: status})
}

// FirmwareStatusNotification reports the status of a firmware update.
func (cp *ChargePoint) FirmwareStatusNotification(ctx context.Context, status v16.FirmwareStatus) (v16.FirmwareStatusNotificationResponse, error) {
	return Call[v16.FirmwareStatusNotificationResponse](ctx, cp, v16.FirmwareStatusNotificationRequest{Status: status})
}
