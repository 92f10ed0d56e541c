package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/store"
	"github.com/ocppkit/ocppkit/store/anydb"
)

// The server side runs in a child process (this binary re-executed with
// -serve), so its memory is measured alone from /proc/<pid>/status and the
// generator's goroutines do not show up in its CPU profile. The child prints
// "READY <addr>" when it listens and exits when its stdin closes.

// serveConfig is what the parent hands the child.
type serveConfig struct {
	target     string // "ocppkit", "baseline" or "ocpp-go"
	n          int
	dbKind     string // sqlite | postgres
	dsn        string // SQLite file path or PostgreSQL URL (with search_path)
	auth       bool
	rateLimit  float64
	dbPool     int
	verbose    bool
	messageLog bool          // Config.MessageLog (target ocppkit+log)
	coalesce   time.Duration // broadcast.Coalesce interval of the live events (0: none)
}

func (c serveConfig) args() []string {
	return []string{
		"-serve", "-target", c.target, "-n", strconv.Itoa(c.n), "-db", c.dbKind, "-dbdsn", c.dsn,
		"-auth=" + strconv.FormatBool(c.auth), "-ratelimit", strconv.FormatFloat(c.rateLimit, 'g', -1, 64),
		"-db-pool", strconv.Itoa(c.dbPool), "-v=" + strconv.FormatBool(c.verbose),
		"-msglog=" + strconv.FormatBool(c.messageLog), "-coalesce", c.coalesce.String(),
	}
}

func identityOf(i int) string { return fmt.Sprintf("cp%05d", i) }

// passwordOf is every in-process charge point's password.
func passwordOf(identity string) string { return "lt-" + identity + "-6f1c9a0e52d4" }

// serve is the child's main.
func serve(cfg serveConfig) error {
	raiseFileLimit()
	level := slog.LevelWarn
	if cfg.verbose {
		level = slog.LevelInfo
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})).With("target", cfg.target)

	mux := http.NewServeMux()
	var shutdown func(context.Context) error
	ctl := &control{}
	switch cfg.target {
	case "baseline":
		b := &baseline{}
		mux.Handle("/ocpp/", b)
		shutdown = b.shutdown
	case ocppGoTarget:
		h, err := newOCPPGoHandler(cfg.auth)
		if err != nil {
			return err
		}
		mux.Handle("/ocpp/", h)
		shutdown = func(context.Context) error { return nil } // the process ends
	case "ocppkit":
		// Live events: the in-memory broadcaster behind a Coalescer, its
		// all-charge-points topic served as SSE on /_events.
		mem := broadcast.NewMemory(broadcast.MemoryConfig{History: -1, Logger: logger})
		coal := broadcast.Coalesce(mem, cfg.coalesce)
		csms, err := setupCSMS(cfg, logger, coal)
		if err != nil {
			return err
		}
		mux.Handle("/ocpp/", csms)
		mux.Handle("/_events", broadcast.NewSSEHandler(broadcast.SSEConfig{Broadcaster: coal}))
		ctl.eventsDropped = mem.Dropped
		shutdown = func(ctx context.Context) error {
			err := csms.Shutdown(ctx)
			return errors.Join(err, coal.Close(ctx), mem.Close())
		}
		ctl.logDropped = csms.MessageLogDropped
	default:
		return fmt.Errorf("unknown target %q", cfg.target)
	}
	mux.Handle("/_loadtest/", ctl)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 30 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	go srv.Serve(ln)
	fmt.Printf("READY %s\n", ln.Addr())

	// Run until the parent closes our stdin (or dies), at most an hour.
	done := make(chan struct{})
	go func() { io.Copy(io.Discard, os.Stdin); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Hour):
	}
	ctl.stopCPU()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_ = srv.Close() // the hijacked sockets are closed by shutdown below
	return shutdown(ctx)
}

func setupCSMS(cfg serveConfig, logger *slog.Logger, b broadcast.Broadcaster) (*ocppkit.CSMS, error) {
	ctx := context.Background()
	db, err := anydb.Open(cfg.dsn)
	if err != nil {
		return nil, err
	}
	if store.IsPostgresDSN(cfg.dsn) && cfg.dbPool > 0 {
		sqlDB, err := db.DB()
		if err != nil {
			return nil, err
		}
		sqlDB.SetMaxOpenConns(cfg.dbPool)
		sqlDB.SetMaxIdleConns(cfg.dbPool)
	}
	if err := store.Migrate(ctx, db); err != nil {
		return nil, err
	}
	if err := registerChargePoints(ctx, db, cfg.n, cfg.auth); err != nil {
		return nil, err
	}
	limit := rate.Limit(cfg.rateLimit)
	if cfg.rateLimit < 0 {
		limit = rate.Inf
	}
	return ocppkit.New(ocppkit.Config{
		DB:           db,
		Logger:       logger,
		Broadcaster:  b,
		AutoRegister: !cfg.auth,
		NodeID:       "loadtest",
		// Every simulated charge point dials from 127.0.0.1: the default
		// handshake limit counts failed handshakes only, so it stays on.
		Server:     ocpp.ServerConfig{RateLimit: limit},
		MessageLog: cfg.messageLog,
	})
}

// registerChargePoints inserts n charge points (with password digests when
// auth) and the id tag the generator uses, in bulk: setup is not measured.
func registerChargePoints(ctx context.Context, db *gorm.DB, n int, auth bool) error {
	cps := make([]store.ChargePoint, n)
	for i := range cps {
		cps[i] = store.ChargePoint{Identifier: identityOf(i), Metadata: store.JSONMap{}}
		if auth {
			d, err := ocpp.HashPassword(passwordOf(cps[i].Identifier))
			if err != nil {
				return err
			}
			cps[i].PasswordDigest = d
		}
	}
	tx := db.WithContext(ctx)
	if n > 0 {
		if err := tx.Omit(clause.Associations).CreateInBatches(cps, 500).Error; err != nil {
			return fmt.Errorf("register charge points: %w", err)
		}
	}
	if err := tx.Create(&store.IDTag{Tag: idTag, Status: "Accepted"}).Error; err != nil {
		return fmt.Errorf("register id tag: %w", err)
	}
	return nil
}

// control serves the parent's requests: memory statistics (after a full GC
// and returning freed memory to the OS, so RSS reflects what is live) and
// CPU/heap profiles of the measurement window.
type control struct {
	mu            sync.Mutex
	cpuFile       *os.File
	traceFile     *os.File
	logDropped    func() uint64 // frames the message log dropped; nil for the baseline
	eventsDropped func() uint64 // live events the broadcaster dropped; nil for the baseline
}

type serverStats struct {
	RSS           int64  `json:"rss_bytes"`
	HeapInuse     int64  `json:"heap_inuse_bytes"`
	StackInuse    int64  `json:"stack_inuse_bytes"`
	Goroutines    int    `json:"goroutines"`
	LogDropped    uint64 `json:"message_log_dropped"`
	EventsDropped uint64 `json:"events_dropped"`
}

func (c *control) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch strings.TrimPrefix(r.URL.Path, "/_loadtest/") {
	case "stats":
		runtime.GC()
		debug.FreeOSMemory()
		st := serverStats{RSS: readRSS(os.Getpid()), Goroutines: runtime.NumGoroutine()}
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/stacks:bytes"}}
		metrics.Read(s)
		st.HeapInuse = int64(s[0].Value.Uint64())
		st.StackInuse = int64(s[1].Value.Uint64())
		if c.logDropped != nil {
			st.LogDropped = c.logDropped()
		}
		if c.eventsDropped != nil {
			st.EventsDropped = c.eventsDropped()
		}
		json.NewEncoder(w).Encode(st)
	case "rusage":
		fmt.Fprint(w, cpuTime().Microseconds())
	case "cpu/start":
		c.startRecording(w, r, &c.cpuFile, pprof.StartCPUProfile)
	case "cpu/stop":
		c.stopCPU()
	case "trace/start":
		c.startRecording(w, r, &c.traceFile, trace.Start)
	case "trace/stop":
		c.stopRecording(&c.traceFile, trace.Stop)
	case "heap":
		f, err := os.Create(r.URL.Query().Get("file"))
		if err == nil {
			runtime.GC()
			err = pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	default:
		http.NotFound(w, r)
	}
}

func (c *control) stopCPU() { c.stopRecording(&c.cpuFile, pprof.StopCPUProfile) }

// startRecording creates the file the request names ("file") and starts a
// CPU profile or an execution trace into it (start), keeping the file in
// *slot until stopRecording. A file whose recording failed to start is
// closed.
func (c *control) startRecording(w http.ResponseWriter, r *http.Request, slot **os.File, start func(io.Writer) error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f, err := os.Create(r.URL.Query().Get("file"))
	if err == nil {
		if err = start(f); err != nil {
			f.Close()
		}
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	*slot = f
}

// stopRecording stops what startRecording started into *slot, if anything,
// and closes its file.
func (c *control) stopRecording(slot **os.File, stop func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if *slot != nil {
		stop()
		(*slot).Close()
		*slot = nil
	}
}

// cpuTime returns the CPU time (user + system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// readRSS returns VmRSS of a process in bytes (0 if unknown).
func readRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range bytes.Lines(b) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			f := strings.Fields(string(rest))
			if len(f) >= 1 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}

// raiseFileLimit lifts RLIMIT_NOFILE so that tens of thousands of
// connections fit (each needs a descriptor on both sides): as root, soft and
// hard limit to fs.nr_open (at most 1,048,576); otherwise the soft limit to
// the hard one.
func raiseFileLimit() {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return
	}
	want := uint64(1 << 20)
	if b, err := os.ReadFile("/proc/sys/fs/nr_open"); err == nil {
		if n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64); err == nil {
			want = min(want, n)
		}
	}
	if want > lim.Max && syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: want, Max: want}) == nil {
		return
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
}

// child is a running server process, seen from the parent.
type child struct {
	target string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	addr   string
	ctl    *http.Client
	exit   chan error
}

func startChild(ctx context.Context, cfg serveConfig) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, cfg.args()...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{target: cfg.target, cmd: cmd, stdin: stdin, ctl: &http.Client{Timeout: 60 * time.Second}, exit: make(chan error, 1)}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if addr, ok := strings.CutPrefix(sc.Text(), "READY "); ok {
				select {
				case ready <- addr:
				default:
				}
			} else {
				fmt.Fprintln(os.Stderr, sc.Text())
			}
		}
	}()
	go func() { c.exit <- cmd.Wait() }()
	select {
	case c.addr = <-ready:
		return c, nil
	case err := <-c.exit:
		return nil, fmt.Errorf("%s server exited before it was ready: %v", cfg.target, err)
	case <-ctx.Done():
		c.stop()
		return nil, ctx.Err()
	case <-time.After(5 * time.Minute):
		c.stop()
		return nil, fmt.Errorf("%s server not ready after 5 minutes", cfg.target)
	}
}

func (c *child) url() string { return "ws://" + c.addr + "/ocpp/" }

func (c *child) get(path string) ([]byte, error) {
	resp, err := c.ctl.Get("http://" + c.addr + "/_loadtest/" + path)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("control %s: %s %s", path, resp.Status, b)
	}
	return b, err
}

// cpu returns the child's CPU time so far.
func (c *child) cpu() (time.Duration, error) {
	b, err := c.get("rusage")
	if err != nil {
		return 0, err
	}
	us, err := strconv.ParseInt(string(b), 10, 64)
	return time.Duration(us) * time.Microsecond, err
}

func (c *child) stats() (serverStats, error) {
	var st serverStats
	b, err := c.get("stats")
	if err == nil {
		err = json.Unmarshal(b, &st)
	}
	return st, err
}

// stop closes the child's stdin and waits for it to shut down (killing it
// after 30 seconds).
func (c *child) stop() error {
	c.stdin.Close()
	select {
	case err := <-c.exit:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("server process: %v", err)
		}
		return err
	case <-time.After(30 * time.Second):
		c.cmd.Process.Kill()
		<-c.exit
		return errors.New("server process did not stop within 30s: killed")
	}
}

// baseline is the transport's ceiling: a zero-logic OCPP-J responder on
// coder/websocket. It selects ocpp1.6, answers each CALL at once with a
// fixed, plausible payload (found by scanning bytes, no JSON decoding), and
// does nothing else: no authentication, no validation, no database.
type baseline struct {
	mu    sync.Mutex
	conns map[*websocket.Conn]struct{}
	txID  atomic.Int64
}

func (b *baseline) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"ocpp1.6"}})
	if err != nil {
		return
	}
	if ws.Subprotocol() != "ocpp1.6" {
		ws.Close(websocket.StatusProtocolError, "ocpp1.6 required")
		return
	}
	b.mu.Lock()
	if b.conns == nil {
		b.conns = make(map[*websocket.Conn]struct{})
	}
	b.conns[ws] = struct{}{}
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		delete(b.conns, ws)
		b.mu.Unlock()
		ws.CloseNow()
	}()
	ctx := context.Background()
	var out []byte
	for {
		_, msg, err := ws.Read(ctx)
		if err != nil {
			return
		}
		// [2,"<id>","<Action>",{…}]
		if !bytes.HasPrefix(msg, []byte(`[2,"`)) {
			continue
		}
		rest := msg[4:]
		idEnd := bytes.IndexByte(rest, '"')
		if idEnd < 0 {
			continue
		}
		id := rest[:idEnd]
		action := rest[idEnd+1:]
		if len(action) > 2 {
			action = action[2:]
			if e := bytes.IndexByte(action, '"'); e >= 0 {
				action = action[:e]
			}
		}
		out = append(out[:0], `[3,"`...)
		out = append(out, id...)
		out = append(out, `",`...)
		switch string(action) {
		case "BootNotification":
			out = append(out, `{"status":"Accepted","currentTime":"`...)
			out = appendNow(out)
			out = append(out, `","interval":300}`...)
		case "Heartbeat":
			out = append(out, `{"currentTime":"`...)
			out = appendNow(out)
			out = append(out, `"}`...)
		case "StartTransaction":
			out = append(out, `{"idTagInfo":{"status":"Accepted"},"transactionId":`...)
			out = strconv.AppendInt(out, b.txID.Add(1), 10)
			out = append(out, '}')
		case "Authorize", "StopTransaction":
			out = append(out, `{"idTagInfo":{"status":"Accepted"}}`...)
		default:
			out = append(out, `{}`...)
		}
		out = append(out, ']')
		if err := ws.Write(ctx, websocket.MessageText, out); err != nil {
			return
		}
	}
}

func (b *baseline) shutdown(context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ws := range b.conns {
		ws.CloseNow()
	}
	return nil
}
