package ocpp16

// SecurityEventNotificationRequest reports a security event (Security profile;
// charge point → Central System). Schema: SecurityEventNotification.json.
type SecurityEventNotificationRequest struct {
	Type      string   `json:"type" ocpp:"required,max=50"`
	Timestamp DateTime `json:"timestamp" ocpp:"required"`
	TechInfo  string   `json:"techInfo,omitempty" ocpp:"max=255"`
}

// SecurityEventNotificationResponse answers a SecurityEventNotificationRequest.
// Schema: SecurityEventNotificationResponse.json.
type SecurityEventNotificationResponse struct {
}

// Action returns ActionSecurityEventNotification.
func (SecurityEventNotificationRequest) Action() string { return ActionSecurityEventNotification }

// Action returns ActionSecurityEventNotification.
func (SecurityEventNotificationResponse) Action() string { return ActionSecurityEventNotification }

// Validate checks r against every constraint of SecurityEventNotification.json; see [Message].
func (r SecurityEventNotificationRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of SecurityEventNotificationResponse.json; see [Message].
func (r SecurityEventNotificationResponse) Validate() error { return validate(&r) }
