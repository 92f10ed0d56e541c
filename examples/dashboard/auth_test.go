package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// clock is a settable time for the throttle.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// loginAs posts the login form from addr with the given cookies and
// returns the response.
func loginAs(t *testing.T, srv *server, addr, password string, cookies ...*http.Cookie) *http.Response {
	t.Helper()
	req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"password": {password}, "next": {"/"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = addr
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec.Result()
}

// basicAs calls the API from addr with HTTP Basic.
func basicAs(srv *server, addr, password string) *http.Response {
	req := httptest.NewRequest("GET", "/api/stats", nil)
	req.SetBasicAuth("admin", password)
	req.RemoteAddr = addr
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec.Result()
}

// TestLoginThrottle: wrong passwords slow down their own address, with a
// growing lock; they never lock the right password out elsewhere, nor in a
// browser that logged in before — and the lock ends.
func TestLoginThrottle(t *testing.T) {
	srv, _ := startServer(t, config{DBPath: filepath.Join(t.TempDir(), "dashboard.db")})
	clk := &clock{t: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	srv.auth.throttle.now = clk.now
	const attacker, operator = "192.0.2.1:40000", "198.51.100.7:50000"

	// A browser that logged in from the attacker's address (a shared NAT)
	// before the attack holds a device cookie.
	res := loginAs(t, srv, attacker, testPassword)
	var device *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == deviceCookie {
			device = c
		}
	}
	if res.StatusCode != http.StatusSeeOther || device == nil || !device.HttpOnly {
		t.Fatalf("first login = %d, device cookie %v", res.StatusCode, device)
	}

	locked := 0
	for i := range 30 {
		res := loginAs(t, srv, attacker, fmt.Sprintf("guess-%d", i))
		switch res.StatusCode {
		case http.StatusUnauthorized:
			if locked > 0 {
				t.Fatalf("attempt %d compared the password while the address was locked", i)
			}
		case http.StatusTooManyRequests:
			locked++
			if res.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
		default:
			t.Fatalf("guess %d = %d", i, res.StatusCode)
		}
	}
	if locked == 0 {
		t.Fatal("30 wrong passwords in a row were never throttled")
	}
	if res := loginAs(t, srv, attacker, testPassword); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("right password from the locked address (no device cookie) = %d, want 429", res.StatusCode)
	}
	if res := loginAs(t, srv, "192.0.2.1:40001", "guess"); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("another port of the locked address = %d, want 429", res.StatusCode)
	}
	if res := loginAs(t, srv, operator, testPassword); res.StatusCode != http.StatusSeeOther {
		t.Errorf("right password from another address = %d, want 303", res.StatusCode)
	}
	if res := loginAs(t, srv, attacker, testPassword, device); res.StatusCode != http.StatusSeeOther {
		t.Errorf("right password with a device cookie from the locked address = %d, want 303", res.StatusCode)
	}
	forged := &http.Cookie{Name: deviceCookie, Value: "forged.0000"}
	if res := loginAs(t, srv, attacker, "guess", forged); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("forged device cookie from the locked address = %d, want 429", res.StatusCode)
	}

	// The lock ends: the longest is throttleMaxLock.
	clk.t = clk.t.Add(throttleMaxLock + time.Second)
	if res := loginAs(t, srv, attacker, testPassword); res.StatusCode != http.StatusSeeOther {
		t.Errorf("right password after the lock = %d, want 303", res.StatusCode)
	}
	if res := loginAs(t, srv, attacker, "guess"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a success clears the address: next wrong password = %d, want 401", res.StatusCode)
	}
}

// TestBasicThrottle: HTTP Basic is throttled like the form.
func TestBasicThrottle(t *testing.T) {
	srv, _ := startServer(t, config{DBPath: filepath.Join(t.TempDir(), "dashboard.db")})
	clk := &clock{t: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	srv.auth.throttle.now = clk.now
	const attacker, script = "[2001:db8::1]:40000", "203.0.113.9:50000"
	locked := false
	for i := range 30 {
		res := basicAs(srv, attacker, fmt.Sprintf("guess-%d", i))
		if res.StatusCode == http.StatusTooManyRequests {
			locked = true
			break
		}
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("guess %d = %d", i, res.StatusCode)
		}
	}
	if !locked {
		t.Fatal("30 wrong Basic passwords were never throttled")
	}
	// An IPv6 address is throttled with its /64.
	if res := basicAs(srv, "[2001:db8::2]:1", testPassword); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("same /64 = %d, want 429", res.StatusCode)
	}
	if res := basicAs(srv, script, testPassword); res.StatusCode != http.StatusOK {
		t.Errorf("right password from another address = %d, want 200", res.StatusCode)
	}
	clk.t = clk.t.Add(throttleMaxLock + time.Second)
	if res := basicAs(srv, attacker, testPassword); res.StatusCode != http.StatusOK {
		t.Errorf("right password after the lock = %d, want 200", res.StatusCode)
	}
}

func TestThrottleBackoff(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	th := newThrottle()
	th.now = clk.now
	var locks []time.Duration
	for range throttleFree + 12 {
		th.fail("k")
		locks = append(locks, th.locked("k"))
	}
	for i := range throttleFree {
		if locks[i] != 0 {
			t.Errorf("failure %d locked for %s, want free", i+1, locks[i])
		}
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}
	for i, w := range want {
		if got := locks[throttleFree+i]; got != w {
			t.Errorf("lock after failure %d = %s, want %s", throttleFree+i+1, got, w)
		}
	}
	if last := locks[len(locks)-1]; last != throttleMaxLock {
		t.Errorf("longest lock = %s, want %s", last, throttleMaxLock)
	}
	// Bounded memory: however many addresses fail.
	for i := range throttleMaxKeys + 100 {
		th.fail(fmt.Sprint("addr-", i))
	}
	if n := len(th.keys); n > throttleMaxKeys {
		t.Errorf("%d keys kept, want at most %d", n, throttleMaxKeys)
	}
}
