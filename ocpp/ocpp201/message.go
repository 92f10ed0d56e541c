package ocpp201

import "github.com/ocppkit/ocppkit/ocpp"

// Message is an OCPP 2.0.1 payload: a request or a response.
//
// Validate checks the value against every constraint of its JSON schema and
// returns nil or an *ocpp.Error: OccurenceConstraintViolation for a missing
// required field, PropertyConstraintViolation for a value that breaks a
// constraint (unknown enum value, string longer than maxLength, number
// outside minimum/maximum, array with too few or too many items). The codes
// are the canonical spellings of package ocpp; see the package
// documentation for how they go on a 2.0.1 wire. Descriptions name the
// field path, e.g. "meterValue[0].sampledValue[1].measurand: unknown value
// \"Foo\"".
//
// Validate works on Go values, where absence is the zero value: a required
// string, enum, DateTime or array that is empty (nil for an array) counts
// as missing. A required number or bool is always present. Use it before
// sending a message; [Unmarshal] checks received ones.
//
// Message is ocpp.Message, the interface the messages of every version
// share.
type Message = ocpp.Message

// Request is the payload of a CALL. Action returns its OCPP action name.
// It is ocpp.Request, the interface the messages of every version share.
type Request = ocpp.Request

// Response is the payload of a CALLRESULT. Action returns the name of the
// action it answers. It is ocpp.Response.
type Response = ocpp.Response

// Mode selects how strictly [Unmarshal] applies the schemas. Its values are
// those of ocpp16.Mode, so one converts to the other.
type Mode int

const (
	// Strict applies the JSON schemas as published, with the OCPP rule that
	// integers are 32-bit. It is the zero value.
	Strict Mode = iota
	// Tolerant accepts the deviations of real-world charging stations listed
	// in the package documentation, and nothing else.
	Tolerant
)

// String returns "strict" or "tolerant".
func (m Mode) String() string {
	switch m {
	case Strict:
		return "strict"
	case Tolerant:
		return "tolerant"
	}
	return "Mode(?)"
}
