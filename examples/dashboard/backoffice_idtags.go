package main

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit/store"
)

// Back office: id tags (the RFID cards and tokens the default Authorizer
// checks): add, edit status, expiry and parent, block and unblock, remove.

func (s *server) idTagRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /id_tags", s.idTagsPage)
	mux.HandleFunc("POST /id_tags", s.createIDTag)
	mux.HandleFunc("GET /id_tags/{id}/edit", s.editIDTagPage)
	mux.HandleFunc("POST /id_tags/{id}/edit", s.updateIDTag)
	mux.HandleFunc("POST /id_tags/{id}/block", s.blockIDTag(store.IDTagBlocked))
	mux.HandleFunc("POST /id_tags/{id}/unblock", s.blockIDTag(store.IDTagAccepted))
	mux.HandleFunc("POST /id_tags/{id}/delete", s.deleteIDTag)
}

const idTagsPerPage = 25

var idTagStatuses = []string{store.IDTagAccepted, store.IDTagBlocked, store.IDTagExpired, store.IDTagInvalid}

// idTagForm is the add and edit form.
type idTagForm struct {
	Tag, Status, Expiry, Parent string
	Error                       string
}

func (s *server) idTagsPage(w http.ResponseWriter, r *http.Request) {
	s.renderIDTags(w, r, http.StatusOK, idTagForm{Status: store.IDTagAccepted})
}

func (s *server) renderIDTags(w http.ResponseWriter, r *http.Request, status int, form idTagForm) {
	search := strings.TrimSpace(r.URL.Query().Get("q"))
	q := s.db.WithContext(r.Context()).Model(&store.IDTag{})
	if search != "" {
		q = q.Where("tag LIKE ? OR parent_tag LIKE ?", "%"+search+"%", "%"+search+"%")
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		s.fail(w, r, err)
		return
	}
	pg := pageParam(r)
	var tags []store.IDTag
	if err := q.Order("tag").Limit(idTagsPerPage).Offset((pg - 1) * idTagsPerPage).Find(&tags).Error; err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPageStatus(w, r, status, "id_tags", page{Title: "Id tags", Nav: "id_tags", Data: struct {
		Tags     []store.IDTag
		Search   string
		Pager    pager
		Form     idTagForm
		Statuses []string
		Now      time.Time
	}{tags, search, newPager(r.URL, pg, idTagsPerPage, total), form, idTagStatuses, time.Now()}})
}

// parse checks the form and returns the row it describes; tag, when set,
// is the tag being edited.
func (f *idTagForm) parse(r *http.Request, tag string) (store.IDTag, error) {
	f.Tag = cmp.Or(tag, strings.TrimSpace(r.PostFormValue("tag")))
	f.Status = r.PostFormValue("status")
	f.Expiry = r.PostFormValue("expiry")
	f.Parent = strings.TrimSpace(r.PostFormValue("parent"))
	t := store.IDTag{Tag: f.Tag, Status: f.Status, ParentTag: f.Parent}
	switch {
	case f.Tag == "" || utf8.RuneCountInString(f.Tag) > 20:
		return t, errors.New("an id tag has 1 to 20 characters")
	case utf8.RuneCountInString(f.Parent) > 20:
		return t, errors.New("a parent id tag has at most 20 characters")
	case f.Parent == f.Tag:
		return t, errors.New("an id tag cannot be its own parent")
	case !slices.Contains(idTagStatuses, f.Status):
		return t, fmt.Errorf("status must be one of %s", strings.Join(idTagStatuses, ", "))
	}
	if f.Expiry != "" {
		exp, ok := parseLocal(f.Expiry, zoneOf(r.Context()))
		if !ok {
			return t, errors.New("the expiry date is not a date and time")
		}
		t.ExpiryDate = &exp
	}
	return t, nil
}

// POST /id_tags tag=…&status=…&expiry=…&parent=…
func (s *server) createIDTag(w http.ResponseWriter, r *http.Request) {
	var form idTagForm
	t, err := form.parse(r, "")
	if err == nil {
		if _, lerr := s.csms.Store.LookupIDTag(r.Context(), t.Tag); lerr == nil {
			err = fmt.Errorf("id tag %s exists already: edit it", t.Tag)
		} else if !errors.Is(lerr, store.ErrNotFound) {
			s.fail(w, r, lerr)
			return
		}
	}
	if err != nil {
		form.Error = err.Error()
		s.renderIDTags(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	if err := s.csms.Store.UpsertIDTag(r.Context(), t); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/id_tags?q="+t.Tag, "ok", "Added id tag %s (%s).", t.Tag, t.Status)
}

// idTag loads the id tag of the {id} path value (its database id).
func (s *server) idTag(r *http.Request) (*store.IDTag, error) {
	key := r.PathValue("id")
	id, err := strconv.ParseUint(key, 10, 64)
	if err != nil {
		return nil, notFoundError{"id tag", key}
	}
	var t store.IDTag
	err = s.db.WithContext(r.Context()).Take(&t, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, notFoundError{"id tag", key}
	}
	return &t, err
}

func (s *server) editIDTagPage(w http.ResponseWriter, r *http.Request) {
	t, err := s.idTag(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := idTagForm{Tag: t.Tag, Status: t.Status, Parent: t.ParentTag}
	if t.ExpiryDate != nil {
		f.Expiry = t.ExpiryDate.In(zoneOf(r.Context())).Format(inputLayout)
	}
	s.renderIDTagEdit(w, r, http.StatusOK, t, f)
}

func (s *server) renderIDTagEdit(w http.ResponseWriter, r *http.Request, status int, t *store.IDTag, f idTagForm) {
	s.renderPageStatus(w, r, status, "id_tag_edit", page{Title: "Id tag " + t.Tag, Nav: "id_tags", Data: struct {
		Tag      *store.IDTag
		Form     idTagForm
		Statuses []string
	}{t, f, idTagStatuses}})
}

// POST /id_tags/{id}/edit status=…&expiry=…&parent=… (the tag itself
// stays).
func (s *server) updateIDTag(w http.ResponseWriter, r *http.Request) {
	old, err := s.idTag(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var form idTagForm
	t, err := form.parse(r, old.Tag)
	if err != nil {
		form.Error = err.Error()
		s.renderIDTagEdit(w, r, http.StatusUnprocessableEntity, old, form)
		return
	}
	if err := s.csms.Store.UpsertIDTag(r.Context(), t); err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/id_tags?q="+t.Tag, "ok", "Saved id tag %s (%s).", t.Tag, t.Status)
}

// blockIDTag sets the status of an id tag: Blocked, or Accepted again.
func (s *server) blockIDTag(status string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t, err := s.idTag(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		t.Status = status
		if err := s.csms.Store.UpsertIDTag(r.Context(), *t); err != nil {
			s.fail(w, r, err)
			return
		}
		redirect(w, r, safeNext(r.PostFormValue("next")), "ok", "Id tag %s is %s.", t.Tag, status)
	}
}

func (s *server) deleteIDTag(w http.ResponseWriter, r *http.Request) {
	t, err := s.idTag(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.WithContext(r.Context()).Delete(&store.IDTag{}, t.ID).Error; err != nil {
		s.fail(w, r, err)
		return
	}
	redirect(w, r, "/id_tags", "ok", "Removed id tag %s.", t.Tag)
}
