package main

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/store"
)

// Back office: charge points. Add one (its password generated and shown
// once), edit, remove, give it a new password (RotatePassword when it is
// connected, or set one to configure out of band), and adopt the unknown
// stations that tried to connect (store.UnknownChargePoints).

func (s *server) chargePointRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /charge_points", s.chargePointsPage)
	mux.HandleFunc("GET /charge_points/new", s.newChargePointPage)
	mux.HandleFunc("POST /charge_points", s.createChargePoint)
	mux.HandleFunc("GET /charge_points/{id}/edit", s.editChargePointPage)
	mux.HandleFunc("POST /charge_points/{id}/edit", s.updateChargePoint)
	mux.HandleFunc("POST /charge_points/{id}/rotate_password", s.rotatePassword)
	mux.HandleFunc("POST /charge_points/{id}/new_password", s.newPassword)
	mux.HandleFunc("POST /charge_points/{id}/delete", s.deleteChargePoint)
	mux.HandleFunc("POST /unknown_charge_points/dismiss", s.dismissUnknown)
}

// maxIdentity is the longest identity the forms accept (chargeBoxIdentity
// is a CiString48 in OCPP 1.6).
const maxIdentity = 48

// descriptionKey is the metadata key of a charge point's free-text
// description.
const descriptionKey = "description"

func (s *server) chargePointsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	views, err := s.chargePointViews(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unknown, err := s.csms.Store.UnknownChargePoints(ctx, 100)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPage(w, r, "charge_points", page{Title: "Charge points", Nav: "charge_points", Data: struct {
		ChargePoints []chargePointView
		Unknown      []store.UnknownChargePoint
		URL          string
	}{views, unknown, s.ocppURL(r)}})
}

// ocppURL is where charge points dial, as this request reached us.
func (s *server) ocppURL(r *http.Request) string {
	scheme := "ws"
	if r.TLS != nil {
		scheme = "wss"
	}
	return scheme + "://" + r.Host + "/ocpp"
}

// newChargePointData is the add form (and the page after adding).
type newChargePointData struct {
	Identity, Description, PasswordMode, Error string
	URL                                        string
	// After adding: the charge point and its password, shown once.
	Created  *store.ChargePoint
	Password string
}

func (s *server) newChargePointPage(w http.ResponseWriter, r *http.Request) {
	s.renderPage(w, r, "charge_point_new", page{Title: "Add a charge point", Nav: "charge_points",
		Data: newChargePointData{Identity: r.URL.Query().Get("identity"), PasswordMode: "generate", URL: s.ocppURL(r)}})
}

// validIdentity checks an identity typed by the operator.
func validIdentity(id string) error {
	switch {
	case id == "":
		return errors.New("the identity is required")
	case len(id) > maxIdentity:
		return errors.New("the identity is longer than 48 characters")
	case strings.IndexFunc(id, func(r rune) bool { return r == '/' || unicode.IsSpace(r) || !unicode.IsPrint(r) }) >= 0:
		return errors.New("the identity may not contain spaces, slashes or control characters")
	}
	return nil
}

// POST /charge_points identity=…&description=…&password_mode=generate|enter|none&password=…
func (s *server) createChargePoint(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := newChargePointData{
		Identity:     strings.TrimSpace(r.PostFormValue("identity")),
		Description:  strings.TrimSpace(r.PostFormValue("description")),
		PasswordMode: r.PostFormValue("password_mode"),
		URL:          s.ocppURL(r),
	}
	again := func(status int, msg string) {
		d.Error = msg
		s.renderPageStatus(w, r, status, "charge_point_new", page{Title: "Add a charge point", Nav: "charge_points", Data: d})
	}
	if err := validIdentity(d.Identity); err != nil {
		again(http.StatusUnprocessableEntity, err.Error())
		return
	}
	if _, err := s.csms.Store.ChargePointByIdentifier(ctx, d.Identity); err == nil {
		again(http.StatusConflict, "a charge point "+d.Identity+" exists already")
		return
	} else if !errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	var password string
	switch d.PasswordMode {
	case "enter":
		password = r.PostFormValue("password")
		if len(password) < 16 || len(password) > 40 {
			again(http.StatusUnprocessableEntity, "an AuthorizationKey has 16 to 40 characters")
			return
		}
	case "none":
	default:
		d.PasswordMode = "generate"
		p, err := ocpp.GeneratePassword()
		if err != nil {
			s.fail(w, r, err)
			return
		}
		password = p
	}
	cp, err := s.csms.RegisterChargePoint(ctx, d.Identity, password)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Description != "" {
		if err := s.csms.Store.SetMetadata(ctx, cp.ID, map[string]any{descriptionKey: d.Description}); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	d.Created = cp
	if d.PasswordMode == "generate" {
		d.Password = password // shown once: only its digest is stored
	}
	s.renderPage(w, r, "charge_point_new", page{Title: "Charge point added", Nav: "charge_points", Data: d})
}

// editData is the settings tab.
type editData struct {
	Description string
	Error       string
	// After a new password: shown once.
	Password, PasswordNote string
}

func (s *server) editChargePointPage(w http.ResponseWriter, r *http.Request) {
	v, ok := s.chargePointFor(w, r)
	if !ok {
		return
	}
	s.renderEdit(w, r, http.StatusOK, v, editData{})
}

func (s *server) renderEdit(w http.ResponseWriter, r *http.Request, status int, v *chargePointView, d editData) {
	if d.Description == "" {
		d.Description, _ = v.Metadata[descriptionKey].(string)
	}
	s.renderPageStatus(w, r, status, "charge_point_edit", page{Nav: "charge_points", CP: v, Tab: "edit", Data: d})
}

// POST /charge_points/{id}/edit identity=…&description=…: renaming needs
// the charge point offline (its socket is bound to the old identity).
func (s *server) updateChargePoint(w http.ResponseWriter, r *http.Request) {
	v, ok := s.chargePointFor(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	identity := strings.TrimSpace(r.PostFormValue("identity"))
	description := strings.TrimSpace(r.PostFormValue("description"))
	if identity != v.Identifier {
		if err := validIdentity(identity); err != nil {
			s.renderEdit(w, r, http.StatusUnprocessableEntity, v, editData{Description: description, Error: err.Error()})
			return
		}
		if v.Online {
			s.renderEdit(w, r, http.StatusConflict, v, editData{Description: description,
				Error: "disconnect the charge point before renaming it: its connection belongs to " + v.Identifier})
			return
		}
		if _, err := s.csms.Store.ChargePointByIdentifier(ctx, identity); err == nil {
			s.renderEdit(w, r, http.StatusConflict, v, editData{Description: description, Error: "a charge point " + identity + " exists already"})
			return
		}
		err := s.db.WithContext(ctx).Model(&store.ChargePoint{}).Where("id = ? AND connected = ?", v.ID, false).
			Updates(map[string]any{"identifier": identity, "updated_at": time.Now().UTC()}).Error
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if err := s.csms.Store.SetMetadata(ctx, v.ID, map[string]any{descriptionKey: description}); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/charge_points/"+idString(v.ID)+"/edit", "ok", "Saved %s.", identity)
}

// passwordTimeout bounds RotatePassword: the charge point has that long
// to answer ChangeConfiguration.
const passwordTimeout = time.Minute

// POST /charge_points/{id}/rotate_password: ChangeConfiguration of
// AuthorizationKey to a new random password, stored once accepted.
func (s *server) rotatePassword(w http.ResponseWriter, r *http.Request) {
	v, ok := s.chargePointFor(w, r)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), passwordTimeout)
	defer cancel()
	password, err := s.csms.RotatePassword(ctx, v.Identifier)
	if err != nil {
		msg := "Rotation failed: " + err.Error()
		if errors.Is(err, ocppkit.ErrPasswordRejected) {
			msg = "The charge point rejected the new password; the old one stays valid."
		}
		d := editData{Error: msg, Password: password}
		if password != "" {
			d.PasswordNote = "The charge point accepted this password, but storing it failed: set it again below."
		}
		s.renderEdit(w, r, http.StatusBadGateway, v, d)
		return
	}
	s.renderEdit(w, r, http.StatusOK, v, editData{Password: password,
		PasswordNote: "The charge point accepted it (ChangeConfiguration AuthorizationKey) and uses it from its next connection; the old password no longer works."})
}

// POST /charge_points/{id}/new_password: a new random password, stored
// now; the charge point must be given it out of band.
func (s *server) newPassword(w http.ResponseWriter, r *http.Request) {
	v, ok := s.chargePointFor(w, r)
	if !ok {
		return
	}
	password, err := ocpp.GeneratePassword()
	if err == nil {
		err = s.csms.SetPassword(r.Context(), v.Identifier, password)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderEdit(w, r, http.StatusOK, v, editData{Password: password,
		PasswordNote: "Configure the charge point with it: its next connection needs it (an open connection stays open)."})
}

// POST /charge_points/{id}/delete: removes the charge point with its
// sessions, meter values and settings, then closes its connection; it is
// refused as unknown from then on.
func (s *server) deleteChargePoint(w http.ResponseWriter, r *http.Request) {
	v, ok := s.chargePointFor(w, r)
	if !ok {
		return
	}
	if err := s.db.WithContext(r.Context()).Delete(&store.ChargePoint{}, v.ID).Error; err != nil {
		s.fail(w, r, err)
		return
	}
	if conn, ok := s.csms.Server.Conn(v.Identifier); ok {
		_ = conn.Close()
	}
	redirect(w, r, "/charge_points", "ok", "Removed %s.", v.Identifier)
}

// POST /unknown_charge_points/dismiss identity=…
func (s *server) dismissUnknown(w http.ResponseWriter, r *http.Request) {
	identity := r.PostFormValue("identity")
	if err := s.csms.Store.ForgetUnknownChargePoint(r.Context(), identity); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/charge_points", "ok", "Dismissed %s; it is listed again if it tries to connect again.", identity)
}
