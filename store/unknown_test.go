package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/ocppkit/ocppkit/store"
)

func TestUnknownChargePoints(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		record := func(identity, addr string, minute, keep int) {
			t.Helper()
			if err := s.RecordUnknownChargePoint(ctx, identity, addr, at(minute), keep); err != nil {
				t.Fatal(err)
			}
		}
		identities := func(list []store.UnknownChargePoint) []string {
			var ids []string
			for _, u := range list {
				ids = append(ids, u.Identifier)
			}
			return ids
		}
		record("NEW-1", "10.0.0.1:5000", 0, 100)
		record("NEW-2", "10.0.0.2:5000", 1, 100)
		record("NEW-1", "10.0.0.9:6000", 2, 100) // the same station again, from elsewhere

		list, err := s.UnknownChargePoints(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := identities(list); !slices.Equal(got, []string{"NEW-1", "NEW-2"}) {
			t.Fatalf("identities = %v, want NEW-1 (seen last) then NEW-2", got)
		}
		first := list[0]
		if first.Attempts != 2 || first.RemoteAddr != "10.0.0.9:6000" {
			t.Errorf("NEW-1 = %+v, want 2 attempts, latest address 10.0.0.9:6000", first)
		}
		eqTime(t, "first seen", first.FirstSeenAt, at(0))
		eqTime(t, "last seen", first.LastSeenAt, at(2))

		// A registered identity leaves the list, even before it is forgotten.
		if _, err := s.RegisterChargePoint(ctx, "NEW-2", ""); err != nil {
			t.Fatal(err)
		}
		if list, err = s.UnknownChargePoints(ctx, 0); err != nil || !slices.Equal(identities(list), []string{"NEW-1"}) {
			t.Fatalf("after registering NEW-2: %v, %v; want [NEW-1]", identities(list), err)
		}
		if err := s.ForgetUnknownChargePoint(ctx, "NEW-1"); err != nil {
			t.Fatal(err)
		}
		if err := s.ForgetUnknownChargePoint(ctx, "NEVER-SEEN"); err != nil {
			t.Errorf("forgetting an identity never recorded: %v", err)
		}
		if list, err = s.UnknownChargePoints(ctx, 0); err != nil || len(list) != 0 {
			t.Fatalf("after forgetting NEW-1: %v, %v; want none", identities(list), err)
		}
	})
}

// TestUnknownChargePointsBounded: however many identities knock, the table
// keeps the most recent ones only.
func TestUnknownChargePointsBounded(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const keep = 5
		for i := range 20 {
			if err := s.RecordUnknownChargePoint(ctx, id("SCAN", i), "192.0.2.1:1", at(i), keep); err != nil {
				t.Fatal(err)
			}
		}
		list, err := s.UnknownChargePoints(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{id("SCAN", 19), id("SCAN", 18), id("SCAN", 17), id("SCAN", 16), id("SCAN", 15)}
		var got []string
		for _, u := range list {
			got = append(got, u.Identifier)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("kept %v, want the %d most recent %v", got, keep, want)
		}
		if two, err := s.UnknownChargePoints(ctx, 2); err != nil || len(two) != 2 {
			t.Errorf("limit 2: %d rows, %v", len(two), err)
		}
	})
}
