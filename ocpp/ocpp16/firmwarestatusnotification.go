package ocpp16

// FirmwareStatusNotificationRequest reports the progress of a firmware update
// (FirmwareManagement profile; charge point → Central System). Schema:
// FirmwareStatusNotification.json.
type FirmwareStatusNotificationRequest struct {
	Status FirmwareStatus `json:"status" ocpp:"required"`
}

// FirmwareStatusNotificationResponse answers a FirmwareStatusNotificationRequest.
// Schema: FirmwareStatusNotificationResponse.json.
type FirmwareStatusNotificationResponse struct {
}

// Action returns ActionFirmwareStatusNotification.
func (FirmwareStatusNotificationRequest) Action() string { return ActionFirmwareStatusNotification }

// Action returns ActionFirmwareStatusNotification.
func (FirmwareStatusNotificationResponse) Action() string { return ActionFirmwareStatusNotification }

// Validate checks r against every constraint of FirmwareStatusNotification.json; see [Message].
func (r FirmwareStatusNotificationRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of FirmwareStatusNotificationResponse.json; see [Message].
func (r FirmwareStatusNotificationResponse) Validate() error { return validate(&r) }
