package main

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The operator logs in with a password (form → cookie session); scripts may
// use HTTP Basic with user admin instead. Both are throttled per remote
// address (throttle.go). Charge points never come here: they authenticate
// on /ocpp/ with their own passwords.
const (
	operatorUser  = "admin"
	sessionCookie = "ocppkit_session"
	sessionTTL    = 12 * time.Hour
	deviceCookie  = "ocppkit_device" // a browser that logged in before: see throttle
	deviceTTL     = 365 * 24 * time.Hour
	csrfHeader    = "X-CSRF-Token"
	csrfField     = "csrf_token"
)

type auth struct {
	password  [32]byte // SHA-256 of the operator password: fixed length for the constant-time compare
	csrfKey   []byte   // HMAC key of the CSRF tokens, new every start
	deviceKey []byte   // HMAC key of the device cookies: derived from the password, so they outlive a restart
	origin    *http.CrossOriginProtection
	throttle  *throttle

	mu       sync.Mutex
	sessions map[string]time.Time // session token → expiry
}

func newAuth(password string) *auth {
	a := &auth{
		password: sha256.Sum256([]byte(password)),
		csrfKey:  []byte(randomToken()),
		origin:   http.NewCrossOriginProtection(),
		throttle: newThrottle(),
		sessions: make(map[string]time.Time),
	}
	m := hmac.New(sha256.New, a.password[:])
	m.Write([]byte("ocppkit dashboard device cookie"))
	a.deviceKey = m.Sum(nil)
	return a
}

func randomToken() string { return rand.Text() }

// checkPassword compares in constant time.
func (a *auth) checkPassword(password string) bool {
	h := sha256.Sum256([]byte(password))
	return subtle.ConstantTimeCompare(h[:], a.password[:]) == 1
}

// basic checks r's HTTP Basic credentials, throttled per address. ok: the
// operator; wait > 0: locked, credentials not even checked.
func (a *auth) basic(r *http.Request) (ok bool, wait time.Duration) {
	user, pass, present := r.BasicAuth()
	if !present {
		return false, 0
	}
	key := addrKey(r)
	if wait := a.throttle.locked(key); wait > 0 {
		return false, wait
	}
	userOK := subtle.ConstantTimeCompare([]byte(user), []byte(operatorUser)) == 1
	if !a.checkPassword(pass) || !userOK {
		a.throttle.fail(key)
		return false, 0
	}
	a.throttle.succeed(key)
	return true, 0
}

func (a *auth) newSession() (token string, expires time.Time) {
	token, expires = randomToken(), time.Now().Add(sessionTTL)
	a.mu.Lock()
	defer a.mu.Unlock()
	now := time.Now()
	for t, exp := range a.sessions { // forget expired sessions
		if now.After(exp) {
			delete(a.sessions, t)
		}
	}
	a.sessions[token] = expires
	return token, expires
}

// session returns the token of r's valid session cookie.
func (a *auth) session(r *http.Request) (string, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return "", false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	exp, ok := a.sessions[c.Value]
	if !ok || time.Now().After(exp) {
		return "", false
	}
	return c.Value, true
}

func (a *auth) endSession(token string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.sessions, token)
}

func (a *auth) mac(key []byte, msg string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// csrfToken is bound to the session: HMAC(key, session token).
func (a *auth) csrfToken(session string) string {
	if session == "" {
		return ""
	}
	return a.mac(a.csrfKey, session)
}

// loginKey is the throttle key of a login attempt: the browser's device
// cookie when it holds a valid one, else its address.
func (a *auth) loginKey(r *http.Request) string {
	if c, err := r.Cookie(deviceCookie); err == nil {
		id, sig, ok := strings.Cut(c.Value, ".")
		if ok && id != "" && hmac.Equal([]byte(sig), []byte(a.mac(a.deviceKey, id))) {
			return "device:" + id
		}
	}
	return addrKey(r)
}

func (a *auth) newDeviceCookie(secure bool) *http.Cookie {
	id := randomToken()
	return &http.Cookie{Name: deviceCookie, Value: id + "." + a.mac(a.deviceKey, id), Path: "/login",
		MaxAge: int(deviceTTL / time.Second), HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secure}
}

type csrfKey struct{}

// csrfFrom returns the CSRF token of the request's session, for templates.
func csrfFrom(ctx context.Context) string {
	s, _ := ctx.Value(csrfKey{}).(string)
	return s
}

// require lets authenticated operators through. Without credentials a page
// request is redirected to the login form and anything else gets 401;
// Basic credentials from a locked address get 429. Unsafe methods must
// also be same-origin (Sec-Fetch-Site / Origin), and, when authenticated by
// the cookie, carry the session's CSRF token in the X-CSRF-Token header or
// the csrf_token form field.
func (a *auth) require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		session, byCookie := a.session(r)
		if !byCookie {
			ok, wait := a.basic(r)
			if wait > 0 {
				w.Header().Set("Retry-After", retryAfter(wait))
				writeError(w, http.StatusTooManyRequests, "too many failed logins from your address: retry in "+retryAfter(wait)+" s")
				return
			}
			if !ok {
				if r.Method == http.MethodGet && !isAPI(r) {
					http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
					return
				}
				writeError(w, http.StatusUnauthorized, "authentication required: log in, or use HTTP Basic with user admin")
				return
			}
		}
		if !safeMethod(r.Method) {
			if err := a.origin.Check(r); err != nil {
				writeError(w, http.StatusForbidden, "cross-origin request refused")
				return
			}
			if byCookie {
				token := r.Header.Get(csrfHeader)
				if token == "" {
					token = r.PostFormValue(csrfField)
				}
				if !hmac.Equal([]byte(token), []byte(a.csrfToken(session))) {
					writeError(w, http.StatusForbidden, "missing or invalid CSRF token: reload the page")
					return
				}
			}
		}
		ctx := context.WithValue(r.Context(), csrfKey{}, a.csrfToken(session))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func retryAfter(d time.Duration) string { return strconv.Itoa(int(math.Ceil(d.Seconds()))) }

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/events" || strings.HasSuffix(r.URL.Path, ".csv")
}

// safeNext keeps redirects after login on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

type loginData struct {
	Next  string
	Error string
}

func (s *server) loginPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if _, ok := s.auth.session(r); ok {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.renderLogin(w, r, http.StatusOK, loginData{Next: next})
}

func (s *server) login(w http.ResponseWriter, r *http.Request) {
	if err := s.auth.origin.Check(r); err != nil { // no login CSRF
		writeError(w, http.StatusForbidden, "cross-origin request refused")
		return
	}
	next := safeNext(r.PostFormValue("next"))
	key := s.auth.loginKey(r)
	if wait := s.auth.throttle.locked(key); wait > 0 {
		w.Header().Set("Retry-After", retryAfter(wait))
		s.renderLogin(w, r, http.StatusTooManyRequests, loginData{Next: next,
			Error: fmt.Sprintf("Too many wrong passwords from here: try again in %s s.", retryAfter(wait))})
		return
	}
	if !s.auth.checkPassword(r.PostFormValue("password")) {
		s.auth.throttle.fail(key)
		s.cfg.Logger.Warn("dashboard: failed login", "remote_addr", r.RemoteAddr, "throttle_key", strings.SplitN(key, ":", 2)[0])
		s.renderLogin(w, r, http.StatusUnauthorized, loginData{Next: next, Error: "Wrong password."})
		return
	}
	s.auth.throttle.succeed(key)
	token, expires := s.auth.newSession()
	secure := r.TLS != nil
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    token,
		Path:     "/",
		Expires:  expires,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   secure,
	})
	http.SetCookie(w, s.auth.newDeviceCookie(secure))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	if token, ok := s.auth.session(r); ok {
		s.auth.endSession(token)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *server) renderLogin(w http.ResponseWriter, r *http.Request, status int, d loginData) {
	s.render(w, r, status, "login", "login", d)
}
