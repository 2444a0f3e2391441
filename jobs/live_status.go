package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"jobtester/livemetrics"
	"jobtester/livepeer"
	"sync"
	"time"
)

// LiveStatusReader reads the gateway's status of a live stream.
type LiveStatusReader interface {
	// LiveStatus returns the status of streamID; found is false while the
	// gateway does not know the stream (404). An error means the gateway
	// could not be asked or answered nonsense.
	LiveStatus(ctx context.Context, streamID string) (snap LiveStatusSnapshot, found bool, err error)
}

// statusWatch polls the gateway's /status for one stream in the
// background and keeps the latest answer, the first error, and whether
// the gateway ever answered at all.
type statusWatch struct {
	mu        sync.Mutex
	snap      LiveStatusSnapshot
	firstErr  string // first gateway_status error seen
	askErr    error  // last failure to ask
	answered  bool   // the gateway answered (200 or 404) at least once
	unavail   chan struct{}
	unavailed bool
}

func (w *statusWatch) record(snap LiveStatusSnapshot, found bool, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		w.askErr = err
		return
	}
	w.answered, w.askErr = true, nil
	if !found {
		return
	}
	if snap.StartTime.IsZero() {
		snap.StartTime = w.snap.StartTime // a later answer without it keeps the one seen
	}
	w.snap = snap
	w.snap.Seen = true
	if snap.StatusError != "" && w.firstErr == "" {
		w.firstErr = snap.StatusError
	}
	if isUnavailableText(snap.StatusError) && !w.unavailed {
		w.unavailed = true
		close(w.unavail)
	}
}

func (w *statusWatch) result() (LiveStatusSnapshot, bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.snap
	if w.firstErr != "" {
		s.StatusError = w.firstErr
	}
	return s, w.answered, w.askErr
}

func watchStatus(ctx context.Context, status LiveStatusReader, every time.Duration, streamID string, w *statusWatch) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		actx, cancel := context.WithTimeout(ctx, max(every, 5*time.Second))
		snap, found, err := status.LiveStatus(actx, streamID)
		cancel()
		if ctx.Err() != nil {
			return
		}
		w.record(snap, found, err)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// GatewayLiveStatus reads live status from a gateway's HTTP API.
func GatewayLiveStatus(c *livepeer.GatewayClient) LiveStatusReader { return gatewayStatus{c} }

type gatewayStatus struct{ c *livepeer.GatewayClient }

func (g gatewayStatus) LiveStatus(ctx context.Context, streamID string) (LiveStatusSnapshot, bool, error) {
	s, err := g.c.LiveStatus(ctx, streamID)
	if errors.Is(err, livepeer.ErrStreamNotFound) {
		return LiveStatusSnapshot{}, false, nil
	}
	if err != nil {
		return LiveStatusSnapshot{}, false, err
	}
	snap := LiveStatusSnapshot{Status: livemetrics.Status{StatusState: s.State, StatusInputFPS: s.InputFPS,
		StatusInferenceFPS: s.InferenceFPS, StatusOrchestrator: s.OrchestratorURL, StatusError: s.GatewayError},
		StartTime: s.StartTime}
	if snap.StatusError == "" && s.LastError != "" {
		snap.StatusError = "runner: " + s.LastError
	}
	if raw, err := json.Marshal(s); err == nil && len(raw) <= 16<<10 {
		snap.StatusJSON = string(raw)
	}
	return snap, true, nil
}
