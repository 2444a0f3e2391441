package web

import "testing"

func TestFmtWei(t *testing.T) {
	for wei, want := range map[string]string{
		"75000000000000000000000":   "75,000 LPT",
		"0":                         "0 LPT",
		"1":                         "0 LPT", // below the shown precision
		"12500000000000000":         "0.0125 LPT",
		"1234567890000000000000000": "1,234,567.89 LPT",
		"99999999999999999999":      "100 LPT", // rounds up to a whole
		"115792089237316195423570985008687907853269984665640564039457584007913129639935": "115,792,089,237,316,195,423,570,985,008,687,907,853,269,984,665,640,564,039,457.584 LPT",
		"-2000000000000000000": "−2 LPT",
		"nope":                 "nope",
		"":                     "",
	} {
		if got := fmtWei(wei, "LPT"); got != want {
			t.Errorf("fmtWei(%q) = %q, want %q", wei, got, want)
		}
	}
}

func TestFmtPPMAndRound(t *testing.T) {
	for ppm, want := range map[string]string{"100000": "10 %", "0": "0 %", "1000000": "100 %", "123456": "12.35 %", "5": "0 %", "x": ""} {
		if got := fmtPPM(ppm); got != want {
			t.Errorf("fmtPPM(%q) = %q, want %q", ppm, got, want)
		}
	}
	for round, want := range map[string]string{"3850": "round 3,850", "7": "round 7", "": "", "12345678": "round 12,345,678"} {
		if got := fmtRound(round); got != want {
			t.Errorf("fmtRound(%q) = %q, want %q", round, got, want)
		}
	}
}

func TestFmtPricePerPixel(t *testing.T) {
	for rat, want := range map[string]string{
		"1200":        "1,200 wei per pixel (1.2 gwei per megapixel)",
		"1841/20":     "92.05 wei per pixel (0.092 gwei per megapixel)",
		"4768371":     "4,768,371 wei per pixel (4,768.371 gwei per megapixel)",
		"2500/3":      "833.333 wei per pixel (0.833 gwei per megapixel)",
		"0":           "0 wei per pixel (0 gwei per megapixel)",
		"":            "",
		"x":           "",
		"1/0":         "",
		"-5":          "",
		"1200.5.5":    "",
		"1e400000000": "",
	} {
		if got := fmtPricePerPixel(rat); got != want {
			t.Errorf("fmtPricePerPixel(%q) = %q, want %q", rat, got, want)
		}
	}
}
