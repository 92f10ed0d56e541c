package main

import (
	"context"
	"io"
	"os"
	"testing"
	"time"
)

// TestMain lets the test binary play the child server: run re-executes
// os.Executable() (here the test binary) with -serve.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "-serve" {
		os.Exit(realMain(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// TestScenarios runs every scenario with a handful of charge points against
// the in-process ocppkit on SQLite (and, for one, the baseline) so the
// program cannot rot. It asserts correctness only, never speed.
func TestScenarios(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	tests := []struct {
		name     string
		scenario string
		baseline bool
		msgLog   bool
		ocpp     string
	}{
		{name: "heartbeat with baseline", scenario: "heartbeat", baseline: true},
		{name: "meter", scenario: "meter"},
		{name: "meter with the message log", scenario: "meter", msgLog: true},
		{name: "session", scenario: "session"},
		{name: "idle", scenario: "idle"},
		{name: "connect", scenario: "connect"},
		{name: "heartbeat 1.6 and 2.0.1", scenario: "heartbeat", ocpp: "both"},
		{name: "meter 1.6 and 2.0.1", scenario: "meter", ocpp: "both"},
		{name: "session 2.0.1", scenario: "session", ocpp: "2.0.1"},
		{name: "connect 2.0.1", scenario: "connect", ocpp: "2.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"-n", "5", "-scenario", tt.scenario, "-duration", "300ms", "-warmup", "100ms",
				"-timeout", "20s", "-cpuprofile", t.TempDir() + "/cpu.pprof", "-memprofile", t.TempDir() + "/mem.pprof"}
			if tt.baseline {
				args = append(args, "-baseline")
			}
			if tt.ocpp != "" {
				args = append(args, "-ocpp", tt.ocpp)
			}
			if tt.msgLog {
				// Two servers, and a commit per batch on SQLite: a longer
				// window keeps slow machines from acknowledging nothing.
				args = append(args, "-messagelog", "-duration", "1s")
			}
			o, err := parseOptions(args, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			results, err := run(ctx, o, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			want := 1
			if tt.baseline || tt.msgLog || tt.ocpp == "both" {
				want = 2
			}
			if len(results) != want {
				t.Fatalf("got %d results, want %d", len(results), want)
			}
			for _, r := range results {
				checkResult(t, tt.scenario, r)
			}
			if tt.ocpp != "" && results[len(results)-1].Target != target201 {
				t.Errorf("last run is %q, want %q", results[len(results)-1].Target, target201)
			}
			if (tt.baseline || tt.msgLog || tt.ocpp == "both") && results[1].Ratio == nil {
				t.Error("no ratio to the first run")
			}
			if tt.msgLog && results[1].Target != targetWithLog {
				t.Errorf("second run is %q, want %q", results[1].Target, targetWithLog)
			}
		})
	}
}

func checkResult(t *testing.T, scenario string, r *result) {
	t.Helper()
	if r.Errors != 0 {
		t.Errorf("%s: %d errors %v, first: %s", r.Target, r.Errors, r.ErrorsByKind, r.FirstError)
	}
	if r.Connected != r.Conns {
		t.Errorf("%s: %d of %d charge points connected and booted", r.Target, r.Connected, r.Conns)
	}
	switch scenario {
	case "heartbeat", "meter", "session":
		if r.Messages == 0 {
			t.Errorf("%s: no message acknowledged in the measurement window", r.Target)
		}
	case "connect":
		if r.BootedInSec <= 0 || r.Messages != uint64(r.Conns) {
			t.Errorf("%s: booted %d in %vs, want %d", r.Target, r.Messages, r.BootedInSec, r.Conns)
		}
	}
	if r.RSSAfter == 0 {
		t.Errorf("%s: server RSS not measured", r.Target)
	}
	if r.Target == targetWithLog {
		// Every frame is logged: a drop would show here.
		if r.LogRowsIn == nil || *r.LogRowsIn != int64(r.FramesOut) || *r.LogRowsOut != int64(r.FramesIn) || r.FramesOut == 0 {
			t.Errorf("message log rows %v in, %v out; the generator wrote %d frames and read %d (dropped %d)",
				r.LogRowsIn, r.LogRowsOut, r.FramesOut, r.FramesIn, r.LogDropped)
		}
	} else if r.Target != "ocppkit" && r.Target != target201 {
		return
	}
	if scenario == "meter" || scenario == "session" {
		if r.MeterAcked == 0 {
			t.Errorf("no MeterValues acknowledged")
		}
		if r.PersistedRows == nil || *r.PersistedRows != r.ExpectedRows {
			t.Errorf("%s: persisted rows %v, want %d (MeterValues or TransactionEvent Updated acknowledged × 4)", r.Target, r.PersistedRows, r.ExpectedRows)
		}
	}
}
