// Command loadtest measures ocppkit under load: N simulated charge points
// against an ocppkit Central System (SQLite or PostgreSQL) started by the
// program itself, or against any CSMS at a URL.
//
//	go run ./examples/loadtest -n 1000 -scenario heartbeat -baseline -peer ocpp-go
//	go run ./examples/loadtest -n 1000 -scenario meter -db postgres -baseline
//	go run ./examples/loadtest -n 10000 -scenario connect -baseline
//	go run ./examples/loadtest -n 5000 -scenario idle -baseline -peer ocpp-go
//	go run ./examples/loadtest -n 1000 -scenario meter -messagelog
//	go run ./examples/loadtest -url ws://127.0.0.1:8080/ocpp/ -auth=false -n 100
//	go run ./examples/loadtest -n 1000 -scenario meter -ocpp both
//
// -ocpp 2.0.1 drives ocppkit with OCPP 2.0.1 clients (target
// ocppkit-2.0.1): the same scenarios with TransactionEvent Started,
// Updated (four sampled values) and Ended in place of StartTransaction,
// MeterValues and StopTransaction; -ocpp both runs 1.6 and 2.0.1 clients
// against fresh servers in the same run and prints the 2.0.1 figures as a
// ratio to 1.6's. The baseline responder and -messagelog stay 1.6.
//
// Scenarios (every charge point first connects and sends BootNotification):
//
//   - heartbeat: Heartbeats back to back (closed loop: next request when
//     the reply has arrived), one goroutine per connection;
//   - meter: StartTransaction once, then MeterValues with four sampled
//     values back to back; at the end the meter value rows in the database
//     are counted and compared with acknowledged messages × 4, and the
//     database's batched-insert ceiling is measured (ceiling.go) and
//     printed beside the rows persisted per second;
//   - session: StartTransaction → -session-meters MeterValues →
//     StopTransaction, repeated;
//   - idle: connected and booted, silent for -warmup + -duration (by
//     default 1 minute); shows the server's memory per connection then;
//   - connect: N charge points connect at once (authenticated) and each
//     sends BootNotification; reports the time until all are booted;
//   - live: StartTransaction once, then one MeterValues (4 samples) every
//     -meter-every (open loop), with broadcast.Coalesce (-coalesce) in
//     front of the in-memory broadcaster and -subscribers SSE clients of
//     the all-charge-points topic; reports the server's CPU and memory and
//     the events each subscriber received per second.
//
// The server runs in a child process (this binary re-executed with the
// hidden -serve flag) on 127.0.0.1, so its RSS is measured alone
// (/proc/<pid>/status, after a forced GC, with the N connections open minus
// before they opened, divided by N) and -cpuprofile / -memprofile capture
// only the server, during the measurement window. -baseline runs the same
// load against a zero-logic OCPP-J responder on coder/websocket in another
// child process, so every figure is also a ratio to the transport's ceiling
// on this machine. -peer ocpp-go runs it against a minimal Central System on
// github.com/lorenzodonini/ocpp-go v0.19.0 (no persistence; see peer.go),
// and prints ocppkit's ratio to it in the column "vs ocpp-go".
//
// In-process charge points are registered with a password and dial with
// HTTP Basic (-auth, on by default); PostgreSQL runs in a fresh schema of
// -dsn (default $OCPP_TEST_DATABASE_URL) that is dropped at the end, SQLite
// in a temporary file.
//
// -messagelog runs ocppkit a second time, right after, with
// Config.MessageLog on (target "ocppkit+log", a fresh database), prints its
// throughput as a ratio to the run without the log, and checks the log: its
// rows per direction against the frames the generator wrote and read (a
// frame the log dropped shows as a mismatch, with the drop count).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

// options are the command line flags.
type options struct {
	n             int
	scenario      string
	duration      time.Duration
	warmup        time.Duration
	db            string
	dsn           string
	url           string
	prefix        string
	password      string
	baseline      bool
	peer          string
	messageLog    bool
	rounds        int
	auth          bool
	jsonOut       bool
	cpuProfile    string
	traceFile     string
	memProfile    string
	timeout       time.Duration
	sessionMeters int
	rateLimit     float64
	dbPool        int
	dialPar       int
	keep          bool
	sqliteParams  string
	verbose       bool
	subscribers   int
	meterEvery    time.Duration
	coalesce      time.Duration
	ocpp          string // 1.6 | 2.0.1 | both

	// hidden: the child server
	serve    bool
	target   string
	childDB  string
	childLog bool
}

// idleDuration is the idle scenario's default -duration: memory is measured
// after the fleet has been idle this long (what an operator reads), not
// right after the connect-time work.
const idleDuration = 60 * time.Second

var scenarios = []string{"heartbeat", "meter", "session", "idle", "connect", "live"}

var hiddenFlags = map[string]bool{"serve": true, "target": true, "dbdsn": true, "msglog": true}

func newFlagSet(o *options, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.IntVar(&o.n, "n", 1000, "number of simulated charge points (connections)")
	fs.StringVar(&o.scenario, "scenario", "heartbeat", "heartbeat | meter | session | idle | connect | live")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "measurement window (idle: how long the fleet is idle before memory is measured, default 1m)")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "load before the measurement window (not counted)")
	fs.StringVar(&o.db, "db", "sqlite", "database of the in-process ocppkit: sqlite | postgres")
	fs.StringVar(&o.dsn, "dsn", os.Getenv("OCPP_TEST_DATABASE_URL"), "PostgreSQL URL for -db postgres (a fresh schema is created in it and dropped at the end)")
	fs.StringVar(&o.url, "url", "", "external CSMS, e.g. ws://127.0.0.1:8080/ocpp/ (identity appended); no in-process server")
	fs.StringVar(&o.prefix, "prefix", "cp", "identity prefix with -url (identities are <prefix>00000, <prefix>00001, …)")
	fs.StringVar(&o.password, "password", "", "HTTP Basic password of every charge point with -url -auth")
	fs.BoolVar(&o.baseline, "baseline", false, "also run the load against a zero-logic OCPP-J responder (coder/websocket) and print ratios")
	fs.StringVar(&o.peer, "peer", "", "also run the load against a peer Central System: ocpp-go (github.com/lorenzodonini/ocpp-go v0.19.0, no persistence) and print ocppkit's ratio to it")
	fs.IntVar(&o.rounds, "rounds", 1, "run the targets this many times, the order reversed every other round, and print the median ratios")
	fs.BoolVar(&o.messageLog, "messagelog", false, "also run ocppkit with its message log on (target ocppkit+log) and print the throughput ratio to ocppkit without it")
	fs.BoolVar(&o.auth, "auth", true, "register charge points with a password and dial with HTTP Basic (with -url: off unless given)")
	fs.BoolVar(&o.jsonOut, "json", false, "print machine-readable JSON instead of the table")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the ocppkit server during the measurement window to this file")
	fs.StringVar(&o.traceFile, "trace", "", "write an execution trace of the ocppkit server during the measurement window to this file (go tool trace; keep -duration short)")
	fs.StringVar(&o.memProfile, "memprofile", "", "write an allocation profile of the ocppkit server at the end of the measurement window to this file")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "per-request timeout (also bounds the connect scenario's dials)")
	fs.IntVar(&o.sessionMeters, "session-meters", 5, "MeterValues per session in the session scenario")
	fs.Float64Var(&o.rateLimit, "ratelimit", 0, "ocppkit's per-connection rate limit in frames/s (0: the library default, -1: none)")
	fs.IntVar(&o.dbPool, "db-pool", 20, "max open PostgreSQL connections of the in-process server (0: unbounded, database/sql's default)")
	fs.IntVar(&o.dialPar, "dial-parallel", 200, "concurrent handshakes while setting up (every scenario except connect)")
	fs.StringVar(&o.sqliteParams, "sqlite-params", "", "extra go-sqlite3 DSN parameters for experiments, e.g. _cache_size=-65536 (sqlitedb.Open keeps them)")
	fs.BoolVar(&o.keep, "keep", false, "keep the SQLite file / PostgreSQL schema")
	fs.BoolVar(&o.verbose, "v", false, "log the server's info messages")
	fs.IntVar(&o.subscribers, "subscribers", 100, "live: SSE subscribers of the all-charge-points topic")
	fs.DurationVar(&o.meterEvery, "meter-every", time.Second, "live: each charge point sends one MeterValues (4 samples) this often")
	fs.DurationVar(&o.coalesce, "coalesce", 5*time.Second, "live: the broadcast.Coalesce interval in front of the broadcaster (0: none)")
	fs.StringVar(&o.ocpp, "ocpp", "1.6", "OCPP version of the charge points: 1.6 | 2.0.1 | both (1.6 and 2.0.1 against fresh servers, 2.0.1 as a ratio to 1.6)")
	fs.BoolVar(&o.serve, "serve", false, "")
	fs.StringVar(&o.target, "target", "ocppkit", "")
	fs.StringVar(&o.childDB, "dbdsn", "", "")
	fs.BoolVar(&o.childLog, "msglog", false, "")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage of loadtest:\n")
		fs.VisitAll(func(f *flag.Flag) {
			if hiddenFlags[f.Name] {
				return
			}
			name, usage := flag.UnquoteUsage(f)
			fmt.Fprintf(fs.Output(), "  -%s %s\n    \t%s", f.Name, name, usage)
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
				fmt.Fprintf(fs.Output(), " (default %s)", f.DefValue)
			}
			fmt.Fprintln(fs.Output())
		})
	}
	return fs
}

func parseOptions(args []string, out io.Writer) (*options, error) {
	o := &options{}
	fs := newFlagSet(o, out)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	authSet, durationSet := false, false
	fs.Visit(func(f *flag.Flag) {
		authSet = authSet || f.Name == "auth"
		durationSet = durationSet || f.Name == "duration"
	})
	if o.scenario == "idle" && !durationSet {
		o.duration = idleDuration
	}
	if o.serve {
		return o, nil
	}
	if o.url != "" && !authSet {
		o.auth = false
	}
	if !slices.Contains(scenarios, o.scenario) {
		return nil, fmt.Errorf("-scenario %q: want one of %s", o.scenario, strings.Join(scenarios, ", "))
	}
	if o.n <= 0 {
		return nil, errors.New("-n must be positive")
	}
	if o.db != "sqlite" && o.db != "postgres" {
		return nil, fmt.Errorf("-db %q: want sqlite or postgres", o.db)
	}
	if o.db == "postgres" && o.dsn == "" && o.url == "" {
		return nil, errors.New("-db postgres needs -dsn or OCPP_TEST_DATABASE_URL")
	}
	if o.url != "" && o.auth && o.password == "" {
		return nil, errors.New("-url with -auth needs -password")
	}
	if o.url != "" && o.baseline {
		return nil, errors.New("-baseline needs the in-process server (no -url)")
	}
	if o.peer != "" && o.peer != ocppGoTarget {
		return nil, fmt.Errorf("-peer %q: want ocpp-go", o.peer)
	}
	if o.url != "" && o.peer != "" {
		return nil, errors.New("-peer needs the in-process server (no -url)")
	}
	if o.scenario == "live" && (o.url != "" || o.baseline || o.peer != "" || o.messageLog || o.ocpp != "1.6") {
		return nil, errors.New("-scenario live runs ocppkit alone with 1.6 charge points (no -url, -baseline, -peer, -messagelog or -ocpp)")
	}
	if o.url != "" && o.messageLog {
		return nil, errors.New("-messagelog needs the in-process server (no -url)")
	}
	if !slices.Contains([]string{"1.6", "2.0.1", "both"}, o.ocpp) {
		return nil, fmt.Errorf("-ocpp %q: want 1.6, 2.0.1 or both", o.ocpp)
	}
	if o.url != "" && o.ocpp == "both" {
		return nil, errors.New("-ocpp both needs the in-process server (no -url)")
	}
	return o, nil
}

func main() {
	os.Exit(realMain(os.Args[1:]))
}

func realMain(args []string) int {
	o, err := parseOptions(args, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		return 2
	}
	if o.serve {
		err := serve(serveConfig{target: o.target, n: o.n, dbKind: o.db, dsn: o.childDB, auth: o.auth,
			rateLimit: o.rateLimit, dbPool: o.dbPool, verbose: o.verbose, messageLog: o.childLog, coalesce: o.coalesce})
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadtest server:", err)
			return 1
		}
		return 0
	}
	raiseFileLimit()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	results, err := run(ctx, o, os.Stderr)
	if len(results) > 0 {
		if o.jsonOut {
			enc := json.NewEncoder(os.Stdout)
			enc.SetIndent("", "  ")
			enc.Encode(results)
		} else {
			printTable(os.Stdout, results)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		return 1
	}
	return 0
}

// run runs the scenario against each target: the baseline first (with
// -baseline), then ocppkit (or the -url CSMS), then ocppkit+log (with
// -messagelog); -rounds times, the order reversed every other round.
func run(ctx context.Context, o *options, progress io.Writer) ([]*result, error) {
	targets := []string{"ocppkit"}
	if o.url != "" {
		targets = []string{"external"}
	} else {
		if o.baseline {
			targets = []string{"baseline", "ocppkit"}
		}
		if o.peer != "" {
			targets = append(targets, o.peer)
		}
		if o.messageLog {
			targets = append(targets, targetWithLog)
		}
		switch o.ocpp {
		case "2.0.1": // in place of ocppkit with 1.6 clients
			targets[slices.Index(targets, "ocppkit")] = target201
		case "both":
			targets = append(targets, target201)
		}
	}
	var results []*result
	for round := range max(o.rounds, 1) {
		order := slices.Clone(targets)
		if round%2 == 1 { // ABBA: a drift of the machine favours no target
			slices.Reverse(order)
		}
		byTarget := make(map[string]*result)
		for _, t := range order {
			fmt.Fprintf(progress, "loadtest: %s × %d against %s (round %d)…\n", o.scenario, o.n, t, round+1)
			r, err := runTarget(ctx, o, t)
			if r != nil {
				r.Round = round + 1
				results = append(results, r)
				byTarget[t] = r
			}
			if err != nil {
				return results, fmt.Errorf("%s: %w", t, err)
			}
		}
		if r, base := byTarget["ocppkit"], byTarget["baseline"]; r != nil && base != nil {
			setRatio(r, base)
		}
		if r, base := byTarget[ocppGoTarget], byTarget["baseline"]; r != nil && base != nil {
			setRatio(r, base)
		}
		if r, peer := byTarget["ocppkit"], byTarget[ocppGoTarget]; r != nil && peer != nil {
			r.VsPeer = ratioOf(r, peer)
		}
		if r, base := byTarget[target201], byTarget["ocppkit"]; r != nil && base != nil {
			setRatio(r, base)
			r.RatioOf += " of 1.6"
		} else if r, base := byTarget[target201], byTarget["baseline"]; r != nil && base != nil {
			setRatio(r, base)
		}
		if r, base := byTarget[targetWithLog], byTarget["ocppkit"]; r != nil && base != nil {
			setRatio(r, base)
			r.RatioOf += " of ocppkit without the log"
		}
	}
	return results, nil
}

// medianRatios summarises the ratios of target's results over the rounds:
// median, min and max of the throughput and of the server CPU per message
// (each to the same round's base run).
func medianRatios(results []*result, target, base string) (tput, cpu []float64) {
	bases := make(map[int]*result)
	for _, r := range results {
		if r.Target == base {
			bases[r.Round] = r
		}
	}
	for _, r := range results {
		if b := bases[r.Round]; r.Target == target && b != nil && b.MsgsPerSec > 0 && b.ServerCPUUs > 0 {
			tput = append(tput, r.MsgsPerSec/b.MsgsPerSec)
			cpu = append(cpu, r.ServerCPUUs/b.ServerCPUUs)
		}
	}
	slices.Sort(tput)
	slices.Sort(cpu)
	return tput, cpu
}

// targetWithLog is ocppkit with Config.MessageLog on (-messagelog).
const targetWithLog = "ocppkit+log"

func setRatio(r, base *result) {
	if v := ratioOf(r, base); v != nil {
		r.Ratio = v
		r.RatioOf = map[string]string{"idle": "RSS/conn", "connect": "time to boot all"}[r.Scenario]
		if r.RatioOf == "" {
			r.RatioOf = "msgs/s"
		}
	}
}

// ratioOf is r's figure of merit over base's: RSS per connection (idle),
// time until all booted (connect), messages per second (the others); nil
// when base has none.
func ratioOf(r, base *result) *float64 {
	var v float64
	switch r.Scenario {
	case "idle":
		if base.RSSPerConn <= 0 {
			return nil
		}
		v = r.RSSPerConn / base.RSSPerConn
	case "connect":
		if base.BootedInSec <= 0 {
			return nil
		}
		v = r.BootedInSec / base.BootedInSec
	default:
		if base.MsgsPerSec <= 0 {
			return nil
		}
		v = r.MsgsPerSec / base.MsgsPerSec
	}
	return &v
}

func printTable(w io.Writer, results []*result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "round\tscenario\ttarget\tdb\tconns\tmsgs/s\tp50\tp99\terrors\tRSS/conn\tsrv CPU/msg\tratio\tvs ocpp-go\t")
	for _, r := range results {
		ratio := "-"
		if r.Ratio != nil {
			ratio = fmt.Sprintf("%.2f× %s", *r.Ratio, r.RatioOf)
		}
		rss := "-"
		if r.RSSPerConn != 0 {
			rss = fmt.Sprintf("%.1f KiB", r.RSSPerConn/1024)
		}
		msgs := "-"
		if r.Scenario != "idle" {
			msgs = fmt.Sprintf("%.0f", r.MsgsPerSec)
		}
		cpu := "-"
		if r.ServerCPUUs > 0 {
			cpu = fmt.Sprintf("%.1fµs", r.ServerCPUUs)
		}
		vsPeer := "-"
		if r.VsPeer != nil {
			vsPeer = fmt.Sprintf("%.2f×", *r.VsPeer)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t\n",
			r.Round, r.Scenario, r.Target, cmpOr(r.DB, "-"), r.Connected, msgs,
			fmtMs(r.P50Ms), fmtMs(r.P99Ms), r.Errors, rss, cpu, ratio, vsPeer)
	}
	tw.Flush()
	for _, base := range []string{"baseline", "ocpp-go"} {
		if tput, cpu := medianRatios(results, "ocppkit", base); len(tput) > 1 {
			fmt.Fprintf(w, "ocppkit over %d rounds: throughput %.2f× (median; min %.2f, max %.2f), server CPU per message %.2f× (min %.2f, max %.2f) of %s\n",
				len(tput), median(tput), tput[0], tput[len(tput)-1], median(cpu), cpu[0], cpu[len(cpu)-1], base)
		}
	}
	if tput, cpu := medianRatios(results, target201, "ocppkit"); len(tput) > 1 {
		fmt.Fprintf(w, "ocppkit-2.0.1 over %d rounds: throughput %.2f× (median; min %.2f, max %.2f), server CPU per message %.2f× (min %.2f, max %.2f) of ocppkit with 1.6\n",
			len(tput), median(tput), tput[0], tput[len(tput)-1], median(cpu), cpu[0], cpu[len(cpu)-1])
	}
	if tput, cpu := medianRatios(results, targetWithLog, "ocppkit"); len(tput) > 1 {
		fmt.Fprintf(w, "ocppkit+log over %d rounds: throughput %.2f× (median; min %.2f, max %.2f), server CPU per message %.2f× (min %.2f, max %.2f) of ocppkit without the log\n",
			len(tput), median(tput), tput[0], tput[len(tput)-1], median(cpu), cpu[0], cpu[len(cpu)-1])
	}
	several := len(results) > 0 && results[len(results)-1].Round > 1
	for _, r := range results {
		name := r.Target
		if several {
			name = fmt.Sprintf("%s (round %d)", r.Target, r.Round)
		}
		if r.Scenario == "connect" {
			fmt.Fprintf(w, "%s: %d of %d charge points booted in %.2fs\n", name, r.Connected, r.Conns, r.BootedInSec)
		}
		if r.LogRowsIn != nil {
			mark := "OK"
			if *r.LogRowsIn != int64(r.FramesOut) || *r.LogRowsOut != int64(r.FramesIn) {
				mark = "MISMATCH"
				if r.Errors > 0 {
					mark += fmt.Sprintf(" (the run had %d errors: a connection that failed may have written a frame the server never read)", r.Errors)
				}
			}
			fmt.Fprintf(w, "%s: message log: %d frames in, %d out (the generator wrote %d frames and read %d; the log dropped %d) %s\n",
				name, *r.LogRowsIn, *r.LogRowsOut, r.FramesOut, r.FramesIn, r.LogDropped, mark)
		}
		if r.PersistedRows != nil {
			mark := "OK"
			if *r.PersistedRows != r.ExpectedRows {
				mark = "MISMATCH"
			}
			fmt.Fprintf(w, "%s: persisted rows: %d (expected %d = %d MeterValues or TransactionEvent Updated acknowledged × 4) %s\n",
				name, *r.PersistedRows, r.ExpectedRows, r.MeterAcked, mark)
		}
		if r.Scenario == "live" {
			fmt.Fprintf(w, "%s: %d MeterValues/s (%d samples/s) in, %d SSE subscribers received %.1f events/s each (min %.1f, max %.1f), %d events dropped by the broadcaster; server CPU %.2f cores, RSS %.1f MiB\n",
				name, int(r.MsgsPerSec+0.5), int(4*r.MsgsPerSec+0.5), r.Subscribers, r.EventsPerSub, r.EventsPerSubMin, r.EventsPerSubMax, r.EventsDropped, r.ServerCores, float64(r.RSSAfter)/(1<<20))
		}
		if r.CeilingRows > 0 {
			how := fmt.Sprintf("%d-row INSERTs", ceilingStmtRows)
			if r.DB == "postgres" {
				how = "one INSERT from column arrays each"
			}
			fmt.Fprintf(w, "%s: meter rows persisted %.0f/s = %.2f× the batched-insert ceiling of %s measured in this run (%.0f rows/s: the same fleet's rows from one writer, %d-row transactions of %s, timed from the %dth to the %dth row of the table as the run's window was; a single charge point's rows: %.0f rows/s)\n",
				name, r.RowsPerSec, r.RowsPerSec/r.CeilingRows, r.DB, r.CeilingRows, ceilingTxRows, how, r.CeilingFromRows, r.CeilingToRows, r.OneCPRows)
		}
		if r.Errors > 0 {
			fmt.Fprintf(w, "%s: errors %v; first: %s\n", name, r.ErrorsByKind, r.FirstError)
		}
		if r.GenCPUUs > 0 {
			fmt.Fprintf(w, "%s: CPU per message: server %.1fµs, generator %.1fµs\n", name, r.ServerCPUUs, r.GenCPUUs)
		}
		if r.RSSAfter != 0 {
			fmt.Fprintf(w, "%s: server RSS %.1f MiB before connections, %.1f MiB after (heap %+.1f KiB/conn, stacks %+.1f KiB/conn, %d goroutines)\n",
				name, float64(r.RSSBefore)/(1<<20), float64(r.RSSAfter)/(1<<20), r.HeapPerConn/1024, r.StackPerConn/1024, r.Goroutines)
		}
	}
}

// median of sorted values.
func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func fmtMs(ms float64) string {
	switch {
	case ms == 0:
		return "-"
	case ms < 10:
		return fmt.Sprintf("%.2fms", ms)
	default:
		return fmt.Sprintf("%.1fms", ms)
	}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
