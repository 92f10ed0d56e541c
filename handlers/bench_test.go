package handlers_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/handlers"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/store"
)

// newDefaults returns a registry with the default handlers on a fresh,
// migrated SQLite database and one registered charge point.
func newDefaults(tb testing.TB) (*handlers.Registry, *handlers.Call, *store.Store) {
	tb.Helper()
	db := testdb.SQLite(tb)
	ctx := context.Background()
	if err := store.Migrate(ctx, db); err != nil {
		tb.Fatal(err)
	}
	s := store.New(db)
	cp, _, err := s.EnsureChargePoint(ctx, "CP-1")
	if err != nil {
		tb.Fatal(err)
	}
	mem := broadcast.NewMemory(broadcast.MemoryConfig{})
	d := handlers.NewDefaults(handlers.DefaultsConfig{Store: s, Broadcaster: mem})
	tb.Cleanup(func() {
		if err := d.Close(context.Background()); err != nil {
			tb.Error(err)
		}
		mem.Close()
	})
	r := handlers.NewRegistry(nil)
	d.Register(r)
	c := newCall("")
	c.ChargePoint = cp
	return r, c, s
}

// BenchmarkDispatchHeartbeat is the per-message path of the commonest
// message: decode, validate, handle, validate and encode the reply.
func BenchmarkDispatchHeartbeat(b *testing.B) {
	r, c, _ := newDefaults(b)
	c.Action = "Heartbeat"
	payload := json.RawMessage(`{}`)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Dispatch(ctx, c, payload); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDispatchMeterValues measures one MeterValues with four samples,
// persisted (one commit per message: no other writer to share it with).
func BenchmarkDispatchMeterValues(b *testing.B) {
	r, c, _ := newDefaults(b)
	ctx := context.Background()
	c.Action = "StartTransaction"
	out, err := r.Dispatch(ctx, c, json.RawMessage(`{"connectorId":1,"idTag":"T","meterStart":0,"timestamp":"2026-01-01T00:00:00Z"}`))
	if err != nil {
		b.Fatal(err)
	}
	var start struct{ TransactionId int }
	json.Unmarshal(out, &start)
	c.Action = "MeterValues"
	payload := json.RawMessage(`{"connectorId":1,"transactionId":` + itoa(start.TransactionId) + `,"meterValue":[{"timestamp":"2026-01-01T00:01:00Z","sampledValue":[` +
		`{"value":"1200","measurand":"Energy.Active.Import.Register","unit":"Wh"},` +
		`{"value":"7200","measurand":"Power.Active.Import","unit":"W"},` +
		`{"value":"31.2","measurand":"Current.Import","unit":"A","phase":"L1"},` +
		`{"value":"230.1","measurand":"Voltage","unit":"V","phase":"L1-N"}]}]}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Dispatch(ctx, c, payload); err != nil {
			b.Fatal(err)
		}
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// BenchmarkDispatchHeartbeat201 is BenchmarkDispatchHeartbeat on a 2.0.1
// connection.
func BenchmarkDispatchHeartbeat201(b *testing.B) {
	r, c, _ := newDefaults(b)
	c.Action, c.Version = "Heartbeat", ocpp.OCPP201
	payload := json.RawMessage(`{}`)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Dispatch(ctx, c, payload); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDispatchTransactionEvent measures one TransactionEvent(Updated)
// with the same four samples as BenchmarkDispatchMeterValues, persisted
// with its event row (one commit per message, as there), each a new event
// of a running session: the 2.0.1 counterpart of MeterValues.
func BenchmarkDispatchTransactionEvent(b *testing.B) {
	r, c, _ := newDefaults(b)
	ctx := context.Background()
	c.Version = ocpp.OCPP201
	c.Action = "TransactionEvent"
	if _, err := r.Dispatch(ctx, c, json.RawMessage(`{"eventType":"Started","timestamp":"2026-01-01T00:00:00Z","triggerReason":"Authorized","seqNo":0,`+
		`"transactionInfo":{"transactionId":"bench-1","chargingState":"Charging"},"evse":{"id":1,"connectorId":1},`+
		`"meterValue":[{"timestamp":"2026-01-01T00:00:00Z","sampledValue":[{"value":0,"context":"Transaction.Begin"}]}]}`)); err != nil {
		b.Fatal(err)
	}
	base := time.Date(2026, 1, 1, 0, 1, 0, 0, time.UTC)
	b.ReportAllocs()
	seq := 0
	for b.Loop() {
		seq++
		ts := `"` + base.Add(time.Duration(seq)*time.Millisecond).Format("2006-01-02T15:04:05.000Z") + `"`
		payload := json.RawMessage(`{"eventType":"Updated","timestamp":` + ts + `,"triggerReason":"MeterValuePeriodic","seqNo":` + itoa(seq) + `,` +
			`"transactionInfo":{"transactionId":"bench-1","chargingState":"Charging"},"meterValue":[{"timestamp":` + ts + `,"sampledValue":[` +
			`{"value":1200,"measurand":"Energy.Active.Import.Register","unitOfMeasure":{"unit":"Wh"}},` +
			`{"value":7200,"measurand":"Power.Active.Import","unitOfMeasure":{"unit":"W"}},` +
			`{"value":31.2,"measurand":"Current.Import","phase":"L1","unitOfMeasure":{"unit":"A"}},` +
			`{"value":230.1,"measurand":"Voltage","phase":"L1-N","unitOfMeasure":{"unit":"V"}}]}]}`)
		if _, err := r.Dispatch(ctx, c, payload); err != nil {
			b.Fatal(err)
		}
	}
}
