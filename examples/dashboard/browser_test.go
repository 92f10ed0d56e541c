package main

import (
	"context"
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

	"github.com/chromedp/chromedp"
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

// eval evaluates a JavaScript expression.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
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

// TestBrowserDashboard drives the dashboard in chromium: it loads with the
// simulated charge points, a status change made by a charge point appears
// without reload, Start then Stop produces a completed session, and the
// charge point page's charts receive points.
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
	step(t, ctx, "two charge points online, event stream open", 20*time.Second,
		waitJS(`document.querySelectorAll('.cp-card .online.yes').length === 2 &&
			document.querySelector('#live').dataset.state === 'open' &&
			document.querySelector('[data-stat="connected"]').textContent.trim() === '2'`),
		markPage(),
		waitJS(`!document.querySelector('`+card+` button[data-action="start"]').disabled`),
	)

	// Start: the simulated charge point goes Preparing → Charging, and the
	// card follows without a reload.
	step(t, ctx, "start charging on SIM001", 30*time.Second,
		chromedp.Click(chromedp.CSS(card+` button[data-action="start"]`)),
		waitJS(`document.querySelector('`+card+` [data-field="status"]').textContent.trim() === 'Charging' &&
			!document.querySelector('`+card+` button[data-action="stop"]').disabled &&
			window.__noReload === true`),
		// Meter values arrive on the card.
		waitJS(`(() => { const p = document.querySelector('`+card+` [data-field="power"]'); return p && p.textContent.trim() !== '—' && parseFloat(p.textContent) > 0; })()`),
		waitJS(`document.querySelector('[data-stat="active_sessions"]').textContent.trim() === '1'`),
	)
	sessionID := eval[string](t, ctx, `document.querySelector('`+card+`').dataset.sessionId || ''`)
	if sessionID == "" {
		t.Fatal("card of a charging charge point has no data-session-id")
	}

	step(t, ctx, "stop charging on SIM001", 30*time.Second,
		chromedp.Click(chromedp.CSS(card+` button[data-action="stop"]`)),
		waitJS(`!document.querySelector('`+card+`').dataset.sessionId &&
			document.querySelector('`+card+` [data-field="status"]').textContent.trim() !== 'Charging' &&
			document.querySelector('[data-stat="active_sessions"]').textContent.trim() === '0' &&
			window.__noReload === true`),
	)

	// The session shows up as completed.
	row := fmt.Sprintf(`#recent-sessions tr[data-session-id="%s"]`, sessionID)
	step(t, ctx, "completed session listed", 20*time.Second,
		chromedp.Navigate(base+"/sessions"),
		chromedp.WaitVisible(chromedp.CSS(row)),
	)
	rowText := eval[string](t, ctx, `document.querySelector('`+row+`').textContent`)
	if !strings.Contains(rowText, "SIM001") || !strings.Contains(rowText, "Remote") {
		t.Errorf("completed session row = %q, want SIM001 and stop reason Remote", rowText)
	}
	step(t, ctx, "session page", 20*time.Second,
		chromedp.Navigate(base+"/sessions/"+sessionID),
		waitJS(`Number(document.querySelector('#chart-energy').dataset.points) > 0`),
	)

	// The charge point page: start from its form, the charts fill live.
	step(t, ctx, "charge point page", 20*time.Second,
		chromedp.Navigate(base+"/charge_points/SIM002"),
		chromedp.WaitVisible(chromedp.CSS(`#chart-power`)),
		waitJS(`document.querySelector('#live').dataset.state === 'open' &&
			!document.querySelector('#start-form button[data-action="start"]').disabled`),
		markPage(),
		chromedp.Click(chromedp.CSS(`#start-form button[data-action="start"]`)),
		waitJS(`document.querySelector('#cp-head [data-field="status"]').textContent.trim() === 'Charging'`),
	)
	step(t, ctx, "power chart receives points", 30*time.Second,
		waitJS(`Number(document.querySelector('#chart-power').dataset.points) >= 2`))
	before := eval[int](t, ctx, `Number(document.querySelector('#chart-power').dataset.points)`)
	step(t, ctx, "charts keep receiving points live", 30*time.Second,
		waitJS(fmt.Sprintf(`Number(document.querySelector('#chart-power').dataset.points) > %d &&
			Number(document.querySelector('#chart-energy').dataset.points) > 1 &&
			document.querySelector('[data-gauge="power"]').textContent.trim() !== '—' &&
			document.querySelector('#recent-meter-values tr') !== null &&
			window.__noReload === true`, before)),
	)
	step(t, ctx, "stop from the charge point page", 30*time.Second,
		waitJS(`!document.querySelector('#start-form button[data-action="stop"]').disabled`),
		chromedp.Click(chromedp.CSS(`#start-form button[data-action="stop"]`)),
		waitJS(`document.querySelector('#cp-head [data-field="status"]').textContent.trim() !== 'Charging' &&
			document.querySelector('[data-live-region="current-session"]').textContent.includes('No active session')`),
	)
}

// TestBrowserScreenshot writes docs/dashboard.png (embedded in the README)
// when OCPPKIT_SCREENSHOT=1: five simulated charge points, most charging.
func TestBrowserScreenshot(t *testing.T) {
	if os.Getenv("OCPPKIT_SCREENSHOT") != "1" {
		t.Skip("set OCPPKIT_SCREENSHOT=1 to write docs/dashboard.png")
	}
	ctx := newBrowser(t, 1600, 1000)
	base := startDashboard(t, config{
		Password:      "shot",
		Simulate:      5,
		MeterInterval: time.Second,
		SessionLength: 3 * time.Minute,
		SimIdleTime:   40 * time.Second, // sessions start 40–80s in: some charge, some wait
	})
	login(t, ctx, base, "shot")
	step(t, ctx, "dashboard busy enough to show", 150*time.Second,
		waitJS(`document.querySelectorAll('.cp-card .online.yes').length === 5 &&
			Number(document.querySelector('[data-stat="charging"]').textContent) >= 3 &&
			document.querySelectorAll('.cp-card .chip.st-available').length >= 1 &&
			[...document.querySelectorAll('.cp-card [data-field="energy"]')].filter(e => parseFloat(e.textContent) > 0.02).length >= 2`))
	shotCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(shotCtx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join("..", "..", "docs", "dashboard.png")
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", out, len(png))
}
