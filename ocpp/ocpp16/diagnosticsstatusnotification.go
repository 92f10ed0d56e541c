package ocpp16

// DiagnosticsStatusNotificationRequest reports the progress of a diagnostics
// upload (FirmwareManagement profile; charge point → Central System). Schema:
// DiagnosticsStatusNotification.json.
type DiagnosticsStatusNotificationRequest struct {
	Status DiagnosticsStatus `json:"status" ocpp:"required"`
}

// DiagnosticsStatusNotificationResponse answers a DiagnosticsStatusNotificationRequest.
// Schema: DiagnosticsStatusNotificationResponse.json.
type DiagnosticsStatusNotificationResponse struct {
}

// Action returns ActionDiagnosticsStatusNotification.
func (DiagnosticsStatusNotificationRequest) Action() string {
	return ActionDiagnosticsStatusNotification
}

// Action returns ActionDiagnosticsStatusNotification.
func (DiagnosticsStatusNotificationResponse) Action() string {
	return ActionDiagnosticsStatusNotification
}

// Validate checks r against every constraint of DiagnosticsStatusNotification.json; see [Message].
func (r DiagnosticsStatusNotificationRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of DiagnosticsStatusNotificationResponse.json; see [Message].
func (r DiagnosticsStatusNotificationResponse) Validate() error { return validate(&r) }
