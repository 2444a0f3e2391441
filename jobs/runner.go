package jobs

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"jobtester/livepeer"
	"jobtester/models"
)

// AIRunner runs batch AI tests: it pins the lane's gateway to the target,
// sends the pipeline's request, and judges the answer.
type AIRunner struct {
	// JobTimeout bounds one attempt, media fetch included.
	JobTimeout time.Duration
	// CaptureBytes caps the answer kept with the result (0: none).
	CaptureBytes int
	// Verifier checks answers beyond their format; nil: format only.
	Verifier *Verifier
}

// Run is an Executor.
func (r *AIRunner) Run(ctx context.Context, lane *Lane, t Target, attempt int) Result {
	res := Result{Target: t, Lane: lane.Name, Attempt: attempt, StartedAt: time.Now()}
	finish := func(o models.Outcome, msg string) Result {
		res.Outcome, res.Error, res.FinishedAt = o, cleanText(msg), time.Now()
		return res
	}
	def, ok := Definitions[t.Capability.Pipeline]
	if !ok {
		return finish(models.OutcomeTesterError, fmt.Sprintf("no test definition for pipeline %q", t.Capability.Pipeline))
	}
	req := def.Build(t.Capability.Model, InputRand(t.InputSeed))
	applyParams(&req.Job, req.Input, t.Params)
	res.Input = describeInput(req.Input)
	if req.Err != nil {
		return finish(models.OutcomeTesterError, req.Err.Error())
	}
	lane.Webhook.Pin(t.URI)
	defer lane.Webhook.Clear()

	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, r.JobTimeout)
	defer cancel()
	jr := lane.Client.Submit(ctx, req.Job)
	res.HTTPStatus, res.RoundTrip = jr.Status, jr.RoundTrip
	res.Response = capture(jr.Body, r.CaptureBytes)
	if parent.Err() != nil {
		// The sweep was stopped (shutdown): whatever the gateway said, the
		// test did not run to its end and says nothing of the orchestrator.
		return finish(models.OutcomeTesterError, "test cancelled: the sweep was stopped")
	}
	switch jr.Class {
	case livepeer.ClassOK:
	case livepeer.ClassNoCapacity:
		// 503, or the gateway closing the connection without answering: no
		// orchestrator could be selected. Not the orchestrator's fault yet.
		return finish(models.OutcomeUnavailable, orDefault(jr.Message, "no orchestrator available"))
	case livepeer.ClassBadRequest:
		// The gateway refused our request: our side is wrong, not the node.
		return finish(models.OutcomeTesterError, "gateway refused the request (400): "+jr.Message)
	case livepeer.ClassTransport:
		return finish(models.OutcomeTesterError, "gateway unreachable: "+jr.Message)
	case livepeer.ClassTimeout:
		if parent.Err() != nil {
			// The sweep was stopped, not the job's deadline.
			return finish(models.OutcomeTesterError, "test cancelled: "+jr.Message)
		}
		return finish(models.OutcomeFail, fmt.Sprintf("no answer within %s", r.JobTimeout))
	default:
		return finish(models.OutcomeFail, fmt.Sprintf("gateway answered %d: %s", jr.Status, orDefault(jr.Message, "error")))
	}
	if jr.Truncated {
		// Our size cap, not the orchestrator's fault.
		return finish(models.OutcomeTesterError, fmt.Sprintf("answer of %d bytes or more is past the tester's limit", len(jr.Body)))
	}
	if err := def.Check(ctx, lane.Client, req, jr); err != nil {
		switch {
		case parent.Err() != nil:
			return finish(models.OutcomeTesterError, "test cancelled while checking the answer: the sweep was stopped")
		case errors.Is(err, livepeer.ErrTooLarge):
			return finish(models.OutcomeTesterError, "answer past the tester's size limit: "+err.Error())
		}
		if ctx.Err() != nil {
			return finish(models.OutcomeFail, fmt.Sprintf("answer could not be checked within %s: %v", r.JobTimeout, err))
		}
		return finish(models.OutcomeFail, "bad answer: "+err.Error())
	}
	if r.Verifier != nil {
		res.Evidence = r.Verifier.Check(ctx, lane.Client, t, req, jr)
		if res.Evidence != nil && t.Probe == nil {
			res.Evidence.gray = nil // only a probe's consensus reads it
		}
		if parent.Err() != nil {
			return finish(models.OutcomeTesterError, "test cancelled while verifying the answer: the sweep was stopped")
		}
		if res.Evidence != nil && res.Evidence.Flag != nil {
			return finish(models.OutcomeFail, res.Evidence.Flag.Error())
		}
	}
	return finish(models.OutcomePass, "")
}

// capture keeps up to limit bytes of an answer as valid text: the
// databases refuse NUL and (PostgreSQL) invalid UTF-8, and an answer is
// whatever the network sent.
func capture(body []byte, limit int) string {
	if limit <= 0 || len(body) == 0 {
		return ""
	}
	suffix := ""
	if len(body) > limit {
		body, suffix = body[:limit], "…("+strconv.Itoa(len(body))+" bytes)"
	}
	return cleanText(string(body)) + suffix
}

func cleanText(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\ufffd"), "\x00", "")
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
