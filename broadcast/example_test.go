package broadcast_test

import (
	"context"
	"fmt"
	"time"

	"github.com/ocppkit/ocppkit/broadcast"
)

func ExampleMemory() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // unsubscribes: the channel is closed

	b := broadcast.NewMemory(broadcast.MemoryConfig{})
	defer b.Close()

	events, err := b.Subscribe(ctx, broadcast.StatusTopic(7), broadcast.AllChargePointsTopic)
	if err != nil {
		panic(err)
	}
	err = broadcast.PublishEvent(ctx, b, 7, broadcast.KindStatus, broadcast.StatusEvent{
		ConnectorID: 1,
		EVSEID:      1,
		Status:      "Charging",
		ErrorCode:   "NoError",
		Timestamp:   time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC),
	})
	if err != nil {
		panic(err)
	}
	for range 2 {
		m := <-events
		fmt.Printf("%s %s\n%s\n", m.ID, m.Topic, m.Data)
	}
	// Output:
	// 1 charge_point_7_status
	// {"connector_id":1,"status":"Charging","error_code":"NoError","info":"","timestamp":"2025-06-01T12:00:00Z","evse_id":1}
	// 2 charge_points
	// {"topic":"charge_point_7_status","charge_point_id":7,"kind":"status","data":{"connector_id":1,"status":"Charging","error_code":"NoError","info":"","timestamp":"2025-06-01T12:00:00Z","evse_id":1}}
}

func ExampleNewSSEHandler() {
	b := broadcast.NewMemory(broadcast.MemoryConfig{})
	// Mount behind the host's authentication; Authorize narrows the topics.
	h := broadcast.NewSSEHandler(broadcast.SSEConfig{Broadcaster: b, Retry: 3 * time.Second})
	_ = h // mux.Handle("/events", requireOperator(h))
	// In the browser:
	//   const es = new EventSource("/events?topic=charge_point_7_status&topic=charge_points")
	//   es.addEventListener("charge_point_7_status", e => render(JSON.parse(e.data)))
}
