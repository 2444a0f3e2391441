package control

import (
	"context"
	"fmt"
	"strings"

	"jobtester/ingest"
	"jobtester/models"
)

// Regions lists the regions with their details, never nil.
func (o *Ops) Regions(ctx context.Context) ([]models.RegionDetail, error) {
	rs, err := o.Store.RegionDetails(ctx)
	if rs == nil {
		rs = []models.RegionDetail{}
	}
	return rs, err
}

// Region is one region; models.ErrNotFound when there is none.
func (o *Ops) Region(ctx context.Context, id int64) (models.RegionDetail, error) {
	return o.Store.RegionDetailByID(ctx, id)
}

// CreateRegion adds r, with its audit entry.
func (o *Ops) CreateRegion(ctx context.Context, actor string, r *models.RegionDetail) error {
	return o.Store.SaveRegionAudited(ctx, actor, r)
}

// UpdateRegion replaces region r.ID, with its audit entry; the tester's
// own region keeps its name and job type (models.ErrInUse).
func (o *Ops) UpdateRegion(ctx context.Context, actor string, r *models.RegionDetail) error {
	if err := o.guardRegion(ctx, r.ID, r); err != nil {
		return err
	}
	return o.Store.SaveRegionAudited(ctx, actor, r)
}

// DeleteRegion removes a region, with its audit entry; the tester's own
// region and regions with results stay (models.ErrInUse).
func (o *Ops) DeleteRegion(ctx context.Context, actor string, id int64) error {
	if err := o.guardRegion(ctx, id, nil); err != nil {
		return err
	}
	_, err := o.Store.DeleteRegionAudited(ctx, actor, id)
	return err
}

// guardRegion refuses changes to the region this tester stores under:
// deleting it (rename nil), or renaming it or changing its job type.
func (o *Ops) guardRegion(ctx context.Context, id int64, rename *models.RegionDetail) error {
	if o.TesterRegion == "" {
		return nil
	}
	cur, err := o.Store.RegionDetailByID(ctx, id)
	if err != nil {
		return err
	}
	if cur.Name != o.TesterRegion || cur.JobType != ingest.JobTypeAI {
		return nil
	}
	if rename == nil || rename.Name != cur.Name || !strings.EqualFold(strings.TrimSpace(rename.JobType), cur.JobType) {
		return fmt.Errorf("%w: region %s (ai) is this tester's `region` setting; its results are stored there", models.ErrInUse, cur.Name)
	}
	return nil
}
