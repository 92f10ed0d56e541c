package ocpptest

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
)

// BootNotification sends a BootNotification and returns the Central
// System's registration status, clock and heartbeat interval.
func (cp *ChargePoint) BootNotification(ctx context.Context, req ocpp16.BootNotificationRequest) (ocpp16.BootNotificationResponse, error) {
	return Call[ocpp16.BootNotificationResponse](ctx, cp, req)
}

// Heartbeat sends a Heartbeat.
func (cp *ChargePoint) Heartbeat(ctx context.Context) (ocpp16.HeartbeatResponse, error) {
	return Call[ocpp16.HeartbeatResponse](ctx, cp, ocpp16.HeartbeatRequest{})
}

// StatusNotification reports the status of a connector (0: the charge
// point as a whole), timestamped now.
func (cp *ChargePoint) StatusNotification(ctx context.Context, connectorID int, status ocpp16.ChargePointStatus, errorCode ocpp16.ChargePointErrorCode) (ocpp16.StatusNotificationResponse, error) {
	now := ocpp16.Now()
	return cp.SendStatusNotification(ctx, ocpp16.StatusNotificationRequest{
		ConnectorId: connectorID,
		Status:      status,
		ErrorCode:   errorCode,
		Timestamp:   &now,
	})
}

// SendStatusNotification sends a StatusNotification with every field under
// the caller's control.
func (cp *ChargePoint) SendStatusNotification(ctx context.Context, req ocpp16.StatusNotificationRequest) (ocpp16.StatusNotificationResponse, error) {
	return Call[ocpp16.StatusNotificationResponse](ctx, cp, req)
}

// Authorize asks the Central System whether idTag may charge.
func (cp *ChargePoint) Authorize(ctx context.Context, idTag string) (ocpp16.AuthorizeResponse, error) {
	return Call[ocpp16.AuthorizeResponse](ctx, cp, ocpp16.AuthorizeRequest{IdTag: idTag})
}

// StartTransaction sends a StartTransaction. A zero Timestamp is set to now.
func (cp *ChargePoint) StartTransaction(ctx context.Context, req ocpp16.StartTransactionRequest) (ocpp16.StartTransactionResponse, error) {
	if req.Timestamp.IsZero() {
		req.Timestamp = ocpp16.Now()
	}
	return Call[ocpp16.StartTransactionResponse](ctx, cp, req)
}

// MeterValues sends a MeterValues.
func (cp *ChargePoint) MeterValues(ctx context.Context, req ocpp16.MeterValuesRequest) (ocpp16.MeterValuesResponse, error) {
	return Call[ocpp16.MeterValuesResponse](ctx, cp, req)
}

// StopTransaction sends a StopTransaction. A zero Timestamp is set to now.
func (cp *ChargePoint) StopTransaction(ctx context.Context, req ocpp16.StopTransactionRequest) (ocpp16.StopTransactionResponse, error) {
	if req.Timestamp.IsZero() {
		req.Timestamp = ocpp16.Now()
	}
	return Call[ocpp16.StopTransactionResponse](ctx, cp, req)
}

// DataTransfer sends a vendor-specific DataTransfer.
func (cp *ChargePoint) DataTransfer(ctx context.Context, req ocpp16.DataTransferRequest) (ocpp16.DataTransferResponse, error) {
	return Call[ocpp16.DataTransferResponse](ctx, cp, req)
}

// DiagnosticsStatusNotification reports the status of a diagnostics upload.
func (cp *ChargePoint) DiagnosticsStatusNotification(ctx context.Context, status ocpp16.DiagnosticsStatus) (ocpp16.DiagnosticsStatusNotificationResponse, error) {
	return Call[ocpp16.DiagnosticsStatusNotificationResponse](ctx, cp, ocpp16.DiagnosticsStatusNotificationRequest{Status: status})
}

// FirmwareStatusNotification reports the status of a firmware update.
func (cp *ChargePoint) FirmwareStatusNotification(ctx context.Context, status ocpp16.FirmwareStatus) (ocpp16.FirmwareStatusNotificationResponse, error) {
	return Call[ocpp16.FirmwareStatusNotificationResponse](ctx, cp, ocpp16.FirmwareStatusNotificationRequest{Status: status})
}
