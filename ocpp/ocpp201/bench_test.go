package ocpp201_test

import (
	"encoding/json"
	"testing"

	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

func BenchmarkUnmarshalHeartbeat(b *testing.B) {
	payload := []byte(`{}`)
	var req ocpp201.HeartbeatRequest
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		if err := ocpp201.Unmarshal(payload, &req, ocpp201.Strict); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnmarshalTransactionEvent decodes a TransactionEvent(Updated)
// with four samples, the 2.0.1 counterpart of ocpp16's
// BenchmarkUnmarshalMeterValues.
func BenchmarkUnmarshalTransactionEvent(b *testing.B) {
	for _, mode := range []ocpp201.Mode{ocpp201.Strict, ocpp201.Tolerant} {
		b.Run(mode.String(), func(b *testing.B) {
			payload := []byte(transactionEventPayload)
			b.ReportAllocs()
			b.SetBytes(int64(len(payload)))
			for b.Loop() {
				var req ocpp201.TransactionEventRequest
				if err := ocpp201.Unmarshal(payload, &req, mode); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEncodingJSONTransactionEvent is the baseline: encoding/json
// alone, without any validation.
func BenchmarkEncodingJSONTransactionEvent(b *testing.B) {
	payload := []byte(transactionEventPayload)
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		var req ocpp201.TransactionEventRequest
		if err := json.Unmarshal(payload, &req); err != nil {
			b.Fatal(err)
		}
	}
}
