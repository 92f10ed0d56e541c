package remote

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
)

// This file holds one typed method per Central System command of OCPP 1.6
// (all six feature profiles) and of its security extension. Each sends the
// request, waits for the reply (at most Config.Timeout or until ctx ends)
// and returns it typed; errors are as for Send. The state a command implies
// (reservations, local list, charging profiles, configuration) is recorded
// after the charge point accepts it, in the same way for these methods,
// Send, Call, the JSON API and Enqueue (see effects.go).
//
// Every command also has a persisted asynchronous form: Enqueue(ctx,
// identity, req, opts) with the same request type stores the command and
// delivers it when the charge point is connected; its outcome is stored in
// the command row and published on charge_point_<id>_commands.

// CancelReservation cancels a reservation. When the charge point accepts,
// the stored reservation is marked Cancelled and published on
// charge_point_<id>_reservations.
// Profile: Reservation.
func (c *Client) CancelReservation(ctx context.Context, identity string, req ocpp16.CancelReservationRequest) (ocpp16.CancelReservationResponse, error) {
	return Call[ocpp16.CancelReservationResponse](ctx, c, identity, req)
}

// ChangeAvailability makes a connector (0: the whole charge point) operative
// or inoperative.
// Profile: Core.
func (c *Client) ChangeAvailability(ctx context.Context, identity string, req ocpp16.ChangeAvailabilityRequest) (ocpp16.ChangeAvailabilityResponse, error) {
	return Call[ocpp16.ChangeAvailabilityResponse](ctx, c, identity, req)
}

// ChangeConfiguration sets one configuration key. When the charge point
// answers Accepted or RebootRequired, the key's value is stored (never the
// value of AuthorizationKey, a secret) and published on
// charge_point_<id>_settings.
// Profile: Core.
func (c *Client) ChangeConfiguration(ctx context.Context, identity string, req ocpp16.ChangeConfigurationRequest) (ocpp16.ChangeConfigurationResponse, error) {
	return Call[ocpp16.ChangeConfigurationResponse](ctx, c, identity, req)
}

// ClearCache clears the charge point's authorization cache.
// Profile: Core.
func (c *Client) ClearCache(ctx context.Context, identity string, req ocpp16.ClearCacheRequest) (ocpp16.ClearCacheResponse, error) {
	return Call[ocpp16.ClearCacheResponse](ctx, c, identity, req)
}

// ClearChargingProfile removes charging profiles matching the request's
// criteria. When the charge point accepts, the stored profiles matching them
// are deleted.
// Profile: SmartCharging.
func (c *Client) ClearChargingProfile(ctx context.Context, identity string, req ocpp16.ClearChargingProfileRequest) (ocpp16.ClearChargingProfileResponse, error) {
	return Call[ocpp16.ClearChargingProfileResponse](ctx, c, identity, req)
}

// DataTransfer sends a vendor-specific message to the charge point.
// Profile: Core.
func (c *Client) DataTransfer(ctx context.Context, identity string, req ocpp16.DataTransferRequest) (ocpp16.DataTransferResponse, error) {
	return Call[ocpp16.DataTransferResponse](ctx, c, identity, req)
}

// GetCompositeSchedule asks for the schedule a connector will follow over
// the next Duration seconds.
// Profile: SmartCharging.
func (c *Client) GetCompositeSchedule(ctx context.Context, identity string, req ocpp16.GetCompositeScheduleRequest) (ocpp16.GetCompositeScheduleResponse, error) {
	return Call[ocpp16.GetCompositeScheduleResponse](ctx, c, identity, req)
}

// GetConfiguration reads configuration keys (all when req.Key is empty). The
// keys reported, and the unknown ones, are stored and published on
// charge_point_<id>_settings.
// Profile: Core.
func (c *Client) GetConfiguration(ctx context.Context, identity string, req ocpp16.GetConfigurationRequest) (ocpp16.GetConfigurationResponse, error) {
	return Call[ocpp16.GetConfigurationResponse](ctx, c, identity, req)
}

// GetDiagnostics asks the charge point to upload its diagnostics to
// req.Location. The upload's progress arrives as
// DiagnosticsStatusNotification, kept in the status history.
// Profile: FirmwareManagement.
func (c *Client) GetDiagnostics(ctx context.Context, identity string, req ocpp16.GetDiagnosticsRequest) (ocpp16.GetDiagnosticsResponse, error) {
	return Call[ocpp16.GetDiagnosticsResponse](ctx, c, identity, req)
}

// GetLocalListVersion reads the version of the charge point's local
// authorization list. The version is stored.
// Profile: LocalAuthListManagement.
func (c *Client) GetLocalListVersion(ctx context.Context, identity string, req ocpp16.GetLocalListVersionRequest) (ocpp16.GetLocalListVersionResponse, error) {
	return Call[ocpp16.GetLocalListVersionResponse](ctx, c, identity, req)
}

// RemoteStart asks the charge point to start a transaction, optionally with
// a charging profile (req.ChargingProfile, a TxProfile). When it accepts,
// the profile is stored like a SetChargingProfile. RemoteStartTransaction is
// the short form without a profile.
// Profile: Core.
func (c *Client) RemoteStart(ctx context.Context, identity string, req ocpp16.RemoteStartTransactionRequest) (ocpp16.RemoteStartTransactionResponse, error) {
	return Call[ocpp16.RemoteStartTransactionResponse](ctx, c, identity, req)
}

// RemoteStop asks the charge point to stop the transaction
// req.TransactionId. RemoteStopTransaction is the form taking a session's
// database id and checking it is active.
// Profile: Core.
func (c *Client) RemoteStop(ctx context.Context, identity string, req ocpp16.RemoteStopTransactionRequest) (ocpp16.RemoteStopTransactionResponse, error) {
	return Call[ocpp16.RemoteStopTransactionResponse](ctx, c, identity, req)
}

// ReserveNow reserves a connector for an id tag until req.ExpiryDate. When
// the charge point accepts, the reservation is stored (Active, replacing one
// with the same reservationId) and published on
// charge_point_<id>_reservations; a StartTransaction carrying its
// reservationId marks it Used, and it is marked Expired once its expiry date
// passes.
// Profile: Reservation.
func (c *Client) ReserveNow(ctx context.Context, identity string, req ocpp16.ReserveNowRequest) (ocpp16.ReserveNowResponse, error) {
	return Call[ocpp16.ReserveNowResponse](ctx, c, identity, req)
}

// Reset asks the charge point to reboot (Soft or Hard).
// Profile: Core.
func (c *Client) Reset(ctx context.Context, identity string, req ocpp16.ResetRequest) (ocpp16.ResetResponse, error) {
	return Call[ocpp16.ResetResponse](ctx, c, identity, req)
}

// SendLocalList replaces (Full) or updates (Differential) the charge point's
// local authorization list. When the charge point accepts, the list and its
// version are stored and published on charge_point_<id>_settings.
// Profile: LocalAuthListManagement.
func (c *Client) SendLocalList(ctx context.Context, identity string, req ocpp16.SendLocalListRequest) (ocpp16.SendLocalListResponse, error) {
	return Call[ocpp16.SendLocalListResponse](ctx, c, identity, req)
}

// SetChargingProfile installs a charging profile on a connector. When the
// charge point accepts, the profile is stored for that connector (replacing
// one with the same id, or the same stack level and purpose) and published
// on charge_point_<id>_settings.
// Profile: SmartCharging.
func (c *Client) SetChargingProfile(ctx context.Context, identity string, req ocpp16.SetChargingProfileRequest) (ocpp16.SetChargingProfileResponse, error) {
	return Call[ocpp16.SetChargingProfileResponse](ctx, c, identity, req)
}

// TriggerMessage asks the charge point to send one of its messages now.
// Profile: RemoteTrigger.
func (c *Client) TriggerMessage(ctx context.Context, identity string, req ocpp16.TriggerMessageRequest) (ocpp16.TriggerMessageResponse, error) {
	return Call[ocpp16.TriggerMessageResponse](ctx, c, identity, req)
}

// UnlockConnector asks the charge point to unlock a connector.
// Profile: Core.
func (c *Client) UnlockConnector(ctx context.Context, identity string, req ocpp16.UnlockConnectorRequest) (ocpp16.UnlockConnectorResponse, error) {
	return Call[ocpp16.UnlockConnectorResponse](ctx, c, identity, req)
}

// UpdateFirmware asks the charge point to download and install firmware from
// req.Location. Progress arrives as FirmwareStatusNotification, kept in the
// status history.
// Profile: FirmwareManagement.
func (c *Client) UpdateFirmware(ctx context.Context, identity string, req ocpp16.UpdateFirmwareRequest) (ocpp16.UpdateFirmwareResponse, error) {
	return Call[ocpp16.UpdateFirmwareResponse](ctx, c, identity, req)
}

// CertificateSigned sends a signed certificate chain (the answer to the
// charge point's SignCertificate).
// Profile: security extension (OCPP 1.6 Security Whitepaper).
func (c *Client) CertificateSigned(ctx context.Context, identity string, req ocpp16.CertificateSignedRequest) (ocpp16.CertificateSignedResponse, error) {
	return Call[ocpp16.CertificateSignedResponse](ctx, c, identity, req)
}

// DeleteCertificate deletes an installed certificate.
// Profile: security extension (OCPP 1.6 Security Whitepaper).
func (c *Client) DeleteCertificate(ctx context.Context, identity string, req ocpp16.DeleteCertificateRequest) (ocpp16.DeleteCertificateResponse, error) {
	return Call[ocpp16.DeleteCertificateResponse](ctx, c, identity, req)
}

// ExtendedTriggerMessage asks the charge point to send one of its messages
// now, including the security extension's.
// Profile: security extension (OCPP 1.6 Security Whitepaper).
func (c *Client) ExtendedTriggerMessage(ctx context.Context, identity string, req ocpp16.ExtendedTriggerMessageRequest) (ocpp16.ExtendedTriggerMessageResponse, error) {
	return Call[ocpp16.ExtendedTriggerMessageResponse](ctx, c, identity, req)
}

// GetInstalledCertificateIds lists the installed certificates of a type.
// Profile: security extension (OCPP 1.6 Security Whitepaper).
func (c *Client) GetInstalledCertificateIds(ctx context.Context, identity string, req ocpp16.GetInstalledCertificateIdsRequest) (ocpp16.GetInstalledCertificateIdsResponse, error) {
	return Call[ocpp16.GetInstalledCertificateIdsResponse](ctx, c, identity, req)
}

// GetLog asks the charge point to upload a diagnostics or security log.
// Progress arrives as LogStatusNotification, kept in the status history.
// Profile: security extension (OCPP 1.6 Security Whitepaper).
func (c *Client) GetLog(ctx context.Context, identity string, req ocpp16.GetLogRequest) (ocpp16.GetLogResponse, error) {
	return Call[ocpp16.GetLogResponse](ctx, c, identity, req)
}

// InstallCertificate installs a root certificate on the charge point.
// Profile: security extension (OCPP 1.6 Security Whitepaper).
func (c *Client) InstallCertificate(ctx context.Context, identity string, req ocpp16.InstallCertificateRequest) (ocpp16.InstallCertificateResponse, error) {
	return Call[ocpp16.InstallCertificateResponse](ctx, c, identity, req)
}

// SignedUpdateFirmware asks the charge point to install signed firmware.
// Progress arrives as SignedFirmwareStatusNotification, kept in the status
// history.
// Profile: security extension (OCPP 1.6 Security Whitepaper).
func (c *Client) SignedUpdateFirmware(ctx context.Context, identity string, req ocpp16.SignedUpdateFirmwareRequest) (ocpp16.SignedUpdateFirmwareResponse, error) {
	return Call[ocpp16.SignedUpdateFirmwareResponse](ctx, c, identity, req)
}
