package store_test

import (
	"context"
	"testing"

	"github.com/ocppkit/ocppkit/store"
)

func TestConfiguration(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "CFG")
		err := s.RecordConfiguration(ctx, cp.ID, []store.ConfigurationKey{
			{Key: "HeartbeatInterval", Value: "300"},
			{Key: "NumberOfConnectors", Value: "2", Readonly: true},
			{Key: "HeartbeatInterval", Value: "600"}, // listed twice: the last wins
		}, []string{"VendorThing"}, at(0))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetConfigurationValue(ctx, cp.ID, "HeartbeatInterval", "900", false, at(1)); err != nil {
			t.Fatal(err)
		}
		if err := s.SetConfigurationValue(ctx, cp.ID, "MeterValueSampleInterval", "60", true, at(2)); err != nil {
			t.Fatal(err)
		}
		ks, err := s.Configuration(ctx, cp.ID)
		if err != nil || len(ks) != 4 {
			t.Fatalf("Configuration = %+v, %v", ks, err)
		}
		byKey := map[string]store.ConfigurationKey{}
		for _, k := range ks {
			byKey[k.Key] = k
		}
		if k := byKey["HeartbeatInterval"]; k.Value != "900" || k.ChangedAt == nil || k.ReportedAt == nil || k.RebootRequired {
			t.Errorf("HeartbeatInterval = %+v", k)
		}
		if k := byKey["NumberOfConnectors"]; k.Value != "2" || !k.Readonly {
			t.Errorf("NumberOfConnectors = %+v", k)
		}
		if k := byKey["VendorThing"]; !k.Unknown {
			t.Errorf("VendorThing = %+v", k)
		}
		if k := byKey["MeterValueSampleInterval"]; k.Value != "60" || !k.RebootRequired || k.ReportedAt != nil {
			t.Errorf("MeterValueSampleInterval = %+v", k)
		}
		// A later report clears RebootRequired and keeps the changed time.
		if err := s.RecordConfiguration(ctx, cp.ID, []store.ConfigurationKey{{Key: "MeterValueSampleInterval", Value: "60"}}, nil, at(3)); err != nil {
			t.Fatal(err)
		}
		k, err := s.ConfigurationValue(ctx, cp.ID, "MeterValueSampleInterval")
		if err != nil || k.RebootRequired || k.ChangedAt == nil {
			t.Errorf("after report = %+v, %v", k, err)
		}
		_, err = s.ConfigurationValue(ctx, cp.ID, "Nope")
		wantNotFound(t, err)
	})
}
