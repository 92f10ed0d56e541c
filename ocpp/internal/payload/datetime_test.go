package payload

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestAppendDateTimeMatchesLayout checks the hand-written formatter against
// time.AppendFormat with the wire layout, over the whole range of years,
// in several time zones, and refuses years outside it.
func TestAppendDateTimeMatchesLayout(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("east", 14*3600), time.FixedZone("west", -(9*3600 + 30*60))}
	r := rand.New(rand.NewPCG(1, 2))
	lo := time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC).Unix()
	times := []time.Time{
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2026, 12, 3, 9, 5, 7, 1_000_000, time.UTC),
		time.Date(2026, 12, 3, 9, 5, 7, 999_999, time.UTC), // below a millisecond: truncated
	}
	for range 10000 {
		times = append(times, time.Unix(lo+r.Int64N(hi-lo), r.Int64N(1e9)).In(zones[r.IntN(len(zones))]))
	}
	for _, tm := range times {
		got, err := AppendDateTime("test", []byte("x"), tm)
		if err != nil {
			t.Fatalf("%v: %v", tm, err)
		}
		want := append([]byte(`x"`), tm.UTC().AppendFormat(nil, dateTimeLayout)...)
		want = append(want, '"')
		if string(got) != string(want) {
			t.Fatalf("AppendDateTime(%v) = %s, want %s", tm, got, want)
		}
	}
	for _, tm := range []time.Time{time.Date(-1, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)} {
		if b, err := AppendDateTime("test", nil, tm); err == nil {
			t.Errorf("AppendDateTime(%v) = %s, want an error", tm, b)
		}
	}
}
