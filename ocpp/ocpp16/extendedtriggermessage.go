package ocpp16

// ExtendedTriggerMessageRequest asks the charge point to send a message,
// including the security ones (Security profile; Central System → charge
// point). Schema: ExtendedTriggerMessage.json.
type ExtendedTriggerMessageRequest struct {
	RequestedMessage ExtendedMessageTrigger `json:"requestedMessage" ocpp:"required"`
	ConnectorId      *int                   `json:"connectorId,omitempty"`
}

// ExtendedTriggerMessageResponse answers a ExtendedTriggerMessageRequest.
// Schema: ExtendedTriggerMessageResponse.json.
type ExtendedTriggerMessageResponse struct {
	Status TriggerMessageStatus `json:"status" ocpp:"required"`
}

// Action returns ActionExtendedTriggerMessage.
func (ExtendedTriggerMessageRequest) Action() string { return ActionExtendedTriggerMessage }

// Action returns ActionExtendedTriggerMessage.
func (ExtendedTriggerMessageResponse) Action() string { return ActionExtendedTriggerMessage }

// Validate checks r against every constraint of ExtendedTriggerMessage.json; see [Message].
func (r ExtendedTriggerMessageRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of ExtendedTriggerMessageResponse.json; see [Message].
func (r ExtendedTriggerMessageResponse) Validate() error { return validate(&r) }
