package store_test

import (
	"context"
	"testing"

	"github.com/ocppkit/ocppkit/store"
)

func TestSecurityEvents(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "SEC")
		for i, typ := range []string{"FirmwareUpdated", "InvalidCentralSystemCertificate", "SettingSystemTime"} {
			e := &store.SecurityEvent{ChargePointID: cp.ID, Type: typ, TechInfo: "info", Timestamp: at(i), ReceivedAt: at(i + 10)}
			if err := s.RecordSecurityEvent(ctx, e); err != nil || e.ID == 0 {
				t.Fatalf("RecordSecurityEvent: %v", err)
			}
		}
		// No station timestamp: the receive time stands in.
		if err := s.RecordSecurityEvent(ctx, &store.SecurityEvent{ChargePointID: cp.ID, Type: "ResetOrReboot", ReceivedAt: at(-5)}); err != nil {
			t.Fatal(err)
		}
		es, err := s.SecurityEvents(ctx, cp.ID, 0)
		if err != nil || len(es) != 4 || es[0].Type != "SettingSystemTime" || es[3].Type != "ResetOrReboot" {
			t.Fatalf("SecurityEvents = %+v, %v", es, err)
		}
		eqTime(t, "timestamp", es[3].Timestamp, at(-5))
		if two, err := s.SecurityEvents(ctx, cp.ID, 2); err != nil || len(two) != 2 {
			t.Fatalf("limited = %d, %v", len(two), err)
		}
	})
}
