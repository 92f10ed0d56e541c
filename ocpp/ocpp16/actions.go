package ocpp16

// The OCPP 1.6 actions: every core, profile and security-extension message.
const (
	ActionAuthorize                        = "Authorize"
	ActionBootNotification                 = "BootNotification"
	ActionCancelReservation                = "CancelReservation"
	ActionCertificateSigned                = "CertificateSigned"
	ActionChangeAvailability               = "ChangeAvailability"
	ActionChangeConfiguration              = "ChangeConfiguration"
	ActionClearCache                       = "ClearCache"
	ActionClearChargingProfile             = "ClearChargingProfile"
	ActionDataTransfer                     = "DataTransfer"
	ActionDeleteCertificate                = "DeleteCertificate"
	ActionDiagnosticsStatusNotification    = "DiagnosticsStatusNotification"
	ActionExtendedTriggerMessage           = "ExtendedTriggerMessage"
	ActionFirmwareStatusNotification       = "FirmwareStatusNotification"
	ActionGetCompositeSchedule             = "GetCompositeSchedule"
	ActionGetConfiguration                 = "GetConfiguration"
	ActionGetDiagnostics                   = "GetDiagnostics"
	ActionGetInstalledCertificateIds       = "GetInstalledCertificateIds"
	ActionGetLocalListVersion              = "GetLocalListVersion"
	ActionGetLog                           = "GetLog"
	ActionHeartbeat                        = "Heartbeat"
	ActionInstallCertificate               = "InstallCertificate"
	ActionLogStatusNotification            = "LogStatusNotification"
	ActionMeterValues                      = "MeterValues"
	ActionRemoteStartTransaction           = "RemoteStartTransaction"
	ActionRemoteStopTransaction            = "RemoteStopTransaction"
	ActionReserveNow                       = "ReserveNow"
	ActionReset                            = "Reset"
	ActionSecurityEventNotification        = "SecurityEventNotification"
	ActionSendLocalList                    = "SendLocalList"
	ActionSetChargingProfile               = "SetChargingProfile"
	ActionSignCertificate                  = "SignCertificate"
	ActionSignedFirmwareStatusNotification = "SignedFirmwareStatusNotification"
	ActionSignedUpdateFirmware             = "SignedUpdateFirmware"
	ActionStartTransaction                 = "StartTransaction"
	ActionStatusNotification               = "StatusNotification"
	ActionStopTransaction                  = "StopTransaction"
	ActionTriggerMessage                   = "TriggerMessage"
	ActionUnlockConnector                  = "UnlockConnector"
	ActionUpdateFirmware                   = "UpdateFirmware"
)

// ChargePointActions are the actions a charge point calls on the Central System.
var ChargePointActions = []string{
	ActionAuthorize,
	ActionBootNotification,
	ActionDataTransfer,
	ActionDiagnosticsStatusNotification,
	ActionFirmwareStatusNotification,
	ActionHeartbeat,
	ActionLogStatusNotification,
	ActionMeterValues,
	ActionSecurityEventNotification,
	ActionSignCertificate,
	ActionSignedFirmwareStatusNotification,
	ActionStartTransaction,
	ActionStatusNotification,
	ActionStopTransaction,
}

// CentralSystemActions are the actions the Central System calls on a charge point.
var CentralSystemActions = []string{
	ActionCancelReservation,
	ActionCertificateSigned,
	ActionChangeAvailability,
	ActionChangeConfiguration,
	ActionClearCache,
	ActionClearChargingProfile,
	ActionDataTransfer,
	ActionDeleteCertificate,
	ActionExtendedTriggerMessage,
	ActionGetCompositeSchedule,
	ActionGetConfiguration,
	ActionGetDiagnostics,
	ActionGetInstalledCertificateIds,
	ActionGetLocalListVersion,
	ActionGetLog,
	ActionInstallCertificate,
	ActionRemoteStartTransaction,
	ActionRemoteStopTransaction,
	ActionReserveNow,
	ActionReset,
	ActionSendLocalList,
	ActionSetChargingProfile,
	ActionSignedUpdateFirmware,
	ActionTriggerMessage,
	ActionUnlockConnector,
	ActionUpdateFirmware,
}

// NewRequest returns a pointer to a zero request of action, ready for
// [Unmarshal]; ok is false for an unknown action.
func NewRequest(action string) (req Request, ok bool) {
	switch action {
	case ActionAuthorize:
		return new(AuthorizeRequest), true
	case ActionBootNotification:
		return new(BootNotificationRequest), true
	case ActionCancelReservation:
		return new(CancelReservationRequest), true
	case ActionCertificateSigned:
		return new(CertificateSignedRequest), true
	case ActionChangeAvailability:
		return new(ChangeAvailabilityRequest), true
	case ActionChangeConfiguration:
		return new(ChangeConfigurationRequest), true
	case ActionClearCache:
		return new(ClearCacheRequest), true
	case ActionClearChargingProfile:
		return new(ClearChargingProfileRequest), true
	case ActionDataTransfer:
		return new(DataTransferRequest), true
	case ActionDeleteCertificate:
		return new(DeleteCertificateRequest), true
	case ActionDiagnosticsStatusNotification:
		return new(DiagnosticsStatusNotificationRequest), true
	case ActionExtendedTriggerMessage:
		return new(ExtendedTriggerMessageRequest), true
	case ActionFirmwareStatusNotification:
		return new(FirmwareStatusNotificationRequest), true
	case ActionGetCompositeSchedule:
		return new(GetCompositeScheduleRequest), true
	case ActionGetConfiguration:
		return new(GetConfigurationRequest), true
	case ActionGetDiagnostics:
		return new(GetDiagnosticsRequest), true
	case ActionGetInstalledCertificateIds:
		return new(GetInstalledCertificateIdsRequest), true
	case ActionGetLocalListVersion:
		return new(GetLocalListVersionRequest), true
	case ActionGetLog:
		return new(GetLogRequest), true
	case ActionHeartbeat:
		return new(HeartbeatRequest), true
	case ActionInstallCertificate:
		return new(InstallCertificateRequest), true
	case ActionLogStatusNotification:
		return new(LogStatusNotificationRequest), true
	case ActionMeterValues:
		return new(MeterValuesRequest), true
	case ActionRemoteStartTransaction:
		return new(RemoteStartTransactionRequest), true
	case ActionRemoteStopTransaction:
		return new(RemoteStopTransactionRequest), true
	case ActionReserveNow:
		return new(ReserveNowRequest), true
	case ActionReset:
		return new(ResetRequest), true
	case ActionSecurityEventNotification:
		return new(SecurityEventNotificationRequest), true
	case ActionSendLocalList:
		return new(SendLocalListRequest), true
	case ActionSetChargingProfile:
		return new(SetChargingProfileRequest), true
	case ActionSignCertificate:
		return new(SignCertificateRequest), true
	case ActionSignedFirmwareStatusNotification:
		return new(SignedFirmwareStatusNotificationRequest), true
	case ActionSignedUpdateFirmware:
		return new(SignedUpdateFirmwareRequest), true
	case ActionStartTransaction:
		return new(StartTransactionRequest), true
	case ActionStatusNotification:
		return new(StatusNotificationRequest), true
	case ActionStopTransaction:
		return new(StopTransactionRequest), true
	case ActionTriggerMessage:
		return new(TriggerMessageRequest), true
	case ActionUnlockConnector:
		return new(UnlockConnectorRequest), true
	case ActionUpdateFirmware:
		return new(UpdateFirmwareRequest), true
	}
	return nil, false
}

// NewResponse returns a pointer to a zero response to action, ready for
// [Unmarshal]; ok is false for an unknown action.
func NewResponse(action string) (resp Response, ok bool) {
	switch action {
	case ActionAuthorize:
		return new(AuthorizeResponse), true
	case ActionBootNotification:
		return new(BootNotificationResponse), true
	case ActionCancelReservation:
		return new(CancelReservationResponse), true
	case ActionCertificateSigned:
		return new(CertificateSignedResponse), true
	case ActionChangeAvailability:
		return new(ChangeAvailabilityResponse), true
	case ActionChangeConfiguration:
		return new(ChangeConfigurationResponse), true
	case ActionClearCache:
		return new(ClearCacheResponse), true
	case ActionClearChargingProfile:
		return new(ClearChargingProfileResponse), true
	case ActionDataTransfer:
		return new(DataTransferResponse), true
	case ActionDeleteCertificate:
		return new(DeleteCertificateResponse), true
	case ActionDiagnosticsStatusNotification:
		return new(DiagnosticsStatusNotificationResponse), true
	case ActionExtendedTriggerMessage:
		return new(ExtendedTriggerMessageResponse), true
	case ActionFirmwareStatusNotification:
		return new(FirmwareStatusNotificationResponse), true
	case ActionGetCompositeSchedule:
		return new(GetCompositeScheduleResponse), true
	case ActionGetConfiguration:
		return new(GetConfigurationResponse), true
	case ActionGetDiagnostics:
		return new(GetDiagnosticsResponse), true
	case ActionGetInstalledCertificateIds:
		return new(GetInstalledCertificateIdsResponse), true
	case ActionGetLocalListVersion:
		return new(GetLocalListVersionResponse), true
	case ActionGetLog:
		return new(GetLogResponse), true
	case ActionHeartbeat:
		return new(HeartbeatResponse), true
	case ActionInstallCertificate:
		return new(InstallCertificateResponse), true
	case ActionLogStatusNotification:
		return new(LogStatusNotificationResponse), true
	case ActionMeterValues:
		return new(MeterValuesResponse), true
	case ActionRemoteStartTransaction:
		return new(RemoteStartTransactionResponse), true
	case ActionRemoteStopTransaction:
		return new(RemoteStopTransactionResponse), true
	case ActionReserveNow:
		return new(ReserveNowResponse), true
	case ActionReset:
		return new(ResetResponse), true
	case ActionSecurityEventNotification:
		return new(SecurityEventNotificationResponse), true
	case ActionSendLocalList:
		return new(SendLocalListResponse), true
	case ActionSetChargingProfile:
		return new(SetChargingProfileResponse), true
	case ActionSignCertificate:
		return new(SignCertificateResponse), true
	case ActionSignedFirmwareStatusNotification:
		return new(SignedFirmwareStatusNotificationResponse), true
	case ActionSignedUpdateFirmware:
		return new(SignedUpdateFirmwareResponse), true
	case ActionStartTransaction:
		return new(StartTransactionResponse), true
	case ActionStatusNotification:
		return new(StatusNotificationResponse), true
	case ActionStopTransaction:
		return new(StopTransactionResponse), true
	case ActionTriggerMessage:
		return new(TriggerMessageResponse), true
	case ActionUnlockConnector:
		return new(UnlockConnectorResponse), true
	case ActionUpdateFirmware:
		return new(UpdateFirmwareResponse), true
	}
	return nil, false
}
