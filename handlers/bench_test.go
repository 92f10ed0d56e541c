package handlers_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/handlers"
	"github.com/ocppkit/ocppkit/internal/testdb"
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
