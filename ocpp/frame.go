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

// DecodeFrame parses one OCPP-J frame. The frame is decoded once into its
// elements; the payload stays raw for the caller to decode into its concrete
// type. On failure it returns the Frame fields it could read (ID in
// particular, so the caller can answer with a CALLERROR) and an *Error whose
// code says what is wrong: FormationViolation for a frame that is not a JSON
// array of the right shape, ProtocolError for an unknown message type or a
// missing or over-long message id.
func DecodeFrame(data []byte) (Frame, error) {
	var f Frame
	var elems []json.RawMessage
	if err := json.Unmarshal(data, &elems); err != nil {
		return f, NewError(FormationViolation, "frame is not a JSON array")
	}
	if len(elems) < 3 {
		return f, NewError(FormationViolation, "frame has %d elements, want at least 3", len(elems))
	}
	if err := json.Unmarshal(elems[0], &f.Type); err != nil {
		return f, NewError(FormationViolation, "message type is not an integer")
	}
	idErr := json.Unmarshal(elems[1], &f.ID)
	switch {
	case idErr != nil:
		f.ID = ""
		return f, NewError(ProtocolError, "message id is not a string")
	case f.ID == "":
		return f, NewError(ProtocolError, "message id is empty")
	case len(f.ID) > MaxMessageIDLength:
		id := f.ID
		f.ID = ""
		return f, NewError(ProtocolError, "message id %.40q is longer than %d characters", id, MaxMessageIDLength)
	}
	switch f.Type {
	case Call:
		if len(elems) != 4 {
			return f, NewError(FormationViolation, "CALL has %d elements, want 4", len(elems))
		}
		if err := json.Unmarshal(elems[2], &f.Action); err != nil || f.Action == "" {
			return f, NewError(FormationViolation, "CALL action is not a non-empty string")
		}
		f.Payload = elems[3]
		if !isObject(f.Payload) {
			return f, NewError(FormationViolation, "CALL payload is not a JSON object")
		}
	case CallResult:
		if len(elems) != 3 {
			return f, NewError(FormationViolation, "CALLRESULT has %d elements, want 3", len(elems))
		}
		f.Payload = elems[2]
		if !isObject(f.Payload) {
			return f, NewError(FormationViolation, "CALLRESULT payload is not a JSON object")
		}
	case CallError:
		if len(elems) != 5 {
			return f, NewError(FormationViolation, "CALLERROR has %d elements, want 5", len(elems))
		}
		var code string
		if err := json.Unmarshal(elems[2], &code); err != nil {
			return f, NewError(FormationViolation, "CALLERROR errorCode is not a string")
		}
		f.ErrorCode = ErrorCode(code)
		if err := json.Unmarshal(elems[3], &f.ErrorDescription); err != nil {
			return f, NewError(FormationViolation, "CALLERROR errorDescription is not a string")
		}
		f.ErrorDetails = elems[4]
		if !isObject(f.ErrorDetails) {
			return f, NewError(FormationViolation, "CALLERROR errorDetails is not a JSON object")
		}
	default:
		return f, NewError(ProtocolError, "unknown message type %d", f.Type)
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
