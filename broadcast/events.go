package broadcast

import (
	"encoding/json"
	"time"
)

// StatusEvent is published to StatusTopic when a connector's status changes
// (a StatusNotification of either version, or a 2.0.1 NotifyEvent of an
// AvailabilityState):
//
//	{"connector_id":1,"status":"Charging","error_code":"NoError","info":"","timestamp":"…","evse_id":1}
//
// EVSEID is the outlet number hosts key on (1.6: the connectorId, equal to
// ConnectorID; 2.0.1: the evseId); ConnectorID is the protocol's connector
// number (2.0.1: the connector within the EVSE). A 2.0.1 status is one of
// Available, Occupied, Reserved, Unavailable, Faulted, with no error code.
type StatusEvent struct {
	ConnectorID int       `json:"connector_id"` // 0 is the charge point itself
	Status      string    `json:"status"`       // OCPP ChargePointStatus, e.g. "Available"
	ErrorCode   string    `json:"error_code"`   // OCPP ChargePointErrorCode, e.g. "NoError"
	Info        string    `json:"info"`         // free text from the charge point, may be empty
	Timestamp   time.Time `json:"timestamp"`    // the station's timestamp, or receive time
	EVSEID      int       `json:"evse_id"`      // the outlet: 1.6 connector id, 2.0.1 EVSE id
}

// Session event names.
const (
	SessionStarted = "started"
	SessionStopped = "stopped"
)

// SessionEvent is published to SessionsTopic when a charging session starts
// or stops:
//
//	{"event":"started","session":{"id":3,"connector_id":1,"id_tag":"RFID1",…}}
type SessionEvent struct {
	Event   string      `json:"event"` // SessionStarted or SessionStopped
	Session SessionInfo `json:"session"`
}

// SessionInfo is the session as SessionEvent carries it.
type SessionInfo struct {
	ID              uint       `json:"id"`               // database id of the charging session
	TransactionID   int        `json:"transaction_id"`   // the OCPP transactionId
	ConnectorID     int        `json:"connector_id"`     //
	IDTag           string     `json:"id_tag"`           //
	StartedAt       time.Time  `json:"started_at"`       //
	StoppedAt       *time.Time `json:"stopped_at"`       // null while active
	EnergyConsumed  float64    `json:"energy_consumed"`  // kWh, rounded to whole Wh (three decimals)
	DurationSeconds int64      `json:"duration_seconds"` // so far while active
	Status          string     `json:"status"`           // the connector's while running ("Preparing", "Charging", "SuspendedEV", "SuspendedEVSE", "Finishing"), "Completed" once stopped
	StopReason      string     `json:"stop_reason"`      // OCPP Reason, empty while active
	MeterStart      int        `json:"meter_start"`      // Wh
	MeterStop       *int       `json:"meter_stop"`       // Wh, null while active
	// EVSEID is the outlet (1.6: ConnectorID; 2.0.1: the EVSE id).
	EVSEID int `json:"evse_id"`
	// StationTransactionID is a 2.0.1 session's transactionId, chosen by
	// the station (TransactionID is then the integer the CSMS gave the
	// session); empty for 1.6.
	StationTransactionID string `json:"station_transaction_id"`
}

// MeterValueEvent is published to MeterValuesTopic for each stored sampled
// value:
//
//	{"connector_id":1,"measurand":"Energy.Active.Import.Register","value":1234.5,"unit":"Wh",
//	 "phase":"","context":"Sample.Periodic","timestamp":"…","session_id":3,"evse_id":1,"location":"Outlet"}
type MeterValueEvent struct {
	ConnectorID int       `json:"connector_id"`
	Measurand   string    `json:"measurand"`  // e.g. "Energy.Active.Import.Register"
	Value       float64   `json:"value"`      // 2.0.1: scaled by the unit's multiplier
	Unit        string    `json:"unit"`       // e.g. "Wh"
	Phase       string    `json:"phase"`      // may be empty
	Context     string    `json:"context"`    // e.g. "Sample.Periodic"
	Timestamp   time.Time `json:"timestamp"`  //
	SessionID   *uint     `json:"session_id"` // charging session database id, null outside a session
	EVSEID      int       `json:"evse_id"`    // the outlet: 1.6 connector id, 2.0.1 EVSE id (0: the station's meter)
	Location    string    `json:"location"`   // e.g. "Outlet"
}

// ConnectionEvent is published to ConnectionTopic when a charge point's
// websocket connects or disconnects.
type ConnectionEvent struct {
	Connected bool      `json:"connected"`
	Timestamp time.Time `json:"timestamp"`
	Node      string    `json:"node"`               // the node holding (or that held) the socket
	Identity  string    `json:"identity,omitempty"` // the charge point's OCPP identity
}

// Command statuses as CommandEvent carries them.
const (
	CommandPending   = "pending"   // waiting for the charge point to be reachable
	CommandSent      = "sent"      // sent, awaiting the reply
	CommandCompleted = "completed" // the charge point answered with a CALLRESULT
	CommandFailed    = "failed"    // CALLERROR, invalid reply, or no reply in time (see Error)
	CommandExpired   = "expired"   // not delivered before it expired
)

// CommandEvent is published to CommandsTopic as a CSMS→charge point command
// progresses:
//
//	{"command_id":"42","action":"RemoteStartTransaction","status":"completed","response":{"status":"Accepted"},"timestamp":"…"}
type CommandEvent struct {
	CommandID string          `json:"command_id"`         // the command's id (database id of an async command, as a string)
	Action    string          `json:"action"`             // OCPP action, e.g. "Reset"
	Status    string          `json:"status"`             // CommandPending, CommandCompleted, …
	Response  json.RawMessage `json:"response,omitempty"` // the CALLRESULT payload when completed
	Error     string          `json:"error,omitempty"`    // what went wrong when failed/timeout
	Timestamp time.Time       `json:"timestamp"`
}
