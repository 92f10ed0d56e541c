package main

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/internal/testdb"
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
		peer     bool
		msgLog   bool
		args     []string
		ocpp     string
		pg       bool // on the test PostgreSQL (OCPP_TEST_DATABASE_URL)
	}{
		{name: "heartbeat with baseline", scenario: "heartbeat", baseline: true},
		{name: "connect with baseline and ocpp-go", scenario: "connect", baseline: true, peer: true},
		{name: "meter with ocpp-go", scenario: "meter", peer: true},
		{name: "meter", scenario: "meter"},
		{name: "meter with the message log", scenario: "meter", msgLog: true},
		{name: "meter on PostgreSQL", scenario: "meter", pg: true},
		{name: "session", scenario: "session"},
		{name: "idle", scenario: "idle"},
		{name: "connect", scenario: "connect"},
		{name: "live", scenario: "live", args: []string{"-subscribers", "3", "-meter-every", "50ms", "-coalesce", "100ms", "-duration", "1s"}},
		{name: "heartbeat 1.6 and 2.0.1", scenario: "heartbeat", ocpp: "both"},
		{name: "meter 1.6 and 2.0.1", scenario: "meter", ocpp: "both"},
		{name: "session 2.0.1", scenario: "session", ocpp: "2.0.1"},
		{name: "connect 2.0.1", scenario: "connect", ocpp: "2.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			traceFile := t.TempDir() + "/trace.out"
			args := []string{"-n", "5", "-scenario", tt.scenario, "-duration", "300ms", "-warmup", "100ms",
				"-timeout", "20s", "-cpuprofile", t.TempDir() + "/cpu.pprof", "-memprofile", t.TempDir() + "/mem.pprof",
				"-trace", traceFile}
			if tt.baseline {
				args = append(args, "-baseline")
			}
			if tt.peer {
				args = append(args, "-peer", "ocpp-go")
			}
			args = append(args, tt.args...)
			if tt.ocpp != "" {
				args = append(args, "-ocpp", tt.ocpp)
			}
			if tt.pg {
				args = append(args, "-db", "postgres", "-dsn", testdb.PostgresURL(t))
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
			if tt.scenario == "heartbeat" && tt.ocpp == "" {
				if fi, err := os.Stat(traceFile); err != nil || fi.Size() == 0 {
					t.Errorf("-trace: %v, %v; want the server's execution trace", fi, err)
				}
			}
			want := 1
			for _, b := range []bool{tt.baseline, tt.peer, tt.msgLog, tt.ocpp == "both"} {
				if b {
					want++
				}
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
			if tt.peer {
				if last := results[len(results)-1]; last.Target != ocppGoTarget {
					t.Errorf("last run is %q, want %q", last.Target, ocppGoTarget)
				}
				if kit := results[len(results)-2]; kit.VsPeer == nil {
					t.Error("no ratio of ocppkit to ocpp-go")
				}
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
	case "live":
		if r.Messages == 0 || r.Subscribers != 3 || r.EventsPerSub <= 0 || r.ServerCores <= 0 {
			t.Errorf("%s: %d MeterValues, %d subscribers receiving %.1f events/s, server %.2f cores: want all measured",
				r.Target, r.Messages, r.Subscribers, r.EventsPerSub, r.ServerCores)
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
	if scenario == "meter" || scenario == "session" || scenario == "live" {
		if r.MeterAcked == 0 {
			t.Errorf("no MeterValues acknowledged")
		}
		if r.Target == "ocppkit" && scenario == "meter" && (r.CeilingRows <= 0 || r.RowsPerSec <= 0) {
			t.Errorf("meter rows %.0f/s, ceiling %.0f rows/s: want both measured", r.RowsPerSec, r.CeilingRows)
		}
		// The ceiling is timed over the rows the run's window stored: from
		// the table's size when the window opened, as many as it stored.
		before := 4 * (int(r.MeterAcked) - int(r.Messages) - int(r.MeterAfter))
		if r.Target == "ocppkit" && scenario == "meter" && (r.CeilingToRows-r.CeilingFromRows != 4*int(r.Messages) ||
			r.CeilingFromRows != before || r.PersistedRows == nil || int64(r.CeilingToRows) > *r.PersistedRows) {
			var stored int64 = -1
			if r.PersistedRows != nil {
				stored = *r.PersistedRows
			}
			t.Errorf("ceiling timed from row %d to %d; the window stored %d rows, %d were stored before it, %d in all",
				r.CeilingFromRows, r.CeilingToRows, 4*r.Messages, before, stored)
		}
		if r.PersistedRows == nil || *r.PersistedRows != r.ExpectedRows {
			t.Errorf("%s: persisted rows %v, want %d (MeterValues or TransactionEvent Updated acknowledged × 4)", r.Target, r.PersistedRows, r.ExpectedRows)
		}
	}
}
