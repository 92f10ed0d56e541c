package ocpp16

// GetCompositeScheduleRequest asks for the schedule that results from all
// active charging profiles of a connector (SmartCharging profile; Central
// System → charge point). Schema: GetCompositeSchedule.json.
type GetCompositeScheduleRequest struct {
	ConnectorId      int              `json:"connectorId" ocpp:"required,min=0"`
	Duration         int              `json:"duration" ocpp:"required,min=0"`
	ChargingRateUnit ChargingRateUnit `json:"chargingRateUnit,omitempty"`
}

// GetCompositeScheduleResponse answers a GetCompositeScheduleRequest.
// Schema: GetCompositeScheduleResponse.json.
type GetCompositeScheduleResponse struct {
	Status           GetCompositeScheduleStatus `json:"status" ocpp:"required"`
	ConnectorId      *int                       `json:"connectorId,omitempty"`
	ScheduleStart    *DateTime                  `json:"scheduleStart,omitempty"`
	ChargingSchedule *ChargingSchedule          `json:"chargingSchedule,omitempty"`
}

// Action returns ActionGetCompositeSchedule.
func (GetCompositeScheduleRequest) Action() string { return ActionGetCompositeSchedule }

// Action returns ActionGetCompositeSchedule.
func (GetCompositeScheduleResponse) Action() string { return ActionGetCompositeSchedule }

// Validate checks r against every constraint of GetCompositeSchedule.json; see [Message].
func (r GetCompositeScheduleRequest) Validate() error { return validate(&r) }

// Validate checks r against every constraint of GetCompositeScheduleResponse.json; see [Message].
func (r GetCompositeScheduleResponse) Validate() error { return validate(&r) }
