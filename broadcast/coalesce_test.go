package broadcast_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/broadcast"
)

// fakeTimers stands in for time.AfterFunc: fire runs the timers pending
// now, as if their interval had passed.
type fakeTimers struct {
	mu      sync.Mutex
	pending []*fakeTimer
	asked   []time.Duration
}

type fakeTimer struct {
	f       func()
	stopped bool
}

func (ft *fakeTimers) after(d time.Duration, f func()) func() bool {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	t := &fakeTimer{f: f}
	ft.pending = append(ft.pending, t)
	ft.asked = append(ft.asked, d)
	return func() bool {
		ft.mu.Lock()
		defer ft.mu.Unlock()
		was := !t.stopped
		t.stopped = true
		return was
	}
}

// fire ends the current interval of every window.
func (ft *fakeTimers) fire() {
	ft.mu.Lock()
	ts := ft.pending
	ft.pending = nil
	ft.mu.Unlock()
	for _, t := range ts {
		ft.mu.Lock()
		run := !t.stopped
		t.stopped = true
		ft.mu.Unlock()
		if run {
			t.f()
		}
	}
}

func (ft *fakeTimers) count() int {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	n := 0
	for _, t := range ft.pending {
		if !t.stopped {
			n++
		}
	}
	return n
}

type coalesceEnv struct {
	t      *testing.T
	mem    *broadcast.Memory
	c      *broadcast.Coalescer
	timers *fakeTimers
	meters <-chan broadcast.Message // charge_point_7_meter_values
	all    <-chan broadcast.Message // charge_points
	status <-chan broadcast.Message // charge_point_7_status
}

func newCoalesceEnv(t *testing.T) *coalesceEnv {
	t.Helper()
	e := &coalesceEnv{t: t, mem: broadcast.NewMemory(broadcast.MemoryConfig{}), timers: &fakeTimers{}}
	t.Cleanup(func() { e.mem.Close() })
	e.c = broadcast.CoalesceWithTimers(e.mem, 2*time.Second, e.timers.after)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	sub := func(topic string) <-chan broadcast.Message {
		ch, err := e.c.Subscribe(ctx, topic) // Subscribe passes through
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
	e.meters, e.all, e.status = sub(broadcast.MeterValuesTopic(7)), sub(broadcast.AllChargePointsTopic), sub(broadcast.StatusTopic(7))
	return e
}

func (e *coalesceEnv) meter(connector int, measurand, phase string, value float64) {
	e.t.Helper()
	ev := broadcast.MeterValueEvent{ConnectorID: connector, Measurand: measurand, Phase: phase, Value: value, Unit: "Wh"}
	if err := broadcast.PublishEvent(context.Background(), e.c, 7, broadcast.KindMeterValues, ev); err != nil {
		e.t.Fatal(err)
	}
}

// received returns what the meter values topic and the all-charge-points
// topic hold now (Memory delivers before Publish returns), as
// "connector/measurand/phase=value", and checks both topics got the same.
func (e *coalesceEnv) received() []string {
	e.t.Helper()
	var got, gotAll []string
	for {
		select {
		case m := <-e.meters:
			got = append(got, describe(e.t, m.Data))
			continue
		case m := <-e.all:
			var env broadcast.Envelope
			if err := json.Unmarshal(m.Data, &env); err != nil {
				e.t.Fatal(err)
			}
			if env.Kind == broadcast.KindMeterValues {
				gotAll = append(gotAll, describe(e.t, env.Data))
			}
			continue
		default:
		}
		break
	}
	if fmt.Sprint(got) != fmt.Sprint(gotAll) {
		e.t.Errorf("meter values topic got %q, all-charge-points topic %q", got, gotAll)
	}
	return got
}

func describe(t *testing.T, data json.RawMessage) string {
	t.Helper()
	var ev broadcast.MeterValueEvent
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d/%s/%s=%g", ev.ConnectorID, ev.Measurand, ev.Phase, ev.Value)
}

func wantEvents(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: got %q, want %q", what, got, want)
	}
}

// TestCoalesceKeepsTheLatestPerSeries: per series (charge point,
// connector, measurand, phase) the first value goes out at once, later
// ones in the same interval are held with the latest winning and go out
// when the interval ends; an interval with nothing held ends the window.
func TestCoalesceKeepsTheLatestPerSeries(t *testing.T) {
	e := newCoalesceEnv(t)
	const energy, power, current = "Energy.Active.Import.Register", "Power.Active.Import", "Current.Import"

	// One MeterValues message: every series goes out at once.
	e.meter(1, energy, "", 100)
	e.meter(1, power, "", 7000)
	e.meter(1, current, "L1", 10)
	e.meter(1, current, "L2", 11)
	e.meter(2, energy, "", 500)
	wantEvents(t, "first message", e.received(), "1/"+energy+"/=100", "1/"+power+"/=7000", "1/"+current+"/L1=10", "1/"+current+"/L2=11", "2/"+energy+"/=500")

	// More in the same interval: held, the latest replacing the earlier.
	e.meter(1, energy, "", 110)
	e.meter(1, power, "", 7100)
	e.meter(1, energy, "", 120)
	e.meter(1, current, "L1", 12)
	wantEvents(t, "within the interval", e.received())

	// Status events pass through at once while meter values are held.
	st := broadcast.StatusEvent{ConnectorID: 1, Status: "SuspendedEV", ErrorCode: "NoError"}
	if err := broadcast.PublishEvent(context.Background(), e.c, 7, broadcast.KindStatus, st); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-e.status:
		var got broadcast.StatusEvent
		if err := json.Unmarshal(m.Data, &got); err != nil || got.Status != "SuspendedEV" {
			t.Fatalf("status event %s, %v", m.Data, err)
		}
	default:
		t.Fatal("the status event was delayed")
	}
	wantEvents(t, "after the status event", e.received())

	// The interval ends: the latest of each held series, in the order first held.
	e.timers.fire()
	wantEvents(t, "end of the first interval", e.received(), "1/"+energy+"/=120", "1/"+power+"/=7100", "1/"+current+"/L1=12")

	// In the next interval the flushed series are held again; others not.
	e.meter(1, energy, "", 130)
	e.meter(1, current, "L2", 13)
	wantEvents(t, "second interval", e.received(), "1/"+current+"/L2=13")
	e.timers.fire()
	wantEvents(t, "end of the second interval", e.received(), "1/"+energy+"/=130")

	// An interval with nothing held ends the window: the next value goes out at once.
	e.timers.fire()
	wantEvents(t, "a quiet interval", e.received())
	if n := e.timers.count(); n != 0 {
		t.Fatalf("%d timers pending after a quiet interval, want 0", n)
	}
	e.meter(1, energy, "", 140)
	wantEvents(t, "after the window ended", e.received(), "1/"+energy+"/=140")
	for _, d := range e.timers.asked {
		if d != 2*time.Second {
			t.Fatalf("a timer of %s, want the interval 2s", d)
		}
	}
}

// TestCoalesceFlushAndClose: Flush and Close publish what is held; after
// Close meter values are refused and everything else still passes.
func TestCoalesceFlushAndClose(t *testing.T) {
	e := newCoalesceEnv(t)
	const energy = "Energy.Active.Import.Register"
	e.meter(1, energy, "", 1)
	e.meter(1, energy, "", 2)
	wantEvents(t, "before Flush", e.received(), "1/"+energy+"/=1")
	if err := e.c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	wantEvents(t, "Flush", e.received(), "1/"+energy+"/=2")
	e.meter(1, energy, "", 3) // still in the interval: held
	wantEvents(t, "after Flush", e.received())
	if err := e.c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	wantEvents(t, "Close", e.received(), "1/"+energy+"/=3")
	if n := e.timers.count(); n != 0 {
		t.Errorf("%d timers left running after Close", n)
	}
	e.timers.fire() // a timer that fires late publishes nothing twice
	wantEvents(t, "after Close", e.received())
	err := e.c.Publish(context.Background(), broadcast.MeterValuesTopic(7), json.RawMessage(`{"connector_id":1,"measurand":"Power.Active.Import","value":1}`))
	if !errors.Is(err, broadcast.ErrClosed) {
		t.Errorf("meter value after Close: %v, want ErrClosed", err)
	}
	if err := e.c.Publish(context.Background(), broadcast.StatusTopic(7), json.RawMessage(`{"connector_id":1,"status":"Available"}`)); err != nil {
		t.Errorf("status after Close: %v", err)
	}
	if err := e.c.Close(context.Background()); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestCoalescePassesOtherEventsThrough: whatever is not a meter value
// (other kinds, other topics, payloads it cannot read) is published at
// once, every time; and a Coalescer over Memory keeps the
// skip-unwatched optimisation for itself only.
func TestCoalescePassesOtherEventsThrough(t *testing.T) {
	mem := broadcast.NewMemory(broadcast.MemoryConfig{})
	defer mem.Close()
	timers := &fakeTimers{}
	c := broadcast.CoalesceWithTimers(mem, time.Hour, timers.after)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	topics := []string{broadcast.StatusTopic(1), broadcast.SessionsTopic(1), broadcast.ConnectionTopic(1), "my_own_topic", broadcast.MeterValuesTopic(1)}
	ch, err := c.Subscribe(ctx, topics...)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ topic, data string }{
		{broadcast.StatusTopic(1), `{"connector_id":1,"status":"Charging"}`},
		{broadcast.SessionsTopic(1), `{"event":"started","session":{"id":1}}`},
		{broadcast.ConnectionTopic(1), `{"connected":true}`},
		{"my_own_topic", `{"connector_id":1,"measurand":"Power.Active.Import"}`},
		{broadcast.MeterValuesTopic(1), `["not", "an", "event"]`},
		{broadcast.MeterValuesTopic(1), `{"measurand":"no connector"}`},
	} {
		for range 3 {
			if err := c.Publish(ctx, tc.topic, json.RawMessage(tc.data)); err != nil {
				t.Fatal(err)
			}
			select {
			case m := <-ch:
				if m.Topic != tc.topic || string(m.Data) != tc.data {
					t.Errorf("got %s %s, want %s %s", m.Topic, m.Data, tc.topic, tc.data)
				}
			default:
				t.Errorf("%s %s was not published at once", tc.topic, tc.data)
			}
		}
	}
	if n := timers.count(); n != 0 {
		t.Errorf("%d intervals opened by events that are not meter values", n)
	}
	if c.Watched(c, broadcast.StatusTopic(99)) {
		t.Error("a Coalescer over Memory watches a topic nobody subscribed to")
	}
	if !c.Watched(c, broadcast.StatusTopic(1)) || !c.Watched(mem, broadcast.StatusTopic(99)) {
		t.Error("Watched: a subscribed topic, or another broadcaster, must be watched")
	}
}
