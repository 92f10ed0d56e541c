package ocpp16

// SignedFirmwareStatusNotificationRequest reports the progress of a signed
// firmware update (Security profile; charge point → Central System). Schema:
// SignedFirmwareStatusNotification.json.
type SignedFirmwareStatusNotificationRequest struct {
	Status    SignedFirmwareStatus `json:"status" ocpp:"required"`
	RequestId *int                 `json:"requestId,omitempty"`
}

// SignedFirmwareStatusNotificationResponse answers a SignedFirmwareStatusNotificationRequest.
// Schema: SignedFirmwareStatusNotificationResponse.json.
type SignedFirmwareStatusNotificationResponse struct {
}

// Action returns ActionSignedFirmwareStatusNotification.
func (SignedFirmwareStatusNotificationRequest) Action() string {
	return ActionSignedFirmwareStatusNotification
}

// Action returns ActionSignedFirmwareStatusNotification.
func (SignedFirmwareStatusNotificationResponse) Action() string {
	return ActionSignedFirmwareStatusNotification
}

// Validate checks r against every constraint of SignedFirmwareStatusNotification.json; see [Message].
func (r SignedFirmwareStatusNotificationRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of SignedFirmwareStatusNotificationResponse.json; see [Message].
func (r SignedFirmwareStatusNotificationResponse) Validate() error { return validate(&r) }
