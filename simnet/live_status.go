package simnet

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"
)

func (g *gateway) serveLiveStatus(w http.ResponseWriter, streamID string) {
	g.live.mu.Lock()
	s := g.live.byID[streamID]
	g.live.mu.Unlock()
	if s == nil {
		http.Error(w, "Stream not found", http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, s.status(time.Now()))
}

// The status JSON (docs/livepeer.md, "Live video through the gateway"): the
// runner's last status event plus
// the gateway's keys. Before an orchestrator is attached there is no
// runner event, so only gateway_status is present.
type liveStatus struct {
	Type                string               `json:"type,omitempty"`
	Pipeline            string               `json:"pipeline,omitempty"`
	StartTime           int64                `json:"start_time,omitempty"`
	State               string               `json:"state,omitempty"`
	LastStateUpdateTime int64                `json:"last_state_update_time,omitempty"`
	InputStatus         *liveInputStatus     `json:"input_status,omitempty"`
	InferenceStatus     *liveInferenceStatus `json:"inference_status,omitempty"`
	LastStatusTimestamp int64                `json:"last_status_timestamp,omitempty"`
	Timestamp           int64                `json:"timestamp,omitempty"`
	StreamID            string               `json:"stream_id,omitempty"`
	RequestID           string               `json:"request_id,omitempty"`
	PipelineID          string               `json:"pipeline_id,omitempty"`
	OrchestratorInfo    *liveOrchInfo        `json:"orchestrator_info,omitempty"`
	GatewayStatus       liveGatewayStatus    `json:"gateway_status"`
}

type liveInputStatus struct {
	LastInputTime int64   `json:"last_input_time"`
	FPS           float64 `json:"fps"`
}

type liveInferenceStatus struct {
	LastOutputTime       int64          `json:"last_output_time"`
	FPS                  float64        `json:"fps"`
	LastParamsUpdateTime int64          `json:"last_params_update_time"`
	LastParams           map[string]any `json:"last_params"`
	LastParamsHash       string         `json:"last_params_hash"`
	LastErrorTime        *int64         `json:"last_error_time"`
	LastError            *string        `json:"last_error"`
	LastRestartTime      *int64         `json:"last_restart_time"`
	LastRestartLogs      []string       `json:"last_restart_logs"`
	RestartCount         int            `json:"restart_count"`
}

type liveOrchInfo struct {
	Address string `json:"address"`
	URL     string `json:"url"`
}

type liveGatewayStatus struct {
	WHEPURL string            `json:"whep_url,omitempty"`
	Error   *liveGatewayError `json:"error,omitempty"`
}

type liveGatewayError struct {
	ErrorMessage string `json:"error_message"`
	ErrorTime    int64  `json:"error_time"`
}

// liveState is the runner's state of a stream at now, and since when.
func liveState(accepted time.Time, v liveJobView, now time.Time) (string, time.Time) {
	switch {
	case v.dropped:
		// Output stopped while input flows: ERROR once it has been gone
		// for liveStoppedAfter.
		if at := v.ended.Add(liveStoppedAfter); !now.Before(at) {
			return "ERROR", at
		}
		return "ONLINE", v.firstOutput
	case !v.ended.IsZero():
		return "OFFLINE", v.ended
	case v.firstOutput.IsZero():
		return "LOADING", accepted
	}
	return "ONLINE", v.firstOutput
}

// liveFPS is what /status reports as the input and inference frame rates
// in a state, from the rates the relay measured: no output while loading or
// failed, nothing at all once the stream is over.
func liveFPS(in, out float64, state string) (float64, float64) {
	switch state {
	case "LOADING", "ERROR":
		return in, 0
	case "ONLINE":
		return in, out
	}
	return 0, 0
}

func (s *liveStream) status(now time.Time) liveStatus {
	s.mu.Lock()
	job, orchURI, errMsg, errTime := s.job, s.orchURI, s.errMsg, s.errTime
	s.mu.Unlock()
	var st liveStatus
	if job != nil {
		v := job.view()
		if v.timedOut && errMsg == "" {
			errMsg, errTime = msgNoOutput, v.ended
		}
		state, since := liveState(job.accepted, v, now)
		inFPS, outFPS := job.rates(now)
		inFPS, outFPS = liveFPS(inFPS, outFPS, state)
		// Frames flow in until the relay stops reading, and out from the
		// first output frame until it ends.
		lastIn, lastOut := now, time.Time{}
		if !v.ended.IsZero() {
			lastIn = v.ended
		}
		if !v.firstOutput.IsZero() {
			lastOut = lastIn
		}
		st = liveStatus{
			Type: "status", Pipeline: s.model, StartTime: wallMS(job.accepted), State: state,
			LastStateUpdateTime: wallMS(since),
			InputStatus:         &liveInputStatus{LastInputTime: wallMS(lastIn), FPS: inFPS},
			InferenceStatus: &liveInferenceStatus{
				LastOutputTime: wallMS(lastOut), FPS: outFPS,
				LastParamsUpdateTime: wallMS(job.accepted), LastParams: s.params, LastParamsHash: paramsHash(s.params),
			},
			LastStatusTimestamp: wallMS(now), Timestamp: wallMS(now),
			StreamID: s.streamID, RequestID: s.requestID,
			OrchestratorInfo: &liveOrchInfo{Address: job.orch.spec.Address, URL: orchURI},
		}
		if state == "ERROR" {
			msg, t := msgOutputStopped, wallMS(v.ended)
			st.InferenceStatus.LastError, st.InferenceStatus.LastErrorTime = &msg, &t
		}
		st.GatewayStatus.WHEPURL = "http://localhost:8889/" + s.stream + "-" + s.requestID + "-out/whep"
	}
	if errMsg != "" {
		st.GatewayStatus.Error = &liveGatewayError{ErrorMessage: errMsg, ErrorTime: wallMS(errTime)}
	}
	return st
}

// paramsHash is the runner's last_params_hash: md5 of the params as JSON
// with sorted keys (encoding/json sorts map keys).
func paramsHash(params map[string]any) string {
	if params == nil {
		return ""
	}
	b, err := json.Marshal(params)
	if err != nil {
		return ""
	}
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}
