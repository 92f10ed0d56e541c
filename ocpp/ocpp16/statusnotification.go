package ocpp16

// StatusNotificationRequest reports a status change or error of a connector
// (connectorId 0: the charge point itself) (Core profile; charge point →
// Central System). Schema: StatusNotification.json.
type StatusNotificationRequest struct {
	ConnectorId     int                  `json:"connectorId" ocpp:"required,min=0"`
	ErrorCode       ChargePointErrorCode `json:"errorCode" ocpp:"required"`
	Info            string               `json:"info,omitempty" ocpp:"max=50"`
	Status          ChargePointStatus    `json:"status" ocpp:"required"`
	Timestamp       *DateTime            `json:"timestamp,omitempty"`
	VendorId        string               `json:"vendorId,omitempty" ocpp:"max=255"`
	VendorErrorCode string               `json:"vendorErrorCode,omitempty" ocpp:"max=50"`
}

// StatusNotificationResponse answers a StatusNotificationRequest.
// Schema: StatusNotificationResponse.json.
type StatusNotificationResponse struct {
}

// Action returns ActionStatusNotification.
func (StatusNotificationRequest) Action() string { return ActionStatusNotification }

// Action returns ActionStatusNotification.
func (StatusNotificationResponse) Action() string { return ActionStatusNotification }

// Validate checks r against every constraint of StatusNotification.json; see [Message].
func (r StatusNotificationRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of StatusNotificationResponse.json; see [Message].
func (r StatusNotificationResponse) Validate() error { return validate(&r) }
