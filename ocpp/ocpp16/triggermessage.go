package ocpp16

// TriggerMessageRequest asks the charge point to send one of its messages now
// (RemoteTrigger profile; Central System → charge point). Schema:
// TriggerMessage.json.
type TriggerMessageRequest struct {
	RequestedMessage MessageTrigger `json:"requestedMessage" ocpp:"required"`
	ConnectorId      *int           `json:"connectorId,omitempty"`
}

// TriggerMessageResponse answers a TriggerMessageRequest.
// Schema: TriggerMessageResponse.json.
type TriggerMessageResponse struct {
	Status TriggerMessageStatus `json:"status" ocpp:"required"`
}

// Action returns ActionTriggerMessage.
func (TriggerMessageRequest) Action() string { return ActionTriggerMessage }

// Action returns ActionTriggerMessage.
func (TriggerMessageResponse) Action() string { return ActionTriggerMessage }

// Validate checks r against every constraint of TriggerMessage.json; see [Message].
func (r TriggerMessageRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of TriggerMessageResponse.json; see [Message].
func (r TriggerMessageResponse) Validate() error { return validate(&r) }
