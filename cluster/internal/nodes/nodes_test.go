package nodes

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/ocppkit/ocppkit/cluster"
	"github.com/ocppkit/ocppkit/ocpp"
)

type testNode struct {
	Node
	extra string
}

func wrap(base Node) *testNode { return &testNode{Node: base, extra: "x"} }

func TestRegistry(t *testing.T) {
	t.Parallel()
	var r Registry[*testNode]
	var wg sync.WaitGroup
	if _, err := r.Get("a"); !errors.Is(err, cluster.ErrNotJoined) {
		t.Fatalf("Get of an unknown node = %v, want ErrNotJoined", err)
	}
	join, crash := context.WithCancel(context.Background())
	n, err := r.Add(context.Background(), "a", nil, wrap)
	if err != nil || n.extra != "x" || n.Name != "a" || len(n.Inc) != 16 {
		t.Fatalf("Add = %+v, %v", n, err)
	}
	if _, err := r.Add(context.Background(), "a", nil, wrap); !errors.Is(err, cluster.ErrJoined) {
		t.Errorf("second Add = %v, want ErrJoined", err)
	}
	r.Start(&wg, join, n, func() { <-n.Ctx.Done() })
	if got, err := r.Get("a"); err != nil || got != n {
		t.Errorf("Get = %v, %v", got, err)
	}
	crash() // the end of the Join context ends the node
	<-n.Ctx.Done()
	if _, err := r.Get("a"); !errors.Is(err, cluster.ErrNotJoined) {
		t.Errorf("Get of a crashed node = %v, want ErrNotJoined", err)
	}
	n2, err := r.Add(context.Background(), "a", nil, wrap)
	if err != nil || n2.Inc == n.Inc {
		t.Fatalf("Add after the crash = %+v, %v; want a new incarnation", n2, err)
	}
	wg.Wait() // n's life ended: it must not forget n2
	if got, err := r.Get("a"); err != nil || got != n2 {
		t.Errorf("Get after the old incarnation ended = %v, %v, want the new one", got, err)
	}
	r.Remove(n2)
	if _, err := r.Get("a"); !errors.Is(err, cluster.ErrNotJoined) {
		t.Errorf("Get after Remove = %v, want ErrNotJoined", err)
	}
}

func TestPending(t *testing.T) {
	t.Parallel()
	var p Pending
	closed := make(chan struct{})
	res, err := p.Send(context.Background(), closed, "a", func(id string) error {
		p.Deliver(id, cluster.NewReply([]byte(`{"ok":true}`), nil))
		p.Deliver(id, cluster.NewReply(nil, nil)) // a duplicate is dropped
		return nil
	})
	if err != nil || string(res) != `{"ok":true}` {
		t.Errorf("Send = %s, %v", res, err)
	}
	p.Deliver("unknown", cluster.NewReply(nil, nil)) // no one waits: dropped

	failed := errors.New("transmit failed")
	if _, err := p.Send(context.Background(), closed, "a", func(string) error { return failed }); err != failed {
		t.Errorf("Send with a failing transmit = %v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	if _, err := p.Send(ctx, closed, "a", func(string) error { return nil }); !errors.Is(err, ocpp.ErrTimeout) {
		t.Errorf("Send past its deadline = %v, want ocpp.ErrTimeout", err)
	}

	close(closed)
	if _, err := p.Send(context.Background(), closed, "a", func(string) error { return nil }); !errors.Is(err, cluster.ErrClosed) {
		t.Errorf("Send on a closed instance = %v, want ErrClosed", err)
	}
	if len(p.replies) != 0 {
		t.Errorf("%d replies still pending", len(p.replies))
	}
}
