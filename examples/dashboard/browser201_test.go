package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// flashIs waits for the page's flash message of kind ("ok", "error")
// containing text, on the page a form's POST redirected to.
func flashIs(kind, text string) action {
	return chromedp.Steps(chromedp.WaitVisible(chromedp.CSS(`.flash`)), waitJS(`(() => { const f = document.querySelector('.flash.`+kind+`'); return f && f.textContent.includes(`+"`"+text+"`"+`); })()`))
}

// TestBrowserStation201 walks every page of an OCPP 2.0.1 station (a
// simulated one) in a real browser: its version is shown, Start and Stop
// drive RequestStart/StopTransaction and the TransactionEvents fill the
// panel and charts, the device model tab reads the station's variables
// (GetBaseReport → NotifyReport) and writes one (SetVariables), the
// commands tab offers and sends 2.0.1 commands, and the charging profile
// and reservation forms send their 2.0.1 requests.
func TestBrowserStation201(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	base := startDashboard(t, config{
		Password:      "browser-secret",
		Simulate:      1,
		SimOCPP:       "2.0.1",
		SimRemoteOnly: true,
		MeterInterval: 300 * time.Millisecond,
		SessionLength: 2 * time.Minute,
	})
	login(t, ctx, base, "browser-secret")

	step(t, ctx, "the station's card says 2.0.1", 20*time.Second,
		waitJS(`(() => { const c = document.querySelector('.cp-card[data-identity="SIM001"]'); return c && c.dataset.connected === 'true' &&
			c.querySelector('[data-field="ocpp-version"]').textContent.includes('2.0.1'); })()`))
	step(t, ctx, "the charge points list says 2.0.1", 20*time.Second,
		navigate(base, "/charge_points"),
		waitJS(`document.querySelector('tr[data-identity="SIM001"] [data-field="ocpp-version"]').textContent.trim() === '2.0.1'`))

	// The charge point page: its version, a device model tab in place of
	// configuration keys, and a session run from a connector's panel.
	panel := `.conn-panel[data-connector="1"]`
	step(t, ctx, "charge point page", 20*time.Second,
		navigate(base, "/charge_points/SIM001"),
		chromedp.WaitVisible(chromedp.CSS(`#chart-power`)),
		live(),
		waitJS(`document.querySelector('.cp-head [data-field="ocpp-version"]').textContent.includes('OCPP 2.0.1') &&
			document.querySelector('nav.tabs a[href$="/device_model"]') !== null &&
			document.querySelector('nav.tabs a[href$="/configuration"]') === null`),
		markPage(),
		waitJS(`document.querySelector('`+panel+` button[data-action="start"]') !== null`),
		chromedp.Click(chromedp.CSS(panel+` button[data-action="start"]`)),
		waitJS(`document.querySelector('`+panel+` [data-field="conn-status"]').textContent.trim() === 'Occupied' &&
			document.querySelector('`+panel+`').dataset.sessionId`),
	)
	step(t, ctx, "TransactionEvent meter values fill the charts and gauges", 30*time.Second,
		waitJS(`Number(document.querySelector('#chart-power').dataset.points) >= 2 &&
			Number(document.querySelector('#chart-energy').dataset.points) > 1 &&
			document.querySelector('`+panel+` [data-gauge="power"]').textContent.trim() !== '—' &&
			document.querySelector('#recent-meter-values tr') !== null && window.__noReload === true`))
	sessionID := eval[string](t, ctx, `document.querySelector('`+panel+`').dataset.sessionId`)
	tx := eval[string](t, ctx, `document.querySelector('`+panel+` .facts').textContent`)
	if !strings.Contains(tx, "tx SIM-") {
		t.Errorf("session facts %q, want the station's transaction id", tx)
	}
	step(t, ctx, "stop from the panel", 30*time.Second,
		chromedp.Click(chromedp.CSS(panel+` button[data-action="stop"]`)),
		waitJS(`document.querySelector('`+panel+`').textContent.includes('No active session')`))
	step(t, ctx, "the completed session", 20*time.Second,
		navigate(base, "/sessions/"+sessionID),
		waitJS(`document.body.textContent.includes('Transaction SIM-') && Number(document.querySelector('#chart-energy').dataset.points) > 0`))

	// The device model: read from the station, then change a variable.
	row := `#device-model tr[data-component="OCPPCommCtrlr"][data-variable="HeartbeatInterval"]`
	step(t, ctx, "read the device model", 30*time.Second,
		navigate(base, "/charge_points/SIM001/device_model"),
		live(),
		chromedp.Click(chromedp.CSS(`#refresh-device-model`)),
		flashIs("ok", "accepted GetBaseReport"),
		waitJS(`document.querySelector('`+row+`') !== null &&
			document.querySelector('#device-model tr[data-component="EVSE"][data-evse="1"][data-variable="Power"]') !== null`),
	)
	step(t, ctx, "type HeartbeatInterval", 20*time.Second,
		chromedp.SetValue(chromedp.CSS(row+` input[name="value"]`), "120"),
	)
	afterNavigation(t, ctx, "set HeartbeatInterval", 20*time.Second,
		chromedp.Submit(chromedp.CSS(row+` input[name="value"]`)),
		chromedp.Steps(
			flashIs("ok", "answered Accepted"),
			waitJS(`document.querySelector('`+row+` input[name="value"]').value === '120'`),
		),
	)

	// Commands: the 2.0.1 menu, a form built from the 2.0.1 request.
	step(t, ctx, "a 2.0.1 command from its form", 20*time.Second,
		navigate(base, "/charge_points/SIM001/commands?action=UnlockConnector"),
		waitJS(`document.querySelector('.command-menu a[href$="action=RequestStartTransaction"]') !== null &&
			document.querySelector('.command-menu a[href$="action=RemoteStartTransaction"]') === null`),
		chromedp.SetValue(chromedp.CSS(`input[name="evseId"]`), "1"),
		chromedp.SetValue(chromedp.CSS(`input[name="connectorId"]`), "1"),
		chromedp.Click(chromedp.CSS(`#send`)),
		chromedp.WaitVisible(chromedp.CSS(`#reply`)),
	)
	if reply := eval[string](t, ctx, `document.querySelector('#reply').textContent`); !strings.Contains(reply, `"Unlocked"`) {
		t.Errorf("UnlockConnector reply shown = %q", reply)
	}
	step(t, ctx, "GetVariables reads the changed value", 20*time.Second,
		navigate(base, "/charge_points/SIM001/commands?action=GetVariables"),
		chromedp.SetValue(chromedp.CSS(`input[name="getVariableData.0.component.name"]`), "OCPPCommCtrlr"),
		chromedp.SetValue(chromedp.CSS(`input[name="getVariableData.0.variable.name"]`), "HeartbeatInterval"),
		chromedp.Click(chromedp.CSS(`#send`)),
		chromedp.WaitVisible(chromedp.CSS(`#reply`)),
	)
	if reply := eval[string](t, ctx, `document.querySelector('#reply').textContent`); !strings.Contains(reply, `"120"`) {
		t.Errorf("GetVariables reply shown = %q", reply)
	}

	// Charging profiles and reservations send their 2.0.1 requests.
	step(t, ctx, "set a charging limit", 20*time.Second,
		navigate(base, "/charge_points/SIM001/profiles"),
		chromedp.SetValue(chromedp.CSS(`#set-limit select[name="connector_id"]`), "1"),
		chromedp.Click(chromedp.CSS(`#set-limit button[type="submit"]`)),
		flashIs("ok", "answered Accepted"),
		waitJS(`(() => { const r = document.querySelector('#profiles tr[data-profile]'); return r && r.textContent.includes('16 A from 0 s'); })()`),
	)
	step(t, ctx, "reserve a connector", 20*time.Second,
		navigate(base, "/charge_points/SIM001/reservations"),
		chromedp.SetValue(chromedp.CSS(`#reserve input[name="id_tag"]`), "CARD-201"),
		chromedp.Click(chromedp.CSS(`#reserve button[type="submit"]`)),
		flashIs("ok", "answered Accepted"),
	)
}
