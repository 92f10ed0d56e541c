package ocpp16

// AuthorizationStatus is an enumeration of OCPP 1.6 (schema:
// AuthorizeResponse.json).
type AuthorizationStatus string

// The values of AuthorizationStatus.
const (
	AuthorizationStatusAccepted     AuthorizationStatus = "Accepted"
	AuthorizationStatusBlocked      AuthorizationStatus = "Blocked"
	AuthorizationStatusExpired      AuthorizationStatus = "Expired"
	AuthorizationStatusInvalid      AuthorizationStatus = "Invalid"
	AuthorizationStatusConcurrentTx AuthorizationStatus = "ConcurrentTx"
)

// Valid reports whether v is one of the values the schema allows.
func (v AuthorizationStatus) Valid() bool {
	switch v {
	case AuthorizationStatusAccepted, AuthorizationStatusBlocked, AuthorizationStatusExpired, AuthorizationStatusInvalid, AuthorizationStatusConcurrentTx:
		return true
	}
	return false
}

func (AuthorizationStatus) enumValues() []string {
	return []string{string(AuthorizationStatusAccepted), string(AuthorizationStatusBlocked), string(AuthorizationStatusExpired), string(AuthorizationStatusInvalid), string(AuthorizationStatusConcurrentTx)}
}

// AvailabilityStatus is an enumeration of OCPP 1.6 (schema:
// ChangeAvailabilityResponse.json).
type AvailabilityStatus string

// The values of AvailabilityStatus.
const (
	AvailabilityStatusAccepted  AvailabilityStatus = "Accepted"
	AvailabilityStatusRejected  AvailabilityStatus = "Rejected"
	AvailabilityStatusScheduled AvailabilityStatus = "Scheduled"
)

// Valid reports whether v is one of the values the schema allows.
func (v AvailabilityStatus) Valid() bool {
	switch v {
	case AvailabilityStatusAccepted, AvailabilityStatusRejected, AvailabilityStatusScheduled:
		return true
	}
	return false
}

func (AvailabilityStatus) enumValues() []string {
	return []string{string(AvailabilityStatusAccepted), string(AvailabilityStatusRejected), string(AvailabilityStatusScheduled)}
}

// AvailabilityType is an enumeration of OCPP 1.6 (schema:
// ChangeAvailability.json).
type AvailabilityType string

// The values of AvailabilityType.
const (
	AvailabilityTypeInoperative AvailabilityType = "Inoperative"
	AvailabilityTypeOperative   AvailabilityType = "Operative"
)

// Valid reports whether v is one of the values the schema allows.
func (v AvailabilityType) Valid() bool {
	switch v {
	case AvailabilityTypeInoperative, AvailabilityTypeOperative:
		return true
	}
	return false
}

func (AvailabilityType) enumValues() []string {
	return []string{string(AvailabilityTypeInoperative), string(AvailabilityTypeOperative)}
}

// CancelReservationStatus is an enumeration of OCPP 1.6 (schema:
// CancelReservationResponse.json).
type CancelReservationStatus string

// The values of CancelReservationStatus.
const (
	CancelReservationStatusAccepted CancelReservationStatus = "Accepted"
	CancelReservationStatusRejected CancelReservationStatus = "Rejected"
)

// Valid reports whether v is one of the values the schema allows.
func (v CancelReservationStatus) Valid() bool {
	switch v {
	case CancelReservationStatusAccepted, CancelReservationStatusRejected:
		return true
	}
	return false
}

func (CancelReservationStatus) enumValues() []string {
	return []string{string(CancelReservationStatusAccepted), string(CancelReservationStatusRejected)}
}

// CertificateSignedStatus is an enumeration of OCPP 1.6 (schema:
// CertificateSignedResponse.json).
type CertificateSignedStatus string

// The values of CertificateSignedStatus.
const (
	CertificateSignedStatusAccepted CertificateSignedStatus = "Accepted"
	CertificateSignedStatusRejected CertificateSignedStatus = "Rejected"
)

// Valid reports whether v is one of the values the schema allows.
func (v CertificateSignedStatus) Valid() bool {
	switch v {
	case CertificateSignedStatusAccepted, CertificateSignedStatusRejected:
		return true
	}
	return false
}

func (CertificateSignedStatus) enumValues() []string {
	return []string{string(CertificateSignedStatusAccepted), string(CertificateSignedStatusRejected)}
}

// CertificateUse is an enumeration of OCPP 1.6 (schema:
// GetInstalledCertificateIds.json).
type CertificateUse string

// The values of CertificateUse.
const (
	CertificateUseCentralSystemRootCertificate CertificateUse = "CentralSystemRootCertificate"
	CertificateUseManufacturerRootCertificate  CertificateUse = "ManufacturerRootCertificate"
)

// Valid reports whether v is one of the values the schema allows.
func (v CertificateUse) Valid() bool {
	switch v {
	case CertificateUseCentralSystemRootCertificate, CertificateUseManufacturerRootCertificate:
		return true
	}
	return false
}

func (CertificateUse) enumValues() []string {
	return []string{string(CertificateUseCentralSystemRootCertificate), string(CertificateUseManufacturerRootCertificate)}
}

// ChargePointErrorCode is an enumeration of OCPP 1.6 (schema:
// StatusNotification.json).
type ChargePointErrorCode string

// The values of ChargePointErrorCode.
const (
	ChargePointErrorCodeConnectorLockFailure ChargePointErrorCode = "ConnectorLockFailure"
	ChargePointErrorCodeEVCommunicationError ChargePointErrorCode = "EVCommunicationError"
	ChargePointErrorCodeGroundFailure        ChargePointErrorCode = "GroundFailure"
	ChargePointErrorCodeHighTemperature      ChargePointErrorCode = "HighTemperature"
	ChargePointErrorCodeInternalError        ChargePointErrorCode = "InternalError"
	ChargePointErrorCodeLocalListConflict    ChargePointErrorCode = "LocalListConflict"
	ChargePointErrorCodeNoError              ChargePointErrorCode = "NoError"
	ChargePointErrorCodeOtherError           ChargePointErrorCode = "OtherError"
	ChargePointErrorCodeOverCurrentFailure   ChargePointErrorCode = "OverCurrentFailure"
	ChargePointErrorCodePowerMeterFailure    ChargePointErrorCode = "PowerMeterFailure"
	ChargePointErrorCodePowerSwitchFailure   ChargePointErrorCode = "PowerSwitchFailure"
	ChargePointErrorCodeReaderFailure        ChargePointErrorCode = "ReaderFailure"
	ChargePointErrorCodeResetFailure         ChargePointErrorCode = "ResetFailure"
	ChargePointErrorCodeUnderVoltage         ChargePointErrorCode = "UnderVoltage"
	ChargePointErrorCodeOverVoltage          ChargePointErrorCode = "OverVoltage"
	ChargePointErrorCodeWeakSignal           ChargePointErrorCode = "WeakSignal"
)

// Valid reports whether v is one of the values the schema allows.
func (v ChargePointErrorCode) Valid() bool {
	switch v {
	case ChargePointErrorCodeConnectorLockFailure, ChargePointErrorCodeEVCommunicationError, ChargePointErrorCodeGroundFailure, ChargePointErrorCodeHighTemperature, ChargePointErrorCodeInternalError, ChargePointErrorCodeLocalListConflict, ChargePointErrorCodeNoError, ChargePointErrorCodeOtherError, ChargePointErrorCodeOverCurrentFailure, ChargePointErrorCodePowerMeterFailure, ChargePointErrorCodePowerSwitchFailure, ChargePointErrorCodeReaderFailure, ChargePointErrorCodeResetFailure, ChargePointErrorCodeUnderVoltage, ChargePointErrorCodeOverVoltage, ChargePointErrorCodeWeakSignal:
		return true
	}
	return false
}

func (ChargePointErrorCode) enumValues() []string {
	return []string{string(ChargePointErrorCodeConnectorLockFailure), string(ChargePointErrorCodeEVCommunicationError), string(ChargePointErrorCodeGroundFailure), string(ChargePointErrorCodeHighTemperature), string(ChargePointErrorCodeInternalError), string(ChargePointErrorCodeLocalListConflict), string(ChargePointErrorCodeNoError), string(ChargePointErrorCodeOtherError), string(ChargePointErrorCodeOverCurrentFailure), string(ChargePointErrorCodePowerMeterFailure), string(ChargePointErrorCodePowerSwitchFailure), string(ChargePointErrorCodeReaderFailure), string(ChargePointErrorCodeResetFailure), string(ChargePointErrorCodeUnderVoltage), string(ChargePointErrorCodeOverVoltage), string(ChargePointErrorCodeWeakSignal)}
}

// ChargePointStatus is an enumeration of OCPP 1.6 (schema:
// StatusNotification.json).
type ChargePointStatus string

// The values of ChargePointStatus.
const (
	ChargePointStatusAvailable     ChargePointStatus = "Available"
	ChargePointStatusPreparing     ChargePointStatus = "Preparing"
	ChargePointStatusCharging      ChargePointStatus = "Charging"
	ChargePointStatusSuspendedEVSE ChargePointStatus = "SuspendedEVSE"
	ChargePointStatusSuspendedEV   ChargePointStatus = "SuspendedEV"
	ChargePointStatusFinishing     ChargePointStatus = "Finishing"
	ChargePointStatusReserved      ChargePointStatus = "Reserved"
	ChargePointStatusUnavailable   ChargePointStatus = "Unavailable"
	ChargePointStatusFaulted       ChargePointStatus = "Faulted"
)

// Valid reports whether v is one of the values the schema allows.
func (v ChargePointStatus) Valid() bool {
	switch v {
	case ChargePointStatusAvailable, ChargePointStatusPreparing, ChargePointStatusCharging, ChargePointStatusSuspendedEVSE, ChargePointStatusSuspendedEV, ChargePointStatusFinishing, ChargePointStatusReserved, ChargePointStatusUnavailable, ChargePointStatusFaulted:
		return true
	}
	return false
}

func (ChargePointStatus) enumValues() []string {
	return []string{string(ChargePointStatusAvailable), string(ChargePointStatusPreparing), string(ChargePointStatusCharging), string(ChargePointStatusSuspendedEVSE), string(ChargePointStatusSuspendedEV), string(ChargePointStatusFinishing), string(ChargePointStatusReserved), string(ChargePointStatusUnavailable), string(ChargePointStatusFaulted)}
}

// ChargingProfileKind is an enumeration of OCPP 1.6 (schema:
// RemoteStartTransaction.json).
type ChargingProfileKind string

// The values of ChargingProfileKind.
const (
	ChargingProfileKindAbsolute  ChargingProfileKind = "Absolute"
	ChargingProfileKindRecurring ChargingProfileKind = "Recurring"
	ChargingProfileKindRelative  ChargingProfileKind = "Relative"
)

// Valid reports whether v is one of the values the schema allows.
func (v ChargingProfileKind) Valid() bool {
	switch v {
	case ChargingProfileKindAbsolute, ChargingProfileKindRecurring, ChargingProfileKindRelative:
		return true
	}
	return false
}

func (ChargingProfileKind) enumValues() []string {
	return []string{string(ChargingProfileKindAbsolute), string(ChargingProfileKindRecurring), string(ChargingProfileKindRelative)}
}

// ChargingProfilePurpose is an enumeration of OCPP 1.6 (schema:
// ClearChargingProfile.json).
type ChargingProfilePurpose string

// The values of ChargingProfilePurpose.
const (
	ChargingProfilePurposeChargePointMaxProfile ChargingProfilePurpose = "ChargePointMaxProfile"
	ChargingProfilePurposeTxDefaultProfile      ChargingProfilePurpose = "TxDefaultProfile"
	ChargingProfilePurposeTxProfile             ChargingProfilePurpose = "TxProfile"
)

// Valid reports whether v is one of the values the schema allows.
func (v ChargingProfilePurpose) Valid() bool {
	switch v {
	case ChargingProfilePurposeChargePointMaxProfile, ChargingProfilePurposeTxDefaultProfile, ChargingProfilePurposeTxProfile:
		return true
	}
	return false
}

func (ChargingProfilePurpose) enumValues() []string {
	return []string{string(ChargingProfilePurposeChargePointMaxProfile), string(ChargingProfilePurposeTxDefaultProfile), string(ChargingProfilePurposeTxProfile)}
}

// ChargingProfileStatus is an enumeration of OCPP 1.6 (schema:
// SetChargingProfileResponse.json).
type ChargingProfileStatus string

// The values of ChargingProfileStatus.
const (
	ChargingProfileStatusAccepted     ChargingProfileStatus = "Accepted"
	ChargingProfileStatusRejected     ChargingProfileStatus = "Rejected"
	ChargingProfileStatusNotSupported ChargingProfileStatus = "NotSupported"
)

// Valid reports whether v is one of the values the schema allows.
func (v ChargingProfileStatus) Valid() bool {
	switch v {
	case ChargingProfileStatusAccepted, ChargingProfileStatusRejected, ChargingProfileStatusNotSupported:
		return true
	}
	return false
}

func (ChargingProfileStatus) enumValues() []string {
	return []string{string(ChargingProfileStatusAccepted), string(ChargingProfileStatusRejected), string(ChargingProfileStatusNotSupported)}
}

// ChargingRateUnit is an enumeration of OCPP 1.6 (schema:
// GetCompositeSchedule.json).
type ChargingRateUnit string

// The values of ChargingRateUnit.
const (
	ChargingRateUnitA ChargingRateUnit = "A"
	ChargingRateUnitW ChargingRateUnit = "W"
)

// Valid reports whether v is one of the values the schema allows.
func (v ChargingRateUnit) Valid() bool {
	switch v {
	case ChargingRateUnitA, ChargingRateUnitW:
		return true
	}
	return false
}

func (ChargingRateUnit) enumValues() []string {
	return []string{string(ChargingRateUnitA), string(ChargingRateUnitW)}
}

// ClearCacheStatus is an enumeration of OCPP 1.6 (schema:
// ClearCacheResponse.json).
type ClearCacheStatus string

// The values of ClearCacheStatus.
const (
	ClearCacheStatusAccepted ClearCacheStatus = "Accepted"
	ClearCacheStatusRejected ClearCacheStatus = "Rejected"
)

// Valid reports whether v is one of the values the schema allows.
func (v ClearCacheStatus) Valid() bool {
	switch v {
	case ClearCacheStatusAccepted, ClearCacheStatusRejected:
		return true
	}
	return false
}

func (ClearCacheStatus) enumValues() []string {
	return []string{string(ClearCacheStatusAccepted), string(ClearCacheStatusRejected)}
}

// ClearChargingProfileStatus is an enumeration of OCPP 1.6 (schema:
// ClearChargingProfileResponse.json).
type ClearChargingProfileStatus string

// The values of ClearChargingProfileStatus.
const (
	ClearChargingProfileStatusAccepted ClearChargingProfileStatus = "Accepted"
	ClearChargingProfileStatusUnknown  ClearChargingProfileStatus = "Unknown"
)

// Valid reports whether v is one of the values the schema allows.
func (v ClearChargingProfileStatus) Valid() bool {
	switch v {
	case ClearChargingProfileStatusAccepted, ClearChargingProfileStatusUnknown:
		return true
	}
	return false
}

func (ClearChargingProfileStatus) enumValues() []string {
	return []string{string(ClearChargingProfileStatusAccepted), string(ClearChargingProfileStatusUnknown)}
}

// ConfigurationStatus is an enumeration of OCPP 1.6 (schema:
// ChangeConfigurationResponse.json).
type ConfigurationStatus string

// The values of ConfigurationStatus.
const (
	ConfigurationStatusAccepted       ConfigurationStatus = "Accepted"
	ConfigurationStatusRejected       ConfigurationStatus = "Rejected"
	ConfigurationStatusRebootRequired ConfigurationStatus = "RebootRequired"
	ConfigurationStatusNotSupported   ConfigurationStatus = "NotSupported"
)

// Valid reports whether v is one of the values the schema allows.
func (v ConfigurationStatus) Valid() bool {
	switch v {
	case ConfigurationStatusAccepted, ConfigurationStatusRejected, ConfigurationStatusRebootRequired, ConfigurationStatusNotSupported:
		return true
	}
	return false
}

func (ConfigurationStatus) enumValues() []string {
	return []string{string(ConfigurationStatusAccepted), string(ConfigurationStatusRejected), string(ConfigurationStatusRebootRequired), string(ConfigurationStatusNotSupported)}
}

// DataTransferStatus is an enumeration of OCPP 1.6 (schema:
// DataTransferResponse.json).
type DataTransferStatus string

// The values of DataTransferStatus.
const (
	DataTransferStatusAccepted         DataTransferStatus = "Accepted"
	DataTransferStatusRejected         DataTransferStatus = "Rejected"
	DataTransferStatusUnknownMessageId DataTransferStatus = "UnknownMessageId"
	DataTransferStatusUnknownVendorId  DataTransferStatus = "UnknownVendorId"
)

// Valid reports whether v is one of the values the schema allows.
func (v DataTransferStatus) Valid() bool {
	switch v {
	case DataTransferStatusAccepted, DataTransferStatusRejected, DataTransferStatusUnknownMessageId, DataTransferStatusUnknownVendorId:
		return true
	}
	return false
}

func (DataTransferStatus) enumValues() []string {
	return []string{string(DataTransferStatusAccepted), string(DataTransferStatusRejected), string(DataTransferStatusUnknownMessageId), string(DataTransferStatusUnknownVendorId)}
}

// DeleteCertificateStatus is an enumeration of OCPP 1.6 (schema:
// DeleteCertificateResponse.json).
type DeleteCertificateStatus string

// The values of DeleteCertificateStatus.
const (
	DeleteCertificateStatusAccepted DeleteCertificateStatus = "Accepted"
	DeleteCertificateStatusFailed   DeleteCertificateStatus = "Failed"
	DeleteCertificateStatusNotFound DeleteCertificateStatus = "NotFound"
)

// Valid reports whether v is one of the values the schema allows.
func (v DeleteCertificateStatus) Valid() bool {
	switch v {
	case DeleteCertificateStatusAccepted, DeleteCertificateStatusFailed, DeleteCertificateStatusNotFound:
		return true
	}
	return false
}

func (DeleteCertificateStatus) enumValues() []string {
	return []string{string(DeleteCertificateStatusAccepted), string(DeleteCertificateStatusFailed), string(DeleteCertificateStatusNotFound)}
}

// DiagnosticsStatus is an enumeration of OCPP 1.6 (schema:
// DiagnosticsStatusNotification.json).
type DiagnosticsStatus string

// The values of DiagnosticsStatus.
const (
	DiagnosticsStatusIdle         DiagnosticsStatus = "Idle"
	DiagnosticsStatusUploaded     DiagnosticsStatus = "Uploaded"
	DiagnosticsStatusUploadFailed DiagnosticsStatus = "UploadFailed"
	DiagnosticsStatusUploading    DiagnosticsStatus = "Uploading"
)

// Valid reports whether v is one of the values the schema allows.
func (v DiagnosticsStatus) Valid() bool {
	switch v {
	case DiagnosticsStatusIdle, DiagnosticsStatusUploaded, DiagnosticsStatusUploadFailed, DiagnosticsStatusUploading:
		return true
	}
	return false
}

func (DiagnosticsStatus) enumValues() []string {
	return []string{string(DiagnosticsStatusIdle), string(DiagnosticsStatusUploaded), string(DiagnosticsStatusUploadFailed), string(DiagnosticsStatusUploading)}
}

// ExtendedMessageTrigger is an enumeration of OCPP 1.6 (schema:
// ExtendedTriggerMessage.json).
type ExtendedMessageTrigger string

// The values of ExtendedMessageTrigger.
const (
	ExtendedMessageTriggerBootNotification           ExtendedMessageTrigger = "BootNotification"
	ExtendedMessageTriggerLogStatusNotification      ExtendedMessageTrigger = "LogStatusNotification"
	ExtendedMessageTriggerFirmwareStatusNotification ExtendedMessageTrigger = "FirmwareStatusNotification"
	ExtendedMessageTriggerHeartbeat                  ExtendedMessageTrigger = "Heartbeat"
	ExtendedMessageTriggerMeterValues                ExtendedMessageTrigger = "MeterValues"
	ExtendedMessageTriggerSignChargePointCertificate ExtendedMessageTrigger = "SignChargePointCertificate"
	ExtendedMessageTriggerStatusNotification         ExtendedMessageTrigger = "StatusNotification"
)

// Valid reports whether v is one of the values the schema allows.
func (v ExtendedMessageTrigger) Valid() bool {
	switch v {
	case ExtendedMessageTriggerBootNotification, ExtendedMessageTriggerLogStatusNotification, ExtendedMessageTriggerFirmwareStatusNotification, ExtendedMessageTriggerHeartbeat, ExtendedMessageTriggerMeterValues, ExtendedMessageTriggerSignChargePointCertificate, ExtendedMessageTriggerStatusNotification:
		return true
	}
	return false
}

func (ExtendedMessageTrigger) enumValues() []string {
	return []string{string(ExtendedMessageTriggerBootNotification), string(ExtendedMessageTriggerLogStatusNotification), string(ExtendedMessageTriggerFirmwareStatusNotification), string(ExtendedMessageTriggerHeartbeat), string(ExtendedMessageTriggerMeterValues), string(ExtendedMessageTriggerSignChargePointCertificate), string(ExtendedMessageTriggerStatusNotification)}
}

// FirmwareStatus is an enumeration of OCPP 1.6 (schema:
// FirmwareStatusNotification.json).
type FirmwareStatus string

// The values of FirmwareStatus.
const (
	FirmwareStatusDownloaded         FirmwareStatus = "Downloaded"
	FirmwareStatusDownloadFailed     FirmwareStatus = "DownloadFailed"
	FirmwareStatusDownloading        FirmwareStatus = "Downloading"
	FirmwareStatusIdle               FirmwareStatus = "Idle"
	FirmwareStatusInstallationFailed FirmwareStatus = "InstallationFailed"
	FirmwareStatusInstalling         FirmwareStatus = "Installing"
	FirmwareStatusInstalled          FirmwareStatus = "Installed"
)

// Valid reports whether v is one of the values the schema allows.
func (v FirmwareStatus) Valid() bool {
	switch v {
	case FirmwareStatusDownloaded, FirmwareStatusDownloadFailed, FirmwareStatusDownloading, FirmwareStatusIdle, FirmwareStatusInstallationFailed, FirmwareStatusInstalling, FirmwareStatusInstalled:
		return true
	}
	return false
}

func (FirmwareStatus) enumValues() []string {
	return []string{string(FirmwareStatusDownloaded), string(FirmwareStatusDownloadFailed), string(FirmwareStatusDownloading), string(FirmwareStatusIdle), string(FirmwareStatusInstallationFailed), string(FirmwareStatusInstalling), string(FirmwareStatusInstalled)}
}

// GenericStatus is an enumeration of OCPP 1.6 (schema:
// SignCertificateResponse.json).
type GenericStatus string

// The values of GenericStatus.
const (
	GenericStatusAccepted GenericStatus = "Accepted"
	GenericStatusRejected GenericStatus = "Rejected"
)

// Valid reports whether v is one of the values the schema allows.
func (v GenericStatus) Valid() bool {
	switch v {
	case GenericStatusAccepted, GenericStatusRejected:
		return true
	}
	return false
}

func (GenericStatus) enumValues() []string {
	return []string{string(GenericStatusAccepted), string(GenericStatusRejected)}
}

// GetCompositeScheduleStatus is an enumeration of OCPP 1.6 (schema:
// GetCompositeScheduleResponse.json).
type GetCompositeScheduleStatus string

// The values of GetCompositeScheduleStatus.
const (
	GetCompositeScheduleStatusAccepted GetCompositeScheduleStatus = "Accepted"
	GetCompositeScheduleStatusRejected GetCompositeScheduleStatus = "Rejected"
)

// Valid reports whether v is one of the values the schema allows.
func (v GetCompositeScheduleStatus) Valid() bool {
	switch v {
	case GetCompositeScheduleStatusAccepted, GetCompositeScheduleStatusRejected:
		return true
	}
	return false
}

func (GetCompositeScheduleStatus) enumValues() []string {
	return []string{string(GetCompositeScheduleStatusAccepted), string(GetCompositeScheduleStatusRejected)}
}

// GetInstalledCertificateStatus is an enumeration of OCPP 1.6 (schema:
// GetInstalledCertificateIdsResponse.json).
type GetInstalledCertificateStatus string

// The values of GetInstalledCertificateStatus.
const (
	GetInstalledCertificateStatusAccepted GetInstalledCertificateStatus = "Accepted"
	GetInstalledCertificateStatusNotFound GetInstalledCertificateStatus = "NotFound"
)

// Valid reports whether v is one of the values the schema allows.
func (v GetInstalledCertificateStatus) Valid() bool {
	switch v {
	case GetInstalledCertificateStatusAccepted, GetInstalledCertificateStatusNotFound:
		return true
	}
	return false
}

func (GetInstalledCertificateStatus) enumValues() []string {
	return []string{string(GetInstalledCertificateStatusAccepted), string(GetInstalledCertificateStatusNotFound)}
}

// HashAlgorithm is an enumeration of OCPP 1.6 (schema:
// DeleteCertificate.json).
type HashAlgorithm string

// The values of HashAlgorithm.
const (
	HashAlgorithmSHA256 HashAlgorithm = "SHA256"
	HashAlgorithmSHA384 HashAlgorithm = "SHA384"
	HashAlgorithmSHA512 HashAlgorithm = "SHA512"
)

// Valid reports whether v is one of the values the schema allows.
func (v HashAlgorithm) Valid() bool {
	switch v {
	case HashAlgorithmSHA256, HashAlgorithmSHA384, HashAlgorithmSHA512:
		return true
	}
	return false
}

func (HashAlgorithm) enumValues() []string {
	return []string{string(HashAlgorithmSHA256), string(HashAlgorithmSHA384), string(HashAlgorithmSHA512)}
}

// InstallCertificateStatus is an enumeration of OCPP 1.6 (schema:
// InstallCertificateResponse.json).
type InstallCertificateStatus string

// The values of InstallCertificateStatus.
const (
	InstallCertificateStatusAccepted InstallCertificateStatus = "Accepted"
	InstallCertificateStatusFailed   InstallCertificateStatus = "Failed"
	InstallCertificateStatusRejected InstallCertificateStatus = "Rejected"
)

// Valid reports whether v is one of the values the schema allows.
func (v InstallCertificateStatus) Valid() bool {
	switch v {
	case InstallCertificateStatusAccepted, InstallCertificateStatusFailed, InstallCertificateStatusRejected:
		return true
	}
	return false
}

func (InstallCertificateStatus) enumValues() []string {
	return []string{string(InstallCertificateStatusAccepted), string(InstallCertificateStatusFailed), string(InstallCertificateStatusRejected)}
}

// Location is where a SampledValue was measured.
type Location string

// The values of Location.
const (
	LocationCable  Location = "Cable"
	LocationEV     Location = "EV"
	LocationInlet  Location = "Inlet"
	LocationOutlet Location = "Outlet"
	LocationBody   Location = "Body"
)

// Valid reports whether v is one of the values the schema allows.
func (v Location) Valid() bool {
	switch v {
	case LocationCable, LocationEV, LocationInlet, LocationOutlet, LocationBody:
		return true
	}
	return false
}

func (Location) enumValues() []string {
	return []string{string(LocationCable), string(LocationEV), string(LocationInlet), string(LocationOutlet), string(LocationBody)}
}

// LogStatus is an enumeration of OCPP 1.6 (schema: GetLogResponse.json).
type LogStatus string

// The values of LogStatus.
const (
	LogStatusAccepted         LogStatus = "Accepted"
	LogStatusRejected         LogStatus = "Rejected"
	LogStatusAcceptedCanceled LogStatus = "AcceptedCanceled"
)

// Valid reports whether v is one of the values the schema allows.
func (v LogStatus) Valid() bool {
	switch v {
	case LogStatusAccepted, LogStatusRejected, LogStatusAcceptedCanceled:
		return true
	}
	return false
}

func (LogStatus) enumValues() []string {
	return []string{string(LogStatusAccepted), string(LogStatusRejected), string(LogStatusAcceptedCanceled)}
}

// LogType is an enumeration of OCPP 1.6 (schema: GetLog.json).
type LogType string

// The values of LogType.
const (
	LogTypeDiagnosticsLog LogType = "DiagnosticsLog"
	LogTypeSecurityLog    LogType = "SecurityLog"
)

// Valid reports whether v is one of the values the schema allows.
func (v LogType) Valid() bool {
	switch v {
	case LogTypeDiagnosticsLog, LogTypeSecurityLog:
		return true
	}
	return false
}

func (LogType) enumValues() []string {
	return []string{string(LogTypeDiagnosticsLog), string(LogTypeSecurityLog)}
}

// Measurand is the quantity a SampledValue measures.
type Measurand string

// The values of Measurand.
const (
	MeasurandEnergyActiveExportRegister   Measurand = "Energy.Active.Export.Register"
	MeasurandEnergyActiveImportRegister   Measurand = "Energy.Active.Import.Register"
	MeasurandEnergyReactiveExportRegister Measurand = "Energy.Reactive.Export.Register"
	MeasurandEnergyReactiveImportRegister Measurand = "Energy.Reactive.Import.Register"
	MeasurandEnergyActiveExportInterval   Measurand = "Energy.Active.Export.Interval"
	MeasurandEnergyActiveImportInterval   Measurand = "Energy.Active.Import.Interval"
	MeasurandEnergyReactiveExportInterval Measurand = "Energy.Reactive.Export.Interval"
	MeasurandEnergyReactiveImportInterval Measurand = "Energy.Reactive.Import.Interval"
	MeasurandPowerActiveExport            Measurand = "Power.Active.Export"
	MeasurandPowerActiveImport            Measurand = "Power.Active.Import"
	MeasurandPowerOffered                 Measurand = "Power.Offered"
	MeasurandPowerReactiveExport          Measurand = "Power.Reactive.Export"
	MeasurandPowerReactiveImport          Measurand = "Power.Reactive.Import"
	MeasurandPowerFactor                  Measurand = "Power.Factor"
	MeasurandCurrentImport                Measurand = "Current.Import"
	MeasurandCurrentExport                Measurand = "Current.Export"
	MeasurandCurrentOffered               Measurand = "Current.Offered"
	MeasurandVoltage                      Measurand = "Voltage"
	MeasurandFrequency                    Measurand = "Frequency"
	MeasurandTemperature                  Measurand = "Temperature"
	MeasurandSoC                          Measurand = "SoC"
	MeasurandRPM                          Measurand = "RPM"
)

// Valid reports whether v is one of the values the schema allows.
func (v Measurand) Valid() bool {
	switch v {
	case MeasurandEnergyActiveExportRegister, MeasurandEnergyActiveImportRegister, MeasurandEnergyReactiveExportRegister, MeasurandEnergyReactiveImportRegister, MeasurandEnergyActiveExportInterval, MeasurandEnergyActiveImportInterval, MeasurandEnergyReactiveExportInterval, MeasurandEnergyReactiveImportInterval, MeasurandPowerActiveExport, MeasurandPowerActiveImport, MeasurandPowerOffered, MeasurandPowerReactiveExport, MeasurandPowerReactiveImport, MeasurandPowerFactor, MeasurandCurrentImport, MeasurandCurrentExport, MeasurandCurrentOffered, MeasurandVoltage, MeasurandFrequency, MeasurandTemperature, MeasurandSoC, MeasurandRPM:
		return true
	}
	return false
}

func (Measurand) enumValues() []string {
	return []string{string(MeasurandEnergyActiveExportRegister), string(MeasurandEnergyActiveImportRegister), string(MeasurandEnergyReactiveExportRegister), string(MeasurandEnergyReactiveImportRegister), string(MeasurandEnergyActiveExportInterval), string(MeasurandEnergyActiveImportInterval), string(MeasurandEnergyReactiveExportInterval), string(MeasurandEnergyReactiveImportInterval), string(MeasurandPowerActiveExport), string(MeasurandPowerActiveImport), string(MeasurandPowerOffered), string(MeasurandPowerReactiveExport), string(MeasurandPowerReactiveImport), string(MeasurandPowerFactor), string(MeasurandCurrentImport), string(MeasurandCurrentExport), string(MeasurandCurrentOffered), string(MeasurandVoltage), string(MeasurandFrequency), string(MeasurandTemperature), string(MeasurandSoC), string(MeasurandRPM)}
}

// MessageTrigger is an enumeration of OCPP 1.6 (schema: TriggerMessage.json).
type MessageTrigger string

// The values of MessageTrigger.
const (
	MessageTriggerBootNotification              MessageTrigger = "BootNotification"
	MessageTriggerDiagnosticsStatusNotification MessageTrigger = "DiagnosticsStatusNotification"
	MessageTriggerFirmwareStatusNotification    MessageTrigger = "FirmwareStatusNotification"
	MessageTriggerHeartbeat                     MessageTrigger = "Heartbeat"
	MessageTriggerMeterValues                   MessageTrigger = "MeterValues"
	MessageTriggerStatusNotification            MessageTrigger = "StatusNotification"
)

// Valid reports whether v is one of the values the schema allows.
func (v MessageTrigger) Valid() bool {
	switch v {
	case MessageTriggerBootNotification, MessageTriggerDiagnosticsStatusNotification, MessageTriggerFirmwareStatusNotification, MessageTriggerHeartbeat, MessageTriggerMeterValues, MessageTriggerStatusNotification:
		return true
	}
	return false
}

func (MessageTrigger) enumValues() []string {
	return []string{string(MessageTriggerBootNotification), string(MessageTriggerDiagnosticsStatusNotification), string(MessageTriggerFirmwareStatusNotification), string(MessageTriggerHeartbeat), string(MessageTriggerMeterValues), string(MessageTriggerStatusNotification)}
}

// Phase is the phase a SampledValue was measured on.
type Phase string

// The values of Phase.
const (
	PhaseL1   Phase = "L1"
	PhaseL2   Phase = "L2"
	PhaseL3   Phase = "L3"
	PhaseN    Phase = "N"
	PhaseL1N  Phase = "L1-N"
	PhaseL2N  Phase = "L2-N"
	PhaseL3N  Phase = "L3-N"
	PhaseL1L2 Phase = "L1-L2"
	PhaseL2L3 Phase = "L2-L3"
	PhaseL3L1 Phase = "L3-L1"
)

// Valid reports whether v is one of the values the schema allows.
func (v Phase) Valid() bool {
	switch v {
	case PhaseL1, PhaseL2, PhaseL3, PhaseN, PhaseL1N, PhaseL2N, PhaseL3N, PhaseL1L2, PhaseL2L3, PhaseL3L1:
		return true
	}
	return false
}

func (Phase) enumValues() []string {
	return []string{string(PhaseL1), string(PhaseL2), string(PhaseL3), string(PhaseN), string(PhaseL1N), string(PhaseL2N), string(PhaseL3N), string(PhaseL1L2), string(PhaseL2L3), string(PhaseL3L1)}
}

// ReadingContext says why a SampledValue was taken.
type ReadingContext string

// The values of ReadingContext.
const (
	ReadingContextInterruptionBegin ReadingContext = "Interruption.Begin"
	ReadingContextInterruptionEnd   ReadingContext = "Interruption.End"
	ReadingContextSampleClock       ReadingContext = "Sample.Clock"
	ReadingContextSamplePeriodic    ReadingContext = "Sample.Periodic"
	ReadingContextTransactionBegin  ReadingContext = "Transaction.Begin"
	ReadingContextTransactionEnd    ReadingContext = "Transaction.End"
	ReadingContextTrigger           ReadingContext = "Trigger"
	ReadingContextOther             ReadingContext = "Other"
)

// Valid reports whether v is one of the values the schema allows.
func (v ReadingContext) Valid() bool {
	switch v {
	case ReadingContextInterruptionBegin, ReadingContextInterruptionEnd, ReadingContextSampleClock, ReadingContextSamplePeriodic, ReadingContextTransactionBegin, ReadingContextTransactionEnd, ReadingContextTrigger, ReadingContextOther:
		return true
	}
	return false
}

func (ReadingContext) enumValues() []string {
	return []string{string(ReadingContextInterruptionBegin), string(ReadingContextInterruptionEnd), string(ReadingContextSampleClock), string(ReadingContextSamplePeriodic), string(ReadingContextTransactionBegin), string(ReadingContextTransactionEnd), string(ReadingContextTrigger), string(ReadingContextOther)}
}

// Reason says why a transaction stopped.
type Reason string

// The values of Reason.
const (
	ReasonEmergencyStop  Reason = "EmergencyStop"
	ReasonEVDisconnected Reason = "EVDisconnected"
	ReasonHardReset      Reason = "HardReset"
	ReasonLocal          Reason = "Local"
	ReasonOther          Reason = "Other"
	ReasonPowerLoss      Reason = "PowerLoss"
	ReasonReboot         Reason = "Reboot"
	ReasonRemote         Reason = "Remote"
	ReasonSoftReset      Reason = "SoftReset"
	ReasonUnlockCommand  Reason = "UnlockCommand"
	ReasonDeAuthorized   Reason = "DeAuthorized"
)

// Valid reports whether v is one of the values the schema allows.
func (v Reason) Valid() bool {
	switch v {
	case ReasonEmergencyStop, ReasonEVDisconnected, ReasonHardReset, ReasonLocal, ReasonOther, ReasonPowerLoss, ReasonReboot, ReasonRemote, ReasonSoftReset, ReasonUnlockCommand, ReasonDeAuthorized:
		return true
	}
	return false
}

func (Reason) enumValues() []string {
	return []string{string(ReasonEmergencyStop), string(ReasonEVDisconnected), string(ReasonHardReset), string(ReasonLocal), string(ReasonOther), string(ReasonPowerLoss), string(ReasonReboot), string(ReasonRemote), string(ReasonSoftReset), string(ReasonUnlockCommand), string(ReasonDeAuthorized)}
}

// RecurrencyKind is an enumeration of OCPP 1.6 (schema:
// RemoteStartTransaction.json).
type RecurrencyKind string

// The values of RecurrencyKind.
const (
	RecurrencyKindDaily  RecurrencyKind = "Daily"
	RecurrencyKindWeekly RecurrencyKind = "Weekly"
)

// Valid reports whether v is one of the values the schema allows.
func (v RecurrencyKind) Valid() bool {
	switch v {
	case RecurrencyKindDaily, RecurrencyKindWeekly:
		return true
	}
	return false
}

func (RecurrencyKind) enumValues() []string {
	return []string{string(RecurrencyKindDaily), string(RecurrencyKindWeekly)}
}

// RegistrationStatus is an enumeration of OCPP 1.6 (schema:
// BootNotificationResponse.json).
type RegistrationStatus string

// The values of RegistrationStatus.
const (
	RegistrationStatusAccepted RegistrationStatus = "Accepted"
	RegistrationStatusPending  RegistrationStatus = "Pending"
	RegistrationStatusRejected RegistrationStatus = "Rejected"
)

// Valid reports whether v is one of the values the schema allows.
func (v RegistrationStatus) Valid() bool {
	switch v {
	case RegistrationStatusAccepted, RegistrationStatusPending, RegistrationStatusRejected:
		return true
	}
	return false
}

func (RegistrationStatus) enumValues() []string {
	return []string{string(RegistrationStatusAccepted), string(RegistrationStatusPending), string(RegistrationStatusRejected)}
}

// RemoteStartStopStatus is an enumeration of OCPP 1.6 (schema:
// RemoteStartTransactionResponse.json).
type RemoteStartStopStatus string

// The values of RemoteStartStopStatus.
const (
	RemoteStartStopStatusAccepted RemoteStartStopStatus = "Accepted"
	RemoteStartStopStatusRejected RemoteStartStopStatus = "Rejected"
)

// Valid reports whether v is one of the values the schema allows.
func (v RemoteStartStopStatus) Valid() bool {
	switch v {
	case RemoteStartStopStatusAccepted, RemoteStartStopStatusRejected:
		return true
	}
	return false
}

func (RemoteStartStopStatus) enumValues() []string {
	return []string{string(RemoteStartStopStatusAccepted), string(RemoteStartStopStatusRejected)}
}

// ReservationStatus is an enumeration of OCPP 1.6 (schema:
// ReserveNowResponse.json).
type ReservationStatus string

// The values of ReservationStatus.
const (
	ReservationStatusAccepted    ReservationStatus = "Accepted"
	ReservationStatusFaulted     ReservationStatus = "Faulted"
	ReservationStatusOccupied    ReservationStatus = "Occupied"
	ReservationStatusRejected    ReservationStatus = "Rejected"
	ReservationStatusUnavailable ReservationStatus = "Unavailable"
)

// Valid reports whether v is one of the values the schema allows.
func (v ReservationStatus) Valid() bool {
	switch v {
	case ReservationStatusAccepted, ReservationStatusFaulted, ReservationStatusOccupied, ReservationStatusRejected, ReservationStatusUnavailable:
		return true
	}
	return false
}

func (ReservationStatus) enumValues() []string {
	return []string{string(ReservationStatusAccepted), string(ReservationStatusFaulted), string(ReservationStatusOccupied), string(ReservationStatusRejected), string(ReservationStatusUnavailable)}
}

// ResetStatus is an enumeration of OCPP 1.6 (schema: ResetResponse.json).
type ResetStatus string

// The values of ResetStatus.
const (
	ResetStatusAccepted ResetStatus = "Accepted"
	ResetStatusRejected ResetStatus = "Rejected"
)

// Valid reports whether v is one of the values the schema allows.
func (v ResetStatus) Valid() bool {
	switch v {
	case ResetStatusAccepted, ResetStatusRejected:
		return true
	}
	return false
}

func (ResetStatus) enumValues() []string {
	return []string{string(ResetStatusAccepted), string(ResetStatusRejected)}
}

// ResetType is an enumeration of OCPP 1.6 (schema: Reset.json).
type ResetType string

// The values of ResetType.
const (
	ResetTypeHard ResetType = "Hard"
	ResetTypeSoft ResetType = "Soft"
)

// Valid reports whether v is one of the values the schema allows.
func (v ResetType) Valid() bool {
	switch v {
	case ResetTypeHard, ResetTypeSoft:
		return true
	}
	return false
}

func (ResetType) enumValues() []string {
	return []string{string(ResetTypeHard), string(ResetTypeSoft)}
}

// SignedFirmwareStatus is an enumeration of OCPP 1.6 (schema:
// SignedFirmwareStatusNotification.json).
type SignedFirmwareStatus string

// The values of SignedFirmwareStatus.
const (
	SignedFirmwareStatusDownloaded                SignedFirmwareStatus = "Downloaded"
	SignedFirmwareStatusDownloadFailed            SignedFirmwareStatus = "DownloadFailed"
	SignedFirmwareStatusDownloading               SignedFirmwareStatus = "Downloading"
	SignedFirmwareStatusDownloadScheduled         SignedFirmwareStatus = "DownloadScheduled"
	SignedFirmwareStatusDownloadPaused            SignedFirmwareStatus = "DownloadPaused"
	SignedFirmwareStatusIdle                      SignedFirmwareStatus = "Idle"
	SignedFirmwareStatusInstallationFailed        SignedFirmwareStatus = "InstallationFailed"
	SignedFirmwareStatusInstalling                SignedFirmwareStatus = "Installing"
	SignedFirmwareStatusInstalled                 SignedFirmwareStatus = "Installed"
	SignedFirmwareStatusInstallRebooting          SignedFirmwareStatus = "InstallRebooting"
	SignedFirmwareStatusInstallScheduled          SignedFirmwareStatus = "InstallScheduled"
	SignedFirmwareStatusInstallVerificationFailed SignedFirmwareStatus = "InstallVerificationFailed"
	SignedFirmwareStatusInvalidSignature          SignedFirmwareStatus = "InvalidSignature"
	SignedFirmwareStatusSignatureVerified         SignedFirmwareStatus = "SignatureVerified"
)

// Valid reports whether v is one of the values the schema allows.
func (v SignedFirmwareStatus) Valid() bool {
	switch v {
	case SignedFirmwareStatusDownloaded, SignedFirmwareStatusDownloadFailed, SignedFirmwareStatusDownloading, SignedFirmwareStatusDownloadScheduled, SignedFirmwareStatusDownloadPaused, SignedFirmwareStatusIdle, SignedFirmwareStatusInstallationFailed, SignedFirmwareStatusInstalling, SignedFirmwareStatusInstalled, SignedFirmwareStatusInstallRebooting, SignedFirmwareStatusInstallScheduled, SignedFirmwareStatusInstallVerificationFailed, SignedFirmwareStatusInvalidSignature, SignedFirmwareStatusSignatureVerified:
		return true
	}
	return false
}

func (SignedFirmwareStatus) enumValues() []string {
	return []string{string(SignedFirmwareStatusDownloaded), string(SignedFirmwareStatusDownloadFailed), string(SignedFirmwareStatusDownloading), string(SignedFirmwareStatusDownloadScheduled), string(SignedFirmwareStatusDownloadPaused), string(SignedFirmwareStatusIdle), string(SignedFirmwareStatusInstallationFailed), string(SignedFirmwareStatusInstalling), string(SignedFirmwareStatusInstalled), string(SignedFirmwareStatusInstallRebooting), string(SignedFirmwareStatusInstallScheduled), string(SignedFirmwareStatusInstallVerificationFailed), string(SignedFirmwareStatusInvalidSignature), string(SignedFirmwareStatusSignatureVerified)}
}

// TriggerMessageStatus is an enumeration of OCPP 1.6 (schema:
// ExtendedTriggerMessageResponse.json).
type TriggerMessageStatus string

// The values of TriggerMessageStatus.
const (
	TriggerMessageStatusAccepted       TriggerMessageStatus = "Accepted"
	TriggerMessageStatusRejected       TriggerMessageStatus = "Rejected"
	TriggerMessageStatusNotImplemented TriggerMessageStatus = "NotImplemented"
)

// Valid reports whether v is one of the values the schema allows.
func (v TriggerMessageStatus) Valid() bool {
	switch v {
	case TriggerMessageStatusAccepted, TriggerMessageStatusRejected, TriggerMessageStatusNotImplemented:
		return true
	}
	return false
}

func (TriggerMessageStatus) enumValues() []string {
	return []string{string(TriggerMessageStatusAccepted), string(TriggerMessageStatusRejected), string(TriggerMessageStatusNotImplemented)}
}

// UnitOfMeasure is the unit of a SampledValue. The schema lists both the
// specification's misspelling Celcius and Celsius.
type UnitOfMeasure string

// The values of UnitOfMeasure.
const (
	UnitOfMeasureWh         UnitOfMeasure = "Wh"
	UnitOfMeasureKWh        UnitOfMeasure = "kWh"
	UnitOfMeasureVarh       UnitOfMeasure = "varh"
	UnitOfMeasureKvarh      UnitOfMeasure = "kvarh"
	UnitOfMeasureW          UnitOfMeasure = "W"
	UnitOfMeasureKW         UnitOfMeasure = "kW"
	UnitOfMeasureVA         UnitOfMeasure = "VA"
	UnitOfMeasureKVA        UnitOfMeasure = "kVA"
	UnitOfMeasureVar        UnitOfMeasure = "var"
	UnitOfMeasureKvar       UnitOfMeasure = "kvar"
	UnitOfMeasureA          UnitOfMeasure = "A"
	UnitOfMeasureV          UnitOfMeasure = "V"
	UnitOfMeasureK          UnitOfMeasure = "K"
	UnitOfMeasureCelcius    UnitOfMeasure = "Celcius"
	UnitOfMeasureCelsius    UnitOfMeasure = "Celsius"
	UnitOfMeasureFahrenheit UnitOfMeasure = "Fahrenheit"
	UnitOfMeasurePercent    UnitOfMeasure = "Percent"
)

// Valid reports whether v is one of the values the schema allows.
func (v UnitOfMeasure) Valid() bool {
	switch v {
	case UnitOfMeasureWh, UnitOfMeasureKWh, UnitOfMeasureVarh, UnitOfMeasureKvarh, UnitOfMeasureW, UnitOfMeasureKW, UnitOfMeasureVA, UnitOfMeasureKVA, UnitOfMeasureVar, UnitOfMeasureKvar, UnitOfMeasureA, UnitOfMeasureV, UnitOfMeasureK, UnitOfMeasureCelcius, UnitOfMeasureCelsius, UnitOfMeasureFahrenheit, UnitOfMeasurePercent:
		return true
	}
	return false
}

func (UnitOfMeasure) enumValues() []string {
	return []string{string(UnitOfMeasureWh), string(UnitOfMeasureKWh), string(UnitOfMeasureVarh), string(UnitOfMeasureKvarh), string(UnitOfMeasureW), string(UnitOfMeasureKW), string(UnitOfMeasureVA), string(UnitOfMeasureKVA), string(UnitOfMeasureVar), string(UnitOfMeasureKvar), string(UnitOfMeasureA), string(UnitOfMeasureV), string(UnitOfMeasureK), string(UnitOfMeasureCelcius), string(UnitOfMeasureCelsius), string(UnitOfMeasureFahrenheit), string(UnitOfMeasurePercent)}
}

// UnlockStatus is an enumeration of OCPP 1.6 (schema:
// UnlockConnectorResponse.json).
type UnlockStatus string

// The values of UnlockStatus.
const (
	UnlockStatusUnlocked     UnlockStatus = "Unlocked"
	UnlockStatusUnlockFailed UnlockStatus = "UnlockFailed"
	UnlockStatusNotSupported UnlockStatus = "NotSupported"
)

// Valid reports whether v is one of the values the schema allows.
func (v UnlockStatus) Valid() bool {
	switch v {
	case UnlockStatusUnlocked, UnlockStatusUnlockFailed, UnlockStatusNotSupported:
		return true
	}
	return false
}

func (UnlockStatus) enumValues() []string {
	return []string{string(UnlockStatusUnlocked), string(UnlockStatusUnlockFailed), string(UnlockStatusNotSupported)}
}

// UpdateFirmwareStatus is an enumeration of OCPP 1.6 (schema:
// SignedUpdateFirmwareResponse.json).
type UpdateFirmwareStatus string

// The values of UpdateFirmwareStatus.
const (
	UpdateFirmwareStatusAccepted           UpdateFirmwareStatus = "Accepted"
	UpdateFirmwareStatusRejected           UpdateFirmwareStatus = "Rejected"
	UpdateFirmwareStatusAcceptedCanceled   UpdateFirmwareStatus = "AcceptedCanceled"
	UpdateFirmwareStatusInvalidCertificate UpdateFirmwareStatus = "InvalidCertificate"
	UpdateFirmwareStatusRevokedCertificate UpdateFirmwareStatus = "RevokedCertificate"
)

// Valid reports whether v is one of the values the schema allows.
func (v UpdateFirmwareStatus) Valid() bool {
	switch v {
	case UpdateFirmwareStatusAccepted, UpdateFirmwareStatusRejected, UpdateFirmwareStatusAcceptedCanceled, UpdateFirmwareStatusInvalidCertificate, UpdateFirmwareStatusRevokedCertificate:
		return true
	}
	return false
}

func (UpdateFirmwareStatus) enumValues() []string {
	return []string{string(UpdateFirmwareStatusAccepted), string(UpdateFirmwareStatusRejected), string(UpdateFirmwareStatusAcceptedCanceled), string(UpdateFirmwareStatusInvalidCertificate), string(UpdateFirmwareStatusRevokedCertificate)}
}

// UpdateStatus is an enumeration of OCPP 1.6 (schema:
// SendLocalListResponse.json).
type UpdateStatus string

// The values of UpdateStatus.
const (
	UpdateStatusAccepted        UpdateStatus = "Accepted"
	UpdateStatusFailed          UpdateStatus = "Failed"
	UpdateStatusNotSupported    UpdateStatus = "NotSupported"
	UpdateStatusVersionMismatch UpdateStatus = "VersionMismatch"
)

// Valid reports whether v is one of the values the schema allows.
func (v UpdateStatus) Valid() bool {
	switch v {
	case UpdateStatusAccepted, UpdateStatusFailed, UpdateStatusNotSupported, UpdateStatusVersionMismatch:
		return true
	}
	return false
}

func (UpdateStatus) enumValues() []string {
	return []string{string(UpdateStatusAccepted), string(UpdateStatusFailed), string(UpdateStatusNotSupported), string(UpdateStatusVersionMismatch)}
}

// UpdateType is an enumeration of OCPP 1.6 (schema: SendLocalList.json).
type UpdateType string

// The values of UpdateType.
const (
	UpdateTypeDifferential UpdateType = "Differential"
	UpdateTypeFull         UpdateType = "Full"
)

// Valid reports whether v is one of the values the schema allows.
func (v UpdateType) Valid() bool {
	switch v {
	case UpdateTypeDifferential, UpdateTypeFull:
		return true
	}
	return false
}

func (UpdateType) enumValues() []string {
	return []string{string(UpdateTypeDifferential), string(UpdateTypeFull)}
}

// UploadLogStatus is an enumeration of OCPP 1.6 (schema:
// LogStatusNotification.json).
type UploadLogStatus string

// The values of UploadLogStatus.
const (
	UploadLogStatusBadMessage            UploadLogStatus = "BadMessage"
	UploadLogStatusIdle                  UploadLogStatus = "Idle"
	UploadLogStatusNotSupportedOperation UploadLogStatus = "NotSupportedOperation"
	UploadLogStatusPermissionDenied      UploadLogStatus = "PermissionDenied"
	UploadLogStatusUploaded              UploadLogStatus = "Uploaded"
	UploadLogStatusUploadFailure         UploadLogStatus = "UploadFailure"
	UploadLogStatusUploading             UploadLogStatus = "Uploading"
)

// Valid reports whether v is one of the values the schema allows.
func (v UploadLogStatus) Valid() bool {
	switch v {
	case UploadLogStatusBadMessage, UploadLogStatusIdle, UploadLogStatusNotSupportedOperation, UploadLogStatusPermissionDenied, UploadLogStatusUploaded, UploadLogStatusUploadFailure, UploadLogStatusUploading:
		return true
	}
	return false
}

func (UploadLogStatus) enumValues() []string {
	return []string{string(UploadLogStatusBadMessage), string(UploadLogStatusIdle), string(UploadLogStatusNotSupportedOperation), string(UploadLogStatusPermissionDenied), string(UploadLogStatusUploaded), string(UploadLogStatusUploadFailure), string(UploadLogStatusUploading)}
}

// ValueFormat says whether a SampledValue is a plain number or signed data.
type ValueFormat string

// The values of ValueFormat.
const (
	ValueFormatRaw        ValueFormat = "Raw"
	ValueFormatSignedData ValueFormat = "SignedData"
)

// Valid reports whether v is one of the values the schema allows.
func (v ValueFormat) Valid() bool {
	switch v {
	case ValueFormatRaw, ValueFormatSignedData:
		return true
	}
	return false
}

func (ValueFormat) enumValues() []string {
	return []string{string(ValueFormatRaw), string(ValueFormatSignedData)}
}
