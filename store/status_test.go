package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/store"
)

func TestAggregateStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		connectors map[int]string
		want       string
	}{
		{"nothing known", map[int]string{}, ""},
		{"only connector 0", map[int]string{0: "Available"}, "Available"},
		{"connector 0 faulted wins over charging", map[int]string{0: "Faulted", 1: "Charging"}, "Faulted"},
		{"connector 0 unavailable wins", map[int]string{0: "Unavailable", 1: "Available"}, "Unavailable"},
		{"connector 0 available defers to connectors", map[int]string{0: "Available", 1: "Charging"}, "Charging"},
		{"single connector takes its status", map[int]string{1: "Preparing"}, "Preparing"},
		{"single connector finishing", map[int]string{0: "Available", 1: "Finishing"}, "Finishing"},
		{"any charging", map[int]string{1: "Available", 2: "Charging", 3: "Faulted"}, "Charging"},
		{"all available", map[int]string{1: "Available", 2: "Available"}, "Available"},
		{"occupied beats available", map[int]string{1: "Available", 2: "SuspendedEV"}, "SuspendedEV"},
		{"faulted connector beats occupied", map[int]string{1: "Faulted", 2: "Preparing"}, "Faulted"},
		{"suspended evse beats suspended ev", map[int]string{1: "SuspendedEV", 2: "SuspendedEVSE"}, "SuspendedEVSE"},
		{"reserved beats unavailable", map[int]string{1: "Reserved", 2: "Unavailable"}, "Reserved"},
		{"unknown vendor status beats available only", map[int]string{1: "Available", 2: "Weird"}, "Weird"},
		{"unknown vendor statuses are ordered by name", map[int]string{1: "Zeta", 2: "Alpha"}, "Alpha"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := store.AggregateStatus(tt.connectors); got != tt.want {
				t.Errorf("AggregateStatus(%v) = %q, want %q", tt.connectors, got, tt.want)
			}
		})
	}
}

func TestUpdateConnectorStatus(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "STATUS")
		steps := []struct {
			name   string
			in     store.ConnectorStatus
			wantCP string
		}{
			{"connector 0 available", store.ConnectorStatus{ConnectorID: 0, Status: "Available", ErrorCode: "NoError", Timestamp: at(0)}, "Available"},
			{"connector 1 available", store.ConnectorStatus{ConnectorID: 1, Status: "Available", ErrorCode: "NoError", Timestamp: at(1)}, "Available"},
			{"connector 2 preparing", store.ConnectorStatus{ConnectorID: 2, Status: "Preparing", ErrorCode: "NoError", Timestamp: at(2)}, "Preparing"},
			{"connector 2 charging", store.ConnectorStatus{ConnectorID: 2, Status: "Charging", ErrorCode: "NoError", Timestamp: at(3)}, "Charging"},
			{"connector 1 faulted while 2 charges", store.ConnectorStatus{ConnectorID: 1, Status: "Faulted", ErrorCode: "GroundFailure",
				Info: "ground", VendorID: "ACME", VendorErrorCode: "E42", Timestamp: at(4)}, "Charging"},
			{"connector 2 available, 1 still faulted", store.ConnectorStatus{ConnectorID: 2, Status: "Available", ErrorCode: "NoError", Timestamp: at(5)}, "Faulted"},
			{"connector 0 unavailable", store.ConnectorStatus{ConnectorID: 0, Status: "Unavailable", ErrorCode: "NoError", Timestamp: at(6)}, "Unavailable"},
			{"connector 1 recovers, 0 still unavailable", store.ConnectorStatus{ConnectorID: 1, Status: "Available", ErrorCode: "NoError", Timestamp: at(7)}, "Unavailable"},
			{"connector 0 available again", store.ConnectorStatus{ConnectorID: 0, Status: "Available", ErrorCode: "NoError", Timestamp: at(8)}, "Available"},
		}
		for _, st := range steps {
			got, err := s.UpdateConnectorStatus(ctx, cp.ID, st.in)
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if got.Status != st.wantCP {
				t.Errorf("%s: returned status %q, want %q", st.name, got.Status, st.wantCP)
			}
			stored, _ := s.ChargePointByID(ctx, cp.ID)
			if stored.Status != st.wantCP {
				t.Errorf("%s: stored status %q, want %q", st.name, stored.Status, st.wantCP)
			}
			status, code, updated := stored.ConnectorStatus(st.in.ConnectorID)
			if status != st.in.Status || code != st.in.ErrorCode {
				t.Errorf("%s: metadata status %q/%q", st.name, status, code)
			}
			eqTime(t, st.name+": metadata updated_at", updated, st.in.Timestamp)
		}

		stored, _ := s.ChargePointByID(ctx, cp.ID)
		want := map[string]any{
			"connector_0_status": "Available", "connector_0_error_code": "NoError", "connector_0_updated_at": at(8).Format(time.RFC3339),
			"connector_1_status": "Available", "connector_1_error_code": "NoError", "connector_1_updated_at": at(7).Format(time.RFC3339),
			"connector_2_status": "Available", "connector_2_error_code": "NoError", "connector_2_updated_at": at(5).Format(time.RFC3339),
		}
		for k, v := range want {
			if stored.Metadata[k] != v {
				t.Errorf("metadata[%s] = %v, want %v", k, stored.Metadata[k], v)
			}
		}
		if len(stored.Metadata) != len(want) {
			t.Errorf("metadata = %v", stored.Metadata)
		}
		if status, _, _ := stored.ConnectorStatus(9); status != "" {
			t.Errorf("unknown connector status %q", status)
		}

		conns, err := s.Connectors(ctx, cp.ID)
		if err != nil || len(conns) != 3 {
			t.Fatalf("Connectors = %+v, %v", conns, err)
		}
		c1 := conns[1]
		if c1.ConnectorID != 1 || c1.Status != "Available" || c1.ErrorCode != "NoError" || c1.Info != "" {
			t.Errorf("connector 1 = %+v", c1)
		}
		eqTime(t, "connector 1 status_at", c1.StatusAt, at(7))

		// Host metadata keys survive status updates.
		stored.Metadata["site"] = "depot"
		if err := s.DB().Model(stored).Update("metadata", stored.Metadata).Error; err != nil {
			t.Fatal(err)
		}
		got, err := s.UpdateConnectorStatus(ctx, cp.ID, store.ConnectorStatus{ConnectorID: 1, Status: "Faulted", ErrorCode: "GroundFailure", Info: "i", VendorID: "v", VendorErrorCode: "ve"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Metadata["site"] != "depot" {
			t.Errorf("host metadata lost: %v", got.Metadata)
		}
		if _, _, updated := got.ConnectorStatus(1); time.Since(updated) > time.Minute {
			t.Errorf("zero timestamp not replaced by now: %v", updated)
		}
		conns, _ = s.Connectors(ctx, cp.ID)
		if c := conns[1]; c.Info != "i" || c.VendorID != "v" || c.VendorErrorCode != "ve" {
			t.Errorf("connector 1 = %+v", c)
		}

		_, err = s.UpdateConnectorStatus(ctx, cp.ID+77, store.ConnectorStatus{ConnectorID: 1, Status: "Available"})
		wantNotFound(t, err)
	})
}

func TestIDTags(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, err := s.LookupIDTag(ctx, "RFID1")
		wantNotFound(t, err)
		if err := s.UpsertIDTag(ctx, store.IDTag{Tag: "RFID1"}); err != nil {
			t.Fatal(err)
		}
		tag, err := s.LookupIDTag(ctx, "RFID1")
		if err != nil || tag.Status != store.IDTagAccepted || tag.ExpiryDate != nil {
			t.Fatalf("LookupIDTag = %+v, %v", tag, err)
		}
		if err := s.UpsertIDTag(ctx, store.IDTag{Tag: "RFID1", Status: store.IDTagBlocked, ExpiryDate: ptr(at(60)), ParentTag: "P"}); err != nil {
			t.Fatal(err)
		}
		again, err := s.LookupIDTag(ctx, "RFID1")
		if err != nil || again.ID != tag.ID || again.Status != store.IDTagBlocked || again.ParentTag != "P" || again.ExpiryDate == nil {
			t.Fatalf("after update: %+v, %v", again, err)
		}
		eqTime(t, "expiry", *again.ExpiryDate, at(60))
	})
}
