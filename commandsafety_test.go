package ocppkit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/remote"
	"github.com/ocppkit/ocppkit/store"
)

// post sends body to the commands API with the given headers.
func post(t *testing.T, u, body string, header map[string]string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

// TestCommandsAPIRefusesWhatAWebPageCanSend: an HTML form on another site
// can POST text/plain, and any page can send a cross-origin request; the
// commands API must not act on either. Nothing is sent to the charge point.
func TestCommandsAPIRefusesWhatAWebPageCanSend(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{})
	e.register(t, "CP-CSRF", "pw-0123456789abcdef")
	cp := e.dial(t, "CP-CSRF", "pw-0123456789abcdef")
	u := e.api + "/charge_points/CP-CSRF/commands/RemoteStartTransaction"
	body := `{"idTag":"ab=cd"}`
	tests := []struct {
		name   string
		header map[string]string
		status int
	}{
		{"form-encoded text/plain", map[string]string{"Content-Type": "text/plain"}, http.StatusUnsupportedMediaType},
		{"urlencoded form", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, http.StatusUnsupportedMediaType},
		{"no content type", nil, http.StatusUnsupportedMediaType},
		{"cross-site fetch", map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"text/plain cross-site", map[string]string{"Content-Type": "text/plain", "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"foreign Origin", map[string]string{"Content-Type": "application/json", "Origin": "http://evil.example"}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, b := post(t, u, body, tt.header)
			if status != tt.status {
				t.Errorf("status %d %s, want %d", status, b, tt.status)
			}
		})
	}
	select {
	case got := <-cp.Calls():
		t.Fatalf("the charge point received %s", got.Action)
	default:
	}
	// The same request from the same origin, as JSON, goes through.
	status, _, b := post(t, u, body, map[string]string{"Content-Type": "application/json; charset=utf-8", "Sec-Fetch-Site": "same-origin"})
	if status != http.StatusOK {
		t.Fatalf("same-origin JSON: %d %s", status, b)
	}
}

// TestAuthorizationKeyThroughEveryPath: setting AuthorizationKey through
// the typed method, remote.Call, Enqueue and the JSON API (synchronous and
// ?async=1) goes through the password rotation: the digest follows the key
// the charge point took, so it reconnects with the new key and not with the
// old one; the key is never stored in ocpp_commands nor echoed.
func TestAuthorizationKeyThroughEveryPath(t *testing.T) {
	ctx := context.Background()
	paths := []struct {
		name string
		set  func(t *testing.T, e *env, identity, key string) string // returns what the caller saw
	}{
		{"typed method", func(t *testing.T, e *env, identity, key string) string {
			res, err := e.csms.Remote.ChangeConfiguration(ctx, identity, ocpp16.ChangeConfigurationRequest{Key: "AuthorizationKey", Value: key})
			if err != nil || res.Status != ocpp16.ConfigurationStatusAccepted {
				t.Fatalf("ChangeConfiguration = %+v, %v", res, err)
			}
			return fmt.Sprint(res)
		}},
		{"remote.Call", func(t *testing.T, e *env, identity, key string) string {
			res, err := remote.Call[ocpp16.ChangeConfigurationResponse](ctx, e.csms.Remote, identity, &ocpp16.ChangeConfigurationRequest{Key: "authorizationkey", Value: key})
			if err != nil || res.Status != ocpp16.ConfigurationStatusAccepted {
				t.Fatalf("Call = %+v, %v", res, err)
			}
			return fmt.Sprint(res)
		}},
		{"Enqueue", func(t *testing.T, e *env, identity, key string) string {
			cmd, err := e.csms.Remote.Enqueue(ctx, identity, ocpp16.ChangeConfigurationRequest{Key: "AuthorizationKey", Value: key}, nil)
			if err != nil {
				t.Fatal(err)
			}
			awaitCommand(t, e, cmd.ID)
			b, _ := json.Marshal(cmd)
			return string(b)
		}},
		{"JSON API", func(t *testing.T, e *env, identity, key string) string {
			status, _, b := post(t, e.api+"/charge_points/"+identity+"/commands/ChangeConfiguration",
				`{"key":"AuthorizationKey","value":"`+key+`"}`, map[string]string{"Content-Type": "application/json"})
			if status != http.StatusOK || !strings.Contains(b, "Accepted") {
				t.Fatalf("JSON API: %d %s", status, b)
			}
			return b
		}},
		{"JSON API async", func(t *testing.T, e *env, identity, key string) string {
			status, _, b := post(t, e.api+"/charge_points/"+identity+"/commands/ChangeConfiguration?async=1",
				`{"key":"AuthorizationKey","value":"`+key+`"}`, map[string]string{"Content-Type": "application/json"})
			if status != http.StatusAccepted {
				t.Fatalf("JSON API async: %d %s", status, b)
			}
			var cmd store.Command
			if err := json.Unmarshal([]byte(b), &cmd); err != nil {
				t.Fatal(err)
			}
			awaitCommand(t, e, cmd.ID)
			return b
		}},
	}
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, testdb.SQLite(t), ocppkit.Config{})
			const identity, oldKey = "CP-KEY", "old-key-0123456789abcdef"
			newKey := "new-key-" + strings.ReplaceAll(p.name, " ", "-") + "-0123456789"
			e.register(t, identity, oldKey)
			cp := e.dial(t, identity, oldKey)
			var mu sync.Mutex
			var received string
			cp.Handle("ChangeConfiguration", func(_ context.Context, payload json.RawMessage) (any, error) {
				var req ocpp16.ChangeConfigurationRequest
				json.Unmarshal(payload, &req)
				mu.Lock()
				received = req.Value
				mu.Unlock()
				return ocpp16.ChangeConfigurationResponse{Status: ocpp16.ConfigurationStatusAccepted}, nil
			})
			seen := p.set(t, e, identity, newKey)
			mu.Lock()
			got := received
			mu.Unlock()
			if got != newKey {
				t.Fatalf("the charge point received key %q, want %q", got, newKey)
			}
			if strings.Contains(seen, newKey) {
				t.Errorf("the key was echoed to the caller: %s", seen)
			}
			var leaks int64
			if err := e.csms.Store.DB().Model(&store.Command{}).
				Where("payload LIKE ? OR response LIKE ? OR error_description LIKE ?", "%"+newKey+"%", "%"+newKey+"%", "%"+newKey+"%").
				Count(&leaks).Error; err != nil {
				t.Fatal(err)
			}
			if leaks != 0 {
				t.Errorf("the key is stored in %d rows of ocpp_commands", leaks)
			}
			var conf int64
			e.csms.Store.DB().Model(&store.ConfigurationKey{}).Where("value LIKE ?", "%"+newKey+"%").Count(&conf)
			if conf != 0 {
				t.Errorf("the key is stored in %d configuration rows", conf)
			}
			cp.Close()
			if err := dialErr(t, e.url, identity, &ocpptest.Options{Password: newKey}); err != nil {
				t.Errorf("reconnect with the new key: %v", err)
			}
			if err := dialErr(t, e.url, identity, &ocpptest.Options{Password: oldKey}); err == nil {
				t.Error("the old key still works")
			}
		})
	}
}

// awaitCommand waits until an enqueued command is no longer pending or sent.
func awaitCommand(t *testing.T, e *env, id uint) {
	t.Helper()
	var cmd store.Command
	eventually(t, func() bool {
		if err := e.csms.Store.DB().First(&cmd, id).Error; err != nil {
			t.Fatal(err)
		}
		return cmd.Status != remote.StatusPending && cmd.Status != remote.StatusSent
	})
	if cmd.Status != remote.StatusCompleted {
		t.Fatalf("command %d %s: %s %s", id, cmd.Status, cmd.ErrorCode, cmd.ErrorDescription)
	}
}

// TestPrivateKeysAreNeverSent: a certificate field carrying a private key
// is refused before anything is sent or stored.
func TestPrivateKeysAreNeverSent(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{})
	e.register(t, "CP-PK", "pw-0123456789abcdef")
	cp := e.dial(t, "CP-PK", "pw-0123456789abcdef")
	pemWithKey := "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----\n"
	ctx := context.Background()
	if _, err := e.csms.Remote.InstallCertificate(ctx, "CP-PK", ocpp16.InstallCertificateRequest{CertificateType: ocpp16.CertificateUseCentralSystemRootCertificate, Certificate: pemWithKey}); !errors.Is(err, remote.ErrInvalidRequest) {
		t.Errorf("InstallCertificate with a private key: %v, want ErrInvalidRequest", err)
	}
	if _, err := e.csms.Remote.Enqueue(ctx, "CP-PK", ocpp16.CertificateSignedRequest{CertificateChain: pemWithKey}, nil); !errors.Is(err, remote.ErrInvalidRequest) {
		t.Errorf("Enqueue CertificateSigned with a private key: %v, want ErrInvalidRequest", err)
	}
	status, _, b := post(t, e.api+"/charge_points/CP-PK/commands/InstallCertificate",
		`{"certificateType":"CentralSystemRootCertificate","certificate":`+strconvQuote(pemWithKey)+`}`, map[string]string{"Content-Type": "application/json"})
	if status != http.StatusBadRequest || strings.Contains(b, "MHcC") {
		t.Errorf("JSON API: %d %s, want 400 without the key", status, b)
	}
	var n int64
	e.csms.Store.DB().Model(&store.Command{}).Count(&n)
	if n != 0 {
		t.Errorf("%d commands stored", n)
	}
	select {
	case got := <-cp.Calls():
		t.Fatalf("the charge point received %s", got.Action)
	default:
	}
}

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

// TestFullCallQueue: commands to a charge point that does not answer pile
// up in its connection's queue; once it is full the JSON API answers 503
// with Retry-After (before: 500 "internal error", logged at ERROR), Go
// callers get remote.ErrBusy, and nothing is logged above WARN.
func TestFullCallQueue(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{CommandTimeout: 5 * time.Second, Server: ocpp.ServerConfig{CallQueueSize: 2}})
	e.register(t, "CP-SILENT", "pw-0123456789abcdef")
	cp := e.dial(t, "CP-SILENT", "pw-0123456789abcdef")
	release := make(chan struct{})
	cp.Handle("ClearCache", func(ctx context.Context, _ json.RawMessage) (any, error) {
		select { // silent until the test ends
		case <-release:
		case <-ctx.Done():
		}
		return nil, errors.New("no answer")
	})
	ctx := context.Background()
	// One outstanding, two queued: the connection is full.
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { _, _ = e.csms.Remote.ClearCache(ctx, "CP-SILENT", ocpp16.ClearCacheRequest{}) })
	}
	conn, _ := e.csms.Server.Conn("CP-SILENT")
	eventually(t, func() bool { return conn.QueuedCalls() == 3 })
	if _, err := e.csms.Remote.ClearCache(ctx, "CP-SILENT", ocpp16.ClearCacheRequest{}); !errors.Is(err, remote.ErrBusy) {
		t.Errorf("Go caller: %v, want remote.ErrBusy", err)
	}
	status, h, b := post(t, e.api+"/charge_points/CP-SILENT/commands/ClearCache", `{}`, map[string]string{"Content-Type": "application/json"})
	if status != http.StatusServiceUnavailable || h.Get("Retry-After") == "" {
		t.Errorf("JSON API: %d (Retry-After %q) %s, want 503 with Retry-After", status, h.Get("Retry-After"), b)
	}
	if bytes.Contains([]byte(b), []byte("internal error")) {
		t.Errorf("body %s", b)
	}
	if n := e.frames.errorsLogged(); n != 0 {
		t.Errorf("%d records logged at ERROR", n)
	}
	close(release)
	wg.Wait()
}

// eventually polls cond until it holds, for state that has no event to
// wait on (a queue's length, a row's status); it fails after 10 s.
func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
