package store_test

import (
	"context"
	"testing"

	"github.com/ocppkit/ocppkit/store"
)

func TestChargingProfiles(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "CPR")
		save := func(id, connector, stack int, purpose string) {
			t.Helper()
			p, err := s.SaveChargingProfile(ctx, store.ChargingProfile{ChargePointID: cp.ID, ProfileID: id, ConnectorID: connector, StackLevel: stack, Purpose: purpose, Kind: "Absolute", Profile: `{"chargingProfileId":1}`})
			if err != nil || p.ID == 0 {
				t.Fatalf("SaveChargingProfile(%d) = %+v, %v", id, p, err)
			}
		}
		ids := func() []int {
			t.Helper()
			ps, err := s.ChargingProfiles(ctx, cp.ID)
			if err != nil {
				t.Fatal(err)
			}
			out := []int{}
			for _, p := range ps {
				out = append(out, p.ProfileID)
			}
			return out
		}
		eq := func(what string, got []int, want ...int) {
			t.Helper()
			if len(got) != len(want) {
				t.Fatalf("%s: profiles %v, want %v", what, got, want)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("%s: profiles %v, want %v", what, got, want)
				}
			}
		}
		save(1, 0, 0, "ChargePointMaxProfile")
		save(2, 1, 0, "TxDefaultProfile")
		save(3, 1, 1, "TxDefaultProfile")
		save(4, 2, 0, "TxDefaultProfile")
		eq("installed", ids(), 1, 2, 3, 4)
		save(5, 1, 1, "TxDefaultProfile") // same connector, stack level, purpose as 3: replaces it
		eq("replaced by stack level", ids(), 1, 2, 5, 4)
		save(2, 2, 5, "TxProfile") // same id as 2: replaces it
		eq("replaced by id", ids(), 1, 5, 4, 2)

		tests := []struct {
			name    string
			filter  store.ChargingProfileFilter
			deleted int64
			left    []int
		}{
			{"by id ignores the other criteria", store.ChargingProfileFilter{ProfileID: ptr(5), ConnectorID: ptr(9)}, 1, []int{1, 4, 2}},
			{"by connector and purpose", store.ChargingProfileFilter{ConnectorID: ptr(2), Purpose: "TxDefaultProfile"}, 1, []int{1, 2}},
			{"no match", store.ChargingProfileFilter{StackLevel: ptr(9)}, 0, []int{1, 2}},
			{"everything", store.ChargingProfileFilter{}, 2, []int{}},
		}
		for _, tt := range tests {
			n, err := s.ClearChargingProfiles(ctx, cp.ID, tt.filter)
			if err != nil || n != tt.deleted {
				t.Fatalf("%s: deleted %d, %v; want %d", tt.name, n, err, tt.deleted)
			}
			eq(tt.name, ids(), tt.left...)
		}
	})
}
