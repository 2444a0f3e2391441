package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"jobtester/livepeer"
	"jobtester/models"
)

// ParamKind is the JSON type of a test parameter.
type ParamKind string

// Parameter kinds.
const (
	ParamString  ParamKind = "string"
	ParamInteger ParamKind = "integer"
	ParamNumber  ParamKind = "number"
	ParamBoolean ParamKind = "boolean"
)

// ParamSpec is one request field an admin may set on a pipeline's test.
// A parameter set by an admin replaces the drawn value in every request
// (a fixed prompt or seed makes the tests predictable again: see
// docs/tester.md). Fields the output check depends on (image and video
// sizes, the input files, the model, the LLM question) are not among
// them: changing them would make every correct answer fail the check.
type ParamSpec struct {
	Name     string    `json:"name"`
	Kind     ParamKind `json:"kind"`
	Min      float64   `json:"min,omitempty"` // integer and number
	Max      float64   `json:"max,omitempty"`
	MaxLen   int       `json:"max_len,omitempty"` // string
	Help     string    `json:"help"`
	Required bool      `json:"-"`
}

var (
	pPrompt   = ParamSpec{Name: "prompt", Kind: ParamString, MaxLen: 2000, Help: "text prompt"}
	pNegative = ParamSpec{Name: "negative_prompt", Kind: ParamString, MaxLen: 2000, Help: "what the image should not show"}
	pSeed     = ParamSpec{Name: "seed", Kind: ParamInteger, Min: 0, Max: math.MaxInt32, Help: "random seed; a fixed seed makes answers comparable"}
	pGuidance = ParamSpec{Name: "guidance_scale", Kind: ParamNumber, Min: 0, Max: 50, Help: "how closely to follow the prompt"}
	pSteps    = ParamSpec{Name: "num_inference_steps", Kind: ParamInteger, Min: 1, Max: 200, Help: "denoising steps (more is slower)"}
)

// DefinitionParams lists, per pipeline, the parameters its test takes.
// They overlay the request Build makes: JSON routes get them typed, form
// routes as text. docs/admin.md has the same table.
var DefinitionParams = map[string][]ParamSpec{
	"Text to image":  {pPrompt, pNegative, pSeed, pGuidance, pSteps, {Name: "safety_check", Kind: ParamBoolean, Help: "run the NSFW checker"}},
	"Image to image": {pPrompt, pNegative, pSeed, pGuidance, pSteps, {Name: "strength", Kind: ParamNumber, Min: 0, Max: 1, Help: "how far to move from the input image"}},
	"Image to video": {pSeed, pSteps,
		{Name: "fps", Kind: ParamInteger, Min: 1, Max: 60, Help: "frames per second of the video"},
		{Name: "motion_bucket_id", Kind: ParamInteger, Min: 1, Max: 255, Help: "amount of motion"},
		{Name: "noise_aug_strength", Kind: ParamNumber, Min: 0, Max: 1, Help: "noise added to the input image"}},
	"Upscale":       {pPrompt, pSeed, pSteps},
	"Audio to text": {{Name: "return_timestamps", Kind: ParamString, MaxLen: 16, Help: "true, false or word"}},
	"Segment anything 2": {
		{Name: "point_coords", Kind: ParamString, MaxLen: 1000, Help: "JSON list of [x, y] points inside the 512×512 input"},
		{Name: "point_labels", Kind: ParamString, MaxLen: 1000, Help: "JSON list of 1 (foreground) or 0 (background), one per point"},
		{Name: "multimask_output", Kind: ParamBoolean, Help: "return three masks instead of one"}},
	"Llm": {
		{Name: "max_tokens", Kind: ParamInteger, Min: 1, Max: 4096, Help: "longest answer, in tokens"},
		{Name: "temperature", Kind: ParamNumber, Min: 0, Max: 2, Help: "sampling temperature"},
		{Name: "top_p", Kind: ParamNumber, Min: 0, Max: 1, Help: "nucleus sampling"}},
	"Image to text": {pPrompt},
	"Text to speech": {
		{Name: "text", Kind: ParamString, MaxLen: 2000, Help: "what to say"},
		{Name: "description", Kind: ParamString, MaxLen: 2000, Help: "the voice to say it in"}},
}

// DefaultRequest is an example of the request a pipeline's test sends for
// model when no parameter is set, as stored with results (files
// described, not sent). Every test draws its own; this one is always the
// same draw, so that a page showing it does not change on each load.
func DefaultRequest(pipeline, model string) (map[string]any, bool) {
	def, ok := Definitions[pipeline]
	if !ok {
		return nil, false
	}
	return def.Build(model, InputRand(1)).Input, true
}

// ValidateParams checks an admin's parameters for a pipeline: a JSON object
// whose keys are among DefinitionParams[pipeline], each of its kind and
// range. It returns them decoded (numbers as int64 or float64).
func ValidateParams(pipeline, raw string) (map[string]any, error) {
	specs, ok := DefinitionParams[pipeline]
	if _, def := Definitions[pipeline]; !ok || !def {
		return nil, fmt.Errorf("pipeline %q has no built-in test", pipeline)
	}
	if strings.TrimSpace(raw) == "" {
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, fmt.Errorf("parameters must be a JSON object such as {\"seed\": 7}")
	}
	if dec.More() {
		return nil, fmt.Errorf("parameters must be one JSON object, with nothing after it")
	}
	byName := map[string]ParamSpec{}
	names := make([]string, 0, len(specs))
	for _, s := range specs {
		byName[s.Name] = s
		names = append(names, s.Name)
	}
	sort.Strings(names)
	out := make(map[string]any, len(obj))
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the first error is the same each time
	for _, k := range keys {
		spec, ok := byName[k]
		if !ok {
			return nil, fmt.Errorf("%s takes no parameter %q; it takes %s", pipeline, k, strings.Join(names, ", "))
		}
		v, err := spec.check(obj[k])
		if err != nil {
			return nil, fmt.Errorf("parameter %s: %w", k, err)
		}
		out[k] = v
	}
	return out, nil
}

func (s ParamSpec) check(v any) (any, error) {
	switch s.Kind {
	case ParamString:
		str, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("must be a string")
		}
		if s.MaxLen > 0 && len(str) > s.MaxLen {
			return nil, fmt.Errorf("must be at most %d bytes", s.MaxLen)
		}
		if strings.IndexByte(str, 0) >= 0 {
			return nil, fmt.Errorf("must not contain NUL characters")
		}
		return str, nil
	case ParamBoolean:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("must be true or false")
		}
		return b, nil
	case ParamInteger, ParamNumber:
		n, ok := v.(json.Number)
		if !ok {
			return nil, fmt.Errorf("must be a number")
		}
		f, err := n.Float64()
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, fmt.Errorf("must be a finite number")
		}
		if f < s.Min || f > s.Max {
			return nil, fmt.Errorf("must be between %s and %s", fmtNum(s.Min), fmtNum(s.Max))
		}
		if s.Kind == ParamNumber {
			return f, nil
		}
		i, err := strconv.ParseInt(n.String(), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("must be a whole number")
		}
		return i, nil
	}
	return nil, fmt.Errorf("unknown kind %s", s.Kind)
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// DefinitionOverride is how an admin changed one pipeline's test.
type DefinitionOverride struct {
	Enabled bool
	Params  map[string]any
}

// DefinitionSource is where overrides are stored (models.Store).
type DefinitionSource interface {
	TestDefinitions(ctx context.Context) ([]models.TestDefinition, error)
}

// LoadOverrides reads the stored overrides by pipeline. Stored parameters
// that no longer validate (a hand edit, a parameter dropped in a newer
// version) are left out and reported in problems, so the test runs as
// built rather than with a request the gateway would refuse.
func LoadOverrides(ctx context.Context, src DefinitionSource) (map[string]DefinitionOverride, []string, error) {
	rows, err := src.TestDefinitions(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("read test definitions: %w", err)
	}
	out := make(map[string]DefinitionOverride, len(rows))
	var problems []string
	for _, r := range rows {
		if _, ok := Definitions[r.Pipeline]; !ok {
			continue
		}
		params, err := ValidateParams(r.Pipeline, r.Params)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: stored parameters ignored: %v", r.Pipeline, err))
			params = nil
		}
		out[r.Pipeline] = DefinitionOverride{Enabled: r.Enabled, Params: params}
	}
	return out, problems, nil
}

// ApplyOverrides is the planner's hook for admin overrides: targets of a
// disabled pipeline leave the plan (and are listed as skipped), the others
// carry their pipeline's parameters to the runner.
func ApplyOverrides(targets []Target, skipped []Skipped, overrides map[string]DefinitionOverride) ([]Target, []Skipped) {
	if len(overrides) == 0 {
		return targets, skipped
	}
	kept := targets[:0:0]
	for _, t := range targets {
		o, ok := overrides[t.Capability.Pipeline]
		switch {
		case !ok:
		case !o.Enabled:
			skipped = append(skipped, Skipped{t.Orchestrator, "test of " + t.Capability.Pipeline + " disabled by an admin"})
			continue
		default:
			t.Params = o.Params
		}
		kept = append(kept, t)
	}
	return kept, skipped
}

// applyParams overlays an admin's parameters on the request Build made,
// and on its description stored with the result.
func applyParams(job *livepeer.Job, input map[string]any, params map[string]any) {
	if len(params) == 0 {
		return
	}
	body, _ := job.JSON.(map[string]any)
	for k, v := range params {
		switch {
		case body != nil:
			body[k] = v
		case job.Form != nil:
			job.Form[k] = formValue(v)
		default:
			continue
		}
		if input != nil {
			input[k] = v
		}
	}
}

func formValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return fmtNum(x)
	}
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(v)
	return strings.TrimSpace(buf.String())
}

// planOverrides applies the stored overrides to a plan; without a source
// the built-in tests run unchanged.
func (t *Tester) planOverrides(ctx context.Context, targets []Target, skipped []Skipped) ([]Target, []Skipped, error) {
	if t.Definitions == nil {
		return targets, skipped, nil
	}
	overrides, problems, err := LoadOverrides(ctx, t.Definitions)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range problems {
		t.Log.Warn("test definition override not applied", "problem", p)
	}
	targets, skipped = ApplyOverrides(targets, skipped, overrides)
	return targets, skipped, nil
}
