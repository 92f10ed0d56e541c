package ocpp

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ErrorCode is the errorCode field of an OCPP-J CALLERROR frame.
//
// The library uses one spelling per code internally, the canonical one of
// OCPP-J 1.6 (FormationViolation, OccurenceConstraintViolation): decoders
// and handlers return those. OCPP-J 2.0.1 spells two of them differently
// and adds two codes; [ErrorCode.For] gives the spelling of a connection's
// version just before a frame goes on the wire, and [ErrorCode.Canonical]
// maps a received code back.
type ErrorCode string

// The error codes of OCPP-J 1.6 (section 4.2.3). The spelling of
// OccurenceConstraintViolation is the specification's own. These are the
// canonical codes.
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

// The codes OCPP-J 2.0.1 (section 4.3) adds or spells differently. The
// library never returns FormatViolation or OccurrenceConstraintViolation
// itself: they are the 2.0.1 spellings of FormationViolation and
// OccurenceConstraintViolation, produced by [ErrorCode.For].
const (
	FormatViolation               ErrorCode = "FormatViolation"               // 2.0.1 spelling of FormationViolation
	OccurrenceConstraintViolation ErrorCode = "OccurrenceConstraintViolation" // 2.0.1 spelling of OccurenceConstraintViolation
	MessageTypeNotSupported       ErrorCode = "MessageTypeNotSupported"       // the message type number is unknown (2.0.1)
	RpcFrameworkError             ErrorCode = "RpcFrameworkError"             // the frame is not a valid RPC request, e.g. no message id (2.0.1)
)

// The WebSocket subprotocols of the OCPP-J versions, which name them in
// [ErrorCode.For] and [ErrorCode.ValidFor].
const (
	OCPP16  = "ocpp1.6"
	OCPP201 = "ocpp2.0.1"
)

// Valid reports whether c is a code of OCPP-J 1.6 or 2.0.1, in either
// spelling. Use [ErrorCode.ValidFor] for one version.
func (c ErrorCode) Valid() bool {
	return c.ValidFor(OCPP16) || c.ValidFor(OCPP201)
}

// ValidFor reports whether c is a code of the OCPP-J version named by its
// subprotocol (OCPP16 or OCPP201), spelled as that version spells it. It
// is false for any code of an unknown version.
func (c ErrorCode) ValidFor(version string) bool {
	switch c {
	case NotImplemented, NotSupported, InternalError, ProtocolError, SecurityError,
		PropertyConstraintViolation, TypeConstraintViolation, GenericError:
		return version == OCPP16 || version == OCPP201
	case FormationViolation, OccurenceConstraintViolation:
		return version == OCPP16
	case FormatViolation, OccurrenceConstraintViolation, MessageTypeNotSupported, RpcFrameworkError:
		return version == OCPP201
	}
	return false
}

// For returns c as the OCPP-J version named by its subprotocol spells it,
// so that it may go on the wire of such a connection:
//
//	canonical / either spelling       ocpp1.6                        ocpp2.0.1
//	FormationViolation                FormationViolation             FormatViolation
//	OccurenceConstraintViolation      OccurenceConstraintViolation   OccurrenceConstraintViolation
//	MessageTypeNotSupported           ProtocolError                  MessageTypeNotSupported
//	RpcFrameworkError                 ProtocolError                  RpcFrameworkError
//	the other codes of both versions  unchanged                      unchanged
//
// A code the version does not define (a host's own string) becomes
// GenericError. For an unknown version, c is returned if [ErrorCode.Valid],
// GenericError otherwise.
func (c ErrorCode) For(version string) ErrorCode {
	c = c.Canonical()
	switch version {
	case OCPP16:
		switch c {
		case MessageTypeNotSupported, RpcFrameworkError:
			return ProtocolError
		}
	case OCPP201:
		switch c {
		case FormationViolation:
			return FormatViolation
		case OccurenceConstraintViolation:
			return OccurrenceConstraintViolation
		}
	default:
		if c.Valid() {
			return c
		}
		return GenericError
	}
	if !c.ValidFor(version) {
		return GenericError
	}
	return c
}

// Canonical returns the library's spelling of c: FormationViolation for
// FormatViolation and OccurenceConstraintViolation for
// OccurrenceConstraintViolation; every other code unchanged. Use it on a
// code received from a charge point before comparing it with the constants.
func (c ErrorCode) Canonical() ErrorCode {
	switch c {
	case FormatViolation:
		return FormationViolation
	case OccurrenceConstraintViolation:
		return OccurenceConstraintViolation
	}
	return c
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
