package admin

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"jobtester/control"
	"jobtester/models"
)

func (h *handler) keyRoutes(g *echo.Group) {
	g.GET("/keys", h.keysPage)
	g.POST("/keys", h.createKey)
	g.POST("/keys/:id/revoke", h.revokeKey)
}

// keysView is the ingest keys page. Secret is set only on the answer to
// the POST that created the key: it is never stored in clear, so no later
// page can show it.
type keysView struct {
	Keys       []models.IngestKey
	ConfigKeys []string
	Sealed     bool
	CanCreate  bool
	Name       string
	NameError  string
	Created    *models.IngestKey
	Secret     string
	Done       string
}

func (h *handler) renderKeys(c echo.Context, status int, v keysView) error {
	ctx, cancel := timeout(c)
	defer cancel()
	kv, err := h.Control.IngestKeys(ctx)
	if err != nil {
		return err
	}
	v.Keys, v.ConfigKeys, v.Sealed = kv.Keys, kv.ConfigKeys, kv.Sealed
	v.CanCreate = h.Control.CanStoreKeys()
	return h.page(c, status, "Ingest keys", "keys", keysBody(v))
}

func (h *handler) keysPage(c echo.Context) error {
	v := keysView{}
	if c.QueryParam("done") == "revoked" {
		v.Done = "Key revoked. Instances stop accepting it within a few seconds."
	}
	return h.renderKeys(c, http.StatusOK, v)
}

func (h *handler) createKey(c echo.Context) error {
	name := strings.TrimSpace(c.FormValue("name"))
	v := keysView{Name: name}
	ctx, cancel := timeout(c)
	defer cancel()
	k, secret, err := h.Control.CreateIngestKey(ctx, actor(c), name)
	switch {
	case errors.Is(err, control.ErrNoKeyStore):
		v.NameError = capitalize(err.Error()) + "."
	case errors.Is(err, control.ErrConfigKey):
		v.NameError = "A key named " + name + " is set in the config file; choose another name."
	case errors.Is(err, models.ErrInvalidSetting):
		v.NameError = settingMessage(err)
	case err != nil:
		return err
	}
	if v.NameError != "" {
		return h.renderKeys(c, http.StatusUnprocessableEntity, v)
	}
	h.Logger.Info("ingest key created", "admin_user", actor(c), "name", k.Name)
	// Answered here rather than redirected: the secret exists in clear
	// only in this response.
	return h.renderKeys(c, http.StatusOK, keysView{Created: &k, Secret: secret})
}

func (h *handler) revokeKey(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return echo.NewHTTPError(http.StatusNotFound, "no such ingest key")
	}
	ctx, cancel := timeout(c)
	defer cancel()
	k, err := h.Control.RevokeIngestKey(ctx, actor(c), id)
	switch {
	case errors.Is(err, models.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound, "ingest key "+strconv.FormatInt(id, 10)+" does not exist")
	case errors.Is(err, models.ErrInvalidSetting):
		return h.renderKeys(c, http.StatusConflict, keysView{Done: settingMessage(err)})
	case err != nil:
		return err
	}
	h.Logger.Info("ingest key revoked", "admin_user", actor(c), "name", k.Name)
	return c.Redirect(http.StatusSeeOther, "/admin/keys?done=revoked#key-"+strconv.FormatInt(id, 10))
}

// settingMessage is a validation error as a sentence for a form.
func settingMessage(err error) string {
	msg := err.Error()
	for _, p := range []string{models.ErrInvalidSetting.Error() + ": ", models.ErrInUse.Error() + ": "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return capitalize(msg)
}
