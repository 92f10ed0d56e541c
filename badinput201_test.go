package ocppkit_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/internal/schematest"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/ocpp/schemas"
)

// suite201 describes ocpp201 to the schema suite, which synthesises
// payloads from the official schemas.
var suite201 = schematest.Version{
	Schemas: schemas.OCPP201,
	New: func(action string, response bool) (schematest.Message, bool) {
		if response {
			return ocpp201.NewResponse(action)
		}
		return ocpp201.NewRequest(action)
	},
	Unmarshal: func(data []byte, m schematest.Message, tolerant bool) error {
		return ocpp201.Unmarshal(data, m.(ocpp201.Message), ocpp201.Strict)
	},
}

// badCall is one schema-invalid request and the CALLERROR code (2.0.1
// spelling) it must get.
type badCall struct {
	name    string
	action  string
	payload []byte
	code    ocpp.ErrorCode
}

// schemaViolations derives, from the official schema of every request a
// 2.0.1 charging station sends, one invalid payload per property and
// constraint: a required property missing, a value of the wrong JSON type,
// an unknown enum value, a string one character too long, an unknown
// property where the schema forbids them.
func schemaViolations(t *testing.T) []badCall {
	s := schematest.NewSuite(t, suite201)
	var out []badCall
	for _, sd := range s.Sides() {
		if sd.Resp || !slices.Contains(ocpp201.ChargingStationActions, sd.Action) {
			continue
		}
		mutate := func(name string, code ocpp.ErrorCode, full bool, fn func(doc any) bool) {
			doc := schematest.Normalize(t, s.Sample(sd, full))
			if fn(doc) {
				out = append(out, badCall{name: sd.Action + "/" + name, action: sd.Action, payload: schematest.MustJSON(t, doc), code: code})
			}
		}
		s.Walk(sd, func(p schematest.Property) {
			at := func(doc any) map[string]any { return schematest.At(doc, p.Path) }
			if p.Required {
				mutate(p.Display()+" missing", ocpp.OccurrenceConstraintViolation, false, func(doc any) bool {
					if !requiredPathPresent(doc, p.Path) {
						return false
					}
					delete(at(doc), p.Name)
					return true
				})
			}
			var wrong any
			switch p.Schema["type"] {
			case "string", "array", "object":
				wrong = 5.0
			case "integer", "number", "boolean":
				wrong = "x"
			}
			if wrong != nil {
				mutate(p.Display()+" wrong type", ocpp.TypeConstraintViolation, true, func(doc any) bool {
					at(doc)[p.Name] = wrong
					return true
				})
			}
			if enum, ok := p.Schema["enum"].([]any); ok && len(enum) > 0 {
				mutate(p.Display()+" unknown enum value", ocpp.PropertyConstraintViolation, true, func(doc any) bool {
					at(doc)[p.Name] = "NotAValue"
					return true
				})
			}
			if maxLen, ok := p.Schema["maxLength"].(float64); ok && p.Schema["type"] == "string" {
				mutate(p.Display()+" too long", ocpp.PropertyConstraintViolation, true, func(doc any) bool {
					at(doc)[p.Name] = strings.Repeat("a", int(maxLen)+1)
					return true
				})
			}
		}, func(path []any, obj map[string]any) {
			if obj["additionalProperties"] != false {
				return
			}
			mutate(fmt.Sprintf("%v unknown property", path), ocpp.FormatViolation, true, func(doc any) bool {
				schematest.At(doc, path)["vendorExtra"] = 1.0
				return true
			})
		})
	}
	return out
}

// requiredPathPresent reports whether the objects on path exist in the
// minimal sample (a required property of an optional object is not there).
func requiredPathPresent(doc any, path []any) bool {
	for _, e := range path {
		switch e := e.(type) {
		case string:
			m, ok := doc.(map[string]any)
			if !ok {
				return false
			}
			if doc, ok = m[e]; !ok {
				return false
			}
		case int:
			a, ok := doc.([]any)
			if !ok || len(a) <= e {
				return false
			}
			doc = a[e]
		}
	}
	return true
}

// TestBadInput201 sends a 2.0.1 station's messages broken against the
// official schemas, one violation each, derived from the schemas of all
// 25 station actions, over a real socket: each gets the precise CALLERROR
// in 2.0.1's spelling, and the connection keeps working. Actions a 2.0.1
// station may not send get NotImplemented (unknown, or 1.6-only: never
// handled as 1.6) or NotSupported (the CSMS's own).
func TestBadInput201(t *testing.T) {
	server := ocpp.ServerConfig{RateLimit: -1}
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{AcceptUnknownIDTags: true, Server: server})
	e.register(t, "CS-BAD", "pw-0123456789abcdef")
	cs := e.dial201(t, "CS-BAD", "pw-0123456789abcdef")
	ctx := context.Background()

	calls := []badCall{
		{name: "unknown action", action: "FlyToTheMoon", payload: []byte(`{}`), code: ocpp.NotImplemented},
		{name: "1.6 StartTransaction", action: "StartTransaction", payload: []byte(`{"connectorId":1,"idTag":"T","meterStart":0,"timestamp":"2026-01-01T00:00:00Z"}`), code: ocpp.NotImplemented},
		{name: "1.6 StopTransaction", action: "StopTransaction", payload: []byte(`{"transactionId":1,"meterStop":0,"timestamp":"2026-01-01T00:00:00Z"}`), code: ocpp.NotImplemented},
		{name: "CSMS action from a station", action: "RequestStartTransaction", payload: []byte(`{"idToken":{"idToken":"T","type":"Central"},"remoteStartId":1}`), code: ocpp.NotSupported},
		{name: "payload not an object", action: "Heartbeat", payload: []byte(`[]`), code: ocpp.FormatViolation},
		{name: "1.6 payload of a shared action", action: "StatusNotification", payload: []byte(`{"connectorId":1,"status":"Available","errorCode":"NoError"}`), code: ocpp.FormatViolation},
		{name: "sampled value as a 1.6 string", action: "MeterValues", payload: []byte(`{"evseId":1,"meterValue":[{"timestamp":"2026-01-01T00:00:00Z","sampledValue":[{"value":"12.5"}]}]}`), code: ocpp.TypeConstraintViolation},
	}
	calls = append(calls, schemaViolations(t)...)
	if len(calls) < 300 {
		t.Fatalf("only %d violations derived from the schemas", len(calls))
	}
	seen := map[string]bool{}
	for i, c := range calls {
		seen[c.action] = true
		frame := fmt.Sprintf(`[2,"b%d",%q,%s]`, i, c.action, c.payload)
		f, err := cs.CallRaw(ctx, []byte(frame))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if f.Type != ocpp.CallError || f.ErrorCode != c.code {
			t.Errorf("%s: %s answered %+v, want CALLERROR %s", c.name, c.payload, f, c.code)
		}
	}
	for _, a := range ocpp201.ChargingStationActions {
		if !seen[a] {
			t.Errorf("no violation derived for %s", a)
		}
	}
	if _, err := cs.V201().Heartbeat(ctx); err != nil {
		t.Fatalf("heartbeat after bad input: %v", err)
	}
	t.Logf("%d invalid messages, each answered with its precise CALLERROR", len(calls))
}

// TestEveryStationMessageConforms201 sends every message a 2.0.1 station
// may send, synthesised from its official schema (with only the required
// properties, and with all of them), over a real socket: each is answered
// with a CALLRESULT valid against its response schema (Get15118EVCertificate,
// which needs a certificate provider the host plugs in, with NotSupported),
// and every frame the CSMS wrote validates.
func TestEveryStationMessageConforms201(t *testing.T) {
	s := schematest.NewSuite(t, suite201)
	schemas := schematest.LoadVersion(t, schemas.OCPP201)
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{AcceptUnknownIDTags: true})
	e.register(t, "CS-ALL", "pw-0123456789abcdef")
	cs := e.dial201(t, "CS-ALL", "pw-0123456789abcdef")
	ctx := context.Background()
	n := 0
	for _, sd := range s.Sides() {
		if sd.Resp || !slices.Contains(ocpp201.ChargingStationActions, sd.Action) {
			continue
		}
		for _, full := range []bool{false, true} {
			payload := schematest.MustJSON(t, s.Sample(sd, full))
			n++
			f, err := cs.CallRaw(ctx, []byte(fmt.Sprintf(`[2,"m%d",%q,%s]`, n, sd.Action, payload)))
			if err != nil {
				t.Fatalf("%s: %v", sd.Action, err)
			}
			if sd.Action == ocpp201.ActionGet15118EVCertificate {
				if f.Type != ocpp.CallError || f.ErrorCode != ocpp.NotSupported {
					t.Errorf("%s: %+v, want NotSupported", sd.Action, f)
				}
				continue
			}
			if f.Type != ocpp.CallResult {
				t.Errorf("%s (full %v) %s: answered %+v", sd.Action, full, payload, f)
				continue
			}
			if err := schemas.Validate(sd.Action, true, f.Payload); err != nil {
				t.Errorf("%s reply %s: %v", sd.Action, f.Payload, err)
			}
		}
	}
	sent, received := e.frames.snapshot()
	if got := schemas.Frames(t, sent, received); got < n-2 {
		t.Errorf("validated %d frames, want at least %d", got, n-2)
	}
}
