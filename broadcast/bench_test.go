package broadcast_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/ocppkit/ocppkit/broadcast"
)

func BenchmarkMemoryPublish(b *testing.B) {
	data := json.RawMessage(`{"connector_id":1,"measurand":"Energy.Active.Import.Register","value":1234.5,"unit":"Wh","phase":"","context":"Sample.Periodic","timestamp":"2025-06-01T12:00:00Z","session_id":3}`)
	for _, subs := range []int{0, 10} {
		b.Run(fmt.Sprintf("subscribers=%d", subs), func(b *testing.B) {
			m := broadcast.NewMemory(broadcast.MemoryConfig{})
			defer m.Close()
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			for range subs {
				ch, err := m.Subscribe(ctx, "t")
				if err != nil {
					b.Fatal(err)
				}
				wg.Go(func() {
					for range ch {
					}
				})
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := m.Publish(ctx, "t", data); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			cancel()
			wg.Wait()
			b.ReportMetric(float64(m.Dropped())/float64(b.N), "drops/op")
		})
	}
}

func BenchmarkMemoryPublishParallel(b *testing.B) {
	data := json.RawMessage(`{"connector_id":1,"value":1234.5}`)
	m := broadcast.NewMemory(broadcast.MemoryConfig{})
	defer m.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// One watched topic among many unwatched ones, as on a busy node.
	ch, err := m.Subscribe(ctx, broadcast.MeterValuesTopic(1))
	if err != nil {
		b.Fatal(err)
	}
	go func() {
		for range ch {
		}
	}()
	topics := make([]string, 1000)
	for i := range topics {
		topics[i] = broadcast.MeterValuesTopic(uint(i + 1))
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			_ = m.Publish(ctx, topics[i%len(topics)], data)
			i++
		}
	})
}
