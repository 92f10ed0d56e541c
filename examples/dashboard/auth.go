package main

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The operator logs in with a password (form → cookie session); scripts may
// use HTTP Basic with user admin instead. Charge points never come here:
// they authenticate on /ocpp/ with their own passwords.
const (
	operatorUser  = "admin"
	sessionCookie = "ocppkit_session"
	sessionTTL    = 12 * time.Hour
	csrfHeader    = "X-CSRF-Token"
	csrfField     = "csrf_token"
)

type auth struct {
	password [32]byte // SHA-256 of the operator password: fixed length for the constant-time compare
	csrfKey  []byte   // HMAC key of the CSRF tokens, new every start
	origin   *http.CrossOriginProtection
	failures *rate.Limiter // wrong passwords, process-wide

	mu       sync.Mutex
	sessions map[string]time.Time // session token → expiry
}

func newAuth(password string) *auth {
	return &auth{
		password: sha256.Sum256([]byte(password)),
		csrfKey:  []byte(randomToken()),
		origin:   http.NewCrossOriginProtection(),
		failures: rate.NewLimiter(rate.Every(time.Second), 10),
		sessions: make(map[string]time.Time),
	}
}

func randomToken() string { return rand.Text() }

// checkPassword compares in constant time.
func (a *auth) checkPassword(password string) bool {
	h := sha256.Sum256([]byte(password))
	return subtle.ConstantTimeCompare(h[:], a.password[:]) == 1
}

func (a *auth) checkBasic(r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	userOK := subtle.ConstantTimeCompare([]byte(user), []byte(operatorUser)) == 1
	return ok && a.checkPassword(pass) && userOK
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

// csrfToken is bound to the session: HMAC(key, session token).
func (a *auth) csrfToken(session string) string {
	if session == "" {
		return ""
	}
	m := hmac.New(sha256.New, a.csrfKey)
	m.Write([]byte(session))
	return hex.EncodeToString(m.Sum(nil))
}

type csrfKey struct{}

// csrfFrom returns the CSRF token of the request's session, for templates.
func csrfFrom(ctx context.Context) string {
	s, _ := ctx.Value(csrfKey{}).(string)
	return s
}

// require lets authenticated operators through. Without credentials a page
// request is redirected to the login form and anything else gets 401.
// Unsafe methods must also be same-origin (Sec-Fetch-Site / Origin), and,
// when authenticated by the cookie, carry the session's CSRF token in the
// X-CSRF-Token header or the csrf_token form field.
func (a *auth) require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		session, byCookie := a.session(r)
		if !byCookie && !a.checkBasic(r) {
			if r.Method == http.MethodGet && !isAPI(r) {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			writeError(w, http.StatusUnauthorized, "authentication required: log in, or use HTTP Basic with user admin")
			return
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
					writeError(w, http.StatusForbidden, "missing or invalid CSRF token")
					return
				}
			}
		}
		ctx := context.WithValue(r.Context(), csrfKey{}, a.csrfToken(session))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/events"
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
	s.renderLogin(w, http.StatusOK, loginData{Next: next})
}

func (s *server) login(w http.ResponseWriter, r *http.Request) {
	if err := s.auth.origin.Check(r); err != nil { // no login CSRF
		writeError(w, http.StatusForbidden, "cross-origin request refused")
		return
	}
	next := safeNext(r.PostFormValue("next"))
	// Wrong passwords draw from a small budget (10, one more per second),
	// so guessing is slow; a correct one costs nothing.
	if s.auth.failures.Tokens() < 1 {
		s.renderLogin(w, http.StatusTooManyRequests, loginData{Next: next, Error: "Too many attempts, wait a few seconds."})
		return
	}
	if !s.auth.checkPassword(r.PostFormValue("password")) {
		s.auth.failures.Allow()
		s.cfg.Logger.Warn("dashboard: failed login", "remote_addr", r.RemoteAddr)
		s.renderLogin(w, http.StatusUnauthorized, loginData{Next: next, Error: "Wrong password."})
		return
	}
	token, expires := s.auth.newSession()
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    token,
		Path:     "/",
		Expires:  expires,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   r.TLS != nil,
	})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	if token, ok := s.auth.session(r); ok {
		s.auth.endSession(token)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
