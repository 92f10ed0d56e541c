package store_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/store"
)

func TestMigrateIdempotentAndIndexes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		t.Parallel()
		ctx := context.Background()
		for i := range 3 {
			if err := store.Migrate(ctx, db); err != nil {
				t.Fatalf("Migrate #%d: %v", i+1, err)
			}
		}
		type idx struct{ Name, Def string }
		var got []idx
		var err error
		if db.Dialector.Name() == "postgres" {
			err = db.Raw(`SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = current_schema()`).Scan(&got).Error
		} else {
			err = db.Raw(`SELECT name, COALESCE(sql, '') AS def FROM sqlite_master WHERE type = 'index'`).Scan(&got).Error
		}
		if err != nil {
			t.Fatal(err)
		}
		defs := map[string]string{}
		for _, i := range got {
			defs[i.Name] = i.Def
		}
		tests := []struct {
			name     string
			contains []string
		}{
			{"idx_ocpp_charge_points_identifier", []string{"UNIQUE", "identifier"}},
			{"idx_ocpp_connectors_charge_point_evse_connector", []string{"UNIQUE", "charge_point_id", "evse_id", "connector_id"}},
			{"idx_ocpp_charging_sessions_station_transaction", []string{"UNIQUE", "charge_point_id", "station_transaction_id", "WHERE"}},
			{"idx_ocpp_transaction_events_event", []string{"UNIQUE", "charging_session_id", "seq_no", "timestamp"}},
			{"idx_ocpp_variables_key", []string{"UNIQUE", "component", "evse_id", "connector_id", "name", "attribute"}},
			{"idx_ocpp_charging_sessions_transaction_id", []string{"UNIQUE", "transaction_id", "WHERE", "unmatched = false"}},
			{"idx_ocpp_charging_sessions_unmatched", []string{"UNIQUE", "WHERE", "unmatched = true"}},
			{"idx_ocpp_meter_values_reading", []string{"UNIQUE", "charge_point_id", "timestamp", "measurand", "connector_id", "transaction_id", "phase", "location", "context"}},
			{"idx_ocpp_meter_values_session", []string{"charging_session_id", "timestamp"}},
			{"idx_ocpp_id_tags_tag", []string{"UNIQUE", "tag"}},
			{"idx_ocpp_commands_identifier_status", []string{"identifier", "status"}},
			{"idx_ocpp_messages_charge_point", []string{"charge_point_id", "id"}},
		}
		for _, tt := range tests {
			def, ok := defs[tt.name]
			if !ok {
				t.Errorf("index %s missing (have %v)", tt.name, defs)
				continue
			}
			// In order: the key's column order decides what the index
			// serves and how inserts spread over its pages.
			rest := strings.ToLower(def)
			for _, c := range tt.contains {
				i := strings.Index(rest, strings.ToLower(c))
				if i < 0 {
					t.Errorf("index %s = %q, want it to contain %q after %q", tt.name, def, c, strings.Join(tt.contains[:slices.Index(tt.contains, c)], ", "))
					break
				}
				rest = rest[i+len(c):]
			}
		}
	})
}

func TestChargePointLookups(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "CP-1")
		if cp.ID == 0 || cp.Identifier != "CP-1" || cp.Metadata == nil {
			t.Fatalf("created %+v", cp)
		}
		got, err := s.ChargePointByIdentifier(ctx, "CP-1")
		if err != nil || got.ID != cp.ID {
			t.Fatalf("ChargePointByIdentifier = %+v, %v", got, err)
		}
		got, err = s.ChargePointByID(ctx, cp.ID)
		if err != nil || got.Identifier != "CP-1" {
			t.Fatalf("ChargePointByID = %+v, %v", got, err)
		}
		_, err = s.ChargePointByIdentifier(ctx, "nope")
		wantNotFound(t, err)
		_, err = s.ChargePointByID(ctx, cp.ID+100)
		wantNotFound(t, err)

		again, created, err := s.EnsureChargePoint(ctx, "CP-1")
		if err != nil || created || again.ID != cp.ID {
			t.Fatalf("EnsureChargePoint(existing) = %+v, %v, %v", again, created, err)
		}
		newCP(t, s, "A-0")
		list, err := s.ListChargePoints(ctx)
		if err != nil || len(list) != 2 || list[0].Identifier != "A-0" || list[1].Identifier != "CP-1" {
			t.Fatalf("ListChargePoints = %+v, %v", list, err)
		}
	})
}

func TestEnsureChargePointConcurrent(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		const n = 20
		var wg sync.WaitGroup
		ids := make([]uint, n)
		created := make([]bool, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				cp, c, err := s.EnsureChargePoint(context.Background(), "RACE")
				errs[i], created[i] = err, c
				if cp != nil {
					ids[i] = cp.ID
				}
			})
		}
		wg.Wait()
		creators := 0
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("EnsureChargePoint #%d: %v", i, errs[i])
			}
			if ids[i] != ids[0] || ids[i] == 0 {
				t.Errorf("id #%d = %d, want %d", i, ids[i], ids[0])
			}
			if created[i] {
				creators++
			}
		}
		if creators != 1 {
			t.Errorf("%d callers created the row, want 1", creators)
		}
	})
}

func TestRegisterChargePoint(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp, err := s.RegisterChargePoint(ctx, "REG", "sha256$aa$bb")
		if err != nil || cp.PasswordDigest != "sha256$aa$bb" || cp.ID == 0 {
			t.Fatalf("RegisterChargePoint = %+v, %v", cp, err)
		}
		again, err := s.RegisterChargePoint(ctx, "REG", "sha256$cc$dd")
		if err != nil || again.ID != cp.ID || again.PasswordDigest != "sha256$cc$dd" {
			t.Fatalf("RegisterChargePoint(again) = %+v, %v", again, err)
		}
		if err := s.SetPasswordDigest(ctx, "REG", ""); err != nil {
			t.Fatal(err)
		}
		got, err := s.ChargePointByIdentifier(ctx, "REG")
		if err != nil || got.PasswordDigest != "" {
			t.Fatalf("after SetPasswordDigest: %+v, %v", got, err)
		}
		wantNotFound(t, s.SetPasswordDigest(ctx, "nope", "x"))
		open, err := s.RegisterChargePoint(ctx, "OPEN", "")
		if err != nil || open.PasswordDigest != "" {
			t.Fatalf("RegisterChargePoint(no password) = %+v, %v", open, err)
		}
	})
}

func TestMarkConnectedDisconnected(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "CONN")
		first := base.Add(123456789 * time.Nanosecond)
		second := at(1)
		if err := s.MarkConnected(ctx, cp.ID, "node-a", first); err != nil {
			t.Fatal(err)
		}
		// The charger reconnects (to another node) before the first socket's
		// disconnect is recorded.
		if err := s.MarkConnected(ctx, cp.ID, "node-b", second); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkDisconnected(ctx, cp.ID, first, at(2)); err != nil {
			t.Fatal(err)
		}
		got, _ := s.ChargePointByID(ctx, cp.ID)
		if !got.IsConnected() || got.Node != "node-b" || got.DisconnectedAt != nil {
			t.Fatalf("stale disconnect applied: %+v", got)
		}
		eqTime(t, "connected_at", *got.ConnectedAt, second)

		if err := s.MarkDisconnected(ctx, cp.ID, second, at(3)); err != nil {
			t.Fatal(err)
		}
		got, _ = s.ChargePointByID(ctx, cp.ID)
		if got.IsConnected() || got.DisconnectedAt == nil {
			t.Fatalf("disconnect not applied: %+v", got)
		}
		eqTime(t, "disconnected_at", *got.DisconnectedAt, at(3))
		wantNotFound(t, s.MarkConnected(ctx, cp.ID+99, "n", at(0)))
	})
}

func TestMarkNodeDisconnected(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for i := range 5 {
			cp := newCP(t, s, id("N", i))
			node := "node-a"
			if i >= 3 {
				node = "node-b"
			}
			if err := s.MarkConnected(ctx, cp.ID, node, at(i)); err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.MarkNodeDisconnected(ctx, "node-a", at(10))
		if err != nil || n != 3 {
			t.Fatalf("MarkNodeDisconnected = %d, %v; want 3", n, err)
		}
		c, err := s.CountConnected(ctx)
		if err != nil || c != 2 {
			t.Fatalf("CountConnected = %d, %v; want 2", c, err)
		}
		n, err = s.MarkNodeDisconnected(ctx, "node-a", at(11))
		if err != nil || n != 0 {
			t.Fatalf("MarkNodeDisconnected again = %d, %v; want 0", n, err)
		}
	})
}

func TestRecordBoot(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "BOOT")
		info := store.BootInfo{
			Vendor: "V", Model: "M", SerialNumber: "S", ChargeBoxSerialNumber: "CB",
			FirmwareVersion: "1.2", ICCID: "IC", IMSI: "IM", MeterType: "MT", MeterSerialNumber: "MS", At: at(5),
		}
		if err := s.RecordBoot(ctx, cp.ID, info); err != nil {
			t.Fatal(err)
		}
		got, _ := s.ChargePointByID(ctx, cp.ID)
		if got.Vendor != "V" || got.Model != "M" || got.SerialNumber != "S" || got.ChargeBoxSerialNumber != "CB" ||
			got.FirmwareVersion != "1.2" || got.ICCID != "IC" || got.IMSI != "IM" || got.MeterType != "MT" ||
			got.MeterSerialNumber != "MS" || got.BootedAt == nil {
			t.Fatalf("after RecordBoot: %+v", got)
		}
		eqTime(t, "booted_at", *got.BootedAt, at(5))
		wantNotFound(t, s.RecordBoot(ctx, cp.ID+50, info))
	})
}

func TestTouchHeartbeats(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const n = 1100 // more than one UPDATE chunk
		cps := make([]store.ChargePoint, n)
		for i := range cps {
			cps[i] = store.ChargePoint{Identifier: id("HB", i), Metadata: store.JSONMap{}}
		}
		if err := s.DB().CreateInBatches(cps, 200).Error; err != nil {
			t.Fatal(err)
		}
		beats := map[uint]time.Time{999999: at(0)} // unknown ids are ignored
		for i, cp := range cps {
			beats[cp.ID] = at(i % 7).Add(time.Duration(i) * time.Millisecond)
		}
		if err := s.TouchHeartbeats(ctx, beats); err != nil {
			t.Fatal(err)
		}
		if err := s.TouchHeartbeats(ctx, nil); err != nil {
			t.Fatal(err)
		}
		var got []store.ChargePoint
		if err := s.DB().Find(&got).Error; err != nil {
			t.Fatal(err)
		}
		if len(got) != n {
			t.Fatalf("%d charge points", len(got))
		}
		for _, cp := range got {
			if cp.LastHeartbeatAt == nil {
				t.Fatalf("%s: no heartbeat", cp.Identifier)
			}
			eqTime(t, cp.Identifier, *cp.LastHeartbeatAt, beats[cp.ID])
		}
	})
}

func TestChargePointScopes(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		rows := []struct {
			identifier string
			status     string
			connected  bool
		}{
			{"S-AVAIL-ON", "Available", true},
			{"S-AVAIL-OFF", "Available", false},
			{"S-CHARGING", "Charging", true},
			{"S-FAULTED", "Faulted", true},
		}
		for _, r := range rows {
			cp := newCP(t, s, r.identifier)
			if err := s.DB().Model(cp).Updates(map[string]any{"status": r.status, "connected": r.connected}).Error; err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			name   string
			scopes []func(*gorm.DB) *gorm.DB
			want   []string
		}{
			{"connected", []func(*gorm.DB) *gorm.DB{store.Connected}, []string{"S-AVAIL-ON", "S-CHARGING", "S-FAULTED"}},
			{"available", []func(*gorm.DB) *gorm.DB{store.Available}, []string{"S-AVAIL-ON"}},
			{"charging", []func(*gorm.DB) *gorm.DB{store.Charging}, []string{"S-CHARGING"}},
			{"connected and charging", []func(*gorm.DB) *gorm.DB{store.Connected, store.Charging}, []string{"S-CHARGING"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var got []store.ChargePoint
				if err := s.DB().WithContext(ctx).Scopes(tt.scopes...).Order("identifier").Find(&got).Error; err != nil {
					t.Fatal(err)
				}
				var names []string
				for _, cp := range got {
					names = append(names, cp.Identifier)
				}
				if !slices.Equal(names, sorted(tt.want)) {
					t.Errorf("got %v, want %v", names, sorted(tt.want))
				}
			})
		}
		cp, _ := s.ChargePointByIdentifier(ctx, "S-AVAIL-ON")
		off, _ := s.ChargePointByIdentifier(ctx, "S-AVAIL-OFF")
		if !cp.IsAvailable() || !cp.IsConnected() || off.IsAvailable() || off.IsConnected() {
			t.Errorf("IsAvailable/IsConnected wrong: %+v %+v", cp, off)
		}
	})
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
