package simnet

import (
	"net/http"
	"time"
)

// asyncJob is an image-to-video request made with "Prefer: respond-async".
type asyncJob struct {
	done    bool
	images  []mediaJSON
	err     *processError
	expires time.Time // set when done: kept as long as its media
}

// startAsync answers 202 {"request_id"} at once and runs the job in the
// background, within the network's lifetime.
func (g *gateway) startAsync(w http.ResponseWriter, job jobRequest) {
	j := &asyncJob{}
	g.asyncMu.Lock()
	g.async[job.RequestID] = j
	g.asyncMu.Unlock()
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		res, perr := g.process(g.ctx, job)
		var images []mediaJSON
		if perr == nil {
			images = g.storeMedia(job, res)
		}
		g.asyncMu.Lock()
		defer g.asyncMu.Unlock()
		j.done, j.images, j.err = true, images, perr
		j.expires = time.Now().Add(g.spec.MediaTTL.D())
	}()
	writeJSON(w, http.StatusAccepted, map[string]string{"request_id": job.RequestID})
}

// serveAsyncResult is POST /image-to-video/result {"request_id"}: 202
// {"status":"processing"} until done, then 200 {"status":"complete",
// "result":{"images":[…]}} or with "error":{"message"} (masked as the
// synchronous route would mask it).
func (g *gateway) serveAsyncResult(w http.ResponseWriter, r *http.Request) {
	var req struct {
		RequestID string `json:"request_id"`
	}
	if err := decodeJSONBody(r, &req); err != nil {
		writeAPIError(w, http.StatusBadRequest, err.Error())
		return
	}
	now := time.Now()
	g.asyncMu.Lock()
	for id, j := range g.async {
		if j.done && now.After(j.expires) {
			delete(g.async, id)
		}
	}
	j := g.async[req.RequestID]
	var (
		done   bool
		images []mediaJSON
		perr   *processError
	)
	if j != nil {
		done, images, perr = j.done, j.images, j.err
	}
	g.asyncMu.Unlock()

	switch {
	case j == nil:
		writeAPIError(w, http.StatusBadRequest, errUnknownRequest.Error())
	case !done:
		writeJSON(w, http.StatusAccepted, map[string]string{"status": "processing"})
	default:
		type errBody struct {
			Message string `json:"message"`
		}
		var result struct {
			Images []mediaJSON `json:"images"`
			Error  *errBody    `json:"error,omitempty"`
		}
		result.Images = images
		if result.Images == nil {
			result.Images = []mediaJSON{}
		}
		if perr != nil {
			msg := "Internal Server Error"
			switch perr.kind {
			case failBadRequest:
				msg = perr.msg
			case failNoCapacity, failRetryTimeout, failNoOrchestrator:
				msg = "Service Unavailable Error"
			}
			result.Error = &errBody{msg}
		}
		writeJSON(w, http.StatusOK, map[string]any{"status": "complete", "result": result})
	}
}
