package models

import "time"

// JobType is a row of job_types: "transcoding" or "ai".
type JobType struct {
	ID   int64
	Name string
}

// Region is a row of regions. The same code (Name) appears once per job
// type it serves.
type Region struct {
	ID          int64
	Name        string
	DisplayName string
	JobTypeID   int64
	JobType     string `gorm:"-"`
}

// Outcome of one test. Only pass and fail count against an orchestrator;
// unavailable (no capacity, nothing selected) and tester_error (our side
// broke) are kept for the record but never scored.
type Outcome string

const (
	OutcomePass        Outcome = "pass"
	OutcomeFail        Outcome = "fail"
	OutcomeUnavailable Outcome = "unavailable"
	OutcomeTesterError Outcome = "tester_error"
)

// Scored reports whether results with this outcome enter scores.
func (o Outcome) Scored() bool { return o == OutcomePass || o == OutcomeFail }

// Valid reports whether o is one of the four outcomes.
func (o Outcome) Valid() bool {
	switch o {
	case OutcomePass, OutcomeFail, OutcomeUnavailable, OutcomeTesterError:
		return true
	}
	return false
}

// Result is a row of results: every field of a posted Stats payload plus
// when it was received, which ingest key posted it, and its outcome.
type Result struct {
	ID               int64
	ReceivedAt       time.Time
	Orchestrator     string
	RegionID         int64
	Pipeline         string
	Model            string
	Outcome          Outcome
	IngestKey        string
	SuccessRate      float64
	RoundTripTime    float64
	Errors           string // JSON array of {error_code, message, count}
	Timestamp        int64
	SegDuration      float64
	SegmentsSent     int
	SegmentsReceived int
	UploadTime       float64
	DownloadTime     float64
	TranscodeTime    float64
	ModelIsWarm      bool
	InputParameters  string
	ResponsePayload  string
	SweepID          *int64 // our own tests: the sweep that ran it
	HTTPStatus       int    // our own tests: the gateway's status, 0 for none
}

// Rollup is a row of rollups: the additive totals of one series in one hour.
type Rollup struct {
	Bucket                 time.Time `gorm:"primaryKey"`
	Orchestrator           string    `gorm:"primaryKey"`
	RegionID               int64     `gorm:"primaryKey"`
	Pipeline               string    `gorm:"primaryKey"`
	Model                  string    `gorm:"primaryKey"`
	Results                int64
	SumSuccessRate         float64
	SumSegDuration         float64
	SumRoundTripTime       float64
	Passed                 int64
	SumPassedRoundTripTime float64
	Version                int64
	UpdatedAt              int64 `gorm:"autoUpdateTime:false"`
}
