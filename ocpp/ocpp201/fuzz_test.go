package ocpp201_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/ocppkit/ocppkit/internal/schematest"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/ocpp/schemas"
)

type fuzzTarget struct {
	action string
	resp   bool
}

// fuzzTargets are the messages FuzzUnmarshal decodes into: everything a
// charging station sends, its requests and its replies to the CSMS's
// commands. The first eight (the busiest station messages and the deepest,
// with customData and untyped data) keep their index, which the seeds
// below and the corpus in testdata/fuzz name.
var fuzzTargets = stationInput()

func stationInput() []fuzzTarget {
	targets := []fuzzTarget{
		{ocpp201.ActionTransactionEvent, false},
		{ocpp201.ActionBootNotification, false},
		{ocpp201.ActionStatusNotification, false},
		{ocpp201.ActionAuthorize, true},
		{ocpp201.ActionSetChargingProfile, false},
		{ocpp201.ActionNotifyReport, false},
		{ocpp201.ActionDataTransfer, false},
		{ocpp201.ActionNotifyEVChargingNeeds, false},
	}
	for _, sides := range []struct {
		actions []string
		resp    bool
	}{{ocpp201.ChargingStationActions, false}, {ocpp201.CSMSActions, true}} {
		for _, a := range sides.actions {
			if t := (fuzzTarget{a, sides.resp}); !slices.Contains(targets, t) {
				targets = append(targets, t)
			}
		}
	}
	return targets
}

// TestFuzzTargetsCoverStationInput: FuzzUnmarshal decodes every request a
// charging station sends and every reply it gives.
func TestFuzzTargetsCoverStationInput(t *testing.T) {
	for _, a := range ocpp201.ChargingStationActions {
		if !slices.Contains(fuzzTargets, fuzzTarget{a, false}) {
			t.Errorf("no fuzz target for %sRequest", a)
		}
	}
	for _, a := range ocpp201.CSMSActions {
		if !slices.Contains(fuzzTargets, fuzzTarget{a, true}) {
			t.Errorf("no fuzz target for %sResponse", a)
		}
	}
	if len(fuzzTargets) > 255 {
		t.Fatalf("%d fuzz targets, more than a uint8 picks", len(fuzzTargets))
	}
}

// FuzzUnmarshal: Unmarshal never panics, and a payload Strict accepts
// re-marshals into JSON that Strict accepts again, identically, and that
// the official schema accepts.
func FuzzUnmarshal(f *testing.F) {
	seeds := []string{
		transactionEventPayload,
		`{"reason":"PowerUp","chargingStation":{"model":"X1","vendorName":"ACME","modem":{"iccid":"1"}},"customData":{"vendorId":"a","x":[1,{"y":null}]}}`,
		`{"timestamp":"2024-05-01T12:00:00+02:00","connectorStatus":"Available","evseId":1,"connectorId":1}`,
		`{"idTokenInfo":{"status":"Accepted","evseId":[1,2],"groupIdToken":{"idToken":"G","type":"Central"}},"certificateStatus":"Accepted"}`,
		`{"evseId":1,"chargingProfile":{"id":1,"stackLevel":0,"chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Absolute","chargingSchedule":[{"id":1,"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":16.5e0}]}]}}`,
		`{"requestId":1,"generatedAt":"2024-05-01T12:00:00Z","seqNo":0,"reportData":[{"component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuthPassword"},"variableAttribute":[{"value":"x","mutability":"WriteOnly"}]}]}`,
		`{"vendorId":"acme","messageId":"m","data":{"any":["json",1,true,null]}}`,
		`{"evseId":1,"chargingNeeds":{"requestedEnergyTransfer":"DC","dcChargingParameters":{"evMaxCurrent":1,"evMaxVoltage":2,"stateOfCharge":"50"}}}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s))
	}
	set, err := schemas.Load(schemas.OCPP201)
	if err != nil {
		f.Fatal(err)
	}
	// A full sample of every target's schema (every property present).
	suite := schematest.NewSuite(f, version)
	for i, target := range fuzzTargets {
		side := schematest.Side{Action: target.action, Schema: set.Name(target.action, target.resp), Resp: target.resp}
		f.Add(uint8(i), schematest.MustJSON(f, suite.Sample(side, true)))
	}
	f.Fuzz(func(t *testing.T, which uint8, payload []byte) {
		target := fuzzTargets[int(which)%len(fuzzTargets)]
		if m := newMessage(t, target.action, target.resp); ocpp201.Unmarshal(payload, m, ocpp201.Tolerant) == nil {
			if _, err := json.Marshal(m); err != nil {
				t.Fatalf("tolerant result does not marshal: %v", err)
			}
		}
		m := newMessage(t, target.action, target.resp)
		if ocpp201.Unmarshal(payload, m, ocpp201.Strict) != nil {
			return
		}
		// Validate may call a present "" of a required string missing (see
		// Message); it must not fail otherwise.
		if err := m.Validate(); err != nil && ocpp.CodeOf(err) != ocpp.OccurenceConstraintViolation {
			t.Fatalf("accepted %q, Validate: %v", payload, err)
		}
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("accepted %q, Marshal: %v", payload, err)
		}
		again := newMessage(t, target.action, target.resp)
		if err := ocpp201.Unmarshal(out, again, ocpp201.Strict); err != nil {
			t.Fatalf("accepted %q, re-marshalled %s rejected: %v", payload, out, err)
		}
		if out2, _ := json.Marshal(again); string(out2) != string(out) {
			t.Fatalf("not stable:\n%s\n%s", out, out2)
		}
		if err := set.Validate(target.action, target.resp, out); err != nil {
			t.Fatalf("accepted %q, re-marshalled %s fails the schema: %v", payload, out, err)
		}
	})
}
