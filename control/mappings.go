package control

import (
	"context"

	"jobtester/models"
)

// Mappings lists the URI mappings, never nil.
func (o *Ops) Mappings(ctx context.Context) ([]models.URIMapping, error) {
	ms, err := o.Store.Mappings(ctx)
	if ms == nil {
		ms = []models.URIMapping{}
	}
	return ms, err
}

// Mapping is one mapping; models.ErrNotFound when there is none.
func (o *Ops) Mapping(ctx context.Context, id int64) (models.URIMapping, error) {
	return o.Store.Mapping(ctx, id)
}

// SaveMapping creates m (ID 0) or replaces the mapping m.ID, with its audit
// entry. A refused field is a *models.FieldError wrapping
// models.ErrInvalidMapping.
func (o *Ops) SaveMapping(ctx context.Context, actor string, m *models.URIMapping) error {
	return o.Store.SaveMappingAudited(ctx, actor, m)
}

// DeleteMapping removes a mapping, with its audit entry.
func (o *Ops) DeleteMapping(ctx context.Context, actor string, id int64) error {
	return o.Store.DeleteMappingAudited(ctx, actor, id)
}
