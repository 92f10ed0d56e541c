package v16_test

import (
	"encoding/json"
	"testing"

	v16 "github.com/ocppkit/ocppkit/ocpp/v16"
)

func BenchmarkUnmarshalHeartbeat(b *testing.B) {
	payload := []byte(`{}`)
	var req v16.HeartbeatRequest
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		if err := v16.Unmarshal(payload, &req, v16.Strict); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnmarshalMeterValues(b *testing.B) {
	for _, mode := range []v16.Mode{v16.Strict, v16.Tolerant} {
		b.Run(mode.String(), func(b *testing.B) {
			payload := []byte(meterValuesPayload)
			b.ReportAllocs()
			b.SetBytes(int64(len(payload)))
			for b.Loop() {
				var req v16.MeterValuesRequest
				if err := v16.Unmarshal(payload, &req, mode); err != nil {
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
		var req v16.MeterValuesRequest
		if err := json.Unmarshal(payload, &req); err != nil {
			b.Fatal(err)
		}
	}
}
