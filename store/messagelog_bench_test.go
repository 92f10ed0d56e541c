package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/store"
)

// BenchmarkMessageLog measures the message log's writing: b.N frames of
// 1000 charge points, queued at once and written by the MessageLog's
// batches (the time of the database's work, as one writer does it).
// "no per-cp index" drops idx_ocpp_messages_charge_point to show what the
// per-charge-point index costs.
func BenchmarkMessageLog(b *testing.B) {
	frame := []byte(`[2,"1234567","MeterValues",{"connectorId":1,"transactionId":123456789,"meterValue":[{"timestamp":"2026-12-03T09:00:00.000Z","sampledValue":[` +
		strings.Repeat(`{"value":"12345.678","measurand":"Energy.Active.Import.Register","unit":"Wh"},`, 3) + `{"value":"7000","measurand":"Power.Active.Import","unit":"W"}]}]}]`)
	for _, index := range []bool{true, false} {
		name := "per-cp index"
		if !index {
			name = "no per-cp index"
		}
		b.Run(name, func(b *testing.B) {
			benchDBs(b, func(b *testing.B, s *store.Store) {
				if !index {
					if err := s.DB().Exec("DROP INDEX idx_ocpp_messages_charge_point").Error; err != nil {
						b.Fatal(err)
					}
				}
				ids := make([]string, 1000)
				for i := range ids {
					ids[i] = fmt.Sprintf("cp%05d", i)
				}
				l := store.NewMessageLog(s.DB(), store.MessageLogConfig{Queue: b.N + 1, MaxBatch: 1000})
				now := time.Now()
				b.ResetTimer()
				for i := range b.N {
					l.Add(uint(i%1000+1), ids[i%1000], store.DirectionIn, frame, now)
				}
				if err := l.Close(context.Background()); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
				if l.Dropped() != 0 {
					b.Fatalf("%d frames dropped", l.Dropped())
				}
			})
		})
	}
}
