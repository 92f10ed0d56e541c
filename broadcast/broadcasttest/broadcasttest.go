package broadcasttest

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/broadcast"
)

// Timeouts of the suite. Receiving has a generous deadline because the
// adapters cross a network; absence is checked over a short window after a
// later message on the same connection has already arrived.
const (
	recvTimeout  = 10 * time.Second
	quietWindow  = 100 * time.Millisecond
	floodTimeout = 60 * time.Second
)

// Exercise runs the conformance suite against the broadcasters that
// newBroadcaster returns (one per subtest; it should register its own
// cleanup with t.Cleanup).
func Exercise(t *testing.T, newBroadcaster func(t *testing.T) broadcast.Broadcaster) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, b broadcast.Broadcaster)
	}{
		{"PublishSubscribeOneTopic", testOneTopic},
		{"SubscribeManyTopics", testManyTopics},
		{"ManySubscribersOneTopic", testManySubscribers},
		{"OrderPerTopic", testOrder},
		{"NoCrossTopicLeakage", testNoLeakage},
		{"CancelClosesChannel", testCancel},
		{"SubscribeCancelledContext", testCancelledContext},
		{"SubscribeWithoutTopics", testNoTopics},
		{"PublishWithoutSubscribers", testNoSubscribers},
		{"SlowSubscriberDoesNotBlockPublish", testSlowSubscriber},
		{"ConcurrentPublishersAndSubscribers", testConcurrent},
		{"Replay", testReplay},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, newBroadcaster(t))
		})
	}
}

type payload struct {
	Pub int    `json:"pub"`
	Seq int    `json:"seq"`
	Tag string `json:"tag,omitempty"`
}

// data marshals p; a payload of ints and a string always marshals.
func data(p payload) json.RawMessage {
	b, _ := json.Marshal(p)
	return b
}

func decode(t testing.TB, m broadcast.Message) payload {
	t.Helper()
	var p payload
	if err := json.Unmarshal(m.Data, &p); err != nil {
		t.Fatalf("message %s on %s: data %q is not the JSON published: %v", m.ID, m.Topic, m.Data, err)
	}
	return p
}

// tryDecode is decode for goroutines other than the test's own.
func tryDecode(m broadcast.Message) (payload, error) {
	var p payload
	if err := json.Unmarshal(m.Data, &p); err != nil {
		return p, fmt.Errorf("message %s on %s: data %q is not the JSON published: %w", m.ID, m.Topic, m.Data, err)
	}
	return p, nil
}

func publish(t testing.TB, b broadcast.Broadcaster, topic string, p payload) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), recvTimeout)
	defer cancel()
	if err := b.Publish(ctx, topic, data(p)); err != nil {
		t.Fatalf("Publish(%s): %v", topic, err)
	}
}

func subscribe(t testing.TB, b broadcast.Broadcaster, topics ...string) (<-chan broadcast.Message, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ch, err := b.Subscribe(ctx, topics...)
	if err != nil {
		t.Fatalf("Subscribe(%v): %v", topics, err)
	}
	return ch, cancel
}

// Recv returns the next message of ch, failing t when ch closes or nothing
// arrives in time. Adapters' own tests use it too.
func Recv(t testing.TB, ch <-chan broadcast.Message) broadcast.Message {
	t.Helper()
	select {
	case m, ok := <-ch:
		if !ok {
			t.Fatal("subscription channel closed, want a message")
		}
		return m
	case <-time.After(recvTimeout):
		t.Fatalf("no message within %v", recvTimeout)
	}
	panic("unreachable")
}

func expectNone(t testing.TB, ch <-chan broadcast.Message) {
	t.Helper()
	select {
	case m, ok := <-ch:
		if ok {
			t.Fatalf("unexpected message on %s: %s", m.Topic, m.Data)
		}
	case <-time.After(quietWindow):
	}
}

var topicSeq atomic.Uint64

// topicName returns a topic name unique within the process.
func topicName(name string) string {
	return fmt.Sprintf("bt_%s_%d", name, topicSeq.Add(1))
}

func checkMessage(t testing.TB, m broadcast.Message, topic string, want payload) {
	t.Helper()
	if m.Topic != topic {
		t.Errorf("Topic = %q, want %q", m.Topic, topic)
	}
	if m.ID == "" {
		t.Error("ID is empty")
	}
	if m.Time.IsZero() {
		t.Error("Time is zero")
	}
	if got := decode(t, m); got != want {
		t.Errorf("data = %+v, want %+v", got, want)
	}
}

func testOneTopic(t *testing.T, b broadcast.Broadcaster) {
	topic := topicName("one")
	ch, _ := subscribe(t, b, topic)
	want := payload{Pub: 1, Seq: 1, Tag: "héllo \"quoted\" <html>\n"}
	publish(t, b, topic, want)
	checkMessage(t, Recv(t, ch), topic, want)
}

func testManyTopics(t *testing.T, b broadcast.Broadcaster) {
	topics := []string{topicName("a"), topicName("b"), topicName("c")}
	ch, _ := subscribe(t, b, topics...)
	for i, topic := range topics {
		publish(t, b, topic, payload{Seq: i})
	}
	got := map[string]payload{}
	for range topics {
		m := Recv(t, ch)
		if _, dup := got[m.Topic]; dup {
			t.Fatalf("second message on %s", m.Topic)
		}
		got[m.Topic] = decode(t, m)
	}
	for i, topic := range topics {
		if got[topic] != (payload{Seq: i}) {
			t.Errorf("%s: got %+v, want seq %d", topic, got[topic], i)
		}
	}
}

func testManySubscribers(t *testing.T, b broadcast.Broadcaster) {
	topic := topicName("shared")
	var chans []<-chan broadcast.Message
	for range 3 {
		ch, _ := subscribe(t, b, topic)
		chans = append(chans, ch)
	}
	// A duplicate topic in one Subscribe call delivers once.
	dup, _ := subscribe(t, b, topic, topic)
	publish(t, b, topic, payload{Seq: 7})
	publish(t, b, topic, payload{Seq: 8})
	for i, ch := range append(chans, dup) {
		for _, seq := range []int{7, 8} {
			if got := decode(t, Recv(t, ch)); got.Seq != seq {
				t.Errorf("subscriber %d: seq %d, want %d", i, got.Seq, seq)
			}
		}
	}
}

func testOrder(t *testing.T, b broadcast.Broadcaster) {
	const n = 100
	topic := topicName("order")
	ch, _ := subscribe(t, b, topic)
	for i := range n {
		publish(t, b, topic, payload{Seq: i})
	}
	ids := map[string]bool{}
	for i := range n {
		m := Recv(t, ch)
		if got := decode(t, m); got.Seq != i {
			t.Fatalf("message %d has seq %d: out of order", i, got.Seq)
		}
		if ids[m.ID] {
			t.Fatalf("duplicate message id %q", m.ID)
		}
		ids[m.ID] = true
	}
}

func testNoLeakage(t *testing.T, b broadcast.Broadcaster) {
	a, other := topicName("mine"), topicName("other")
	chA, _ := subscribe(t, b, a)
	chOther, _ := subscribe(t, b, other)
	publish(t, b, other, payload{Tag: "other"})
	publish(t, b, a, payload{Tag: "mine"})
	checkMessage(t, Recv(t, chA), a, payload{Tag: "mine"})
	checkMessage(t, Recv(t, chOther), other, payload{Tag: "other"})
	expectNone(t, chA)
	expectNone(t, chOther)
}

func testCancel(t *testing.T, b broadcast.Broadcaster) {
	topic := topicName("cancel")
	ch, cancel := subscribe(t, b, topic)
	keep, _ := subscribe(t, b, topic)
	publish(t, b, topic, payload{Seq: 1})
	Recv(t, ch)
	Recv(t, keep)
	cancel()
	waitClosed(t, ch)
	// The broadcaster and its other subscribers carry on.
	publish(t, b, topic, payload{Seq: 2})
	if got := decode(t, Recv(t, keep)); got.Seq != 2 {
		t.Errorf("after cancel: seq %d, want 2", got.Seq)
	}
	// Subscribing again to the same topic works.
	again, _ := subscribe(t, b, topic)
	publish(t, b, topic, payload{Seq: 3})
	if got := decode(t, Recv(t, again)); got.Seq != 3 {
		t.Errorf("resubscribed: seq %d, want 3", got.Seq)
	}
}

func waitClosed(t testing.TB, ch <-chan broadcast.Message) {
	t.Helper()
	deadline := time.After(recvTimeout)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatalf("channel not closed within %v of cancel", recvTimeout)
		}
	}
}

func testCancelledContext(t *testing.T, b broadcast.Broadcaster) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ch, err := b.Subscribe(ctx, topicName("cancelled"))
	if err != nil {
		return // refusing is fine
	}
	waitClosed(t, ch) // so is a channel that closes at once
}

func testNoTopics(t *testing.T, b broadcast.Broadcaster) {
	ch, err := b.Subscribe(t.Context())
	if err == nil {
		t.Fatalf("Subscribe() without topics = %v, nil; want an error", ch)
	}
}

func testNoSubscribers(t *testing.T, b broadcast.Broadcaster) {
	topic := topicName("nobody")
	for i := range 10 {
		publish(t, b, topic, payload{Seq: i})
	}
	// A later subscriber sees only what is published after it subscribed.
	ch, _ := subscribe(t, b, topic)
	publish(t, b, topic, payload{Seq: 10})
	if got := decode(t, Recv(t, ch)); got.Seq != 10 {
		t.Errorf("late subscriber got seq %d, want 10", got.Seq)
	}
}

func testSlowSubscriber(t *testing.T, b broadcast.Broadcaster) {
	const flood = 2000 // far beyond any subscriber buffer
	topic := topicName("flood")
	slow, _ := subscribe(t, b, topic) // never read until the flood is over
	fast, _ := subscribe(t, b, topic)

	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), floodTimeout)
		defer cancel()
		for i := range flood {
			if err := b.Publish(ctx, topic, data(payload{Seq: i})); err != nil {
				done <- fmt.Errorf("Publish %d: %w", i, err)
				return
			}
		}
		done <- nil
	}()
	// The fast subscriber keeps reading while the flood goes on.
	fastGot := make(chan int, 1)
	go func() {
		n := 0
		for m := range fast {
			p, err := tryDecode(m)
			if err != nil {
				t.Error(err)
			}
			if p.Tag == "marker" {
				break
			}
			n++
		}
		fastGot <- n
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(floodTimeout):
		t.Fatalf("%d publishes with a subscriber that never reads did not finish within %v: Publish blocks", flood, floodTimeout)
	}
	// The system is still live: a marker reaches the fast subscriber. It
	// may itself have been dropped by a full buffer, so publish until one
	// arrives.
	deadline := time.After(recvTimeout)
	for got := false; !got; {
		publish(t, b, topic, payload{Tag: "marker"})
		select {
		case n := <-fastGot:
			got = true
			if n == 0 {
				t.Error("fast subscriber received nothing of the flood")
			}
		case <-time.After(quietWindow):
		case <-deadline:
			t.Fatal("fast subscriber never saw a marker after the flood")
		}
	}
	// The slow subscriber kept what its buffer held, in order.
	last := -1
	for n := 0; ; n++ {
		select {
		case m := <-slow:
			p := decode(t, m)
			if p.Tag == "marker" {
				continue
			}
			if p.Seq <= last {
				t.Fatalf("slow subscriber: seq %d after %d", p.Seq, last)
			}
			last = p.Seq
			continue
		default:
		}
		if n == 0 {
			t.Error("slow subscriber received nothing")
		}
		break
	}
}

func testConcurrent(t *testing.T, b broadcast.Broadcaster) {
	// pubs*len(topics)*perTopic ≤ 256, so no subscriber can overflow even
	// if the scheduler starves it: every message must arrive.
	const pubs, perTopic, subs = 4, 12, 6
	topics := []string{topicName("c0"), topicName("c1"), topicName("c2"), topicName("c3")}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var chans []<-chan broadcast.Message
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range subs {
		wg.Go(func() {
			ch, err := b.Subscribe(ctx, topics...)
			if err != nil {
				t.Errorf("Subscribe: %v", err)
				return
			}
			mu.Lock()
			chans = append(chans, ch)
			mu.Unlock()
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	// Churn: subscriptions coming and going while messages flow.
	churnDone := make(chan struct{})
	var churn sync.WaitGroup
	for range 3 {
		churn.Go(func() {
			for {
				select {
				case <-churnDone:
					return
				default:
				}
				cctx, ccancel := context.WithCancel(ctx)
				ch, err := b.Subscribe(cctx, topics[0], topicName("churn"))
				ccancel()
				if err != nil {
					t.Errorf("churn Subscribe: %v", err)
					return
				}
				for range ch {
				}
			}
		})
	}

	var pubWG sync.WaitGroup
	for p := range pubs {
		pubWG.Go(func() {
			for seq := range perTopic {
				for _, topic := range topics {
					if err := b.Publish(ctx, topic, data(payload{Pub: p, Seq: seq})); err != nil {
						t.Errorf("Publish: %v", err)
						return
					}
				}
			}
		})
	}

	var recvWG sync.WaitGroup
	for i, ch := range chans {
		recvWG.Go(func() {
			next := map[string]int{} // "topic/pub" → next seq
			deadline := time.After(floodTimeout)
			for n := 0; n < pubs*perTopic*len(topics); n++ {
				select {
				case m, ok := <-ch:
					if !ok {
						t.Errorf("subscriber %d: closed early", i)
						return
					}
					p, err := tryDecode(m)
					if err != nil {
						t.Error(err)
						return
					}
					key := fmt.Sprintf("%s/%d", m.Topic, p.Pub)
					if p.Seq != next[key] {
						t.Errorf("subscriber %d: %s seq %d, want %d", i, key, p.Seq, next[key])
						return
					}
					next[key]++
				case <-deadline:
					t.Errorf("subscriber %d: %d of %d messages", i, n, pubs*perTopic*len(topics))
					return
				}
			}
		})
	}
	pubWG.Wait()
	recvWG.Wait()
	close(churnDone)
	churn.Wait()
}

func testReplay(t *testing.T, b broadcast.Broadcaster) {
	rp, ok := b.(broadcast.Replayer)
	if !ok {
		t.Skipf("%T does not implement broadcast.Replayer", b)
	}
	topic, other := topicName("replay"), topicName("replay_other")
	ch, _ := subscribe(t, b, topic, other)
	var msgs []broadcast.Message
	for i := range 5 {
		publish(t, b, topic, payload{Seq: i})
		msgs = append(msgs, Recv(t, ch))
	}
	publish(t, b, other, payload{Tag: "other"})
	Recv(t, ch)

	tests := []struct {
		name    string
		afterID string
		want    []broadcast.Message
	}{
		{"after the second", msgs[1].ID, msgs[2:]},
		{"after the last", msgs[4].ID, nil},
		{"everything retained", "", msgs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rp.Replay(t.Context(), topic, tt.afterID)
			if err != nil {
				t.Fatalf("Replay: %v", err)
			}
			if tt.afterID == "" && len(got) > len(tt.want) {
				got = got[len(got)-len(tt.want):] // older retained messages are fine
			}
			if len(got) != len(tt.want) {
				t.Fatalf("Replay returned %d messages, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if got[i].ID != tt.want[i].ID || got[i].Topic != topic || !jsonEqual(got[i].Data, tt.want[i].Data) {
					t.Errorf("message %d = %s %s %s, want %s %s %s", i,
						got[i].ID, got[i].Topic, got[i].Data, tt.want[i].ID, topic, tt.want[i].Data)
				}
			}
		})
	}
}

func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
