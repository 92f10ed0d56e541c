// Package schematest validates OCPP payloads and whole conversations against
// the official OCPP JSON schemas (embedded in ocpp/schemas) in tests.
package schematest

import (
	"encoding/json"
	"testing"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/schemas"
)

// Schemas validates the payloads of one OCPP version.
type Schemas struct {
	set     *schemas.Set
	version string // the subprotocol: ocpp.OCPP16 or ocpp.OCPP201
}

// Load returns the official OCPP 1.6 schemas (with the security extension).
func Load(t testing.TB) *Schemas {
	t.Helper()
	return LoadVersion(t, schemas.OCPP16)
}

// LoadVersion returns the official schemas of version (schemas.OCPP16 or
// schemas.OCPP201).
func LoadVersion(t testing.TB, name string) *Schemas {
	t.Helper()
	set, err := schemas.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	version := ocpp.OCPP16
	if name == schemas.OCPP201 {
		version = ocpp.OCPP201
	}
	return &Schemas{set: set, version: version}
}

// Validate checks payload against the schema of action's request
// (response=false) or response (response=true).
func (s *Schemas) Validate(action string, response bool, payload []byte) error {
	return s.set.Validate(action, response, payload)
}

// Frames validates a conversation: each CALL's payload against its
// action's request schema, each CALLRESULT against the response schema
// of the CALL it answers (matched by message id, among the calls of the
// other side), and each CALLERROR's code against the version's codes (in
// its spelling). in and out are the frames received and sent by one party.
// It returns how many payloads it validated.
func (s *Schemas) Frames(t testing.TB, sent, received [][]byte) int {
	t.Helper()
	actions := make(map[string]string) // id of a CALL we received → action
	for _, raw := range received {
		f, err := ocpp.DecodeFrame(raw)
		if err == nil && f.Type == ocpp.Call {
			actions[f.ID] = f.Action
		}
	}
	n := 0
	for _, raw := range sent {
		f, err := ocpp.DecodeFrame(raw)
		if err != nil {
			t.Errorf("sent an undecodable frame %s: %v", raw, err)
			continue
		}
		switch f.Type {
		case ocpp.Call:
			if err := s.Validate(f.Action, false, f.Payload); err != nil {
				t.Errorf("sent CALL does not validate: %v", err)
			}
			n++
		case ocpp.CallResult:
			action, ok := actions[f.ID]
			if !ok {
				t.Errorf("sent CALLRESULT %s answers no received CALL", raw)
				continue
			}
			if err := s.Validate(action, true, f.Payload); err != nil {
				t.Errorf("sent CALLRESULT does not validate: %v", err)
			}
			n++
		case ocpp.CallError:
			if !f.ErrorCode.ValidFor(s.version) {
				t.Errorf("sent CALLERROR with code %q, not one of %s", f.ErrorCode, s.version)
			}
		}
	}
	return n
}

// MustValidate fails t when payload does not validate.
func (s *Schemas) MustValidate(t testing.TB, action string, response bool, payload any) {
	t.Helper()
	raw, ok := payload.([]byte)
	if !ok {
		if rm, isRaw := payload.(json.RawMessage); isRaw {
			raw = rm
		} else {
			var err error
			if raw, err = json.Marshal(payload); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.Validate(action, response, raw); err != nil {
		t.Error(err)
	}
}
