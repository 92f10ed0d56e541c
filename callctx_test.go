package ocppkit

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestCallContext: the lazy call context behaves as context.WithDeadline
// does, whether Done is asked for before or after the deadline, and when
// the connection's context ends first.
func TestCallContext(t *testing.T) {
	t.Parallel()
	type key struct{}
	tests := []struct {
		name       string
		timeout    time.Duration
		cancelConn bool
		doneFirst  bool // ask for Done before the deadline passes
		wantErr    error
	}{
		{name: "open, Done asked", timeout: time.Hour, doneFirst: true},
		{name: "open, Done never asked", timeout: time.Hour},
		{name: "deadline passed, Done asked after", timeout: time.Millisecond, wantErr: context.DeadlineExceeded},
		{name: "deadline passes while waiting on Done", timeout: 20 * time.Millisecond, doneFirst: true, wantErr: context.DeadlineExceeded},
		{name: "connection ended", timeout: time.Hour, cancelConn: true, wantErr: context.Canceled},
		{name: "connection ended, Done asked first", timeout: time.Hour, cancelConn: true, doneFirst: true, wantErr: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			conn, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
			defer cancel()
			cc := newCallContext(conn, tt.timeout)
			defer cc.release()
			if d, ok := cc.Deadline(); !ok || time.Until(d) > tt.timeout {
				t.Errorf("Deadline() = %v, %v", d, ok)
			}
			var done <-chan struct{}
			if tt.doneFirst {
				done = cc.Done()
			}
			if tt.cancelConn {
				cancel()
			}
			if tt.wantErr != nil {
				if done == nil {
					deadline := time.Now().Add(10 * time.Second)
					for cc.Err() == nil && time.Now().Before(deadline) {
						time.Sleep(time.Millisecond)
					}
					done = cc.Done()
				}
				select {
				case <-done:
				case <-time.After(10 * time.Second):
					t.Fatal("Done not closed")
				}
			}
			if err := cc.Err(); !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Errorf("Err() = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == context.DeadlineExceeded {
				if cause := context.Cause(cc); !errors.Is(cause, context.DeadlineExceeded) {
					t.Errorf("Cause = %v, want DeadlineExceeded", cause)
				}
			}
			if v := cc.Value(key{}); v != "v" {
				t.Errorf("Value = %v, want the connection's", v)
			}
		})
	}
}
