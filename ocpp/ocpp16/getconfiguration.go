package ocpp16

// GetConfigurationRequest reads configuration keys (all of them when Key is
// empty) (Core profile; Central System → charge point). Schema:
// GetConfiguration.json.
type GetConfigurationRequest struct {
	Key []string `json:"key,omitempty" ocpp:"max=50"`
}

// GetConfigurationResponse answers a GetConfigurationRequest.
// Schema: GetConfigurationResponse.json.
type GetConfigurationResponse struct {
	ConfigurationKey []KeyValue `json:"configurationKey,omitempty"`
	UnknownKey       []string   `json:"unknownKey,omitempty" ocpp:"max=50"`
}

// Action returns ActionGetConfiguration.
func (GetConfigurationRequest) Action() string { return ActionGetConfiguration }

// Action returns ActionGetConfiguration.
func (GetConfigurationResponse) Action() string { return ActionGetConfiguration }

// Validate checks r against every constraint of GetConfiguration.json; see [Message].
func (r GetConfigurationRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of GetConfigurationResponse.json; see [Message].
func (r GetConfigurationResponse) Validate() error { return validate(&r) }
