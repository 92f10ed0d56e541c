package main

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/store"
)

// TestOpsEndpoints: /metrics, /healthz and /readyz answer without the
// operator's login; the message log API of a charge point needs it and
// serves its frames.
func TestOpsEndpoints(t *testing.T) {
	srv, ts := startServer(t, config{DBPath: filepath.Join(t.TempDir(), "dashboard.db"), MessageLog: true})
	e := &testEnv{srv: srv, ts: ts}
	ctx := t.Context()
	if _, err := srv.csms.RegisterChargePoint(ctx, "CP-OPS", "cp-password"); err != nil {
		t.Fatal(err)
	}
	cp, err := ocpptest.Dial(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+"/ocpp", "CP-OPS", &ocpptest.Options{Password: "cp-password"})
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if _, err := cp.BootNotification(ctx, ocpp16.BootNotificationRequest{ChargePointVendor: "ACME", ChargePointModel: "Wallbox"}); err != nil {
		t.Fatal(err)
	}

	get := func(path string) (int, string) {
		res, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	code, body := get("/metrics")
	for _, want := range []string{
		`ocppkit_calls_received_total{action="BootNotification",outcome="ok"} 1`,
		`ocppkit_connections{version="ocpp1.6"} 1`,
		"go_goroutines ",
	} {
		if code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("/metrics (%d) lacks %q", code, want)
		}
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, body := get(path); code != http.StatusOK || !strings.Contains(body, `"status":"ok"`) {
			t.Errorf("%s = %d %s", path, code, body)
		}
	}
	if code, _ := get("/api/charge_points/CP-OPS/messages"); code == http.StatusOK {
		t.Error("the message log API answered without the operator's login")
	}
	var got struct{ Messages []store.Message }
	deadline := time.Now().Add(10 * time.Second)
	for len(got.Messages) < 1 { // the log's writer flushes every 100ms
		if time.Now().After(deadline) {
			t.Fatalf("message log API: %+v", got)
		}
		if code := e.do(t, http.MethodGet, "/api/charge_points/CP-OPS/messages", "", &got); code != http.StatusOK {
			t.Fatalf("message log API = %d", code)
		}
	}
	if m := got.Messages[0]; m.Action != "BootNotification" || m.Direction != store.DirectionIn || m.MessageType != 2 || m.ReplyType != 3 {
		t.Errorf("first exchange logged = %+v", m)
	}
}

// TestBrowserMessageLog: the charge point page shows the charge point's
// last frames and tails new ones without a reload.
func TestBrowserMessageLog(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	base := startDashboard(t, config{Password: "browser-secret", Simulate: 1, SimRemoteOnly: true,
		MeterInterval: time.Hour, SessionLength: time.Hour, MessageLog: true})
	login(t, ctx, base, "browser-secret")
	step(t, ctx, "open the charge point page", 40*time.Second,
		chromedp.Click(chromedp.CSS(`#cards a[href^="/charge_points/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#message-log`)),
		markPage(),
		waitJS(`[...document.querySelectorAll('#message-log-rows tr')].some(tr => tr.textContent.includes('BootNotification'))`),
	)
	// A command is two new frames: they appear at the top, without reload.
	identity := eval[string](t, ctx, `document.body.dataset.identity`)
	step(t, ctx, "send a command from the page's origin", 40*time.Second,
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`fetch('/api/charge_points/%s/commands/TriggerMessage', {method: 'POST',
			headers: {'Content-Type': 'application/json', 'X-CSRF-Token': document.querySelector('meta[name=csrf-token]').content},
			body: JSON.stringify({requestedMessage: 'Heartbeat'})})`, identity)),
		waitJS(`[...document.querySelectorAll('#message-log-rows tr')].slice(0, 4).some(tr => tr.textContent.includes('TriggerMessage'))`),
	)
	if !eval[bool](t, ctx, `window.__noReload === true`) {
		t.Error("the page reloaded")
	}
}
