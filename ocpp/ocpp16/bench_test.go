package ocpp16_test

import (
	"encoding/json"
	"testing"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
)

func BenchmarkUnmarshalHeartbeat(b *testing.B) {
	payload := []byte(`{}`)
	var req ocpp16.HeartbeatRequest
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		if err := ocpp16.Unmarshal(payload, &req, ocpp16.Strict); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnmarshalMeterValues(b *testing.B) {
	for _, mode := range []ocpp16.Mode{ocpp16.Strict, ocpp16.Tolerant} {
		b.Run(mode.String(), func(b *testing.B) {
			payload := []byte(meterValuesPayload)
			b.ReportAllocs()
			b.SetBytes(int64(len(payload)))
			for b.Loop() {
				var req ocpp16.MeterValuesRequest
				if err := ocpp16.Unmarshal(payload, &req, mode); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEncodingJSONMeterValues is the baseline: encoding/json alone,
// without any validation.
func BenchmarkEncodingJSONMeterValues(b *testing.B) {
	payload := []byte(meterValuesPayload)
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		var req ocpp16.MeterValuesRequest
		if err := json.Unmarshal(payload, &req); err != nil {
			b.Fatal(err)
		}
	}
}
