package remote

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

// Client201 sends the OCPP 2.0.1 commands, one typed method per CSMS
// action: csms.Remote.V201().RequestStartTransaction(ctx, "CS-1", req). It
// is a view of the Client (V201), so each command behaves as Send: it waits
// at most Config.Timeout or until ctx ends, is refused with ErrWrongVersion
// for a charge point speaking 1.6, and records the state an accepted reply
// implies (see effects201.go) exactly as the Enqueue form (Enqueue with
// the same request) and the JSON API do.
//
// The 1.6 commands keep their names on Client itself (Client.Reset takes
// an ocpp16.ResetRequest); 2.0.1 shares many action names with different
// messages, so its commands live on this view rather than under a prefix:
// host code reads csms.Remote.V201().Reset(…) beside csms.Remote.Reset(…),
// and the version-neutral verbs (StartSession, StopSession, ResetStation,
// Unlock, SetAvailability, SetChargingLimit, ReadSetting, WriteSetting)
// work for both.
type Client201 struct{ c *Client }

// V201 returns the OCPP 2.0.1 commands of the client.
func (c *Client) V201() Client201 { return Client201{c: c} }

// CancelReservation cancels a reservation. When the station accepts, the
// stored reservation is marked Cancelled and published on
// charge_point_<id>_reservations.
// Functional block: Reservation.
func (v Client201) CancelReservation(ctx context.Context, identity string, req ocpp201.CancelReservationRequest) (ocpp201.CancelReservationResponse, error) {
	return Call[ocpp201.CancelReservationResponse](ctx, v.c, identity, req)
}

// CertificateSigned sends a signed certificate chain (the answer to the
// station's SignCertificate; the default handler sends it itself when a
// Signer is configured).
// Functional block: Security.
func (v Client201) CertificateSigned(ctx context.Context, identity string, req ocpp201.CertificateSignedRequest) (ocpp201.CertificateSignedResponse, error) {
	return Call[ocpp201.CertificateSignedResponse](ctx, v.c, identity, req)
}

// ChangeAvailability makes the station, an EVSE or a connector operative or
// inoperative.
// Functional block: Availability.
func (v Client201) ChangeAvailability(ctx context.Context, identity string, req ocpp201.ChangeAvailabilityRequest) (ocpp201.ChangeAvailabilityResponse, error) {
	return Call[ocpp201.ChangeAvailabilityResponse](ctx, v.c, identity, req)
}

// ClearCache clears the station's authorization cache.
// Functional block: Authorization.
func (v Client201) ClearCache(ctx context.Context, identity string, req ocpp201.ClearCacheRequest) (ocpp201.ClearCacheResponse, error) {
	return Call[ocpp201.ClearCacheResponse](ctx, v.c, identity, req)
}

// ClearChargingProfile removes charging profiles by id or by criteria (EVSE,
// purpose, stack level). When the station accepts, the stored profiles
// matching them are deleted.
// Functional block: SmartCharging.
func (v Client201) ClearChargingProfile(ctx context.Context, identity string, req ocpp201.ClearChargingProfileRequest) (ocpp201.ClearChargingProfileResponse, error) {
	return Call[ocpp201.ClearChargingProfileResponse](ctx, v.c, identity, req)
}

// ClearDisplayMessage removes a message from the station's display.
// Functional block: DisplayMessage.
func (v Client201) ClearDisplayMessage(ctx context.Context, identity string, req ocpp201.ClearDisplayMessageRequest) (ocpp201.ClearDisplayMessageResponse, error) {
	return Call[ocpp201.ClearDisplayMessageResponse](ctx, v.c, identity, req)
}

// ClearVariableMonitoring removes variable monitors by id.
// Functional block: Diagnostics.
func (v Client201) ClearVariableMonitoring(ctx context.Context, identity string, req ocpp201.ClearVariableMonitoringRequest) (ocpp201.ClearVariableMonitoringResponse, error) {
	return Call[ocpp201.ClearVariableMonitoringResponse](ctx, v.c, identity, req)
}

// CostUpdated tells the station the running cost of a transaction.
// Functional block: TariffAndCost.
func (v Client201) CostUpdated(ctx context.Context, identity string, req ocpp201.CostUpdatedRequest) (ocpp201.CostUpdatedResponse, error) {
	return Call[ocpp201.CostUpdatedResponse](ctx, v.c, identity, req)
}

// CustomerInformation asks the station to report (NotifyCustomerInformation)
// or clear the data it keeps about a customer.
// Functional block: Diagnostics.
func (v Client201) CustomerInformation(ctx context.Context, identity string, req ocpp201.CustomerInformationRequest) (ocpp201.CustomerInformationResponse, error) {
	return Call[ocpp201.CustomerInformationResponse](ctx, v.c, identity, req)
}

// DataTransfer sends a vendor-specific message to the station.
// Functional block: DataTransfer.
func (v Client201) DataTransfer(ctx context.Context, identity string, req ocpp201.DataTransferRequest) (ocpp201.DataTransferResponse, error) {
	return Call[ocpp201.DataTransferResponse](ctx, v.c, identity, req)
}

// DeleteCertificate deletes an installed certificate.
// Functional block: ISO 15118 CertificateManagement.
func (v Client201) DeleteCertificate(ctx context.Context, identity string, req ocpp201.DeleteCertificateRequest) (ocpp201.DeleteCertificateResponse, error) {
	return Call[ocpp201.DeleteCertificateResponse](ctx, v.c, identity, req)
}

// GetBaseReport asks the station for a report of its device model
// (ConfigurationInventory, FullInventory or SummaryInventory); the report
// arrives in NotifyReport parts, which the default handler stores in the
// device model.
// Functional block: Provisioning.
func (v Client201) GetBaseReport(ctx context.Context, identity string, req ocpp201.GetBaseReportRequest) (ocpp201.GetBaseReportResponse, error) {
	return Call[ocpp201.GetBaseReportResponse](ctx, v.c, identity, req)
}

// GetChargingProfiles asks the station to report its charging profiles
// (ReportChargingProfiles, published on charge_point_<id>_notifications).
// Functional block: SmartCharging.
func (v Client201) GetChargingProfiles(ctx context.Context, identity string, req ocpp201.GetChargingProfilesRequest) (ocpp201.GetChargingProfilesResponse, error) {
	return Call[ocpp201.GetChargingProfilesResponse](ctx, v.c, identity, req)
}

// GetCompositeSchedule asks for the schedule an EVSE will follow over the
// next duration seconds.
// Functional block: SmartCharging.
func (v Client201) GetCompositeSchedule(ctx context.Context, identity string, req ocpp201.GetCompositeScheduleRequest) (ocpp201.GetCompositeScheduleResponse, error) {
	return Call[ocpp201.GetCompositeScheduleResponse](ctx, v.c, identity, req)
}

// GetDisplayMessages asks the station to report its display messages
// (NotifyDisplayMessages).
// Functional block: DisplayMessage.
func (v Client201) GetDisplayMessages(ctx context.Context, identity string, req ocpp201.GetDisplayMessagesRequest) (ocpp201.GetDisplayMessagesResponse, error) {
	return Call[ocpp201.GetDisplayMessagesResponse](ctx, v.c, identity, req)
}

// GetInstalledCertificateIds lists the installed certificates of the
// requested types.
// Functional block: ISO 15118 CertificateManagement.
func (v Client201) GetInstalledCertificateIds(ctx context.Context, identity string, req ocpp201.GetInstalledCertificateIdsRequest) (ocpp201.GetInstalledCertificateIdsResponse, error) {
	return Call[ocpp201.GetInstalledCertificateIdsResponse](ctx, v.c, identity, req)
}

// GetLocalListVersion reads the version of the station's local authorization
// list. The version is stored.
// Functional block: LocalAuthorizationListManagement.
func (v Client201) GetLocalListVersion(ctx context.Context, identity string, req ocpp201.GetLocalListVersionRequest) (ocpp201.GetLocalListVersionResponse, error) {
	return Call[ocpp201.GetLocalListVersionResponse](ctx, v.c, identity, req)
}

// GetLog asks the station to upload a diagnostics or security log. Progress
// arrives as LogStatusNotification, kept in the status history.
// Functional block: Diagnostics.
func (v Client201) GetLog(ctx context.Context, identity string, req ocpp201.GetLogRequest) (ocpp201.GetLogResponse, error) {
	return Call[ocpp201.GetLogResponse](ctx, v.c, identity, req)
}

// GetMonitoringReport asks the station to report its variable monitors
// (NotifyMonitoringReport).
// Functional block: Diagnostics.
func (v Client201) GetMonitoringReport(ctx context.Context, identity string, req ocpp201.GetMonitoringReportRequest) (ocpp201.GetMonitoringReportResponse, error) {
	return Call[ocpp201.GetMonitoringReportResponse](ctx, v.c, identity, req)
}

// GetReport asks the station for the part of its device model matching the
// criteria or component variables; the report arrives in NotifyReport parts,
// which the default handler stores.
// Functional block: Provisioning.
func (v Client201) GetReport(ctx context.Context, identity string, req ocpp201.GetReportRequest) (ocpp201.GetReportResponse, error) {
	return Call[ocpp201.GetReportResponse](ctx, v.c, identity, req)
}

// GetTransactionStatus asks whether the station still has transaction
// messages queued (of one transaction, or any).
// Functional block: Transactions.
func (v Client201) GetTransactionStatus(ctx context.Context, identity string, req ocpp201.GetTransactionStatusRequest) (ocpp201.GetTransactionStatusResponse, error) {
	return Call[ocpp201.GetTransactionStatusResponse](ctx, v.c, identity, req)
}

// GetVariables reads variables of the station's device model. The values
// answered Accepted (never a secret's) and the status of every variable are
// stored in the device model and published on charge_point_<id>_settings.
// Functional block: Provisioning.
func (v Client201) GetVariables(ctx context.Context, identity string, req ocpp201.GetVariablesRequest) (ocpp201.GetVariablesResponse, error) {
	return Call[ocpp201.GetVariablesResponse](ctx, v.c, identity, req)
}

// InstallCertificate installs a root certificate on the station.
// Functional block: ISO 15118 CertificateManagement.
func (v Client201) InstallCertificate(ctx context.Context, identity string, req ocpp201.InstallCertificateRequest) (ocpp201.InstallCertificateResponse, error) {
	return Call[ocpp201.InstallCertificateResponse](ctx, v.c, identity, req)
}

// PublishFirmware asks a local controller to publish a firmware for the
// stations behind it. Progress arrives as PublishFirmwareStatusNotification.
// Functional block: FirmwareManagement.
func (v Client201) PublishFirmware(ctx context.Context, identity string, req ocpp201.PublishFirmwareRequest) (ocpp201.PublishFirmwareResponse, error) {
	return Call[ocpp201.PublishFirmwareResponse](ctx, v.c, identity, req)
}

// RequestStartTransaction asks the station to start a transaction for an
// idToken, optionally on an EVSE and with a charging profile (stored when
// accepted). StartSession is the version-neutral form.
// Functional block: RemoteControl.
func (v Client201) RequestStartTransaction(ctx context.Context, identity string, req ocpp201.RequestStartTransactionRequest) (ocpp201.RequestStartTransactionResponse, error) {
	return Call[ocpp201.RequestStartTransactionResponse](ctx, v.c, identity, req)
}

// RequestStopTransaction asks the station to stop the transaction with the
// station's transactionId. StopSession is the version-neutral form taking a
// session's database id.
// Functional block: RemoteControl.
func (v Client201) RequestStopTransaction(ctx context.Context, identity string, req ocpp201.RequestStopTransactionRequest) (ocpp201.RequestStopTransactionResponse, error) {
	return Call[ocpp201.RequestStopTransactionResponse](ctx, v.c, identity, req)
}

// ReserveNow reserves an EVSE (or the station) for an idToken until
// expiryDateTime. When the station accepts, the reservation is stored
// (Active) and published on charge_point_<id>_reservations; a
// TransactionEvent carrying its id marks it Used, a ReservationStatusUpdate
// Expired or Cancelled.
// Functional block: Reservation.
func (v Client201) ReserveNow(ctx context.Context, identity string, req ocpp201.ReserveNowRequest) (ocpp201.ReserveNowResponse, error) {
	return Call[ocpp201.ReserveNowResponse](ctx, v.c, identity, req)
}

// Reset asks the station (or an EVSE) to reset, at once (Immediate) or when
// idle (OnIdle). ResetStation is the version-neutral form.
// Functional block: Provisioning.
func (v Client201) Reset(ctx context.Context, identity string, req ocpp201.ResetRequest) (ocpp201.ResetResponse, error) {
	return Call[ocpp201.ResetResponse](ctx, v.c, identity, req)
}

// SendLocalList replaces (Full) or updates (Differential) the station's local
// authorization list. When the station accepts, the list and its version are
// stored and published on charge_point_<id>_settings.
// Functional block: LocalAuthorizationListManagement.
func (v Client201) SendLocalList(ctx context.Context, identity string, req ocpp201.SendLocalListRequest) (ocpp201.SendLocalListResponse, error) {
	return Call[ocpp201.SendLocalListResponse](ctx, v.c, identity, req)
}

// SetChargingProfile installs a charging profile on an EVSE (0: the station).
// When the station accepts, the profile is stored for that EVSE and published
// on charge_point_<id>_settings. SetChargingLimit is the version-neutral form
// of a simple limit.
// Functional block: SmartCharging.
func (v Client201) SetChargingProfile(ctx context.Context, identity string, req ocpp201.SetChargingProfileRequest) (ocpp201.SetChargingProfileResponse, error) {
	return Call[ocpp201.SetChargingProfileResponse](ctx, v.c, identity, req)
}

// SetDisplayMessage shows a message on the station's display.
// Functional block: DisplayMessage.
func (v Client201) SetDisplayMessage(ctx context.Context, identity string, req ocpp201.SetDisplayMessageRequest) (ocpp201.SetDisplayMessageResponse, error) {
	return Call[ocpp201.SetDisplayMessageResponse](ctx, v.c, identity, req)
}

// SetMonitoringBase selects the station's base set of variable monitors.
// Functional block: Diagnostics.
func (v Client201) SetMonitoringBase(ctx context.Context, identity string, req ocpp201.SetMonitoringBaseRequest) (ocpp201.SetMonitoringBaseResponse, error) {
	return Call[ocpp201.SetMonitoringBaseResponse](ctx, v.c, identity, req)
}

// SetMonitoringLevel sets the severity level above which the station reports
// events.
// Functional block: Diagnostics.
func (v Client201) SetMonitoringLevel(ctx context.Context, identity string, req ocpp201.SetMonitoringLevelRequest) (ocpp201.SetMonitoringLevelResponse, error) {
	return Call[ocpp201.SetMonitoringLevelResponse](ctx, v.c, identity, req)
}

// SetNetworkProfile sets a network connection profile (an alternative CSMS
// URL, security profile, APN …) in a configuration slot.
// Functional block: Provisioning.
func (v Client201) SetNetworkProfile(ctx context.Context, identity string, req ocpp201.SetNetworkProfileRequest) (ocpp201.SetNetworkProfileResponse, error) {
	return Call[ocpp201.SetNetworkProfileResponse](ctx, v.c, identity, req)
}

// SetVariableMonitoring installs variable monitors.
// Functional block: Diagnostics.
func (v Client201) SetVariableMonitoring(ctx context.Context, identity string, req ocpp201.SetVariableMonitoringRequest) (ocpp201.SetVariableMonitoringResponse, error) {
	return Call[ocpp201.SetVariableMonitoringResponse](ctx, v.c, identity, req)
}

// SetVariables writes variables of the station's device model. The values the
// station answers Accepted or RebootRequired are stored (never a secret's)
// with the status of every variable, and published on
// charge_point_<id>_settings; a write of SecurityCtrlr.BasicAuthPassword goes
// through the password rotation (see secrets.go). WriteSetting is the
// version-neutral form.
// Functional block: Provisioning.
func (v Client201) SetVariables(ctx context.Context, identity string, req ocpp201.SetVariablesRequest) (ocpp201.SetVariablesResponse, error) {
	return Call[ocpp201.SetVariablesResponse](ctx, v.c, identity, req)
}

// TriggerMessage asks the station to send one of its messages now.
// Functional block: RemoteControl.
func (v Client201) TriggerMessage(ctx context.Context, identity string, req ocpp201.TriggerMessageRequest) (ocpp201.TriggerMessageResponse, error) {
	return Call[ocpp201.TriggerMessageResponse](ctx, v.c, identity, req)
}

// UnlockConnector asks the station to unlock a connector of an EVSE. Unlock
// is the version-neutral form.
// Functional block: RemoteControl.
func (v Client201) UnlockConnector(ctx context.Context, identity string, req ocpp201.UnlockConnectorRequest) (ocpp201.UnlockConnectorResponse, error) {
	return Call[ocpp201.UnlockConnectorResponse](ctx, v.c, identity, req)
}

// UnpublishFirmware asks a local controller to stop publishing a firmware.
// Functional block: FirmwareManagement.
func (v Client201) UnpublishFirmware(ctx context.Context, identity string, req ocpp201.UnpublishFirmwareRequest) (ocpp201.UnpublishFirmwareResponse, error) {
	return Call[ocpp201.UnpublishFirmwareResponse](ctx, v.c, identity, req)
}

// UpdateFirmware asks the station to download and install (signed) firmware.
// Progress arrives as FirmwareStatusNotification, kept in the status history.
// Functional block: FirmwareManagement.
func (v Client201) UpdateFirmware(ctx context.Context, identity string, req ocpp201.UpdateFirmwareRequest) (ocpp201.UpdateFirmwareResponse, error) {
	return Call[ocpp201.UpdateFirmwareResponse](ctx, v.c, identity, req)
}
