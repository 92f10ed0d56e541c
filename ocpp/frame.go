package ocpp

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// MessageType is the first element of an OCPP-J frame.
type MessageType int

// The three OCPP-J message types.
const (
	Call       MessageType = 2 // [2, id, action, payload]
	CallResult MessageType = 3 // [3, id, payload]
	CallError  MessageType = 4 // [4, id, errorCode, errorDescription, errorDetails]
)

// MaxMessageIDLength is the longest message id OCPP-J allows.
const MaxMessageIDLength = 36

// Frame is one decoded OCPP-J message. Which fields are set depends on Type:
// a Call has ID, Action and Payload; a CallResult has ID and Payload; a
// CallError has ID, ErrorCode, ErrorDescription and ErrorDetails.
type Frame struct {
	Type             MessageType
	ID               string
	Action           string
	Payload          json.RawMessage
	ErrorCode        ErrorCode
	ErrorDescription string
	ErrorDetails     json.RawMessage
}

// DecodeFrame parses one OCPP-J 1.6 frame. The frame is decoded once into
// its elements; the payload stays raw for the caller to decode into its
// concrete type. On failure it returns the Frame fields it could read (ID in
// particular, so the caller can answer with a CALLERROR) and an *Error whose
// code says what is wrong: FormationViolation for a frame that is not a JSON
// array of the right shape, ProtocolError for an unknown message type or a
// missing or over-long message id. DecodeFrameFor gives the codes of
// another OCPP-J version.
func DecodeFrame(data []byte) (Frame, error) { return DecodeFrameFor(data, OCPP16) }

// frameFault classifies what is wrong with a frame, so that each OCPP-J
// version can name it with its own error code.
type frameFault int

const (
	faultShape   frameFault = iota // not an array of the right elements: not a valid RPC message
	faultID                        // the message id is missing, not a string, empty or too long
	faultType                      // the message type number is unknown
	faultPayload                   // the payload (or errorDetails) is not a JSON object
)

// faultCode returns the code version gives a fault, in the library's
// canonical spelling (see ErrorCode.For):
//
//	fault                        ocpp1.6              ocpp2.0.1
//	not a valid RPC message      FormationViolation   RpcFrameworkError
//	message id unusable          ProtocolError        RpcFrameworkError
//	unknown message type         ProtocolError        MessageTypeNotSupported
//	payload not a JSON object    FormationViolation   FormationViolation (FormatViolation on the wire)
func faultCode(version string, f frameFault) ErrorCode {
	if version == OCPP201 {
		switch f {
		case faultShape, faultID:
			return RpcFrameworkError
		case faultType:
			return MessageTypeNotSupported
		}
		return FormationViolation
	}
	switch f {
	case faultID, faultType:
		return ProtocolError
	}
	return FormationViolation
}

// DecodeFrameFor is DecodeFrame with the error codes of the OCPP-J version
// named by its subprotocol (OCPP16 or OCPP201; any other is treated as
// OCPP16). OCPP-J 2.0.1 answers a frame that is not a valid RPC message
// (not an array, wrong number of elements, unusable message id) with
// RpcFrameworkError and an unknown message type with
// MessageTypeNotSupported; a payload that is not a JSON object is
// FormationViolation (spelled FormatViolation on a 2.0.1 wire) in both.
func DecodeFrameFor(data []byte, version string) (Frame, error) {
	var f Frame
	fail := func(fault frameFault, format string, args ...any) (Frame, error) {
		return f, NewError(faultCode(version, fault), format, args...)
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(data, &elems); err != nil {
		return fail(faultShape, "frame is not a JSON array")
	}
	if len(elems) < 3 {
		return fail(faultShape, "frame has %d elements, want at least 3", len(elems))
	}
	if err := json.Unmarshal(elems[0], &f.Type); err != nil {
		return fail(faultShape, "message type is not an integer")
	}
	idErr := json.Unmarshal(elems[1], &f.ID)
	switch {
	case idErr != nil:
		f.ID = ""
		return fail(faultID, "message id is not a string")
	case f.ID == "":
		return fail(faultID, "message id is empty")
	case len(f.ID) > MaxMessageIDLength:
		id := f.ID
		f.ID = ""
		return fail(faultID, "message id %.40q is longer than %d characters", id, MaxMessageIDLength)
	}
	switch f.Type {
	case Call:
		if len(elems) != 4 {
			return fail(faultShape, "CALL has %d elements, want 4", len(elems))
		}
		if err := json.Unmarshal(elems[2], &f.Action); err != nil || f.Action == "" {
			return fail(faultShape, "CALL action is not a non-empty string")
		}
		f.Payload = elems[3]
		if !isObject(f.Payload) {
			return fail(faultPayload, "CALL payload is not a JSON object")
		}
	case CallResult:
		if len(elems) != 3 {
			return fail(faultShape, "CALLRESULT has %d elements, want 3", len(elems))
		}
		f.Payload = elems[2]
		if !isObject(f.Payload) {
			return fail(faultPayload, "CALLRESULT payload is not a JSON object")
		}
	case CallError:
		if len(elems) != 5 {
			return fail(faultShape, "CALLERROR has %d elements, want 5", len(elems))
		}
		var code string
		if err := json.Unmarshal(elems[2], &code); err != nil {
			return fail(faultShape, "CALLERROR errorCode is not a string")
		}
		f.ErrorCode = ErrorCode(code)
		if err := json.Unmarshal(elems[3], &f.ErrorDescription); err != nil {
			return fail(faultShape, "CALLERROR errorDescription is not a string")
		}
		f.ErrorDetails = elems[4]
		if !isObject(f.ErrorDetails) {
			return fail(faultPayload, "CALLERROR errorDetails is not a JSON object")
		}
	default:
		return fail(faultType, "unknown message type %d", f.Type)
	}
	return f, nil
}

func isObject(raw json.RawMessage) bool {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	return len(raw) > 0 && raw[0] == '{'
}

// MarshalJSON encodes f as an OCPP-J array. A nil Payload or ErrorDetails is
// written as {}.
func (f Frame) MarshalJSON() ([]byte, error) {
	payload := f.Payload
	if len(payload) == 0 {
		payload = json.RawMessage("{}")
	}
	switch f.Type {
	case Call:
		return json.Marshal([]any{Call, f.ID, f.Action, payload})
	case CallResult:
		return json.Marshal([]any{CallResult, f.ID, payload})
	case CallError:
		details := f.ErrorDetails
		if len(details) == 0 {
			details = json.RawMessage("{}")
		}
		return json.Marshal([]any{CallError, f.ID, f.ErrorCode, f.ErrorDescription, details})
	}
	return nil, fmt.Errorf("ocpp: cannot encode message type %d", f.Type)
}

// NewCall returns a CALL frame.
func NewCall(id, action string, payload json.RawMessage) Frame {
	return Frame{Type: Call, ID: id, Action: action, Payload: payload}
}

// NewCallResult returns a CALLRESULT frame.
func NewCallResult(id string, payload json.RawMessage) Frame {
	return Frame{Type: CallResult, ID: id, Payload: payload}
}

// NewCallError returns the CALLERROR frame that answers call id with err.
// An *Error in err's chain gives code, description and details; any other
// error becomes InternalError with a generic description, so internal error
// text never goes on the wire.
func NewCallError(id string, err error) Frame {
	f := Frame{Type: CallError, ID: id, ErrorCode: InternalError, ErrorDescription: "internal error"}
	var e *Error
	if asError(err, &e) {
		f.ErrorCode, f.ErrorDescription, f.ErrorDetails = e.Code, e.Description, e.Details
		if !f.ErrorCode.Valid() { // OCPP-J allows only its own codes on the wire
			f.ErrorCode = GenericError
		}
	}
	return f
}

// Err returns the *Error a CALLERROR frame carries.
func (f Frame) Err() *Error {
	return &Error{Code: f.ErrorCode, Description: f.ErrorDescription, Details: f.ErrorDetails}
}
