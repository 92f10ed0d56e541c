package fanout

import (
	"context"
	"slices"
	"testing"

	"github.com/ocppkit/ocppkit/broadcast"
)

func TestHubFirstAndLast(t *testing.T) {
	h := New()
	noop := func(*Sub) {}
	a, first, err := h.Add(t.Context(), []string{"x", "y"}, 1, noop)
	if err != nil || !slices.Equal(first, []string{"x", "y"}) {
		t.Fatalf("first Add: %v, %v", first, err)
	}
	b, first, _ := h.Add(t.Context(), []string{"y", "z"}, 1, noop)
	if !slices.Equal(first, []string{"z"}) {
		t.Errorf("second Add first = %v, want [z]", first)
	}
	if !h.Deliver(broadcast.Message{Topic: "y"}) || h.Deliver(broadcast.Message{Topic: "w"}) {
		t.Error("Deliver reports subscribers wrongly")
	}
	h.Deliver(broadcast.Message{Topic: "y"}) // both buffers full: two drops
	if h.Dropped() != 2 {
		t.Errorf("Dropped = %d, want 2", h.Dropped())
	}
	if last, ok := h.Remove(a); !ok || !slices.Equal(last, []string{"x"}) {
		t.Errorf("Remove(a) = %v, %v; want [x], true", last, ok)
	}
	if _, ok := h.Remove(a); ok {
		t.Error("second Remove(a) reported ok")
	}
	h.Close()
	if _, ok := <-b.C(); !ok {
		t.Error("buffered message lost on Close")
	}
	if _, ok := <-b.C(); ok {
		t.Error("channel open after Close")
	}
	if _, _, err := h.Add(context.Background(), []string{"x"}, 1, noop); err != broadcast.ErrClosed {
		t.Errorf("Add after Close = %v, want ErrClosed", err)
	}
}
