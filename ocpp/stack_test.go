//go:build !race

package ocpp_test

import (
	"context"
	"encoding/json"
	"runtime"
	"runtime/metrics"
	"strconv"
	"testing"

	"github.com/ocppkit/ocppkit/ocpp"
)

//go:noinline
func deepStack(n int) int {
	var pad [256]byte
	pad[n%256] = byte(n)
	if n == 0 {
		return int(pad[0])
	}
	return deepStack(n-1) + int(pad[n%256])
}

func stackBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/stacks:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestIdleStackShrinks checks that what an idle connection keeps on its
// stack (parked in a read, see Conn.run) is small enough for the garbage
// collector to shrink the stack back to 8 KiB after a handler grew it.
// It does not run in parallel (nor under the race detector, which makes
// frames bigger).
func TestIdleStackShrinks(t *testing.T) {
	h := ocpp.HandlerFunc(func(ctx context.Context, c *ocpp.Conn, action string, p json.RawMessage) (json.RawMessage, error) {
		deepStack(100) // about 30 KiB of stack, as a database driver may use
		return json.RawMessage(`{}`), nil
	})
	ts := newTestServer(t, ocpp.ServerConfig{Handler: h, Logger: discardLogger()})
	const n = 100
	runtime.GC()
	base := stackBytes()
	for i := range n {
		cl := ts.dialRaw(t, "CP"+strconv.Itoa(i))
		cl.call("d", "Deep", "{}")
	}
	for range 4 { // each collection halves a stack at most
		runtime.GC()
	}
	if per := float64(stackBytes()-base) / n; per > 9<<10 {
		t.Errorf("idle connections keep %.1f KiB of stack each, want 8 KiB", per/1024)
	}
}
