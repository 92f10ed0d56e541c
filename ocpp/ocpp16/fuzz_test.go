package ocpp16_test

import (
	"encoding/json"
	"testing"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
)

type fuzzTarget struct {
	schema string
	action string
	resp   bool
}

// fuzzTargets are the messages FuzzUnmarshal decodes into: everything a
// charge point sends, its requests and its replies to the Central System's
// commands. The first six keep their index, which the seeds below name.
var fuzzTargets = stationInput()

func stationInput() []fuzzTarget {
	targets := []fuzzTarget{
		{"MeterValues", ocpp16.ActionMeterValues, false},
		{"BootNotification", ocpp16.ActionBootNotification, false},
		{"StatusNotification", ocpp16.ActionStatusNotification, false},
		{"StartTransactionResponse", ocpp16.ActionStartTransaction, true},
		{"SetChargingProfile", ocpp16.ActionSetChargingProfile, false},
		{"GetInstalledCertificateIdsResponse", ocpp16.ActionGetInstalledCertificateIds, true},
	}
	has := func(schema string) bool {
		for _, t := range targets {
			if t.schema == schema {
				return true
			}
		}
		return false
	}
	for _, a := range ocpp16.ChargePointActions {
		if !has(a) {
			targets = append(targets, fuzzTarget{a, a, false})
		}
	}
	for _, a := range ocpp16.CentralSystemActions {
		if !has(a + "Response") {
			targets = append(targets, fuzzTarget{a + "Response", a, true})
		}
	}
	return targets
}

// TestFuzzTargetsCoverStationInput: FuzzUnmarshal decodes every request a
// charge point sends and every reply it gives.
func TestFuzzTargetsCoverStationInput(t *testing.T) {
	seen := map[string]bool{}
	for _, tt := range fuzzTargets {
		seen[tt.schema] = true
	}
	for _, a := range ocpp16.ChargePointActions {
		if !seen[a] {
			t.Errorf("no fuzz target for %s", a)
		}
	}
	for _, a := range ocpp16.CentralSystemActions {
		if !seen[a+"Response"] {
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
		meterValuesPayload,
		`{"chargePointVendor":"ACME","chargePointModel":"X1","firmwareVersion":"1.0\u00e9"}`,
		`{"connectorId":0,"errorCode":"NoError","status":"Available","timestamp":"2024-05-01T12:00:00+02:00"}`,
		`{"idTagInfo":{"status":"Accepted","expiryDate":"2030-01-01T00:00:00Z","parentIdTag":"P"},"transactionId":5}`,
		`{"connectorId":1,"csChargingProfiles":{"chargingProfileId":1,"stackLevel":0,"chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Absolute","chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":16.5e0}]}}}`,
		`{"status":"Accepted","certificateHashData":[{"hashAlgorithm":"SHA256","issuerNameHash":"a","issuerKeyHash":"b","serialNumber":"c"}]}`,
		`{"connectorId":"1","meterValue":[{"timestamp":"2024-05-01T12:00:00","sampledValue":[{"value":"1","unit":"kwh"}]}]}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s))
	}
	set := loadSchemas(f)
	// A full sample of every target's schema (every property present).
	for i, target := range fuzzTargets {
		f.Add(uint8(i), mustJSON(f, set.fullSample(target.schema)))
	}
	f.Fuzz(func(t *testing.T, which uint8, payload []byte) {
		target := fuzzTargets[int(which)%len(fuzzTargets)]
		if m := newMessage(t, target.action, target.resp); ocpp16.Unmarshal(payload, m, ocpp16.Tolerant) == nil {
			if _, err := json.Marshal(m); err != nil {
				t.Fatalf("tolerant result does not marshal: %v", err)
			}
		}
		m := newMessage(t, target.action, target.resp)
		if ocpp16.Unmarshal(payload, m, ocpp16.Strict) != nil {
			return
		}
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("accepted %q, Marshal: %v", payload, err)
		}
		again := newMessage(t, target.action, target.resp)
		if err := ocpp16.Unmarshal(out, again, ocpp16.Strict); err != nil {
			t.Fatalf("accepted %q, re-marshalled %s rejected: %v", payload, out, err)
		}
		if out2, _ := json.Marshal(again); string(out2) != string(out) {
			t.Fatalf("not stable:\n%s\n%s", out, out2)
		}
		if err := set.validateJSON(target.schema, out); err != nil {
			t.Fatalf("accepted %q, re-marshalled %s fails the schema: %v", payload, out, err)
		}
	})
}
