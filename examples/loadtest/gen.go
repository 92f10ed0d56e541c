package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// The load generator: raw coder/websocket clients, frames appended into a
// reused buffer (no encoding/json, no validation), one goroutine per
// connection doing closed-loop request → reply.

// errKind classifies failed requests.
type errKind int

const (
	errCallError  errKind = iota // CALLERROR reply (or a refused BootNotification)
	errTimeout                   // no reply within -timeout
	errDisconnect                // read/write failed: connection lost
	errDial                      // handshake failed
	errKinds
)

var errKindNames = [errKinds]string{"callerror", "timeout", "disconnect", "dial"}

// genStats are the counters of one target's run, shared by all clients.
type genStats struct {
	hist      histogram
	errs      [errKinds]atomic.Uint64
	inWindow  atomic.Uint64 // replies received inside the measurement window
	meterAcks atomic.Uint64 // MeterValues acknowledged over the whole run
	// meterBefore and meterAfter count the MeterValues acknowledged
	// before the measurement window opened and after it closed.
	meterBefore, meterAfter atomic.Uint64
	calls                   atomic.Uint64 // CALLs the server sent us (answered NotSupported)
	framesOut               atomic.Uint64 // frames written to the server
	framesIn                atomic.Uint64 // frames read from the server
	firstErr                atomic.Pointer[string]
}

func (s *genStats) fail(kind errKind, err error) {
	s.errs[kind].Add(1)
	if err != nil {
		msg := errKindNames[kind] + ": " + err.Error()
		s.firstErr.CompareAndSwap(nil, &msg)
	}
}

func (s *genStats) errors() uint64 {
	var n uint64
	for i := range s.errs {
		n += s.errs[i].Load()
	}
	return n
}

// window is the measurement window: replies completing inside it count.
type window struct {
	start, end atomic.Int64 // unix nanos; 0 = not set
}

func (w *window) contains(t int64) bool {
	s, e := w.start.Load(), w.end.Load()
	return s != 0 && t >= s && (e == 0 || t < e)
}

// before says whether t is before the window opens.
func (w *window) before(t int64) bool {
	s := w.start.Load()
	return s == 0 || t < s
}

// after says whether t is after the window closed.
func (w *window) after(t int64) bool {
	e := w.end.Load()
	return e != 0 && t >= e
}

// client is one simulated charge point.
type client struct {
	idx      int
	identity string
	ws       *websocket.Conn
	stats    *genStats
	win      *window

	seq      uint64
	lastTS   time.Time // the last sample timestamp sent (see stamp)
	energy   int       // Wh, the meter register
	txID     int
	v201     bool   // speaks OCPP 2.0.1 (gen201.go)
	tx201    string // 2.0.1: the transaction's id
	seq201   int    // 2.0.1: the transaction's last seqNo
	txCount  int    // 2.0.1: transactions started, for unique ids
	wbuf     []byte
	rbuf     []byte
	inflight atomic.Int64 // unix nanos the outstanding request was sent; 0 = none
	timedOut atomic.Bool
	dead     bool // the connection failed (timeout or disconnect)
}

var errClientTimeout = errors.New("no reply within timeout")

// dialOptions are shared by every dial of a run.
type dialer struct {
	base        string // ws://host/ocpp/
	subprotocol string // offered and required: "ocpp1.6" (when empty) or "ocpp2.0.1"
	auth        bool
	password    func(identity string) string
	client      *http.Client
}

func newDialer(base string, auth bool, password func(string) string) *dialer {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost: -1,
		DisableKeepAlives:   true,
	}
	return &dialer{base: base, auth: auth, password: password, client: &http.Client{Transport: tr}}
}

func (d *dialer) dial(ctx context.Context, identity string) (*websocket.Conn, error) {
	subprotocol := cmpOr(d.subprotocol, "ocpp1.6")
	opts := &websocket.DialOptions{
		HTTPClient:   d.client,
		Subprotocols: []string{subprotocol},
	}
	if d.auth {
		h := http.Header{}
		cred := base64.StdEncoding.EncodeToString([]byte(identity + ":" + d.password(identity)))
		h.Set("Authorization", "Basic "+cred)
		opts.HTTPHeader = h
	}
	ws, resp, err := websocket.Dial(ctx, d.base+identity, opts)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("dial %s: HTTP %d: %w", identity, resp.StatusCode, err)
		}
		return nil, fmt.Errorf("dial %s: %w", identity, err)
	}
	if ws.Subprotocol() != subprotocol {
		ws.CloseNow()
		return nil, fmt.Errorf("dial %s: server selected subprotocol %q", identity, ws.Subprotocol())
	}
	ws.SetReadLimit(1 << 20)
	return ws, nil
}

// Frame builders. Each appends a complete CALL to b.

func (c *client) begin(b []byte, action string) []byte {
	c.seq++
	b = append(b, `[2,"`...)
	b = strconv.AppendUint(b, c.seq, 10)
	b = append(b, `","`...)
	b = append(b, action...)
	return append(b, `",`...)
}

func appendNow(b []byte) []byte {
	return time.Now().UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z")
}

// stamp appends the timestamp of a new meter sample: now, but at least a
// millisecond after the previous one. A real meter never samples twice in a
// millisecond, and the store keeps one reading per (charge point, measurand,
// timestamp, …): two messages in the same millisecond would be one reading.
func (c *client) stamp(b []byte) []byte {
	t := time.Now().UTC().Truncate(time.Millisecond)
	if !t.After(c.lastTS) {
		t = c.lastTS.Add(time.Millisecond)
	}
	c.lastTS = t
	return t.AppendFormat(b, "2006-01-02T15:04:05.000Z")
}

func (c *client) bootFrame(b []byte) []byte {
	if c.v201 {
		return c.bootFrame201(b)
	}
	b = c.begin(b, "BootNotification")
	b = append(b, `{"chargePointVendor":"ocppkit","chargePointModel":"loadtest","chargePointSerialNumber":"`...)
	b = append(b, c.identity...)
	return append(b, `"}]`...)
}

func (c *client) heartbeatFrame(b []byte) []byte {
	b = c.begin(b, "Heartbeat")
	return append(b, `{}]`...)
}

func (c *client) startFrame(b []byte) []byte {
	if c.v201 {
		return c.startFrame201(b)
	}
	b = c.begin(b, "StartTransaction")
	b = append(b, `{"connectorId":1,"idTag":"`+idTag+`","meterStart":`...)
	b = strconv.AppendInt(b, int64(c.energy), 10)
	b = append(b, `,"timestamp":"`...)
	b = appendNow(b)
	return append(b, `"}]`...)
}

// meterFrame is a MeterValues with four sampled values: the energy register
// (which grows with every message), power, current and voltage.
func (c *client) meterFrame(b []byte) []byte {
	if c.v201 {
		return c.meterFrame201(b)
	}
	c.energy += 37
	b = c.begin(b, "MeterValues")
	b = append(b, `{"connectorId":1,"transactionId":`...)
	b = strconv.AppendInt(b, int64(c.txID), 10)
	b = append(b, `,"meterValue":[{"timestamp":"`...)
	b = c.stamp(b)
	b = append(b, `","sampledValue":[{"value":"`...)
	b = strconv.AppendInt(b, int64(c.energy), 10)
	b = append(b, `","context":"Sample.Periodic","measurand":"Energy.Active.Import.Register","unit":"Wh"},`+
		`{"value":"7400.5","context":"Sample.Periodic","measurand":"Power.Active.Import","unit":"W"},`+
		`{"value":"32.1","context":"Sample.Periodic","measurand":"Current.Import","phase":"L1","unit":"A"},`+
		`{"value":"230.4","context":"Sample.Periodic","measurand":"Voltage","phase":"L1-N","unit":"V"}]}]}]`...)
	return b
}

func (c *client) stopFrame(b []byte) []byte {
	if c.v201 {
		return c.stopFrame201(b)
	}
	b = c.begin(b, "StopTransaction")
	b = append(b, `{"transactionId":`...)
	b = strconv.AppendInt(b, int64(c.txID), 10)
	b = append(b, `,"idTag":"`+idTag+`","meterStop":`...)
	b = strconv.AppendInt(b, int64(c.energy), 10)
	b = append(b, `,"timestamp":"`...)
	b = appendNow(b)
	return append(b, `","reason":"EVDisconnected"}]`...)
}

const idTag = "LOADTEST"

// call sends one CALL built by build and waits for its reply. It returns the
// reply payload (valid until the next call) or an error; failures are
// counted in c.stats. A timeout or disconnect leaves the client unusable.
func (c *client) call(ctx context.Context, build func([]byte) []byte, meterRows bool) ([]byte, error) {
	c.wbuf = build(c.wbuf[:0])
	id := c.wbuf[4 : bytes.IndexByte(c.wbuf[4:], '"')+4]
	start := time.Now()
	c.inflight.Store(start.UnixNano())
	defer c.inflight.Store(0)
	if err := c.ws.Write(ctx, websocket.MessageText, c.wbuf); err != nil {
		return nil, c.lost(err)
	}
	c.stats.framesOut.Add(1)
	for {
		msg, err := c.read(ctx)
		if err != nil {
			return nil, c.lost(err)
		}
		c.stats.framesIn.Add(1)
		switch {
		case bytes.HasPrefix(msg, []byte(`[3,"`)) && bytes.HasPrefix(msg[4:], id) && len(msg) > 4+len(id) && msg[4+len(id)] == '"':
			end := time.Now()
			if c.win.contains(end.UnixNano()) {
				c.stats.inWindow.Add(1)
				c.stats.hist.record(c.idx, end.Sub(start))
			}
			if meterRows {
				c.stats.meterAcks.Add(1)
				switch t := end.UnixNano(); {
				case c.win.before(t):
					c.stats.meterBefore.Add(1)
				case c.win.after(t):
					c.stats.meterAfter.Add(1)
				}
			}
			return msg[4+len(id)+2 : len(msg)-1], nil
		case bytes.HasPrefix(msg, []byte(`[4,"`)):
			err := fmt.Errorf("%s: CALLERROR %s", c.identity, truncate(msg, 200))
			c.stats.fail(errCallError, err)
			return nil, err
		case bytes.HasPrefix(msg, []byte(`[2,"`)):
			// A CALL from the server: we implement nothing.
			c.stats.calls.Add(1)
			if err := c.answerCall(ctx, msg); err != nil {
				return nil, c.lost(err)
			}
		default:
			err := fmt.Errorf("%s: unexpected frame %s", c.identity, truncate(msg, 200))
			c.stats.fail(errCallError, err)
			return nil, err
		}
	}
}

func (c *client) lost(err error) error {
	c.dead = true
	if c.timedOut.Load() {
		err = fmt.Errorf("%s: %w", c.identity, errClientTimeout)
		c.stats.fail(errTimeout, err)
		return err
	}
	err = fmt.Errorf("%s: %w", c.identity, err)
	c.stats.fail(errDisconnect, err)
	return err
}

func (c *client) answerCall(ctx context.Context, msg []byte) error {
	end := bytes.IndexByte(msg[4:], '"')
	if end < 0 {
		return nil
	}
	reply := append([]byte(`[4,"`), msg[4:4+end]...)
	reply = append(reply, `","NotSupported","loadtest charge point",{}]`...)
	if err := c.ws.Write(ctx, websocket.MessageText, reply); err != nil {
		return err
	}
	c.stats.framesOut.Add(1)
	return nil
}

// read reads one message into c.rbuf.
func (c *client) read(ctx context.Context) ([]byte, error) {
	_, r, err := c.ws.Reader(ctx)
	if err != nil {
		return nil, err
	}
	b := c.rbuf[:0]
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	c.rbuf = b
	return b, nil
}

// idle reads (answering pings and server CALLs) until ctx ends.
func (c *client) idle(ctx context.Context) {
	for {
		msg, err := c.read(ctx)
		if err != nil {
			if ctx.Err() == nil {
				c.lost(err)
			}
			return
		}
		if bytes.HasPrefix(msg, []byte(`[2,"`)) {
			c.stats.calls.Add(1)
			if err := c.answerCall(ctx, msg); err != nil {
				return
			}
		}
	}
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// jsonInt finds "key":<int> in payload.
func jsonInt(payload []byte, key string) (int, bool) {
	i := bytes.Index(payload, []byte(`"`+key+`":`))
	if i < 0 {
		return 0, false
	}
	i += len(key) + 3
	for i < len(payload) && payload[i] == ' ' {
		i++
	}
	j := i
	for j < len(payload) && (payload[j] == '-' || payload[j] >= '0' && payload[j] <= '9') {
		j++
	}
	v, err := strconv.Atoi(string(payload[i:j]))
	return v, err == nil
}

// watchdog closes the connection of every client whose outstanding request
// is older than timeout, so a stuck server shows up as timeouts instead of
// a run that never ends.
func watchdog(ctx context.Context, clients []*client, timeout time.Duration) {
	t := time.NewTicker(min(timeout/4, 250*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			limit := now.Add(-timeout).UnixNano()
			for _, c := range clients {
				if c == nil {
					continue
				}
				if s := c.inflight.Load(); s != 0 && s < limit && c.timedOut.CompareAndSwap(false, true) {
					c.ws.CloseNow()
				}
			}
		}
	}
}

// forEach runs fn for every index in [0, n) on at most par goroutines.
func forEach(n, par int, fn func(i int)) {
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for range min(par, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}
