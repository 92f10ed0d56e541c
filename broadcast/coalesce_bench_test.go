package broadcast_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/broadcast"
)

// countingBroadcaster counts what reaches the broadcaster it wraps.
type countingBroadcaster struct {
	broadcast.Broadcaster
	published atomic.Int64
}

func (c *countingBroadcaster) Publish(ctx context.Context, topic string, data json.RawMessage) error {
	c.published.Add(1)
	return c.Broadcaster.Publish(ctx, topic, data)
}

// BenchmarkCoalesceSSEFanout publishes meter values of 100 charge points
// (9 series each, as one MeterValues message of a three-phase charger)
// through a Coalescer to 100 browsers streaming the all-charge-points topic
// with the SSE handler over real HTTP connections. interval=0 is the
// baseline without coalescing. Reported: events published per second (in),
// events that reached the broadcaster (out/s), events the browsers read
// (delivered/s), events lost to full subscriber buffers (dropped), and
// allocations per published event, the HTTP side included.
func BenchmarkCoalesceSSEFanout(b *testing.B) {
	const chargePoints, subscribers = 100, 100
	series := []struct{ measurand, phase string }{
		{"Energy.Active.Import.Register", ""}, {"Power.Active.Import", ""}, {"SoC", ""},
		{"Current.Import", "L1"}, {"Current.Import", "L2"}, {"Current.Import", "L3"},
		{"Voltage", "L1-N"}, {"Voltage", "L2-N"}, {"Voltage", "L3-N"},
	}
	for _, interval := range []time.Duration{0, time.Second} {
		b.Run(fmt.Sprintf("interval=%s", interval), func(b *testing.B) {
			mem := broadcast.NewMemory(broadcast.MemoryConfig{History: -1})
			defer mem.Close()
			counted := &countingBroadcaster{Broadcaster: mem}
			c := broadcast.Coalesce(counted, interval)
			srv := httptest.NewServer(broadcast.NewSSEHandler(broadcast.SSEConfig{Broadcaster: c}))
			defer srv.Close()

			ctx, cancel := context.WithCancel(context.Background())
			var delivered atomic.Int64
			progress := make(chan struct{}, 1)
			var readers sync.WaitGroup
			for range subscribers {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"?topic="+broadcast.AllChargePointsTopic, nil)
				resp, err := srv.Client().Do(req)
				if err != nil {
					b.Fatal(err)
				}
				r := bufio.NewReader(resp.Body)
				if _, err := r.ReadBytes('\n'); err != nil { // ": ok": subscribed
					b.Fatal(err)
				}
				readers.Go(func() {
					defer resp.Body.Close()
					for {
						line, err := r.ReadSlice('\n')
						if err != nil {
							return
						}
						if bytes.HasPrefix(line, []byte("data: ")) {
							delivered.Add(1)
							select {
							case progress <- struct{}{}:
							default:
							}
						}
					}
				})
			}

			events := make([]broadcast.MeterValueEvent, len(series))
			for i, s := range series {
				events[i] = broadcast.MeterValueEvent{ConnectorID: 1, Measurand: s.measurand, Phase: s.phase, Unit: "Wh", Timestamp: time.Now()}
			}
			pctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				ev := events[i%len(series)]
				ev.Value = float64(i)
				if err := broadcast.PublishEvent(pctx, c, uint(1+(i/len(series))%chargePoints), broadcast.KindMeterValues, ev); err != nil {
					b.Fatal(err)
				}
			}
			elapsed := b.Elapsed()
			b.StopTimer()
			if err := c.Close(pctx); err != nil {
				b.Fatal(err)
			}
			// Let the browsers read what was sent (bounded: a benchmark, not a test).
			want := counted.published.Load() * subscribers
			for deadline := time.After(10 * time.Second); delivered.Load()+int64(mem.Dropped()) < want; {
				select {
				case <-progress:
				case <-deadline:
					want = 0
				}
			}
			cancel()
			readers.Wait()
			secs := elapsed.Seconds()
			b.ReportMetric(float64(b.N)/secs, "in/s")
			b.ReportMetric(float64(counted.published.Load())/secs, "out/s")
			b.ReportMetric(float64(delivered.Load())/secs, "delivered/s")
			b.ReportMetric(float64(mem.Dropped()), "dropped")
		})
	}
}
