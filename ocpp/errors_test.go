package ocpp

import (
	"errors"
	"testing"
)

// TestErrorCodeFor is the spelling table of OCPP-J 1.6 and 2.0.1: every
// code of either version, in either spelling, for both versions.
func TestErrorCodeFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code       ErrorCode
		v16, v201  ErrorCode
		canonical  ErrorCode
		only16     bool // spelled so only in 1.6
		only201    bool // spelled so only in 2.0.1
		hostString bool // not an OCPP-J code at all
	}{
		{code: NotImplemented, v16: NotImplemented, v201: NotImplemented, canonical: NotImplemented},
		{code: NotSupported, v16: NotSupported, v201: NotSupported, canonical: NotSupported},
		{code: InternalError, v16: InternalError, v201: InternalError, canonical: InternalError},
		{code: ProtocolError, v16: ProtocolError, v201: ProtocolError, canonical: ProtocolError},
		{code: SecurityError, v16: SecurityError, v201: SecurityError, canonical: SecurityError},
		{code: PropertyConstraintViolation, v16: PropertyConstraintViolation, v201: PropertyConstraintViolation, canonical: PropertyConstraintViolation},
		{code: TypeConstraintViolation, v16: TypeConstraintViolation, v201: TypeConstraintViolation, canonical: TypeConstraintViolation},
		{code: GenericError, v16: GenericError, v201: GenericError, canonical: GenericError},
		{code: FormationViolation, v16: FormationViolation, v201: "FormatViolation", canonical: FormationViolation, only16: true},
		{code: OccurenceConstraintViolation, v16: OccurenceConstraintViolation, v201: "OccurrenceConstraintViolation", canonical: OccurenceConstraintViolation, only16: true},
		{code: FormatViolation, v16: FormationViolation, v201: "FormatViolation", canonical: FormationViolation, only201: true},
		{code: OccurrenceConstraintViolation, v16: OccurenceConstraintViolation, v201: "OccurrenceConstraintViolation", canonical: OccurenceConstraintViolation, only201: true},
		{code: MessageTypeNotSupported, v16: ProtocolError, v201: "MessageTypeNotSupported", canonical: MessageTypeNotSupported, only201: true},
		{code: RpcFrameworkError, v16: ProtocolError, v201: "RpcFrameworkError", canonical: RpcFrameworkError, only201: true},
		{code: "TeapotError", v16: GenericError, v201: GenericError, canonical: "TeapotError", hostString: true},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			t.Parallel()
			if got := tt.code.For(OCPP16); got != tt.v16 {
				t.Errorf("For(ocpp1.6) = %q, want %q", got, tt.v16)
			}
			if got := tt.code.For(OCPP201); got != tt.v201 {
				t.Errorf("For(ocpp2.0.1) = %q, want %q", got, tt.v201)
			}
			if got := tt.code.Canonical(); got != tt.canonical {
				t.Errorf("Canonical() = %q, want %q", got, tt.canonical)
			}
			if got, want := tt.code.ValidFor(OCPP16), !tt.only201 && !tt.hostString; got != want {
				t.Errorf("ValidFor(ocpp1.6) = %v, want %v", got, want)
			}
			if got, want := tt.code.ValidFor(OCPP201), !tt.only16 && !tt.hostString; got != want {
				t.Errorf("ValidFor(ocpp2.0.1) = %v, want %v", got, want)
			}
			if got := tt.code.Valid(); got == tt.hostString {
				t.Errorf("Valid() = %v", got)
			}
			// What For returns is always a code of that version.
			if !tt.code.For(OCPP16).ValidFor(OCPP16) || !tt.code.For(OCPP201).ValidFor(OCPP201) {
				t.Error("For returned a code its version does not define")
			}
			if tt.code.ValidFor("ocpp1.5") {
				t.Error("ValidFor an unknown version is true")
			}
		})
	}
}

func TestErrorCodeForUnknownVersion(t *testing.T) {
	t.Parallel()
	if got := FormatViolation.For("ocpp2.1"); got != FormationViolation {
		t.Errorf("FormatViolation.For(ocpp2.1) = %q, want the canonical code", got)
	}
	if got := ErrorCode("Nope").For("ocpp2.1"); got != GenericError {
		t.Errorf("unknown code for unknown version = %q, want GenericError", got)
	}
}

// A code received from a 2.0.1 station matches the canonical constant
// after Canonical, so callers compare once whatever the version.
func TestCanonicalMatchesErrorsIs(t *testing.T) {
	t.Parallel()
	received := (&Frame{Type: CallError, ErrorCode: FormatViolation}).Err()
	received.Code = received.Code.Canonical()
	if !errors.Is(received, &Error{Code: FormationViolation}) {
		t.Errorf("errors.Is(%v, FormationViolation) is false", received)
	}
}
