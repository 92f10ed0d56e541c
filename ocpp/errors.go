package ocpp

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ErrorCode is the errorCode field of an OCPP-J CALLERROR frame.
type ErrorCode string

// The error codes of OCPP-J 1.6 (section 4.2.3). The spelling of
// OccurenceConstraintViolation is the specification's own.
const (
	NotImplemented               ErrorCode = "NotImplemented"               // the action is unknown
	NotSupported                 ErrorCode = "NotSupported"                 // the action is known but not supported
	InternalError                ErrorCode = "InternalError"                // the receiver failed while handling the call
	ProtocolError                ErrorCode = "ProtocolError"                // the payload is incomplete
	SecurityError                ErrorCode = "SecurityError"                // a security issue prevented handling
	FormationViolation           ErrorCode = "FormationViolation"           // the payload is syntactically incorrect or does not conform to the PDU
	PropertyConstraintViolation  ErrorCode = "PropertyConstraintViolation"  // a field's value breaks a constraint
	OccurenceConstraintViolation ErrorCode = "OccurenceConstraintViolation" // a field occurs too often or too rarely
	TypeConstraintViolation      ErrorCode = "TypeConstraintViolation"      // a field has the wrong data type
	GenericError                 ErrorCode = "GenericError"                 // any other error
)

// Valid reports whether c is one of the codes OCPP-J 1.6 defines.
func (c ErrorCode) Valid() bool {
	switch c {
	case NotImplemented, NotSupported, InternalError, ProtocolError, SecurityError,
		FormationViolation, PropertyConstraintViolation, OccurenceConstraintViolation,
		TypeConstraintViolation, GenericError:
		return true
	}
	return false
}

// Error is an OCPP-J error: what a CALLERROR frame carries. A handler that
// returns an *Error (possibly wrapped) sends exactly that code and description
// to the charge point; any other error becomes InternalError with a generic
// description, so internal error text never reaches the wire.
type Error struct {
	Code        ErrorCode
	Description string
	// Details is the errorDetails object; nil is sent as {}.
	Details json.RawMessage
}

// NewError returns an *Error with the given code and a formatted description.
func NewError(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Description: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string {
	if e.Description == "" {
		return "ocpp: " + string(e.Code)
	}
	return "ocpp: " + string(e.Code) + ": " + e.Description
}

// Is makes errors.Is(err, &Error{Code: c}) match any *Error with code c.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Description == "" || t.Description == e.Description)
}

// CodeOf returns the OCPP error code carried by err: the code of the first
// *Error in its chain, "" for nil, and InternalError for any other error.
func CodeOf(err error) ErrorCode {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return InternalError
}

func asError(err error, target **Error) bool { return errors.As(err, target) }
