package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/store"
)

// startDashboard runs the whole program (serve) on 127.0.0.1:0 with SQLite
// in a temp dir and returns its base URL. It stops when the test ends.
func startDashboard(t *testing.T, cfg config) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DBPath == "" {
		cfg.DBPath = filepath.Join(t.TempDir(), "dashboard.db")
	}
	if cfg.IDTag == "" {
		cfg.IDTag = "DASHBOARD"
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// chromium returns the browser binary, skipping the test when there is none
// (failing instead when CI is set).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium binary found (install Debian's chromium); CI is set, so not skipping")
	}
	t.Skip("no chromium binary found; install chromium to run the browser tests")
	return ""
}

// newBrowser starts a headless chromium with a fresh profile.
func newBrowser(t *testing.T, width, height int) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // start the browser now, without a deadline
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

type action = chromedp.Action[chromedp.Void]

// step runs actions with a deadline, failing the test with what was being
// waited for.
func step(t *testing.T, ctx context.Context, what string, timeout time.Duration, actions ...action) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s: timed out after %s", what, timeout)
		}
		t.Fatalf("%s: %v", what, err)
	}
}

// afterNavigation runs an action that makes the page navigate (a submit, a
// click on a link) and then the waits for the page it leads to. Chrome may
// report the old page gone while an action or a wait still ran on it
// ("Inspected target navigated or closed"): the navigation is what was
// asked for, so the waits start again on the new page, until the deadline.
func afterNavigation(t *testing.T, ctx context.Context, what string, timeout time.Duration, act action, waits action) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := chromedp.Do(ctx, act); err != nil && !navigatedAway(err) {
		t.Fatalf("%s: %v", what, err)
	}
	for {
		err := chromedp.Do(ctx, waits)
		switch {
		case err == nil:
			return
		case ctx.Err() != nil:
			t.Fatalf("%s: timed out after %s (last: %v)", what, timeout, err)
		case !navigatedAway(err):
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// navigatedAway reports whether err says the page an action ran on went
// away because the browser navigated.
func navigatedAway(err error) bool {
	s := err.Error()
	return strings.Contains(s, "navigated or closed") ||
		strings.Contains(s, "Execution context was destroyed") ||
		strings.Contains(s, "Cannot find context")
}

// eval evaluates a JavaScript expression.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitJS polls a JavaScript condition until it is true (the step's
// deadline bounds it).
func waitJS(expr string) action {
	return chromedp.Poll[chromedp.Void](expr,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(0))
}

// markPage sets a variable that a reload would wipe out.
func markPage() action {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](`window.__noReload = true`)(ctx, t)
		return err
	})
}

func login(t *testing.T, ctx context.Context, base, password string) {
	t.Helper()
	step(t, ctx, "log in", 20*time.Second,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#password`)),
		chromedp.SendKeys(chromedp.CSS(`#password`), password),
		chromedp.Click(chromedp.CSS(`#login`)),
		chromedp.WaitVisible(chromedp.CSS(`#cards`)),
	)
}

// timezone makes the browser's zone tz (an IANA name), as for an operator
// abroad: the dashboard's process stays in its own zone.
func timezone(tz string) action {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: tz})
		return err
	})
}

// device emulates a screen width px wide (a phone, with touch, below 800).
func device(width int) action {
	opts := []chromedp.EmulateViewportOption{chromedp.EmulatePortrait}
	if width < 800 {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2))
	}
	return chromedp.EmulateViewport(int64(width), 800, opts...)
}

// navigate loads path and waits until the page's script has run (the
// live indicator leaves its initial state on pages with an event stream).
func navigate(base, path string) action {
	return chromedp.Steps(
		chromedp.Navigate(base+path),
		chromedp.WaitReady(chromedp.CSS(`body`)),
		waitJS(`document.readyState === 'complete'`),
	)
}

// live waits until the page's event stream is open.
func live() action { return waitJS(`document.querySelector('#live').dataset.state === 'open'`) }

// browse opens a browser logged in to e's dashboard, width px wide.
func (e *testEnv) browse(t *testing.T, width int, more ...action) context.Context {
	t.Helper()
	ctx := newBrowser(t, max(width, 800), 900)
	step(t, ctx, "emulate", 10*time.Second, append([]action{device(width)}, more...)...)
	login(t, ctx, e.ts.URL, testPassword)
	return ctx
}

// TestBrowserDashboard drives the dashboard with simulated charge points,
// the default mixed fleet (SIM001 speaks 2.0.1, SIM002 1.6): it loads,
// Start on a connector of a card charges that connector without a reload,
// its Stop (naming the session) ends it, the session is listed as
// completed with its charts, and the charge point page starts and stops
// from a connector's panel while its charts fill.
func TestBrowserDashboard(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	base := startDashboard(t, config{
		Password:      "browser-secret",
		Simulate:      2,
		SimRemoteOnly: true, // nothing charges unless the test says so
		MeterInterval: 500 * time.Millisecond,
		SessionLength: 2 * time.Minute,
	})
	login(t, ctx, base, "browser-secret")

	card := `.cp-card[data-identity="SIM001"]`
	row := card + ` .conn[data-connector="1"]`
	step(t, ctx, "two charge points online, event stream open", 20*time.Second,
		waitJS(`document.querySelectorAll('.cp-card .online.yes').length === 2 &&
			document.querySelector('#live').dataset.state === 'open' &&
			document.querySelector('[data-stat="online"]').textContent.trim() === '2'`),
		markPage(),
		waitJS(`document.querySelector('`+row+` button[data-action="start"]') !== null`),
	)

	// Start: connector 1 (the 2.0.1 station's EVSE 1) goes Occupied, and
	// its row follows without a reload, with its own power.
	step(t, ctx, "start charging on SIM001 connector 1", 30*time.Second,
		chromedp.Click(chromedp.CSS(row+` button[data-action="start"]`)),
		waitJS(`document.querySelector('`+row+` [data-field="conn-status"]').textContent.trim() === 'Occupied' &&
			document.querySelector('`+row+` button[data-action="stop"]') !== null && window.__noReload === true`),
		waitJS(`(() => { const p = document.querySelector('`+row+` [data-field="power"]'); return p && parseFloat(p.textContent) > 0; })()`),
		waitJS(`document.querySelector('[data-stat="active_sessions"]').textContent.trim() === '1'`),
	)
	sessionID := eval[string](t, ctx, `document.querySelector('`+row+`').dataset.sessionId || ''`)
	label := eval[string](t, ctx, `document.querySelector('`+row+` button[data-action="stop"]').textContent.trim()`)
	if sessionID == "" || label != "Stop #"+sessionID {
		t.Fatalf("charging connector: session %q, Stop button %q; want the button to name the session", sessionID, label)
	}

	step(t, ctx, "stop charging on SIM001", 30*time.Second,
		chromedp.Click(chromedp.CSS(row+` button[data-action="stop"]`)),
		waitJS(`!document.querySelector('`+row+`').dataset.sessionId &&
			document.querySelector('`+row+` [data-field="conn-status"]').textContent.trim() === 'Available' &&
			document.querySelector('[data-stat="active_sessions"]').textContent.trim() === '0' &&
			window.__noReload === true`),
	)

	// The session shows up as completed.
	tr := fmt.Sprintf(`tr[data-session-id="%s"]`, sessionID)
	step(t, ctx, "completed session listed", 20*time.Second,
		chromedp.Navigate(base+"/sessions?status=completed"),
		chromedp.WaitVisible(chromedp.CSS(tr)),
	)
	rowText := eval[string](t, ctx, `document.querySelector('`+tr+`').textContent`)
	if !strings.Contains(rowText, "SIM001") || !strings.Contains(rowText, "Remote") {
		t.Errorf("completed session row = %q, want SIM001 and stop reason Remote", rowText)
	}
	step(t, ctx, "session page", 20*time.Second,
		chromedp.Navigate(base+"/sessions/"+sessionID),
		waitJS(`Number(document.querySelector('#chart-energy').dataset.points) > 0`),
	)

	// The charge point page: start from connector 1's panel; the charts
	// and the panel's gauges fill live.
	panel := `.conn-panel[data-connector="1"]`
	step(t, ctx, "charge point page", 20*time.Second,
		chromedp.Navigate(base+"/charge_points/SIM002"),
		chromedp.WaitVisible(chromedp.CSS(`#chart-power`)),
		live(),
		markPage(),
		chromedp.Click(chromedp.CSS(panel+` button[data-action="start"]`)),
		waitJS(`document.querySelector('`+panel+` [data-field="conn-status"]').textContent.trim() === 'Charging'`),
	)
	step(t, ctx, "power chart receives points", 30*time.Second,
		waitJS(`Number(document.querySelector('#chart-power').dataset.points) >= 2`))
	before := eval[int](t, ctx, `Number(document.querySelector('#chart-power').dataset.points)`)
	step(t, ctx, "charts keep receiving points live", 30*time.Second,
		waitJS(fmt.Sprintf(`Number(document.querySelector('#chart-power').dataset.points) > %d &&
			Number(document.querySelector('#chart-energy').dataset.points) > 1 &&
			document.querySelector('`+panel+` [data-gauge="power"]').textContent.trim() !== '—' &&
			document.querySelector('#recent-meter-values tr') !== null &&
			window.__noReload === true`, before)),
	)
	step(t, ctx, "stop from the connector's panel", 30*time.Second,
		waitJS(`document.querySelector('`+panel+` button[data-action="stop"]') !== null`),
		chromedp.Click(chromedp.CSS(panel+` button[data-action="stop"]`)),
		waitJS(`document.querySelector('`+panel+` [data-field="conn-status"]').textContent.trim() !== 'Charging' &&
			document.querySelector('`+panel+`').textContent.includes('No active session')`),
	)
}

// TestBrowserStopNamesTheSession (issue 11, item 1): with sessions on two
// connectors, each Stop — in a connector's panel and in a card's row —
// stops its own connector's session, whatever the Start form says.
func TestBrowserStopNamesTheSession(t *testing.T) {
	e := newTestEnv(t)
	cp, id := e.dial(t, "CP-3", 2)
	s1 := charge(t, cp, 1, "TAG-A", 7000)
	s2 := charge(t, cp, 2, "TAG-B", 11000)
	ctx := e.browse(t, 1280)

	stopped := func(what string, click string) int {
		t.Helper()
		step(t, ctx, what, 20*time.Second, chromedp.Click(chromedp.CSS(click)))
		call := awaitCall(t, cp, ocpp16.ActionRemoteStopTransaction)
		var req ocpp16.RemoteStopTransactionRequest
		if err := json.Unmarshal(call.Payload, &req); err != nil {
			t.Fatal(err)
		}
		return req.TransactionId
	}
	step(t, ctx, "charge point page", 20*time.Second, navigate(e.ts.URL, fmt.Sprintf("/charge_points/%d", id)), live())
	if tx := stopped("Stop in connector 2's panel", `.conn-panel[data-connector="2"] button[data-action="stop"]`); tx != s2.TransactionID {
		t.Errorf("Stop of connector 2 stopped transaction %d, want connector 2's %d", tx, s2.TransactionID)
	}
	step(t, ctx, "dashboard", 20*time.Second, navigate(e.ts.URL, "/"), live())
	if tx := stopped("Stop in the card's row of connector 1", `.cp-card[data-identity="CP-3"] .conn[data-connector="1"] button[data-action="stop"]`); tx != s1.TransactionID {
		t.Errorf("card Stop of connector 1 stopped transaction %d, want connector 1's %d", tx, s1.TransactionID)
	}
}

// TestBrowserLiveReadingsAtLoad (item 2): a charge point that reports
// rarely still shows its readings as soon as the page loads.
func TestBrowserLiveReadingsAtLoad(t *testing.T) {
	e := newTestEnv(t)
	sess := charge(t, e.cp, 1, "DASHBOARD", 7000)
	if err := sess.Meter(t.Context(), ocpptest.Reading{EnergyWh: 2500, PowerW: 7400, SoC: 63}); err != nil {
		t.Fatal(err)
	}
	ctx := e.browse(t, 1280)
	panel := `.conn-panel[data-connector="1"]`
	step(t, ctx, "gauges and chart filled from history", 20*time.Second,
		navigate(e.ts.URL, fmt.Sprintf("/charge_points/%d", e.cpID)),
		waitJS(`document.querySelector('`+panel+` [data-gauge="power"]').textContent.trim() === '7.40' &&
			document.querySelector('`+panel+` [data-gauge="soc"]').textContent.trim() === '63' &&
			document.querySelector('`+panel+` [data-gauge="energy"]').textContent.trim() === '2.50' &&
			document.querySelector('`+panel+` [data-phase="Voltage:L1"]').textContent.trim() !== '—' &&
			document.querySelector('[data-now="power"]').textContent.trim() === '7.40 kW' &&
			Number(document.querySelector('#chart-power').dataset.points) === 2`),
	)
}

// TestBrowserOfflineMeansOffline (item 3): once a charge point is gone,
// its card, panel and the stats show nothing as live; its sessions are
// "interrupted?" with the time it was last seen.
func TestBrowserOfflineMeansOffline(t *testing.T) {
	e := newTestEnv(t)
	cp, id := e.dial(t, "CP-3", 2)
	charge(t, cp, 1, "TAG-A", 7000)
	charge(t, cp, 2, "TAG-B", 22000)
	ctx := e.browse(t, 1280)
	card := `.cp-card[data-identity="CP-3"]`
	step(t, ctx, "charging while online", 20*time.Second,
		navigate(e.ts.URL, "/"), live(), markPage(),
		waitJS(`document.querySelector('[data-stat="connectors_charging"]').textContent.trim() === '2' &&
			document.querySelectorAll('`+card+` [data-since]').length === 2`),
	)
	e.disconnect(t, cp, id)
	step(t, ctx, "offline, without a reload", 20*time.Second,
		waitJS(`window.__noReload === true &&
			document.querySelector('`+card+` [data-field="status"]').textContent.trim() === 'Offline' &&
			document.querySelectorAll('`+card+` [data-since]').length === 0 &&
			document.querySelectorAll('`+card+` [data-field="power"]').length === 0 &&
			document.querySelectorAll('`+card+` button[data-action]').length === 0 &&
			[...document.querySelectorAll('`+card+` [data-field="conn-status"]')].every(b => b.textContent.trim() === 'Unknown') &&
			document.querySelectorAll('`+card+` .st-interrupted').length === 2 &&
			document.querySelector('`+card+` .meta time[datetime]') !== null &&
			document.querySelector('[data-stat="online"]').textContent.trim() === '1' &&
			document.querySelector('[data-stat="connectors_charging"]').textContent.trim() === '0' &&
			document.querySelector('[data-stat="active_sessions"]').textContent.trim() === '0' &&
			document.querySelector('[data-stat="interrupted_sessions"]').textContent.trim() === '2' &&
			document.querySelector('[data-stat="power_kw"]').textContent.trim() === '0.00' &&
			document.querySelectorAll('#active-sessions tr[data-state="interrupted"]').length === 2 &&
			document.querySelectorAll('#active-sessions tr[data-state="interrupted"] [data-since]').length === 0`),
	)
	step(t, ctx, "charge point page of the offline charge point", 20*time.Second,
		navigate(e.ts.URL, fmt.Sprintf("/charge_points/%d", id)),
		waitJS(`document.querySelector('[data-live-region="cp-head"]').textContent.includes('last seen') &&
			[...document.querySelectorAll('[data-gauge="power"]')].every(g => g.textContent.trim() === '—') &&
			[...document.querySelectorAll('[data-reading-at]')].every(p => p.textContent.includes('Offline')) &&
			document.querySelectorAll('.conn-panel button[data-action]').length === 0 &&
			document.querySelectorAll('.conn-panel .st-interrupted').length === 2 &&
			document.querySelector('[data-now="power"]').textContent.trim() === '—'`),
	)
}

// TestBrowserPerConnector (item 4): a card shows each connector's own
// state, session, power and energy and the site total beside; live
// readings move the right connector; the active sessions table is
// complete, paged.
func TestBrowserPerConnector(t *testing.T) {
	e := newTestEnv(t)
	cp, _ := e.dial(t, "CP-3", 3)
	charge(t, cp, 1, "TAG-A", 11000)
	s2 := charge(t, cp, 2, "TAG-B", 7000)
	charge(t, cp, 3, "TAG-C", 22000)
	for i := range 3 { // nine more sessions elsewhere: twelve in all
		other, _ := e.dial(t, fmt.Sprintf("CP-X%d", i), 3)
		for c := 1; c <= 3; c++ {
			charge(t, other, c, "FLEET", 3000)
		}
	}
	ctx := e.browse(t, 1400)
	card := `.cp-card[data-identity="CP-3"]`
	power := func(c int) string {
		return fmt.Sprintf(`document.querySelector('%s .conn[data-connector="%d"] [data-field="power"]').textContent.trim()`, card, c)
	}
	step(t, ctx, "each connector with its own power, the site total beside", 20*time.Second,
		navigate(e.ts.URL, "/"), live(), markPage(),
		waitJS(power(1)+` === '11.00' && `+power(2)+` === '7.00' && `+power(3)+` === '22.00' &&
			document.querySelector('`+card+` [data-field="site-power"]').textContent.trim() === '40.00' &&
			document.querySelectorAll('`+card+` button[data-action="stop"]').length === 3 &&
			[...document.querySelectorAll('`+card+` button[data-action="stop"]')].every(b => /^Stop #\d+$/.test(b.textContent.trim()))`),
	)
	if err := s2.Meter(t.Context(), ocpptest.Reading{EnergyWh: 5000, PowerW: 9000}); err != nil {
		t.Fatal(err)
	}
	step(t, ctx, "a reading of connector 2 moves connector 2 and the total", 20*time.Second,
		waitJS(power(2)+` === '9.00' && `+power(1)+` === '11.00' &&
			document.querySelector('`+card+` .conn[data-connector="2"] [data-field="energy"]').textContent.trim() === '4.00' &&
			document.querySelector('`+card+` [data-field="site-power"]').textContent.trim() === '42.00' &&
			document.querySelector('[data-stat="power_kw"]').textContent.trim() === '69.00' &&
			window.__noReload === true`),
	)
	step(t, ctx, "every active session, paged", 20*time.Second,
		waitJS(`document.querySelector('[data-live-region="active-sessions"] [data-count]').textContent.trim() === '(12)' &&
			document.querySelectorAll('#active-sessions tr[data-session-id]').length === 10`),
		chromedp.Click(chromedp.CSS(`.pager a[rel="next"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.pager a[rel="prev"]`)),
		waitJS(`location.search.includes('page=2') && document.querySelectorAll('#active-sessions tr[data-session-id]').length === 2`),
	)
}

// TestBrowserTimeZone (item 5): a browser in New York reads every time in
// its zone, labelled, whether the server or the script wrote it; chart
// axes carry their units, and a short session's chart spans the session,
// not a padded minute.
func TestBrowserTimeZone(t *testing.T) {
	e := newTestEnv(t)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	t0 := time.Now().Add(-2 * time.Hour).Truncate(time.Second).UTC()
	start, err := e.cp.StartTransaction(ctx, ocpp16.StartTransactionRequest{ConnectorId: 1, IdTag: "DASHBOARD", MeterStart: 0, Timestamp: ocpp16.NewDateTime(t0)})
	if err != nil {
		t.Fatal(err)
	}
	tx := start.TransactionId
	for i, wh := range []float64{30, 60} {
		r := ocpptest.Reading{EnergyWh: wh, PowerW: 21000, Time: t0.Add(time.Duration(2*i+2) * time.Second)}
		if _, err := e.cp.MeterValues(ctx, ocpp16.MeterValuesRequest{ConnectorId: 1, TransactionId: &tx, MeterValue: []ocpp16.MeterValue{r.MeterValue()}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.cp.StopTransaction(ctx, ocpp16.StopTransactionRequest{TransactionId: tx, MeterStop: 70, Timestamp: ocpp16.NewDateTime(t0.Add(6 * time.Second)), Reason: ocpp16.ReasonLocal}); err != nil {
		t.Fatal(err)
	}
	var sess store.ChargingSession
	if err := e.srv.db.Where("transaction_id = ?", tx).Take(&sess).Error; err != nil {
		t.Fatal(err)
	}

	browser := e.browse(t, 1280, timezone("America/New_York"))
	wantStart := formatTime(t0, time.Now(), ny)
	wantLabel := offsetLabel(time.Now(), ny)
	step(t, browser, "session page", 20*time.Second,
		navigate(e.ts.URL, fmt.Sprintf("/sessions/%d", sess.ID)),
		waitJS(`Number(document.querySelector('#chart-power').dataset.points) === 2`),
	)
	// What the server wrote (before any script) and what the page shows.
	server := eval[string](t, browser, `fetch(location.href).then(r => r.text()).then(h => {
		const d = new DOMParser().parseFromString(h, 'text/html');
		return d.querySelector('#session-facts time').textContent + '|' + d.querySelector('#tz').textContent; })`)
	shown := eval[string](t, browser, `document.querySelector('#session-facts time').textContent + '|' + document.querySelector('#tz').textContent`)
	if want := wantStart + "|" + wantLabel; server != want || shown != want {
		t.Errorf("start time and zone: server wrote %q, page shows %q; want %q", server, shown, want)
	}
	axes := eval[string](t, browser, `[...document.querySelectorAll('.chart .unit')].map(u => u.textContent).join(',')`)
	if want := "kW," + wantLabel + ",kWh," + wantLabel; axes != want {
		t.Errorf("axis labels = %q, want %q", axes, want)
	}
	span := eval[string](t, browser, `(() => { const c = document.querySelector('#chart-power').dataset; return (Number(c.t0) / 1000) + ',' + (Number(c.t1) / 1000); })()`)
	if want := fmt.Sprintf("%d,%d", t0.Unix(), t0.Add(6*time.Second).Unix()); span != want {
		t.Errorf("power chart spans %s (unix s), want the session %s", span, want)
	}

	// A reading the script adds to the charge point page is in the same
	// zone and format as the server's rows.
	step(t, browser, "charge point page", 20*time.Second, navigate(e.ts.URL, fmt.Sprintf("/charge_points/%d", e.cpID)), live())
	at := time.Now().Add(-time.Minute).Truncate(time.Second)
	r := ocpptest.Reading{EnergyWh: 99, PowerW: 1, Time: at}
	if _, err := e.cp.MeterValues(ctx, ocpp16.MeterValuesRequest{ConnectorId: 1, MeterValue: []ocpp16.MeterValue{r.MeterValue()}}); err != nil {
		t.Fatal(err)
	}
	want := formatTime(at, time.Now(), ny)
	step(t, browser, "live row in the browser's zone", 20*time.Second,
		waitJS(fmt.Sprintf(`(() => { const td = document.querySelector('#recent-meter-values tr.new td'); return td && td.textContent === %q; })()`, want)))
}

// TestBrowserResponsive (item 6): from a 360px phone to a 1400px screen,
// no page scrolls sideways and the top bar fits with its Log out button.
func TestBrowserResponsive(t *testing.T) {
	e := newTestEnv(t)
	cp, id := e.dial(t, "CP-WITH-A-RATHER-LONG-IDENTITY-0042", 3)
	for c := 1; c <= 3; c++ {
		charge(t, cp, c, fmt.Sprintf("TAG-%d", c), 11000)
	}
	var sess store.ChargingSession
	if err := e.srv.db.Take(&sess).Error; err != nil {
		t.Fatal(err)
	}
	cpPath := fmt.Sprintf("/charge_points/%d", id)
	pages := []string{"/", cpPath, cpPath + "/commands?action=SetChargingProfile", cpPath + "/configuration", cpPath + "/reservations",
		cpPath + "/profiles", cpPath + "/edit", "/sessions", fmt.Sprintf("/sessions/%d", sess.ID), "/charge_points",
		"/charge_points/new", "/id_tags", "/reservations"}
	for _, width := range []int{360, 1300, 1400} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			ctx := e.browse(t, width)
			for _, p := range pages {
				step(t, ctx, p, 20*time.Second, navigate(e.ts.URL, p))
				got := eval[string](t, ctx, `(() => {
					const doc = document.documentElement, bar = document.querySelector('.topbar');
					const out = document.querySelector('.logout button').getBoundingClientRect();
					return [innerWidth, doc.scrollWidth, bar.scrollWidth, bar.clientWidth, Math.ceil(out.right), Math.floor(out.left)].join(','); })()`)
				var inner, scroll, barScroll, barClient, logoutRight, logoutLeft int
				fmt.Sscanf(got, "%d,%d,%d,%d,%d,%d", &inner, &scroll, &barScroll, &barClient, &logoutRight, &logoutLeft)
				if inner != width || scroll > inner || barScroll > barClient || logoutRight > inner || logoutLeft < 0 {
					t.Errorf("%s at %dpx: viewport %d, page %d wide, top bar %d in %d, Log out at %d–%d",
						p, width, inner, scroll, barScroll, barClient, logoutLeft, logoutRight)
				}
				// Nothing sticks out of its panel (tables scroll inside theirs).
				if out := eval[string](t, ctx, `[...document.querySelectorAll('.panel')].flatMap(p => {
						const r = p.getBoundingClientRect();
						return [...p.querySelectorAll('*')].filter(e => !e.closest('.table-wrap, .command-menu, pre') &&
							e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().right > r.right + 1)
							.map(e => e.tagName + '.' + e.className + ' "' + e.textContent.trim().slice(0, 30) + '"'); }).slice(0, 3).join('; ')`); out != "" {
					t.Errorf("%s at %dpx: out of their panel: %s", p, width, out)
				}
			}
		})
	}
}

// TestBrowserBackOffice: an operator adds a charge point and a station
// connects with the password shown; adopts a station that knocked; adds
// and blocks an id tag; sends a command from its generated form; finds a
// session by id tag and exports it.
func TestBrowserBackOffice(t *testing.T) {
	e := newTestEnv(t)
	ctx := e.browse(t, 1280)

	step(t, ctx, "add a charge point", 20*time.Second,
		navigate(e.ts.URL, "/charge_points"),
		chromedp.Click(chromedp.CSS(`#add-charge-point`)),
		chromedp.WaitVisible(chromedp.CSS(`#identity`)),
		chromedp.SendKeys(chromedp.CSS(`#identity`), "BAY-7"),
		chromedp.Click(chromedp.CSS(`#create`)),
		chromedp.WaitVisible(chromedp.CSS(`#secret`)),
	)
	password := eval[string](t, ctx, `document.querySelector('#secret').textContent`)
	cp, err := e.dialWith(t, "BAY-7", password)
	if err != nil {
		t.Fatalf("the station with the password shown: %v", err)
	}
	if _, err := cp.StatusNotification(t.Context(), 1, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError); err != nil {
		t.Fatal(err)
	}
	step(t, ctx, "it is online on the dashboard", 20*time.Second,
		navigate(e.ts.URL, "/"),
		waitJS(`(() => { const c = document.querySelector('.cp-card[data-identity="BAY-7"]'); return c && c.dataset.connected === 'true'; })()`))

	if _, err := e.dialWith(t, "KNOCKER", "its-own-password-0123"); err == nil {
		t.Fatal("an unknown station got in")
	}
	step(t, ctx, "adopt the station that knocked", 20*time.Second,
		navigate(e.ts.URL, "/charge_points"),
		chromedp.Click(chromedp.CSS(`tr[data-unknown="KNOCKER"] a[data-action="adopt"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#identity`)),
		waitJS(`document.querySelector('#identity') && document.querySelector('#identity').value === 'KNOCKER'`),
		chromedp.Click(chromedp.CSS(`input[name="password_mode"][value="enter"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "its-own-password-0123"),
		chromedp.Click(chromedp.CSS(`#create`)),
		chromedp.WaitVisible(chromedp.CSS(`#created-identity`)),
		waitJS(`document.querySelector('#created-identity') && document.querySelector('#created-identity').textContent === 'KNOCKER'`),
	)
	if _, err := e.dialWith(t, "KNOCKER", "its-own-password-0123"); err != nil {
		t.Fatalf("adopted station: %v", err)
	}

	step(t, ctx, "add and block an id tag", 20*time.Second,
		navigate(e.ts.URL, "/id_tags"),
		chromedp.SendKeys(chromedp.CSS(`#new-id-tag input[name="tag"]`), "CARD-42"),
		chromedp.Click(chromedp.CSS(`#new-id-tag button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-tag="CARD-42"]`)),
		chromedp.Click(chromedp.CSS(`tr[data-tag="CARD-42"] button[data-action="block"]`)),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-tag="CARD-42"] button:not([data-action="block"])`)),
		waitJS(`(() => { const r = document.querySelector('tr[data-tag="CARD-42"]'); return r && r.textContent.includes('Blocked'); })()`),
	)
	if res, err := e.cp.Authorize(t.Context(), "CARD-42"); err != nil || res.IdTagInfo.Status != ocpp16.AuthorizationStatusBlocked {
		t.Errorf("blocked in the UI, Authorize = %+v, %v", res, err)
	}

	step(t, ctx, "send a command from its form", 20*time.Second,
		navigate(e.ts.URL, fmt.Sprintf("/charge_points/%d/commands?action=TriggerMessage", e.cpID)),
		chromedp.SetValue(chromedp.CSS(`select[name="requestedMessage"]`), "Heartbeat"),
		chromedp.Click(chromedp.CSS(`#send`)),
		chromedp.WaitVisible(chromedp.CSS(`#reply`)),
	)
	if reply := eval[string](t, ctx, `document.querySelector('#reply').textContent`); !strings.Contains(reply, `"Accepted"`) {
		t.Errorf("reply shown = %q", reply)
	}

	charge(t, e.cp, 1, "CARD-7", 7000)
	step(t, ctx, "find the session by id tag", 20*time.Second,
		navigate(e.ts.URL, "/sessions"),
		chromedp.SendKeys(chromedp.CSS(`input[name="id_tag"]`), "CARD-7"),
	)
	afterNavigation(t, ctx, "filter the sessions and export them", 20*time.Second,
		chromedp.Submit(chromedp.CSS(`input[name="id_tag"]`)),
		chromedp.Steps(
			chromedp.WaitVisible(chromedp.CSS(`a.small[href="/sessions"]`)),
			waitJS(`location.search.includes('id_tag=CARD-7') && document.querySelectorAll('#sessions-table tr[data-session-id]').length === 1`),
		),
	)
	csv := eval[string](t, ctx, `fetch(document.querySelector('#export-csv').href).then(r => r.text())`)
	if lines := strings.Split(strings.TrimSpace(csv), "\n"); len(lines) != 2 || !strings.Contains(lines[1], ",CARD-7,") {
		t.Errorf("export = %q, want the header and CARD-7's session", csv)
	}
}

// TestBrowserScreenshot writes the README's screenshots when
// OCPPKIT_SCREENSHOT=1: docs/dashboard.png (five simulated charge points,
// most charging) and docs/dashboard-charge-point.png (the charge point page
// of a station with three connectors).
func TestBrowserScreenshot(t *testing.T) {
	if os.Getenv("OCPPKIT_SCREENSHOT") != "1" {
		t.Skip("set OCPPKIT_SCREENSHOT=1 to write docs/dashboard.png and docs/dashboard-charge-point.png")
	}
	ctx := newBrowser(t, 1440, 1000)
	base := startDashboard(t, config{
		Password:      "shot",
		Simulate:      5,
		MeterInterval: time.Second,
		SessionLength: 3 * time.Minute,
		SimIdleTime:   40 * time.Second, // sessions start 40–80s in: some charge, some wait
	})
	login(t, ctx, base, "shot")
	step(t, ctx, "dashboard busy enough to show", 180*time.Second,
		waitJS(`document.querySelectorAll('.cp-card .online.yes').length === 5 &&
			Number(document.querySelector('[data-stat="connectors_charging"]').textContent) >= 4 &&
			document.querySelectorAll('.cp-card .st-available').length >= 1 &&
			[...document.querySelectorAll('.cp-card .conn [data-field="energy"]')].filter(e => parseFloat(e.textContent) > 0.05).length >= 2`))
	shoot := func(name string) {
		t.Helper()
		shotCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		png, err := chromedp.Run(shotCtx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join("..", "..", "docs", name)
		if err := os.WriteFile(out, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", out, len(png))
	}
	shoot("dashboard.png")

	// The station with the most connectors, charging on some of them.
	id := eval[string](t, ctx, `[...document.querySelectorAll('.cp-card')].sort((a, b) =>
		b.querySelectorAll('.conn').length - a.querySelectorAll('.conn').length)[0].dataset.cpId`)
	step(t, ctx, "charge point page with its charts", 60*time.Second,
		navigate(base, "/charge_points/"+id), live(),
		waitJS(`Number(document.querySelector('#chart-power').dataset.points) >= 20 &&
			[...document.querySelectorAll('[data-gauge="power"]')].filter(g => g.textContent.trim() !== '—').length >= 2`))
	shoot("dashboard-charge-point.png")
}
