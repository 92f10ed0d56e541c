package ocppkit_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
)

// TestHeartbeatsRecorded: 1.6 and 2.0.1 stations heartbeat concurrently,
// several times each; once the batcher has flushed, every charge point's
// last_heartbeat_at is the currentTime of the last reply it got (the
// newest, never an older one), and a later heartbeat moves it again.
func TestHeartbeatsRecorded(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, ocppkit.Config{})
		ctx := context.Background()
		const stations, beats = 12, 5
		last := make([]time.Time, stations)
		cps := make([]*ocpptest.ChargePoint, stations)
		for i := range stations {
			id := fmt.Sprintf("HB-%02d", i)
			e.register(t, id, "heartbeat-pw-0123456789")
			opts := &ocpptest.Options{Password: "heartbeat-pw-0123456789"}
			if i%2 == 1 {
				opts.Subprotocols = ocpptest.Subprotocols201
			}
			dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			cp, err := ocpptest.Dial(dctx, e.url, id, opts)
			cancel()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { cp.Close() })
			cps[i] = cp
		}
		beat := func(i int) time.Time {
			if i%2 == 1 {
				res, err := cps[i].V201().Heartbeat(ctx)
				if err != nil {
					t.Error(err)
				}
				return res.CurrentTime.Time
			}
			res, err := cps[i].Heartbeat(ctx)
			if err != nil {
				t.Error(err)
			}
			return res.CurrentTime.Time
		}
		var wg sync.WaitGroup
		for i := range stations {
			wg.Go(func() {
				for range beats {
					last[i] = beat(i)
				}
			})
		}
		wg.Wait()
		recorded := func(i int) time.Time {
			row, err := e.csms.Store.ChargePointByIdentifier(ctx, fmt.Sprintf("HB-%02d", i))
			if err != nil || row.LastHeartbeatAt == nil {
				return time.Time{}
			}
			return row.LastHeartbeatAt.UTC().Truncate(time.Millisecond)
		}
		check := func() {
			t.Helper()
			deadline := time.Now().Add(5 * time.Second) // the batcher flushes every second
			for i := range stations {
				for !recorded(i).Equal(last[i]) && time.Now().Before(deadline) {
					time.Sleep(20 * time.Millisecond)
				}
				if got := recorded(i); !got.Equal(last[i]) {
					t.Errorf("HB-%02d: last_heartbeat_at %v, want the last reply's %v", i, got, last[i])
				}
			}
		}
		check()
		time.Sleep(5 * time.Millisecond)
		for i := range stations {
			last[i] = beat(i)
		}
		check()
	})
}
