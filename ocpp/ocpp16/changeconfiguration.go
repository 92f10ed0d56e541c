package ocpp16

// ChangeConfigurationRequest sets one configuration key of the charge point
// (Core profile; Central System → charge point). Schema:
// ChangeConfiguration.json.
type ChangeConfigurationRequest struct {
	Key   string `json:"key" ocpp:"required,max=50"`
	Value string `json:"value" ocpp:"required,max=500,allowempty"`
}

// ChangeConfigurationResponse answers a ChangeConfigurationRequest.
// Schema: ChangeConfigurationResponse.json.
type ChangeConfigurationResponse struct {
	Status ConfigurationStatus `json:"status" ocpp:"required"`
}

// Action returns ActionChangeConfiguration.
func (ChangeConfigurationRequest) Action() string { return ActionChangeConfiguration }

// Action returns ActionChangeConfiguration.
func (ChangeConfigurationResponse) Action() string { return ActionChangeConfiguration }

// Validate checks r against every constraint of ChangeConfiguration.json; see [Message].
func (r ChangeConfigurationRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of ChangeConfigurationResponse.json; see [Message].
func (r ChangeConfigurationResponse) Validate() error { return validate(&r) }
