package ocpp

import (
	"encoding/json"
)

// decodeFrame is DecodeFrameFor with a fast path for the frames a charge
// point sends all day: well-formed, with plain ASCII ids and actions. It
// decodes those with one scan and three small allocations instead of
// encoding/json's reflection; anything unusual (escapes, non-ASCII, errors)
// goes to DecodeFrameFor, so results are always DecodeFrameFor's
// (FuzzDecodeFrame checks that they agree).
func decodeFrame(data []byte, version string) (Frame, error) {
	if f, ok := fastDecode(data); ok {
		return f, nil
	}
	return DecodeFrameFor(data, version)
}

// knownActions interns the action names of OCPP 1.6 (and its security
// extension) and of OCPP 2.0.1 (the station's calls) so that decoding a
// CALL does not allocate its action.
var knownActions = func() map[string]string {
	m := make(map[string]string)
	for _, a := range []string{
		"Authorize", "BootNotification", "DataTransfer", "DiagnosticsStatusNotification",
		"FirmwareStatusNotification", "Heartbeat", "MeterValues", "StartTransaction",
		"StatusNotification", "StopTransaction", "LogStatusNotification",
		"SecurityEventNotification", "SignCertificate", "SignedFirmwareStatusNotification",
		"CancelReservation", "ChangeAvailability", "ChangeConfiguration", "ClearCache",
		"ClearChargingProfile", "GetCompositeSchedule", "GetConfiguration", "GetDiagnostics",
		"GetLocalListVersion", "RemoteStartTransaction", "RemoteStopTransaction",
		"ReserveNow", "Reset", "SendLocalList", "SetChargingProfile", "TriggerMessage",
		"UnlockConnector", "UpdateFirmware",
		// OCPP 2.0.1 calls of a charging station not named above.
		"ClearedChargingLimit", "Get15118EVCertificate", "GetCertificateStatus",
		"NotifyChargingLimit", "NotifyCustomerInformation", "NotifyDisplayMessages",
		"NotifyEVChargingNeeds", "NotifyEVChargingSchedule", "NotifyEvent",
		"NotifyMonitoringReport", "NotifyReport", "PublishFirmwareStatusNotification",
		"ReportChargingProfiles", "ReservationStatusUpdate", "TransactionEvent",
	} {
		m[a] = a
	}
	return m
}()

type scanner struct {
	b []byte
	i int
}

func (s *scanner) skipSpace() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

// expect consumes optional whitespace and then byte c.
func (s *scanner) expect(c byte) bool {
	s.skipSpace()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// simpleString consumes a JSON string of printable ASCII without escapes and
// returns its contents (aliasing the input).
func (s *scanner) simpleString() ([]byte, bool) {
	if !s.expect('"') {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return s.b[start : s.i-1], true
		case c < 0x20 || c == '\\' || c >= 0x80:
			return nil, false
		}
		s.i++
	}
	return nil, false
}

// object consumes one JSON object and returns it (aliasing the input). It
// only finds the object's end; the caller validates it.
func (s *scanner) object() ([]byte, bool) {
	s.skipSpace()
	if s.i >= len(s.b) || s.b[s.i] != '{' {
		return nil, false
	}
	start := s.i
	depth := 0
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				s.i++
				return s.b[start:s.i], true
			}
		case '"':
			s.i++
			for s.i < len(s.b) && s.b[s.i] != '"' {
				if s.b[s.i] == '\\' {
					s.i++
				}
				s.i++
			}
		}
		s.i++
	}
	return nil, false
}

func fastDecode(data []byte) (f Frame, ok bool) {
	s := scanner{b: data}
	if !s.expect('[') {
		return f, false
	}
	s.skipSpace()
	if s.i+1 >= len(data) {
		return f, false
	}
	switch data[s.i] {
	case '2':
		f.Type = Call
	case '3':
		f.Type = CallResult
	case '4':
		f.Type = CallError
	default:
		return f, false
	}
	s.i++
	if !s.expect(',') {
		return f, false
	}
	id, ok := s.simpleString()
	if !ok || len(id) == 0 || len(id) > MaxMessageIDLength || !s.expect(',') {
		return f, false
	}
	var action, code, desc []byte
	switch f.Type {
	case Call:
		if action, ok = s.simpleString(); !ok || len(action) == 0 || !s.expect(',') {
			return f, false
		}
	case CallError:
		if code, ok = s.simpleString(); !ok || !s.expect(',') {
			return f, false
		}
		if desc, ok = s.simpleString(); !ok || !s.expect(',') {
			return f, false
		}
	}
	obj, ok := s.object()
	if !ok || !s.expect(']') {
		return f, false
	}
	if s.skipSpace(); s.i != len(data) || !json.Valid(obj) {
		return f, false
	}
	f.ID = string(id)
	if f.Type == Call {
		if f.Action, ok = knownActions[string(action)]; !ok {
			f.Action = string(action)
		}
	}
	raw := json.RawMessage(append([]byte(nil), obj...))
	if f.Type == CallError {
		f.ErrorCode = ErrorCode(code)
		f.ErrorDescription = string(desc)
		f.ErrorDetails = raw
	} else {
		f.Payload = raw
	}
	return f, true
}
