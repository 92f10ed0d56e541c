package ocpp16

// LogStatusNotificationRequest reports the progress of a log upload started by
// GetLog (Security profile; charge point → Central System). Schema:
// LogStatusNotification.json.
type LogStatusNotificationRequest struct {
	Status    UploadLogStatus `json:"status" ocpp:"required"`
	RequestId *int            `json:"requestId,omitempty"`
}

// LogStatusNotificationResponse answers a LogStatusNotificationRequest.
// Schema: LogStatusNotificationResponse.json.
type LogStatusNotificationResponse struct {
}

// Action returns ActionLogStatusNotification.
func (LogStatusNotificationRequest) Action() string { return ActionLogStatusNotification }

// Action returns ActionLogStatusNotification.
func (LogStatusNotificationResponse) Action() string { return ActionLogStatusNotification }

// Validate checks r against every constraint of LogStatusNotification.json; see [Message].
func (r LogStatusNotificationRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of LogStatusNotificationResponse.json; see [Message].
func (r LogStatusNotificationResponse) Validate() error { return validate(&r) }
