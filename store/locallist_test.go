package store_test

import (
	"context"
	"testing"

	"github.com/ocppkit/ocppkit/store"
)

func TestLocalList(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "LL")
		_, err := s.LocalListVersion(ctx, cp.ID)
		wantNotFound(t, err)

		exp := at(600)
		steps := []struct {
			name    string
			update  store.LocalListUpdate
			want    map[string]string // id tag → status
			version int
		}{
			{"full", store.LocalListUpdate{Version: 1, Full: true, Entries: []store.LocalListEntry{
				{IDTag: "A", Status: "Accepted"}, {IDTag: "B", Status: "Blocked", ParentIDTag: "P"}, {IDTag: "C", Status: "Accepted", ExpiryDate: &exp},
			}}, map[string]string{"A": "Accepted", "B": "Blocked", "C": "Accepted"}, 1},
			{"differential merges and removes", store.LocalListUpdate{Version: 2, Entries: []store.LocalListEntry{
				{IDTag: "A", Status: "Expired"}, {IDTag: "B"}, {IDTag: "D", Status: "Accepted"},
			}}, map[string]string{"A": "Expired", "C": "Accepted", "D": "Accepted"}, 2},
			{"full replaces", store.LocalListUpdate{Version: 3, Full: true, Entries: []store.LocalListEntry{{IDTag: "E", Status: "Accepted"}}},
				map[string]string{"E": "Accepted"}, 3},
			{"empty full clears", store.LocalListUpdate{Version: 4, Full: true}, map[string]string{}, 4},
		}
		for _, st := range steps {
			if err := s.ApplyLocalList(ctx, cp.ID, st.update); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			es, err := s.LocalListEntries(ctx, cp.ID)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, e := range es {
				got[e.IDTag] = e.Status
				if e.IDTag == "C" && (e.ExpiryDate == nil || !e.ExpiryDate.Equal(exp)) {
					t.Errorf("%s: C expiry = %v", st.name, e.ExpiryDate)
				}
				if e.IDTag == "B" && e.ParentIDTag != "P" {
					t.Errorf("%s: B parent = %q", st.name, e.ParentIDTag)
				}
			}
			if len(got) != len(st.want) {
				t.Errorf("%s: entries = %v, want %v", st.name, got, st.want)
			}
			for k, v := range st.want {
				if got[k] != v {
					t.Errorf("%s: %s = %q, want %q", st.name, k, got[k], v)
				}
			}
			if v, err := s.LocalListVersion(ctx, cp.ID); err != nil || v != st.version {
				t.Errorf("%s: version = %d, %v", st.name, v, err)
			}
		}
		if err := s.SetLocalListVersion(ctx, cp.ID, 7); err != nil {
			t.Fatal(err)
		}
		if v, err := s.LocalListVersion(ctx, cp.ID); err != nil || v != 7 {
			t.Errorf("reported version = %d, %v", v, err)
		}
	})
}
