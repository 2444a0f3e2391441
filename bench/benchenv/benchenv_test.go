package benchenv

import (
	"strconv"
	"testing"
)

func TestLoadAvgIsANumberHere(t *testing.T) {
	got := LoadAvg()
	if _, err := strconv.ParseFloat(got, 64); err != nil {
		t.Fatalf("LoadAvg() = %q on Linux, want a number", got)
	}
}
